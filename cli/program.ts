import { Command } from 'commander';
import { packageVersion } from '../controller/package-root/index.ts';
import { loadCliRuntime } from './context.ts';
import type { CliContext } from './context.ts';
import { COMMANDS, commandName } from './commands/index.ts';
import type { CommandEntry } from './commands/index.ts';

/**
 * Builds the `netbox-gitops` command tree for one invocation; free of side effects so tests can
 * drive it. Only the command `args` name (`plan ...`, `help plan`, `plan --help`) is imported
 * and registered in full; every other command is a placeholder carrying its name and summary
 * for the command list, so `--version` and `--help` import no command module at all.
 * @param args the user's arguments, without the node and script paths.
 */
export async function buildProgram(ctx: CliContext, args: readonly string[]): Promise<Command> {
  const program = new Command('netbox-gitops')
    .description('GitOps reconciliation controller for the NetBox device catalogue')
    .version(packageVersion())
    .showHelpAfterError()
    // Subcommands inherit this when created, so no command calls process.exit itself: the
    // entry file turns every CommanderError into an exit code.
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.out.write(s),
      writeErr: (s) => ctx.err.write(s),
    })
    .addHelpText('after', '\nRun "netbox-gitops <command> --help" for the options of a command.')
    // Configuration and logging (zod, pino) load when an action is about to run, not for help.
    .hook('preAction', () => loadCliRuntime());
  const wanted = requestedCommand(args);
  for (const entry of COMMANDS) {
    if (commandName(entry) === wanted) (await entry.load())(program, ctx);
    else addPlaceholder(program, entry);
  }
  return program;
}

/**
 * The command the arguments ask for: the first one that is not an option (the program itself
 * has only --version and --help, which take no value), or the one after `help`.
 */
export function requestedCommand(args: readonly string[]): string | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/** A command that will not run in this invocation: listed by `--help`, nothing imported. */
function addPlaceholder(program: Command, entry: CommandEntry): void {
  program.command(entry.usage).summary(entry.summary).description(entry.summary);
}
