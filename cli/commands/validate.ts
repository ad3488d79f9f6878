import type { Command } from 'commander';
import { formatIssue } from '../../controller/errors/index.ts';
import { ExitCode } from '../context.ts';
import type { CliContext } from '../context.ts';
import { hasErrors, loadDesired } from './desired.ts';
import type { SourceOptions } from './desired.ts';

interface ValidateOptions extends SourceOptions {
  readonly json?: boolean;
}

/** `netbox-gitops validate`: exit 0 when every intent is valid against the schema and library. */
export function registerValidateCommand(program: Command, ctx: CliContext): void {
  program
    .command('validate')
    .description('check intent files against the intent schema and the devicetype-library; exit 1 listing every error')
    .option('--intents <dir>', 'folder of intent files (default: INTENTS_PATH)')
    .option('--library <dir>', 'devicetype-library folder (default: LIBRARY_PATH)')
    .option('--json', 'machine-readable output')
    .action(async (options: ValidateOptions) => {
      const { intents, issues } = await loadDesired(ctx, options);
      const ok = !hasErrors(issues);
      if (options.json) {
        ctx.out.write(
          `${JSON.stringify({ valid: ok, intents: intents.map((i) => ({ kind: i.intent.kind, name: i.intent.metadata.name, file: i.file })), issues }, null, 2)}\n`,
        );
      } else {
        for (const issue of issues) ctx.out.write(`${issue.severity}: ${formatIssue(issue)}\n`);
        const errors = issues.filter((i) => i.severity === 'error').length;
        const warnings = issues.length - errors;
        ctx.out.write(ok ? `${intents.length} intents valid (${warnings} warnings)\n` : `${errors} errors, ${warnings} warnings\n`);
      }
      if (!ok) throw new ExitCode(1);
    });
}
