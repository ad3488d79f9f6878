import { hostname } from 'node:os';
import { DelayedError, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { redisErrorHandler } from '../connectivity/index.ts';
import { closeWithin } from './close-within.ts';
import { StepCancelledError, StepInterruptedError } from './errors.ts';
import { CONTROL_CHANNEL, bullConnectionFor, createEventPublisher, subscribeChannel } from './events.ts';
import type { ControlMessage } from './events.ts';
import { DEFAULT_QUEUE, createQueue, enqueueProcess, promoteJobs, resolveTuning } from './queue.ts';
import type { ProcessJobData } from './queue.ts';
import { registerWorkflows } from './registry.ts';
import { describeError, runProcess } from './runner.ts';
import type { RunnerEnv } from './runner.ts';
import { eventsOf, failIfActive, selectStaleProcesses, updateProcess } from '../store/index.ts';
import type { EventRow, ProcessRow } from '../store/index.ts';
import type { Application } from './definition.ts';
import type { EngineDeps, WorkerHandle, WorkerOptions } from './types.ts';

let workerCount = 0;

/**
 * Starts a BullMQ worker that runs the processes of `app`'s workflows. The pool and the
 * application's services are shared by all jobs of the worker.
 *
 * Crash safety: a job whose worker dies is moved back to wait by BullMQ's stalled-job check
 * (after `lockDurationMs`, checked every `stalledIntervalMs`) and another worker resumes the
 * process after its last completed step. Shutdown: see {@link WorkerHandle.close}.
 */
export async function startWorker(deps: EngineDeps, app: Application, options: WorkerOptions = {}): Promise<WorkerHandle> {
  const tuning = resolveTuning(deps.tuning);
  const queueName = deps.queueName ?? DEFAULT_QUEUE;
  const logger = deps.logger.child({ component: 'worker', queue: queueName });
  const lockDuration = options.lockDurationMs ?? 30_000;
  const stalledInterval = options.stalledIntervalMs ?? 30_000;
  const graceDefault = options.shutdownGraceMs ?? 10_000;
  const recoveryInterval = options.recoveryIntervalMs ?? 60_000;
  const id = `${hostname()}:${process.pid}:${++workerCount}`;

  await registerWorkflows(deps.pool, app.workflows);
  const events = createEventPublisher(deps.redis, logger, queueName);
  const queue = createQueue(deps);
  const active = new Map<string, AbortController>();
  let closing = false;

  const unsubscribe = await subscribeChannel(
    deps.redis,
    CONTROL_CHANNEL,
    (message) => {
      const m = message as Partial<ControlMessage>;
      if (m.type === 'cancel' && typeof m.processId === 'string')
        active.get(m.processId)?.abort(new StepCancelledError(typeof m.by === 'string' ? m.by : null));
    },
    { logger },
  );

  const env: RunnerEnv = {
    pool: deps.pool,
    logger,
    app,
    tuning,
    events,
    workerId: id,
    isClosing: () => closing,
    ...(deps.observer ? { observer: deps.observer } : {}),
  };

  const worker = new Worker<ProcessJobData>(
    queueName,
    async (job: Job<ProcessJobData>, token?: string) => {
      const processId = job.data.processId;
      const controller = new AbortController();
      active.set(processId, controller);
      try {
        const outcome = await runProcess(
          env,
          processId,
          { id: job.id ?? processId, attemptsMade: job.attemptsMade, attempts: job.opts.attempts ?? 1 },
          controller.signal,
        );
        switch (outcome.kind) {
          case 'busy':
            await job.moveToDelayed(Date.now() + tuning.busyRetryMs, token);
            throw new DelayedError();
          case 'hand-back':
            await job.moveToDelayed(Date.now(), token);
            throw new DelayedError();
          case 'retry':
            throw outcome.error;
          case 'wait':
            // Not a failed attempt: an outage is bounded by NETBOX_OUTAGE_BUDGET, not by `attempts`.
            await job.moveToDelayed(Date.now() + outcome.delayMs, token);
            throw new DelayedError();
          case 'done':
            // Processes queued behind this one for its intent wait in `delayed`; run them now.
            if (outcome.followers.length > 0) await promoteJobs(queue, outcome.followers, logger);
            return { status: outcome.status };
        }
      } finally {
        active.delete(processId);
      }
    },
    {
      connection: bullConnectionFor(deps.redis, 'netbox-gitops-worker'),
      concurrency: options.concurrency ?? 4,
      lockDuration,
      stalledInterval,
      // A process may be taken over several times (several workers dying) before BullMQ gives up on it.
      maxStalledCount: 5,
      name: id,
    },
  );
  worker.on('error', redisErrorHandler(logger, 'worker: Redis or BullMQ error', 'worker'));
  worker.on('failed', (job: Job<ProcessJobData> | undefined, error: Error) => {
    if (job) void failIfJobGaveUp(job, error);
  });

  /** A job BullMQ moved to failed for good (attempts used up, stalled too often) fails its process. */
  async function failIfJobGaveUp(job: Job<ProcessJobData>, error: Error): Promise<void> {
    try {
      if ((await job.getState()) !== 'failed') return;
      const row = await updateProcessIfActive(job.data.processId, job.id ?? '', error);
      events.publish(eventsOf(row));
    } catch (e) {
      logger.warn({ err: e, jobId: job.id }, 'could not record a failed job on its process');
    }
  }

  /** Fails the process (with its process.finished event) unless it finished or moved on to another job. */
  function updateProcessIfActive(processId: string, jobId: string, error: Error): Promise<(ProcessRow & { events: EventRow[] }) | undefined> {
    return failIfActive(deps.pool, processId, jobId, describeError(error, null, app));
  }

  /**
   * Finds unfinished processes whose job is gone (Redis lost it, or enqueueing failed after the
   * row was written) and queues them again; a job that ended while its process did not fails it.
   */
  async function recoverOrphans(): Promise<void> {
    const staleMs = Math.max(2 * lockDuration, 10_000);
    const rows = await selectStaleProcesses(deps.pool, staleMs);
    for (const row of rows) {
      const jobId = typeof row.state.jobId === 'string' ? row.state.jobId : row.id;
      const state = await queue.getJobState(jobId);
      if (state === 'unknown') {
        logger.warn({ processId: row.id, jobId }, 'process has no job in the queue; queueing it again');
        await enqueueProcess(queue, tuning, row.id, jobId);
        await updateProcess(deps.pool, row.id, {});
      } else if (state === 'completed' || state === 'failed') {
        events.publish(
          eventsOf(await updateProcessIfActive(row.id, jobId, new Error(`its job ${jobId} ended (${state}) without finishing the process; retry the process`))),
        );
      }
    }
  }
  const runRecovery = (): void => {
    recoverOrphans().catch((error: unknown) => logger.warn({ err: error }, 'orphan recovery failed; trying again later'));
  };
  runRecovery();
  const recoveryTimer = recoveryInterval > 0 ? setInterval(runRecovery, recoveryInterval) : undefined;
  recoveryTimer?.unref();

  await worker.waitUntilReady();
  logger.info({ worker: id, concurrency: worker.concurrency, lockDuration, stalledInterval }, 'workflow worker ready');

  let closed: Promise<void> | undefined;
  return {
    id,
    activeProcesses: () => [...active.keys()],
    close(closeOptions = {}): Promise<void> {
      closed ??= (async () => {
        closing = true;
        if (recoveryTimer) clearInterval(recoveryTimer);
        const graceMs = closeOptions.graceMs ?? graceDefault;
        // Running steps finish; a step still running after the grace period is asked to stop
        // at its next chunk. Either way the job is handed back before the next step.
        const timer = setTimeout(() => {
          for (const controller of active.values()) controller.abort(new StepInterruptedError());
        }, graceMs);
        try {
          // BullMQ's close() can wait forever on a connection parked in ioredis' reconnecting
          // state (after Redis went away and came back; taskforcesh/bullmq#4656): bounded, then
          // the connections are dropped so that the process can exit.
          await closeWithin(
            graceMs + CLOSE_BOUND_MS,
            () => worker.close(),
            () => {
              logger.warn({ worker: id, waitedMs: graceMs + CLOSE_BOUND_MS }, 'the queue worker did not close in time; dropping its Redis connections');
              return worker.disconnect();
            },
          );
        } finally {
          clearTimeout(timer);
          // Bounded inside: a subscription still reconnecting is dropped.
          await unsubscribe().catch(() => undefined);
          await closeWithin(
            CLOSE_BOUND_MS,
            () => queue.close(),
            () => queue.disconnect(),
          );
          await closeWithin(
            CLOSE_BOUND_MS,
            () => events.close(),
            () => events.disconnect(),
          );
        }
        logger.info({ worker: id }, 'workflow worker stopped');
      })();
      return closed;
    },
  };
}

/** How long each Redis connection may take to close at shutdown before it is dropped. */
const CLOSE_BOUND_MS = 5_000;
