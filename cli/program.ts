import { Command } from 'commander';
import type { CliContext } from './context.ts';
import { registerCommands } from './commands/index.ts';

/** Builds the `netbox-gitops` command tree; free of side effects so tests can drive it. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('netbox-gitops')
    .description('GitOps reconciliation controller for the NetBox device catalogue')
    .version('0.1.0')
    .showHelpAfterError()
    // Subcommands inherit this when created, so no command calls process.exit itself: the
    // entry file turns every CommanderError into an exit code.
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.out.write(s),
      writeErr: (s) => ctx.err.write(s),
    });
  registerCommands(program, ctx);
  return program;
}
