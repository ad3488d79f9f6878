import type { Command } from 'commander';
import { TEMPLATE_KINDS } from '../../controller/catalogue/index.ts';
import { formatIssue } from '../../controller/errors/index.ts';
import type { DesiredIntent } from '../../controller/resolve/index.ts';
import { ExitCode } from '../context.ts';
import type { CliContext } from '../context.ts';
import { hasErrors, loadDesired } from './desired.ts';
import type { SourceOptions } from './desired.ts';

interface ResolveOptions extends SourceOptions {
  readonly json?: boolean;
}

/** Counts of what one intent asks for, per kind and per vendor. */
export function countDesired(intent: DesiredIntent): { total: Record<string, number>; byVendor: Record<string, Record<string, number>> } {
  const total: Record<string, number> = {
    manufacturers: intent.manufacturers.length,
    'device-types': intent.deviceTypes.length,
    'module-types': intent.moduleTypes.length,
  };
  const byVendor: Record<string, Record<string, number>> = {};
  const add = (vendor: string, key: string, n: number): void => {
    const v = (byVendor[vendor] ??= {});
    v[key] = (v[key] ?? 0) + n;
    total[key] = (total[key] ?? 0) + (key.endsWith('-templates') ? n : 0);
  };
  for (const t of [...intent.deviceTypes, ...intent.moduleTypes]) {
    add(t.manufacturer, 'slug' in t ? 'device-types' : 'module-types', 1);
    for (const kind of TEMPLATE_KINDS) {
      const n = t.templates[kind]?.length ?? 0;
      if (n > 0) add(t.manufacturer, `${kind}-templates`, n);
    }
  }
  return { total, byVendor };
}

/** `netbox-gitops resolve`: what the intents ask for, resolved against the library. */
export function registerResolveCommand(program: Command, ctx: CliContext): void {
  program
    .command('resolve')
    .description('print what the intents ask for: counts per kind and vendor (--json: the full desired state)')
    .option('--intents <dir>', 'folder of intent files (default: INTENTS_PATH)')
    .option('--library <dir>', 'devicetype-library folder (default: LIBRARY_PATH)')
    .option('--json', 'print the full desired state as JSON')
    .action(async (options: ResolveOptions) => {
      const { desired, issues } = await loadDesired(ctx, options);
      for (const issue of issues) ctx.err.write(`${issue.severity}: ${formatIssue(issue)}\n`);
      if (hasErrors(issues)) throw new ExitCode(1);
      if (options.json) {
        ctx.out.write(`${JSON.stringify(desired, null, 2)}\n`);
        return;
      }
      ctx.out.write(`library revision ${desired.libraryRevision}\n`);
      for (const intent of desired.intents) {
        const { total, byVendor } = countDesired(intent);
        ctx.out.write(`\n${intent.ref.kind}/${intent.ref.name} (${intent.policy.mode})\n`);
        ctx.out.write(
          `  ${Object.entries(total)
            .map(([k, n]) => `${n} ${k}`)
            .join(', ')}\n`,
        );
        for (const [vendor, counts] of Object.entries(byVendor).sort()) {
          ctx.out.write(
            `    ${vendor}: ${Object.entries(counts)
              .map(([k, n]) => `${n} ${k}`)
              .join(', ')}\n`,
          );
        }
      }
    });
}
