import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { formatIssue } from '../../controller/errors/index.ts';
import { applyAdoption, formatAdoption, formatConflict, planAdoption } from '../../controller/onboarding/index.ts';
import type { AdoptionPlan } from '../../controller/onboarding/index.ts';
import { netBoxPortFor } from '../../controller/reconcile/index.ts';
import { ExitCode } from '../context.ts';
import type { CliContext } from '../context.ts';
import { hasErrors, loadDesired } from './desired.ts';
import type { SourceOptions } from './desired.ts';
import { netBoxClientFor } from './onboarding-common.ts';

interface AdoptOptions extends SourceOptions {
  readonly dryRun?: boolean;
  readonly yes?: boolean;
  readonly json?: boolean;
}

async function confirm(ctx: CliContext, adoption: AdoptionPlan): Promise<boolean> {
  if (!process.stdin.isTTY) {
    ctx.err.write('refusing to adopt without confirmation: standard input is not a terminal; pass --yes (or --dry-run to only look)\n');
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Tag ${adoption.writes.summary.total.update} objects as owned by these intents? Only "yes" is accepted: `);
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}

function asJson(adoption: AdoptionPlan): Record<string, unknown> {
  return {
    adoptions: adoption.adoptions,
    conflicts: adoption.conflicts,
    enforceChanges: adoption.enforceChanges,
    observeDrift: adoption.observeDrift.length,
    writes: adoption.writes.operations,
  };
}

/** `netbox-gitops adopt`: take ownership of the NetBox objects the intents match, by tagging them. */
export function registerAdoptCommand(program: Command, ctx: CliContext): void {
  program
    .command('adopt')
    .description(
      'show what taking ownership of the NetBox objects the intents match does (tags added; for mode: enforce intents, the fields and templates ' +
        'the next reconcile would change), then tag them in bulk — nothing else is written; refuses when two intents would adopt one object',
    )
    .option('--intents <dir>', 'folder of intent files (default: INTENTS_PATH)')
    .option('--library <dir>', 'devicetype-library folder (default: LIBRARY_PATH)')
    .option('--dry-run', 'only show what adopting would do')
    .option('--yes', 'tag without asking')
    .option('--json', 'machine-readable output')
    .action(async (options: AdoptOptions) => {
      const { intents, desired, issues } = await loadDesired(ctx, options);
      for (const issue of issues) ctx.err.write(`${issue.severity}: ${formatIssue(issue)}\n`);
      if (hasErrors(issues)) {
        ctx.err.write('intents are invalid: nothing was read from or written to NetBox\n');
        throw new ExitCode(1);
      }
      const suspended = new Set(intents.filter((i) => i.intent.spec.suspend).map((i) => `${i.intent.kind}/${i.intent.metadata.name}`));
      for (const name of suspended) ctx.err.write(`skipping suspended intent ${name}\n`);
      const active = desired.intents.filter((i) => !suspended.has(`${i.ref.kind}/${i.ref.name}`));
      const client = netBoxClientFor(ctx);
      try {
        const api = netBoxPortFor(client);
        const concurrency = ctx.config().netbox.concurrency;
        const adoption = await planAdoption(api, active, { concurrency });
        ctx.out.write(options.json ? `${JSON.stringify(asJson(adoption), null, 2)}\n` : `${formatAdoption(adoption)}\n`);
        if (adoption.conflicts.length > 0) {
          ctx.err.write(`refused: ${adoption.conflicts.map(formatConflict).join('; ')}\n`);
          throw new ExitCode(1);
        }
        if (options.dryRun) return;
        if (adoption.writes.operations.length === 0) {
          if (!options.json) ctx.out.write('Nothing to adopt: every object the intents match is already theirs.\n');
          return;
        }
        if (!options.yes && !(await confirm(ctx, adoption))) throw new ExitCode(1);
        const netbox = ctx.config().netbox;
        const result = await applyAdoption(api, adoption, {
          tuning: { maxChunk: netbox.writeChunk, concurrency: netbox.writeConcurrency, baseTimeoutMs: netbox.timeoutMs },
        });
        for (const f of result.failures) ctx.err.write(`failed: ${f.action} ${f.kind} ${f.identity}: ${f.message}\n`);
        const verify = await planAdoption(api, active, { concurrency });
        if (!options.json) {
          ctx.out.write(
            `Tagged ${result.records.filter((r) => r.kind !== 'tag').length} objects and created ${result.records.filter((r) => r.kind === 'tag').length} tags in ${result.requests} write requests.\n`,
          );
          ctx.out.write(
            verify.adoptions.length === 0
              ? 'verify: every object the intents match is owned by them.\n'
              : `verify: ${verify.adoptions.length} objects are still not owned\n`,
          );
        }
        if (result.failures.length > 0 || verify.adoptions.length > 0) throw new ExitCode(1);
      } finally {
        await client.close();
      }
    });
}
