// `netbox-gitops apply`: the plan, a confirmation, then the reconcile pipeline — as a recorded
// process when a database is configured (the same steps, audit rows and per-intent run locks as
// a worker's reconcile), in memory and unrecorded otherwise.
import { userInfo, hostname } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { Option } from 'commander';
import type { Command } from 'commander';
import { createPool, migrate } from '../../controller/db/index.ts';
import type { Pool } from '../../controller/db/index.ts';
import { AppError } from '../../controller/errors/index.ts';
import type { Intent } from '../../controller/intents/index.ts';
import { formatPlan, formatSummary, netBoxPortFor, pendingWrites, planIntents } from '../../controller/reconcile/index.ts';
import type { ChangeRecord, NetBoxPort, OperationFailure, Plan, ReconcileResult } from '../../controller/reconcile/index.ts';
import type { DesiredIntent } from '../../controller/resolve/index.ts';
import { APPLY_INTENTS_WORKFLOW, createDbIntentStore, reconcileMemory, runWorkflowHere, runWorkflowInMemory } from '../../controller/workflow/index.ts';
import type { WorkflowTuning, ProcessRecord, ReconcileMemory } from '../../controller/workflow/index.ts';
import { ExitCode } from '../context.ts';
import type { CliContext } from '../context.ts';
import type { SourceOptions } from './desired.ts';
import { openLibrary } from './library.ts';
import { applicableIntents, clientFor, readSavedPlan, refuseStalePlan } from './plan.ts';
import { parseWait, waitForNetBoxOption } from '../durations.ts';

interface ApplyOptions extends SourceOptions {
  readonly yes?: boolean;
  readonly json?: boolean;
  /** false with --no-record. */
  readonly record?: boolean;
  /** Milliseconds (parsed by commander). */
  readonly lockTimeout: number;
  /** --wait-for-netbox, in ms. */
  readonly waitForNetbox?: number;
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
    lines.push(
      `not sent: ${dependants.length} object(s) whose parent or reference did not land, e.g. ${dependants
        .slice(0, 3)
        .map((f) => `${f.kind} ${f.identity}`)
        .join(', ')}`,
    );
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
    lines.push(
      `${apply.unknownOutcomes} write(s) got no answer in time; ${apply.readBacks} read-back(s) confirmed ${byRead} change(s), the rest was sent again`,
    );
  }
  if (apply.skipped > 0) lines.push(`${apply.skipped} changes of observe-mode intents not applied`);
  lines.push(...formatFailures(apply.failures));
  if (apply.cancelled) lines.push('cancelled before the plan was complete');
  lines.push(`verify: ${formatSummary(result.verify)}`);
  return `${lines.join('\n')}\n`;
}

/** Who applies, for `processes.created_by`. */
function appliedBy(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (a container's numeric user): the host still says where it came from.
  }
  return `cli:${user}@${hostname()}`;
}

/** What either way of running the pipeline reports back. */
interface PipelineOutcome {
  readonly memory: ReconcileMemory;
  /** The recorded process, or undefined when nothing was recorded. */
  readonly process?: ProcessRecord;
  /** The error that stopped the pipeline, if any. */
  readonly error?: unknown;
  /** Changes NetBox accepted before a stop (records of this run). */
  readonly written: readonly ChangeRecord[];
}

interface PipelineInput {
  readonly intents: readonly Intent[];
  readonly desired: readonly DesiredIntent[];
  readonly api: NetBoxPort;
  readonly planned: Awaited<ReturnType<typeof planIntents>>;
}

function tuningOf(ctx: CliContext): WorkflowTuning {
  const netbox = ctx.config().netbox;
  return {
    applyChunkSize: netbox.writeChunk,
    applyConcurrency: netbox.writeConcurrency,
    readConcurrency: netbox.concurrency,
    requestTimeoutMs: netbox.timeoutMs,
    attempts: 1,
  };
}

/** The run's memory, seeded with what the plan shown to the user was made from (NetBox is not read twice). */
function seededMemory(ctx: CliContext, input: PipelineInput, written: ChangeRecord[]): Map<string, unknown> {
  const memory = new Map<string, unknown>();
  const seeded = reconcileMemory(memory);
  seeded.desired = input.desired;
  seeded.netboxState = input.planned.snapshot;
  seeded.imageHashes = input.planned.imageHashes;
  const progress = progressReporter(ctx);
  seeded.onProgress = (done, total) => progress?.(done, total);
  seeded.onRecords = (records) => void written.push(...records);
  return memory;
}

/** Opens the database and brings its schema up to date; a database that was asked for but does not answer stops apply before NetBox is touched. */
async function openDatabase(ctx: CliContext): Promise<Pool> {
  const config = ctx.config();
  const pool = createPool(config.database, { applicationName: 'netbox-gitops-cli', logger: ctx.logger() });
  try {
    await migrate(pool, { logger: ctx.logger() });
    return pool;
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}

async function runRecorded(ctx: CliContext, pool: Pool, input: PipelineInput, options: ApplyOptions): Promise<PipelineOutcome> {
  const config = ctx.config();
  const written: ChangeRecord[] = [];
  const memory = seededMemory(ctx, input, written);
  const library = openLibrary(ctx, options);
  const result = await runWorkflowHere(
    {
      pool,
      redis: config.redis,
      queueName: config.workflow.queue,
      logger: ctx.logger(),
      netbox: () => input.api,
      library,
      intents: createDbIntentStore(pool),
      tuning: tuningOf(ctx),
    },
    APPLY_INTENTS_WORKFLOW,
    { intents: input.intents, origin: 'cli' },
    {
      memory,
      createdBy: appliedBy(),
      lockTimeoutMs: options.lockTimeout,
      onCreated: (process) => ctx.err.write(`recording this apply as process ${process.id}\n`),
      onWaiting: (holder) => ctx.err.write(`waiting for process ${holder.processId} (${holder.workflow}) to finish with ${holder.intent}...\n`),
    },
  );
  const error = result.status === 'completed' ? undefined : result.process.error;
  return { memory: reconcileMemory(memory), process: result.process, written, ...(error ? { error } : {}) };
}

async function runUnrecorded(ctx: CliContext, input: PipelineInput, options: ApplyOptions): Promise<PipelineOutcome> {
  const written: ChangeRecord[] = [];
  const memory = seededMemory(ctx, input, written);
  const result = await runWorkflowInMemory(
    { logger: ctx.logger(), netbox: input.api, library: openLibrary(ctx, options), tuning: tuningOf(ctx) },
    APPLY_INTENTS_WORKFLOW,
    { intents: input.intents, origin: 'cli' },
    { memory },
  );
  return { memory: reconcileMemory(memory), written, ...(result.error !== undefined ? { error: result.error } : {}) };
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}

/** Prints the outcome; exit 0 only when NetBox converged. */
function report(ctx: CliContext, plan: Plan, outcome: PipelineOutcome, options: ApplyOptions): void {
  const { memory, process } = outcome;
  const result = memory.result;
  const recorded = process ? `process ${process.id} ${process.status}; see \`netbox-gitops process ${process.id}\`` : 'nothing was recorded (no DATABASE_URL)';
  if (options.json) {
    ctx.out.write(
      `${JSON.stringify({ plan, result: result ? { apply: result.apply, rounds: result.rounds, verify: result.verify.summary } : null, process: process ? { id: process.id, status: process.status } : null, error: outcome.error !== undefined ? messageOf(outcome.error) : null }, null, 2)}\n`,
    );
  } else if (result) {
    ctx.out.write(formatResult(result));
  }
  const converged = outcome.error === undefined && (!result || result.apply.failures.length + pendingWrites(result.verify) === 0);
  if (!converged && !result) {
    // Stopped before or during the first round: say what did land, the error says only what failed.
    ctx.err.write(`error: ${messageOf(outcome.error)}\n`);
    ctx.err.write(
      `apply stopped: ${outcome.written.length} change(s) were applied before the failure (${tally(outcome.written)}); run apply again to finish.\n`,
    );
  }
  ctx.err.write(`${recorded}\n`);
  if (!converged) throw new ExitCode(1);
}

/** `netbox-gitops apply`: shows the plan, asks, applies it through the reconcile pipeline, verifies and summarises. */
export function registerApplyCommand(program: Command, ctx: CliContext): void {
  program
    .command('apply [planFile]')
    .description(
      'show the plan, ask for confirmation (unless --yes), apply it to NetBox, verify and print a summary; with a file from `plan --out`, apply exactly that plan. ' +
        "With DATABASE_URL (or DATABASE_HOST) set, the apply is a recorded process (steps, audit rows) holding its intents' run locks",
    )
    .option('--intents <dir>', 'folder of intent files (default: INTENTS_PATH)')
    .option('--library <dir>', 'devicetype-library folder (default: LIBRARY_PATH)')
    .option('--yes', 'apply without asking')
    .option('--json', 'print the plan and the result as JSON')
    .option('--no-record', 'do not record the apply as a process, even with a database configured')
    .addOption(waitForNetBoxOption())
    .addOption(
      new Option('--lock-timeout <duration>', 'how long to wait while another process (a scheduled reconcile) works on one of the intents')
        .argParser(parseWait)
        .default(300_000, '5m'),
    )
    .action(async (planFile: string | undefined, options: ApplyOptions) => {
      const saved = planFile !== undefined ? await readSavedPlan(ctx, planFile) : undefined;
      const { intents, desired } = await applicableIntents(ctx, options);
      const record = options.record !== false && ctx.config().databaseConfigured;
      // Before NetBox is read: a database that was asked for must answer.
      const pool = record ? await openDatabase(ctx) : undefined;
      const client = clientFor(ctx, options.waitForNetbox);
      try {
        const api = netBoxPortFor(client);
        const planned = await planIntents(api, desired);
        const { plan } = planned;
        if (saved) refuseStalePlan(ctx, saved, plan, client.url, planFile ?? '');
        if (!options.json) ctx.out.write(`${formatPlan(plan)}\n`);
        if (plan.summary.changes === 0) {
          if (options.json) ctx.out.write(`${JSON.stringify({ plan, result: null, process: null }, null, 2)}\n`);
          else ctx.out.write('NetBox already matches the intents.\n');
          return;
        }
        if (!options.yes && !(await confirm(ctx, plan))) throw new ExitCode(1);
        const input: PipelineInput = { intents, desired, api, planned };
        let outcome: PipelineOutcome;
        try {
          outcome = pool ? await runRecorded(ctx, pool, input, options) : await runUnrecorded(ctx, input, options);
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          outcome = { memory: {}, written: [], error };
        }
        report(ctx, plan, outcome, options);
      } finally {
        await client.close();
        await pool?.end();
      }
    });
}
