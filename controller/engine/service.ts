import { redisAddress } from '../connectivity/index.ts';
import { withTransaction } from '../db/index.ts';
import { IntegrationError } from '../errors/index.ts';
import { newCorrelationId } from '../logging/index.ts';
import { ProcessNotFoundError, ProcessStateError } from './errors.ts';
import { closeWithin } from './close-within.ts';
import { createEventPublisher } from './events.ts';
import { createQueue, enqueueProcess, resolveTuning } from './queue.ts';
import { parseForm, readWorkflows, registerWorkflows, workflowNamed } from './registry.ts';
import {
  countAudit,
  eventsOf,
  insertProcess,
  isUuid,
  listAudit,
  listProcesses,
  lockName,
  requestProcess,
  selectEvents,
  selectProcess,
  selectSteps,
  selectStepsOf,
  toProcessRecord,
  updateProcess,
} from '../store/index.ts';
import type { EventRow, ProcessRow } from '../store/index.ts';
import { TERMINAL_STATUSES } from './types.ts';
import type { Application } from './definition.ts';
import type { EngineDeps, JsonObject, ProcessDetail, ProcessRecord, StartOptions, WorkflowService } from './types.ts';

/**
 * The workflow service of `app`'s workflows: starts, lists, cancels and retries processes. It writes Postgres and
 * enqueues on BullMQ; workers (startWorker) run the processes. Safe to use from many API
 * replicas and the controller at once.
 */
export function createWorkflowService(deps: EngineDeps, app: Pick<Application, 'workflows'>): WorkflowService {
  const tuning = resolveTuning(deps.tuning);
  const queue = createQueue(deps);
  const events = createEventPublisher(deps.redis, deps.logger, deps.queueName);
  let registered: Promise<void> | undefined;
  const ensureRegistered = (): Promise<void> => {
    registered ??= registerWorkflows(deps.pool, app.workflows).catch((error: unknown) => {
      registered = undefined;
      throw error;
    });
    return registered;
  };

  /**
   * Queues a process's job within `enqueueTimeoutMs`. ioredis keeps commands while Redis is
   * unreachable (BullMQ needs that), so without a bound a caller such as `netbox-gitops run`
   * would wait forever; a job queued after the bound finds its process finished and is dropped.
   */
  async function enqueueBounded(processId: string, jobId: string): Promise<void> {
    const queued = enqueueProcess(queue, tuning, processId, jobId);
    queued.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${redisAddress(deps.redis)} did not answer within ${Math.round(tuning.enqueueTimeoutMs / 1000)} s`)),
        tuning.enqueueTimeoutMs,
      );
    });
    try {
      await Promise.race([queued, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Fails a process whose job could not be queued and says so in one line: what and what to check. */
  async function failUnqueued(row: ProcessRow, error: unknown): Promise<never> {
    const reason = error instanceof Error ? error.message : String(error);
    const failed = await updateProcess(deps.pool, row.id, {
      status: 'failed',
      completed: true,
      error: {
        type: 'IntegrationError',
        code: 'integration_error',
        message: `could not queue the process: ${reason}`,
        transient: true,
        step: null,
        details: null,
      },
      events: [{ type: 'process.finished' }],
    });
    events.publish(eventsOf(failed));
    throw new IntegrationError(
      `could not queue process ${row.id}: ${reason}; check REDIS_URL (or REDIS_HOST, REDIS_PORT, REDIS_PASSWORD) and that Redis is running.` +
        (failed ? ' The process was marked failed.' : ''),
      { system: 'redis', transient: true },
      { cause: error },
    );
  }

  /**
   * Publishes a new process's process.created, then queues its job: published after the job,
   * a worker's first events could overtake it. A process whose job cannot be queued is failed,
   * not left dangling.
   */
  async function enqueueNew(row: ProcessRow & { events: EventRow[] }): Promise<ProcessRecord> {
    events.publish(eventsOf(row));
    try {
      await enqueueBounded(row.id, typeof row.state.jobId === 'string' ? row.state.jobId : row.id);
    } catch (error) {
      return failUnqueued(row, error);
    }
    return toProcessRecord(row);
  }

  return {
    async listWorkflows() {
      await ensureRegistered();
      return readWorkflows(deps.pool, app.workflows);
    },

    async startWorkflow(name, form, options: StartOptions = {}) {
      const workflow = workflowNamed(app.workflows, name);
      const parsed = parseForm(workflow, form);
      const intent = workflow.intentOf?.(parsed);
      const locked = workflow.intentsOf?.(parsed);
      await ensureRegistered();
      const row = await insertProcess(deps.pool, {
        workflowName: workflow.name,
        intent,
        correlationId: options.correlationId ?? newCorrelationId(),
        createdBy: options.createdBy ?? null,
        form: parsed as JsonObject,
        state: { ...(options.reason ? { reason: options.reason } : {}), ...(locked ? { lockedIntents: locked.map(lockName) } : {}) },
      });
      return enqueueNew(row);
    },

    async requestRun(workflowName, intent, options: StartOptions = {}) {
      const workflow = workflowNamed(app.workflows, workflowName);
      const form = parseForm(workflow, { kind: intent.kind, name: intent.name }) as JsonObject;
      await ensureRegistered();
      const result = await requestProcess(deps.pool, {
        workflowName: workflow.name,
        intent,
        correlationId: options.correlationId ?? newCorrelationId(),
        createdBy: options.createdBy ?? null,
        form,
        ...(options.reason ? { reason: options.reason } : {}),
      });
      return result.created ? enqueueNew(result.row) : toProcessRecord(result.row);
    },

    async getProcess(id): Promise<ProcessDetail | undefined> {
      const row = await selectProcess(deps.pool, id);
      if (!row) return undefined;
      const [steps, auditCount] = await Promise.all([selectSteps(deps.pool, id), countAudit(deps.pool, id)]);
      return { ...toProcessRecord(row), steps, auditCount };
    },

    getSteps: (processIds) => selectStepsOf(deps.pool, processIds),
    listEvents: async (processId, options = {}) =>
      isUuid(processId)
        ? selectEvents(deps.pool, { processId, afterSeq: options.afterSeq ?? 0, limit: Math.min(Math.max(options.limit ?? 100, 1), 1_000) })
        : [],
    listProcesses: (filter) => listProcesses(deps.pool, filter),
    listAudit: (filter) => listAudit(deps.pool, filter),

    async cancelProcess(id, by, options = {}) {
      const at = new Date().toISOString();
      const request: JsonObject = options.correlationId !== undefined ? { cancelCorrelationId: options.correlationId } : {};
      const { row, running } = await withTransaction(deps.pool, async (client) => {
        const current = await selectProcess(client, id, true);
        if (!current) throw new ProcessNotFoundError(id);
        if (TERMINAL_STATUSES.includes(current.status)) {
          throw new ProcessStateError(
            id,
            current.status,
            'cancel',
            `Process ${id} is already ${current.status}; only created, waiting or running processes can be cancelled.`,
          );
        }
        if (current.status === 'running') {
          const updated = await updateProcess(client, id, { statePatch: { cancelRequested: { by, at }, ...request }, events: [{ type: 'process.updated' }] });
          return { row: updated ?? { ...current, events: [] }, running: true };
        }
        const updated = await updateProcess(client, id, {
          status: 'cancelled',
          completed: true,
          currentStep: null,
          statePatch: { cancelledBy: by, cancelledAt: at, ...request },
          error: { type: 'Cancelled', code: 'cancelled', message: `cancelled by ${by}`, transient: false, step: null, details: null },
          events: [{ type: 'process.finished' }],
        });
        return { row: updated ?? { ...current, events: [] }, running: false };
      });
      // Published after commit: the worker's events about this process are numbered after it.
      events.publish(eventsOf(row));
      if (running) {
        // Whichever worker runs it stops at its next chunk or step; the flag covers a missed message.
        await events
          .control({ type: 'cancel', processId: id, by })
          .catch((error: unknown) => deps.logger.warn({ err: error }, 'could not publish a cancel request; the worker sees it at its next step'));
      } else {
        const jobId = typeof row.state.jobId === 'string' ? row.state.jobId : row.id;
        // Best effort: a job that cannot be removed (just taken by a worker) finds the process cancelled and stops.
        await queue.remove(jobId).catch(() => 0);
      }
      return toProcessRecord(row);
    },

    async retryProcess(id, by, options = {}) {
      const row = await withTransaction(deps.pool, async (client) => {
        const current = await selectProcess(client, id, true);
        if (!current) throw new ProcessNotFoundError(id);
        if (current.status !== 'failed') {
          throw new ProcessStateError(id, current.status, 'retry', `Process ${id} is ${current.status}; only failed processes can be retried.`);
        }
        const retries = Number(current.state.retries ?? 0) + 1;
        const updated = await updateProcess(client, id, {
          status: 'created',
          error: null,
          clearCompleted: true,
          statePatch: {
            retries,
            retriedBy: by,
            retriedAt: new Date().toISOString(),
            jobId: `${id}-retry-${retries}`,
            ...(options.correlationId !== undefined ? { retryCorrelationId: options.correlationId } : {}),
          },
          events: [{ type: 'process.updated' }],
        });
        return updated ?? { ...current, events: [] };
      });
      // Before the job is queued, so the worker's events cannot overtake it.
      events.publish(eventsOf(row));
      try {
        await enqueueBounded(row.id, String(row.state.jobId));
      } catch (error) {
        return failUnqueued(row, error);
      }
      return toProcessRecord(row);
    },

    async close() {
      // Bounded: closing waits for Redis to take the QUIT, which an unreachable Redis never does.
      const bound = Math.min(2_000, tuning.enqueueTimeoutMs);
      await Promise.all([
        closeWithin(
          bound,
          () => queue.close(),
          () => queue.disconnect(),
        ),
        closeWithin(
          bound,
          () => events.close(),
          () => events.disconnect(),
        ),
      ]);
    },
  };
}
