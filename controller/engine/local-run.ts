// Running a workflow in the calling process instead of on a worker: what `netbox-gitops apply`
// does, so that a CLI apply is the same recorded process (steps, audit rows, run locks) as a
// scheduled reconcile. With a database the run goes through the runner and Postgres; without
// one, the same step definitions run in memory and nothing is recorded.
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { newCorrelationId } from '../logging/index.ts';
import type { Logger } from '../logging/index.ts';
import { closeWithin } from './close-within.ts';
import { unwrapSkipped } from './definition.ts';
import type { EngineStepContext, StepContext } from './definition.ts';
import { NoDatabaseError } from './errors.ts';
import { createEventPublisher } from './events.ts';
import { resolveTuning } from './queue.ts';
import { parseForm, registerWorkflows, workflowNamed } from './registry.ts';
import { describeError, runProcess } from './runner.ts';
import type { RunnerEnv } from './runner.ts';
import { eventsOf, findIntentHolder, insertProcess, lockName, selectProcess, toProcessRecord, updateProcess } from '../store/index.ts';
import type { LockHolder } from '../store/index.ts';
import type { Application } from './definition.ts';
import type { EngineDeps, JsonObject, ProcessRecord, ProcessStatus } from './types.ts';

/** What a run in this process is told about and can pass in. */
export interface LocalRunOptions {
  /** The run's memory: seeded by the caller (what it already read), read back afterwards. */
  readonly memory?: Map<string, unknown>;
  readonly signal?: AbortSignal;
  /** Who starts it, for `processes.created_by` (e.g. `cli:alice@host`). */
  readonly createdBy?: string;
  /** How long to wait while another process holds one of the intents; default 5 minutes. */
  readonly lockTimeoutMs?: number;
  /** The process row exists: say its id before anything is written. */
  onCreated?(process: ProcessRecord): void;
  /** Another process holds an intent; called once per holder. */
  onWaiting?(holder: LockHolder): void;
}

/** How a recorded run in this process ended. */
export interface LocalRunResult {
  readonly process: ProcessRecord;
  readonly status: ProcessStatus;
}

const LOCK_POLL_MS = 1_000;

/**
 * Creates a process of `workflowName` and runs it here, through the same runner and run locks as
 * a worker (it is never queued). While another process holds one of its intents it waits, up to
 * `lockTimeoutMs`, then ends cancelled saying so. Events are published on the workflow queue's
 * channel, so dashboards follow it live.
 */
export async function runWorkflowHere(
  deps: EngineDeps,
  app: Application,
  workflowName: string,
  form: unknown,
  options: LocalRunOptions = {},
): Promise<LocalRunResult> {
  const workflow = workflowNamed(app.workflows, workflowName);
  const parsed = parseForm(workflow, form);
  const locked = (workflow.intentsOf?.(parsed) ?? []).map(lockName);
  await registerWorkflows(deps.pool, app.workflows);
  const logger = deps.logger.child({ component: 'local-run' });
  const events = createEventPublisher(deps.redis, logger, deps.queueName);
  try {
    const created = await insertProcess(deps.pool, {
      workflowName: workflow.name,
      intent: workflow.intentOf?.(parsed),
      correlationId: newCorrelationId(),
      createdBy: options.createdBy ?? null,
      form: parsed as JsonObject,
      state: { origin: 'local', worker: `${hostname()}:${process.pid}`, ...(locked.length > 0 ? { lockedIntents: locked } : {}) },
    });
    events.publish(eventsOf(created));
    options.onCreated?.(toProcessRecord(created));
    const env: RunnerEnv = {
      pool: deps.pool,
      logger,
      app,
      tuning: resolveTuning(deps.tuning),
      events,
      workerId: `local:${hostname()}:${process.pid}`,
      isClosing: () => false,
    };
    const signal = options.signal ?? new AbortController().signal;
    const job = { id: String(created.state.jobId ?? created.id), attemptsMade: 0, attempts: 1 };
    const deadline = Date.now() + (options.lockTimeoutMs ?? 300_000);
    const told = new Set<string>();
    for (;;) {
      const outcome = await runProcess(env, created.id, job, signal, options.memory ? { memory: options.memory } : {});
      if (outcome.kind === 'wait') {
        // The system the steps talk to is down: the process is `waiting` (within the outage budget), as on a worker.
        await sleep(outcome.delayMs, undefined, { signal }).catch(() => undefined);
        if (signal.aborted) break;
        continue;
      }
      if (outcome.kind !== 'busy') break;
      const holder = await findIntentHolder(deps.pool, created.id, locked);
      if (holder && !told.has(holder.processId)) {
        told.add(holder.processId);
        options.onWaiting?.(holder);
      }
      if (Date.now() >= deadline || signal.aborted) {
        const waited = `gave up waiting for ${holder ? `process ${holder.processId} (${holder.workflow}) to release ${holder.intent}` : 'the intents’ run locks'}`;
        const ended = await updateProcess(deps.pool, created.id, {
          status: 'cancelled',
          completed: true,
          error: { ...describeError(new Error(waited), null, app), type: 'LockTimeout', code: 'lock_timeout' },
          events: [{ type: 'process.finished' }],
        });
        events.publish(eventsOf(ended));
        break;
      }
      await sleep(LOCK_POLL_MS, undefined, { signal }).catch(() => undefined);
    }
    const row = await selectProcess(deps.pool, created.id);
    if (!row) throw new Error(`process ${created.id} disappeared while it ran`);
    return { process: toProcessRecord(row), status: row.status };
  } finally {
    await closeWithin(
      2_000,
      () => events.close(),
      () => events.disconnect(),
    );
  }
}

/** How an unrecorded run ended: the failing step and its error, if any. */
export interface InMemoryRunResult {
  readonly failedStep?: string;
  readonly error?: unknown;
  readonly outputs: ReadonlyMap<string, JsonObject>;
}

/**
 * Runs a workflow's steps here with no database: the same step definitions as a recorded run, but
 * no process row, no audit rows, no run locks (the application's services are asked for with no
 * pool). `netbox-gitops apply` without DATABASE_URL.
 */
export async function runWorkflowInMemory(
  logger: Logger,
  app: Pick<Application, 'workflows' | 'services'>,
  workflowName: string,
  form: unknown,
  options: Pick<LocalRunOptions, 'memory' | 'signal'> = {},
): Promise<InMemoryRunResult> {
  const workflow = workflowNamed(app.workflows, workflowName);
  const parsed = parseForm(workflow, form);
  const outputs = new Map<string, JsonObject>();
  const memory = options.memory ?? new Map<string, unknown>();
  const now = new Date().toISOString();
  const process: ProcessRecord = {
    id: 'unrecorded',
    workflowId: 'unrecorded',
    workflowName: workflow.name,
    status: 'running',
    intent: workflow.intentOf?.(parsed) ?? null,
    correlationId: null,
    createdBy: null,
    form: parsed as JsonObject,
    state: {},
    error: null,
    attempts: 1,
    eventSeq: 0,
    libraryRevision: null,
    intentRevision: null,
    currentStep: null,
    createdAt: now,
    updatedAt: now,
    startedAt: now,
    completedAt: null,
  };
  for (const step of workflow.steps) {
    const base: EngineStepContext = {
      process,
      form: parsed,
      attempt: 1,
      outputs,
      memory,
      signal: options.signal ?? new AbortController().signal,
      logger: logger.child({ step: step.name }),
      db: () => {
        throw new NoDatabaseError(`the ${step.name} step`);
      },
      setRevisions: () => Promise.resolve(),
      driftChanged: () => undefined,
      notice: () => Promise.resolve(),
    };
    const ctx: StepContext = { ...app.services({ process, pool: undefined }), ...base };
    try {
      outputs.set(step.name, unwrapSkipped(await step.run(ctx)).output);
    } catch (error) {
      return { failedStep: step.name, error, outputs };
    }
  }
  return { outputs };
}
