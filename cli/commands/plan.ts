import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { AppError, formatIssue } from '../../controller/errors/index.ts';
import { createNetBoxClient, netBoxClientOptionsFromConfig } from '../../controller/netbox/index.ts';
import type { NetBoxClient } from '../../controller/netbox/index.ts';
import { applyAndVerify, formatPlan, formatSummary, netBoxPortFor, pendingWrites, planIntents } from '../../controller/reconcile/index.ts';
import type { ChangeRecord, OperationFailure, Plan, PlanOperation, ReconcileResult } from '../../controller/reconcile/index.ts';
import type { DesiredIntent } from '../../controller/resolve/index.ts';
import { renderPlan } from '../../controller/report/index.ts';
import type { PlanFormat } from '../../controller/report/index.ts';
import { ExitCode } from '../context.ts';
import { waitForNetBoxOption } from '../services.ts';
import type { CliContext } from '../context.ts';
import { hasErrors, loadDesired } from './desired.ts';
import { isReviewPlan, planFormatOption, reviewOptions, runReviewPlan } from './plan-review.ts';
import type { ReviewPlanOptions } from './plan-review.ts';
import type { SourceOptions } from './desired.ts';

/** What `plan --out` writes: the plan and what it was made against (Terraform's saved plan). */
interface SavedPlan {
  readonly kind: 'netbox-gitops-plan';
  readonly formatVersion: 1;
  readonly createdAt: string;
  readonly netboxUrl: string;
  /** sha256 of the plan's operations and references: the same intents against the same NetBox plan the same. */
  readonly fingerprint: string;
  readonly plan: Plan;
}

function fingerprintOf(plan: Plan): string {
  return createHash('sha256').update(JSON.stringify({ operations: plan.operations, references: plan.references, netboxVersion: plan.netboxVersion })).digest('hex');
}

function savedPlanOf(plan: Plan, netboxUrl: string): SavedPlan {
  return { kind: 'netbox-gitops-plan', formatVersion: 1, createdAt: new Date().toISOString(), netboxUrl, fingerprint: fingerprintOf(plan), plan };
}

async function readSavedPlan(ctx: CliContext, file: string): Promise<SavedPlan> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    ctx.err.write(`error: cannot read the plan file ${file}: ${(error as Error).message}\n`);
    throw new ExitCode(1);
  }
  const p = parsed as Partial<SavedPlan> | null;
  if (!p || p.kind !== 'netbox-gitops-plan' || p.formatVersion !== 1 || typeof p.fingerprint !== 'string' || !p.plan) {
    ctx.err.write(`error: ${file} is not a plan saved by \`netbox-gitops plan --out\` (format 1)\n`);
    throw new ExitCode(1);
  }
  return p as SavedPlan;
}

/**
 * Terraform's stale-plan rule: a saved plan is applied only if planning again now gives exactly
 * it — same NetBox, and neither NetBox nor the intents changed in what the plan touches.
 */
function refuseStalePlan(ctx: CliContext, saved: SavedPlan, now: Plan, netboxUrl: string, file: string): void {
  const reasons: string[] = [];
  if (saved.netboxUrl !== netboxUrl) reasons.push(`it was made for ${saved.netboxUrl}, not ${netboxUrl}`);
  if (saved.fingerprint !== fingerprintOf(now)) {
    const key = (op: PlanOperation): string => `${op.action} ${op.kind} ${op.identity}`;
    const before = new Set(saved.plan.operations.map(key));
    const after = new Set(now.operations.map(key));
    const gone = [...before].filter((k) => !after.has(k));
    const added = [...after].filter((k) => !before.has(k));
    const sample = [...gone.map((k) => `no longer: ${k}`), ...added.map((k) => `now also: ${k}`)].slice(0, 5);
    reasons.push(`NetBox or the intents changed since it was made (${saved.createdAt})${sample.length > 0 ? `: ${sample.join('; ')}` : ': the same operations now carry other values'}`);
  }
  if (reasons.length === 0) return;
  ctx.err.write(`error: refusing to apply the saved plan ${file}: ${reasons.join('; ')}. Nothing was written; run \`netbox-gitops plan --out ${file}\` again.\n`);
  throw new ExitCode(1);
}

interface PlanOptions extends SourceOptions, ReviewPlanOptions {
  /** Also save the plan to this file (`apply FILE`). */
  readonly out?: string;
  readonly json?: boolean;
  readonly format?: PlanFormat;
  readonly detailedExitcode?: boolean;
  /** --wait-for-netbox, in ms. */
  readonly waitForNetbox?: number;
}

interface ApplyOptions extends SourceOptions {
  readonly yes?: boolean;
  readonly json?: boolean;
  /** --wait-for-netbox, in ms. */
  readonly waitForNetbox?: number;
}

/**
 * Loads and resolves the intents; a single invalid intent stops here, before NetBox is asked
 * anything. Suspended intents are left out.
 */
async function desiredFor(ctx: CliContext, options: SourceOptions): Promise<DesiredIntent[]> {
  const { intents, desired, issues } = await loadDesired(ctx, options);
  for (const issue of issues) ctx.err.write(`${issue.severity}: ${formatIssue(issue)}\n`);
  if (hasErrors(issues)) {
    ctx.err.write('intents are invalid: nothing was read from or written to NetBox\n');
    throw new ExitCode(1);
  }
  const suspended = new Set(intents.filter((i) => i.intent.spec.suspend).map((i) => `${i.intent.kind}/${i.intent.metadata.name}`));
  for (const name of suspended) ctx.err.write(`skipping suspended intent ${name}\n`);
  return desired.intents.filter((i) => !suspended.has(`${i.ref.kind}/${i.ref.name}`));
}

function clientFor(ctx: CliContext, waitForNetBoxMs = 0): NetBoxClient {
  const config = ctx.config();
  return createNetBoxClient(netBoxClientOptionsFromConfig(config.netbox, { logger: ctx.logger(), waitForNetBoxMs }));
}

/** `netbox-gitops plan`: what apply would change in NetBox, as a readable diff, a pull-request comment or JSON. */
export function registerPlanCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('plan')
    .description('read NetBox (NETBOX_URL, NETBOX_TOKEN) and print what the intents would change, grouped by intent, vendor and device type')
    .option('--intents <dir>', 'folder of intent files (default: INTENTS_PATH)')
    .option('--library <dir>', 'devicetype-library folder (default: LIBRARY_PATH)')
    .option('--json', 'print the plan as JSON (what apply executes); the same as --format json')
    .addOption(planFormatOption())
    .option('--detailed-exitcode', 'exit 2 when the plan has changes, 0 when none, 1 on error')
    .option('--out <file>', 'also save the plan to FILE; `apply FILE` applies exactly it, or refuses if NetBox changed since')
    .addOption(waitForNetBoxOption());
  for (const option of reviewOptions()) command.addOption(option);
  command.action(async (options: PlanOptions) => {
      if (isReviewPlan(options)) return runReviewPlan(ctx, options);
      const intents = await desiredFor(ctx, options);
      const client = clientFor(ctx, options.waitForNetbox);
      try {
        const { plan } = await planIntents(netBoxPortFor(client), intents);
        ctx.out.write(renderPlan(plan, options.json ? 'json' : (options.format ?? 'text')));
        if (options.out) {
          await writeFile(options.out, `${JSON.stringify(savedPlanOf(plan, client.url), null, 2)}\n`);
          ctx.err.write(`saved the plan to ${options.out}; apply it with: netbox-gitops apply ${options.out}\n`);
        }
        if (options.detailedExitcode && plan.summary.changes > 0) throw new ExitCode(2);
      } finally {
        await client.close();
      }
    });
}

async function confirm(ctx: CliContext, plan: Plan): Promise<boolean> {
  if (!process.stdin.isTTY) {
    ctx.err.write('refusing to apply without confirmation: standard input is not a terminal; pass --yes\n');
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Apply ${plan.summary.changes} changes to NetBox? Only "yes" is accepted: `);
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}

function progressReporter(ctx: CliContext): ((done: number, total: number) => void) | undefined {
  const stream = ctx.err as NodeJS.WriteStream;
  if (!stream.isTTY) return undefined;
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (done < total && now - last < 200) return;
    last = now;
    stream.write(`\rapplying: ${done}/${total} objects${done === total ? '\n' : ''}`);
  };
}

/** `12 create, 3 update` for a list of change records. */
function tally(records: readonly ChangeRecord[]): string {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.action, (counts.get(r.action) ?? 0) + 1);
  return [...counts].map(([action, n]) => `${n} ${action}`).join(', ') || 'none';
}

/** One line per object that did not land, NetBox's message first; dependants summarised. */
function formatFailures(failures: readonly OperationFailure[]): string[] {
  const lines: string[] = [];
  const dependants = failures.filter((f) => f.cause === 'depends');
  for (const f of failures) if (f.cause !== 'depends') lines.push(`failed: ${f.action} ${f.kind} ${f.identity}: ${f.message}`);
  if (dependants.length > 0) {
    lines.push(`not sent: ${dependants.length} object(s) whose parent or reference did not land, e.g. ${dependants.slice(0, 3).map((f) => `${f.kind} ${f.identity}`).join(', ')}`);
  }
  return lines;
}

function formatResult(result: ReconcileResult): string {
  const { apply } = result;
  const byRead = apply.records.filter((r) => r.confirmedBy === 'read-back').length;
  const lines = [
    `applied ${apply.records.length} changes (${tally(apply.records)}) in ${apply.requests} write requests` +
      `${result.rounds > 1 ? ` over ${result.rounds} rounds` : ''}`,
  ];
  if (apply.unknownOutcomes > 0) {
    lines.push(`${apply.unknownOutcomes} write(s) got no answer in time; ${apply.readBacks} read-back(s) confirmed ${byRead} change(s), the rest was sent again`);
  }
  if (apply.skipped > 0) lines.push(`${apply.skipped} changes of observe-mode intents not applied`);
  lines.push(...formatFailures(apply.failures));
  if (apply.cancelled) lines.push('cancelled before the plan was complete');
  lines.push(`verify: ${formatSummary(result.verify)}`);
  return `${lines.join('\n')}\n`;
}

/** `netbox-gitops apply`: shows the plan, asks, applies it, verifies and summarises. */
export function registerApplyCommand(program: Command, ctx: CliContext): void {
  program
    .command('apply [planFile]')
    .description('show the plan, ask for confirmation (unless --yes), apply it to NetBox, verify and print a summary; with a file from `plan --out`, apply exactly that plan')
    .option('--intents <dir>', 'folder of intent files (default: INTENTS_PATH)')
    .option('--library <dir>', 'devicetype-library folder (default: LIBRARY_PATH)')
    .option('--yes', 'apply without asking')
    .option('--json', 'print the plan and the result as JSON')
    .addOption(waitForNetBoxOption())
    .action(async (planFile: string | undefined, options: ApplyOptions) => {
      const saved = planFile !== undefined ? await readSavedPlan(ctx, planFile) : undefined;
      const intents = await desiredFor(ctx, options);
      const client = clientFor(ctx, options.waitForNetbox);
      try {
        const api = netBoxPortFor(client);
        const { plan } = await planIntents(api, intents);
        if (saved) refuseStalePlan(ctx, saved, plan, client.url, planFile ?? '');
        if (!options.json) ctx.out.write(`${formatPlan(plan)}\n`);
        if (plan.summary.changes === 0) {
          if (options.json) ctx.out.write(`${JSON.stringify({ plan, result: null }, null, 2)}\n`);
          else ctx.out.write('NetBox already matches the intents.\n');
          return;
        }
        if (!options.yes && !(await confirm(ctx, plan))) throw new ExitCode(1);
        const onProgress = progressReporter(ctx);
        const netbox = ctx.config().netbox;
        const written: ChangeRecord[] = [];
        let result: ReconcileResult;
        try {
          result = await applyAndVerify(api, intents, plan, {
            tuning: { maxChunk: netbox.writeChunk, concurrency: netbox.writeConcurrency, baseTimeoutMs: netbox.timeoutMs },
            readConcurrency: netbox.concurrency,
            onRecords: (records) => void written.push(...records),
            ...(onProgress ? { onProgress } : {}),
          });
        } catch (error) {
          // Say what did land before the failure: the error describes only the request that failed.
          if (!(error instanceof AppError)) throw error;
          ctx.err.write(`error: ${error.message}\n`);
          ctx.err.write(`apply stopped: ${written.length} change(s) were applied before the failure (${tally(written)}); run apply again to finish.\n`);
          throw new ExitCode(1);
        }
        ctx.out.write(options.json ? `${JSON.stringify({ plan, result: { apply: result.apply, rounds: result.rounds, verify: result.verify.summary } }, null, 2)}\n` : formatResult(result));
        const enforcedDrift = pendingWrites(result.verify);
        if (result.apply.failures.length > 0 || enforcedDrift > 0) throw new ExitCode(1);
      } finally {
        await client.close();
      }
    });
}
