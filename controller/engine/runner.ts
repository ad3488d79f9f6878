// Runs one process: takes its intent's run lock, resumes after its last completed step, runs
// the remaining steps (one process_steps row per attempt), and records the outcome. BullMQ
// specifics (delays, retries) stay in worker.ts; this file only says what should happen.
import type { Pool } from '../db/index.ts';
import { AppError, IntegrationError, ValidationError } from '../errors/index.ts';
import type { Logger } from '../logging/index.ts';
import { withCorrelationId } from '../logging/index.ts';
import { unwrapSkipped } from './definition.ts';
import type { Application, EngineStepContext, ErrorReading, StepContext, Tuning, WorkflowDefinition } from './definition.ts';
import { StepCancelledError, StepInterruptedError } from './errors.ts';
import { decideOutage } from './outage.ts';
import type { EventPublisher } from './events.ts';
import { recordProcessFinished } from '../metrics/index.ts';
import {
  acquireRunLock,
  eventsOf,
  insertStep,
  intentOf,
  markRunning,
  selectProcess,
  stepEvent,
  toJson,
  toProcessRecord,
  updateProcess,
} from '../store/index.ts';
import type { EventDraft, ProcessRow, Revisions, StepFinish, StepHistoryEntry } from '../store/index.ts';
import { TERMINAL_STATUSES } from './types.ts';
import type { JsonObject, JsonValue, ProcessError, ProcessStatus, StepRecord, StepStatus, IntentRef, ProcessObserver } from './types.ts';

/** What a step found, written with the next statement: revisions, and events (drift.changed). */
type Carry = Revisions & { readonly events?: readonly EventDraft[] };

/** What a worker shares between the processes it runs. */
export interface RunnerEnv {
  readonly pool: Pool;
  readonly logger: Logger;
  /** The workflows this worker runs, the services their steps get, how their errors read. */
  readonly app: Application;
  readonly tuning: Tuning;
  readonly events: EventPublisher;
  readonly workerId: string;
  /** True once the worker is shutting down: the run hands its job back before the next step. */
  isClosing(): boolean;
  /** Told about finished processes and step notices. */
  readonly observer?: ProcessObserver;
}

/** Calls the observer without letting its failure reach the process. */
async function observe(env: RunnerEnv, what: string, call: (observer: ProcessObserver) => Promise<void> | undefined): Promise<void> {
  if (!env.observer) return;
  try {
    await call(env.observer);
  } catch (error) {
    env.logger.warn({ err: error, what }, 'the process observer failed (notifications); the process is not affected');
  }
}

/** The BullMQ job attempt being run. */
export interface JobAttempt {
  readonly id: string;
  /** Failed attempts before this one. */
  readonly attemptsMade: number;
  readonly attempts: number;
}

export type RunOutcome =
  /** The process finished (or needs nothing more from this job). */
  | {
      readonly kind: 'done';
      readonly status: ProcessStatus | 'ignored';
      readonly intent: IntentRef | null;
      /** Job ids of processes queued behind this one for the same intent. */
      readonly followers: readonly string[];
    }
  /** Another process holds the intent: try again later; the process stays as it is. */
  | { readonly kind: 'busy' }
  /** The worker is shutting down: put the job back in the queue. */
  | { readonly kind: 'hand-back' }
  /** A transient fault: let BullMQ retry the job with backoff (the process is `waiting`). */
  | { readonly kind: 'retry'; readonly error: Error }
  /** The system the steps talk to is down: run the job again after `delayMs` (the process is `waiting` for it). */
  | { readonly kind: 'wait'; readonly delayMs: number };

const ignored: RunOutcome = { kind: 'done', status: 'ignored', intent: null, followers: [] };
const MAX_DETAIL_ITEMS = 100;

/**
 * Whether a later attempt may succeed: what the application reads of the error, else an
 * integration error marked transient.
 */
export function isTransient(error: unknown, app?: Pick<Application, 'readError'>): boolean {
  return transientOf(error, app?.readError?.(error));
}

function transientOf(error: unknown, read: ErrorReading | undefined): boolean {
  if (read?.transient !== undefined) return read.transient;
  if (error instanceof IntegrationError) return error.context.transient === true;
  return false;
}

/** The JSON a failed step or process records; the application's reading of the error comes first. */
export function describeError(error: unknown, step: string | null, app?: Pick<Application, 'readError'>): ProcessError {
  const e = error instanceof Error ? error : new Error(String(error));
  const read = app?.readError?.(error);
  let details: JsonValue = null;
  if (read?.details !== undefined) details = read.details;
  else if (error instanceof ValidationError) details = toJson(error.issues.slice(0, MAX_DETAIL_ITEMS));
  else if (error instanceof IntegrationError)
    details = { system: error.context.system, status: error.context.status ?? null, body: (error.context.body ?? null) as JsonValue };
  return {
    type: e.name,
    code: error instanceof AppError ? error.code : null,
    message: e.message,
    transient: transientOf(error, read),
    step,
    details,
  };
}

/** The step attempt a finish or event is about. */
interface StepRef {
  readonly name: string;
  readonly position: number;
  readonly attempt: number;
}

/** A step attempt's end, written with the next statement together with its step.updated event. */
interface PendingFinish extends StepFinish {
  readonly ref: StepRef;
}

function finishOf(step: StepRecord, status: StepStatus, output: JsonObject, error: ProcessError | null): PendingFinish {
  return { stepId: step.id, status, output, error, ref: step };
}

/** Events a statement records: what was carried, then the end of the pending step attempt. */
function draftsOf(carry: Carry, pending: PendingFinish | undefined): EventDraft[] {
  return [...(carry.events ?? []), ...(pending ? [stepEvent(pending.ref, pending.status)] : [])];
}

async function finishProcess(
  env: RunnerEnv,
  row: ProcessRow,
  status: 'completed' | 'failed' | 'cancelled',
  extra: Parameters<typeof updateProcess>[2] = {},
  pending?: PendingFinish,
): Promise<RunOutcome> {
  const events = [...draftsOf(extra, pending), { type: 'process.finished' } as const];
  const updated = await updateProcess(env.pool, row.id, {
    ...extra,
    status,
    completed: true,
    currentStep: null,
    withFollowers: true,
    events,
    ...(pending ? { finish: pending } : {}),
  });
  if (updated) {
    env.events.publish(eventsOf(updated));
    const record = toProcessRecord(updated);
    recordProcessFinished(record);
    await observe(env, 'process finished', (observer) => observer.processFinished?.(record));
  }
  return { kind: 'done', status, intent: intentOf(row.intent_kind, row.intent_name), followers: updated?.followers ?? [] };
}

function cancelled(env: RunnerEnv, row: ProcessRow, by: string | null, pending?: PendingFinish, revisions: Carry = {}): Promise<RunOutcome> {
  return finishProcess(
    env,
    row,
    'cancelled',
    {
      ...revisions,
      statePatch: { cancelledBy: by, cancelledAt: new Date().toISOString() },
      error: { type: 'Cancelled', code: 'cancelled', message: `cancelled${by ? ` by ${by}` : ''}`, transient: false, step: null, details: null },
    },
    pending,
  );
}

/** What a caller running a process in its own process (the CLI) adds. */
export interface RunOptions {
  /**
   * The run's memory to start from (what the caller already read, e.g. the plan it showed) and
   * to read afterwards; a fresh map otherwise.
   */
  readonly memory?: Map<string, unknown>;
}

/** The intents a process holds while it runs: its workflow's `intentsOf`, else its own intent. */
function lockedIntentsOf(workflow: WorkflowDefinition, row: ProcessRow): readonly IntentRef[] {
  const own = intentOf(row.intent_kind, row.intent_name);
  if (!workflow.intentsOf) return own ? [own] : [];
  const parsed = workflow.form.safeParse(row.form_data);
  // An invalid form fails in runSteps, with the process's own intent held meanwhile.
  return parsed.success ? workflow.intentsOf(parsed.data) : own ? [own] : [];
}

/** Runs (or resumes) the process of one job attempt. */
export async function runProcess(env: RunnerEnv, processId: string, job: JobAttempt, signal: AbortSignal, options: RunOptions = {}): Promise<RunOutcome> {
  const row = await selectProcess(env.pool, processId);
  if (!row) {
    env.logger.warn({ processId, jobId: job.id }, 'a job names a process that does not exist; dropping it');
    return ignored;
  }
  if (TERMINAL_STATUSES.includes(row.status)) return ignored;
  // A retry queues a new job id; a job left over from before it must not run the process too.
  if (typeof row.state.jobId === 'string' && row.state.jobId !== job.id) return ignored;
  const workflow = env.app.workflows.get(row.workflow_name);
  if (!workflow) {
    return finishProcess(env, row, 'failed', {
      error: describeError(new Error(`this worker does not know workflow ${row.workflow_name}; run a newer worker`), null, env.app),
    });
  }
  const lock = await acquireRunLock(env.pool, row, lockedIntentsOf(workflow, row));
  if (!lock) return { kind: 'busy' };
  try {
    return await withCorrelationId(row.correlation_id ?? row.id, () => runSteps(env, workflow, row, job, signal, options.memory ?? new Map()));
  } finally {
    await lock.release();
  }
}

async function runSteps(
  env: RunnerEnv,
  workflow: WorkflowDefinition,
  initial: ProcessRow,
  job: JobAttempt,
  signal: AbortSignal,
  memory: Map<string, unknown>,
): Promise<RunOutcome> {
  const row = await markRunning(env.pool, initial.id);
  if (!row) return ignored;
  env.events.publish(eventsOf(row));
  const cancelRequest = row.state.cancelRequested as { by?: string } | undefined;
  if (cancelRequest) {
    // Cancelled while no worker ran it (e.g. its worker died): close the attempt it left open.
    const by = cancelRequest.by ?? null;
    const open = row.history.find((s) => s.status === 'running' || s.status === 'created');
    const finish: PendingFinish | undefined = open
      ? { stepId: open.id, status: 'cancelled', output: {}, error: describeError(new StepCancelledError(by), open.name, env.app), ref: open }
      : undefined;
    return cancelled(env, row, by, finish);
  }

  let form: unknown;
  try {
    form = workflow.form.parse(row.form_data);
  } catch (error) {
    return finishProcess(env, row, 'failed', { error: describeError(error, null, env.app) });
  }
  const latest = new Map<number, StepHistoryEntry>();
  for (const s of row.history) latest.set(s.position, s);
  const outputs = new Map<string, JsonObject>();
  const process = toProcessRecord(row);
  const logger = env.logger.child({ processId: row.id, workflow: row.workflow_name });
  let pending: PendingFinish | undefined;
  // Revisions and drift events found by a step go out with the next statement, like step ends.
  let revisions: Carry = {};
  const takeRevisions = (): Carry => {
    const taken = revisions;
    revisions = {};
    return taken;
  };

  for (const [position, definition] of workflow.steps.entries()) {
    const last = latest.get(position);
    if (last && (last.status === 'completed' || last.status === 'skipped')) {
      outputs.set(definition.name, last.output);
      continue;
    }
    if (last && (last.status === 'running' || last.status === 'created')) {
      // The worker that ran this attempt died or lost its lock; the attempt is over.
      const lost = new Error('the worker running this attempt stopped (crash or lost job lock); another attempt resumes it');
      pending = {
        stepId: last.id,
        status: 'failed',
        output: {},
        error: describeError(lost, definition.name, env.app),
        ref: { name: last.name, position, attempt: last.attempt },
      };
    }
    const stop = stopBeforeStep(env, signal);
    if (stop) return stopRun(env, row, stop, undefined, pending, takeRevisions());

    const attempt = (last?.attempt ?? 0) + 1;
    const carried = takeRevisions();
    const { step, cancelRequested, events } = await insertStep(
      env.pool,
      row.id,
      {
        name: definition.name,
        position,
        attempt,
        input: {
          attempt,
          worker: env.workerId,
          jobAttempt: job.attemptsMade + 1,
          resumedAfter: outputs.size > 0 && memory.size === 0 ? [...outputs.keys()] : [],
        },
      },
      pending,
      carried,
      draftsOf(carried, pending),
    );
    pending = undefined;
    env.events.publish(events);
    if (cancelRequested) {
      const by = typeof cancelRequested.by === 'string' ? cancelRequested.by : null;
      return stopRun(env, row, new StepCancelledError(by), step, undefined, takeRevisions());
    }

    const base: EngineStepContext = {
      process,
      form,
      attempt,
      outputs,
      memory,
      signal,
      logger: logger.child({ step: definition.name }),
      db: () => env.pool,
      setRevisions: (found) => {
        revisions = { ...revisions, ...found };
        return Promise.resolve();
      },
      notice: (notice) => observe(env, `notice ${notice.type}`, (observer) => observer.notice?.({ ...notice, processId: row.id })),
      driftChanged: (intent) => {
        revisions = { ...revisions, events: [...(revisions.events ?? []), { type: 'drift.changed', intent }] };
      },
    };
    const ctx: StepContext = { ...env.app.services({ process, pool: env.pool }), ...base };
    try {
      const result = unwrapSkipped(await definition.run(ctx));
      pending = finishOf(step, result.skipped ? 'skipped' : 'completed', result.output, null);
      outputs.set(definition.name, result.output);
    } catch (error) {
      return onStepError(env, row, step, error, job, signal, takeRevisions());
    }
  }
  return finishProcess(env, row, 'completed', takeRevisions(), pending);
}

/** A cancel or a shutdown seen before a step starts. */
function stopBeforeStep(env: RunnerEnv, signal: AbortSignal): Error | undefined {
  if (signal.aborted) return signal.reason instanceof Error ? signal.reason : new StepCancelledError(null);
  if (env.isClosing()) return new StepInterruptedError();
  return undefined;
}

/**
 * Ends a run that was stopped: a shutdown hands the process back (waiting), a cancel records it
 * as cancelled. `step` is the attempt that was stopped; `pending` the previous step's end.
 */
async function stopRun(
  env: RunnerEnv,
  row: ProcessRow,
  reason: Error,
  step: StepRecord | undefined,
  pending: PendingFinish | undefined,
  revisions: Carry,
): Promise<RunOutcome> {
  if (reason instanceof StepInterruptedError) {
    const finish = step ? finishOf(step, 'failed', {}, describeError(reason, step.name, env.app)) : pending;
    const events = [...draftsOf(revisions, finish), { type: 'process.updated' } as const];
    const updated = await updateProcess(env.pool, row.id, {
      ...revisions,
      status: 'waiting',
      statePatch: { handedBack: env.workerId },
      events,
      ...(finish ? { finish } : {}),
    });
    env.events.publish(eventsOf(updated));
    return { kind: 'hand-back' };
  }
  const by = reason instanceof StepCancelledError ? reason.by : null;
  return cancelled(env, row, by, step ? finishOf(step, 'cancelled', {}, describeError(reason, step.name, env.app)) : pending, revisions);
}

async function onStepError(
  env: RunnerEnv,
  row: ProcessRow,
  step: StepRecord,
  error: unknown,
  job: JobAttempt,
  signal: AbortSignal,
  revisions: Carry,
): Promise<RunOutcome> {
  if (error instanceof StepCancelledError || error instanceof StepInterruptedError) return stopRun(env, row, error, step, undefined, revisions);
  if (signal.aborted && signal.reason instanceof Error) {
    // The step failed while being stopped (e.g. an aborted request): the stop wins.
    return stopRun(env, row, signal.reason, step, undefined, revisions);
  }
  const described = describeError(error, step.name, env.app);
  const finish = finishOf(step, 'failed', {}, described);
  const logger = env.logger.child({ processId: row.id, step: step.name });
  const policy = env.app.outage;
  if (policy?.isOutage(error)) {
    // Waited out within the outage budget (outage.ts), not within the job's attempts.
    const outage = decideOutage(policy, row, step.position, step.attempt, described, env.tuning);
    if (outage.kind === 'give-up') {
      logger.error({ err: error }, `${policy.system} stayed unreachable past the outage budget; the process failed`);
      return finishProcess(env, row, 'failed', { ...revisions, error: outage.error, statePatch: outage.state }, finish);
    }
    logger.warn({ err: error, delayMs: outage.delayMs }, `${policy.system} is down or unreachable; the process waits and tries again`);
    const events = [...draftsOf(revisions, finish), { type: 'process.updated' } as const];
    const updated = await updateProcess(env.pool, row.id, { ...revisions, status: 'waiting', error: outage.error, statePatch: outage.state, finish, events });
    env.events.publish(eventsOf(updated));
    return { kind: 'wait', delayMs: outage.delayMs };
  }
  if (described.transient && job.attemptsMade + 1 < job.attempts) {
    logger.warn({ err: error, attempt: job.attemptsMade + 1, of: job.attempts }, 'step failed on a transient fault; the job is retried with backoff');
    const events = [...draftsOf(revisions, finish), { type: 'process.updated' } as const];
    const updated = await updateProcess(env.pool, row.id, { ...revisions, status: 'waiting', error: described, finish, events });
    env.events.publish(eventsOf(updated));
    return { kind: 'retry', error: error instanceof Error ? error : new Error(String(error)) };
  }
  logger.error({ err: error }, 'step failed; the process failed');
  return finishProcess(env, row, 'failed', { ...revisions, error: described }, finish);
}
