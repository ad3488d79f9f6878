import { Queue, Worker } from 'bullmq';
import type { ConnectionOptions, Job } from 'bullmq';
import { redisErrorHandler } from '../connectivity/index.ts';
import type { Pool } from '../db/index.ts';
import { parseDuration } from '../intents/index.ts';
import type { IntentKind } from '../intents/index.ts';
import type { Logger } from '../logging/index.ts';
import { getIntentStatus, listScheduledIntents } from '../store/index.ts';
import type { IntentRef, ReconcileRequester } from './types.ts';

export const DEFAULT_SCHEDULE_QUEUE = 'netbox-gitops-intent-schedules';
/** What the schema puts in when an intent sets neither interval nor schedule. */
const DEFAULT_INTERVAL_MS = 3_600_000;
const SCHEDULER_PREFIX = 'intent:';

export interface IntentSchedulerOptions {
  readonly connection: ConnectionOptions;
  /** BullMQ queue the repeatable jobs live on; default {@link DEFAULT_SCHEDULE_QUEUE}. */
  readonly queueName?: string;
  /** BullMQ key prefix; default BullMQ's `bull`. */
  readonly prefix?: string;
  readonly pool: Pool;
  readonly requester: ReconcileRequester;
  readonly logger?: Logger;
}

/** The repeat an intent wants: every N ms, or a 5-field cron expression in UTC. */
export type IntentRepeat = { readonly every: number } | { readonly pattern: string };

export interface ScheduleChanges {
  readonly upserted: readonly string[];
  readonly removed: readonly string[];
}

/** Turns each active intent's interval or cron schedule into a BullMQ job scheduler whose jobs request a reconcile. */
export interface IntentScheduler {
  /** The scheduler id of an intent on the queue: `intent:<kind>/<name>`. */
  schedulerId(ref: IntentRef): string;
  /**
   * Makes the queue's job schedulers match the active intents in the `intents` table: new or
   * changed repeats are upserted, schedulers of suspended, invalid, removed or unknown intents removed.
   */
  syncSchedules(): Promise<ScheduleChanges>;
  /** Starts processing the scheduler queue (only the leader does). */
  startWorker(): Promise<void>;
  /** Stops the worker; the schedules stay in Redis for the next leader. */
  stopWorker(): Promise<void>;
  readonly queue: Queue;
  close(): Promise<void>;
}

interface ScheduleJobData {
  readonly kind: IntentKind;
  readonly name: string;
}

/** Creates the scheduler; no connection is opened until it is used. */
export function createIntentScheduler(options: IntentSchedulerOptions): IntentScheduler {
  const queueName = options.queueName ?? DEFAULT_SCHEDULE_QUEUE;
  const base = { connection: options.connection, ...(options.prefix ? { prefix: options.prefix } : {}) };
  const queue = new Queue<ScheduleJobData>(queueName, base);
  queue.on('error', redisErrorHandler(options.logger, 'schedule queue error', queueName));
  let worker: Worker<ScheduleJobData> | undefined;

  const runScheduledJob = async (job: Job<ScheduleJobData>): Promise<void> => {
    const { kind, name } = job.data;
    // A schedule removal can race with a job already due; the table has the last word.
    const status = await getIntentStatus(options.pool, { kind, name });
    if (status !== 'active') {
      options.logger?.debug({ kind, name, status }, 'scheduled reconcile skipped: intent is not active');
      return;
    }
    await options.requester.requestReconcile({ kind, name }, { createdBy: 'schedule', reason: `scheduled drift check (${job.repeatJobKey ?? job.name})` });
  };

  return {
    queue,
    schedulerId: (ref) => `${SCHEDULER_PREFIX}${ref.kind}/${ref.name}`,
    async syncSchedules(): Promise<ScheduleChanges> {
      const wanted = await readWantedSchedules(options.pool);
      const existing = new Map((await queue.getJobSchedulers(0, -1)).map((scheduler) => [scheduler.key, scheduler]));
      const upserted: string[] = [];
      const removed: string[] = [];
      for (const [id, { ref, repeat }] of wanted) {
        const current = existing.get(id);
        if (current && sameRepeat(current, repeat)) continue;
        // The first run waits one interval: a new or changed intent is reconciled on the change itself.
        const repeatOptions = 'every' in repeat ? { every: repeat.every, startDate: Date.now() + repeat.every } : { pattern: repeat.pattern, tz: 'UTC' };
        await queue.upsertJobScheduler(id, repeatOptions, { name: 'scheduled-reconcile', data: { kind: ref.kind, name: ref.name } });
        upserted.push(id);
      }
      for (const id of existing.keys()) {
        if (!id.startsWith(SCHEDULER_PREFIX) || wanted.has(id)) continue;
        await queue.removeJobScheduler(id);
        removed.push(id);
      }
      if (upserted.length + removed.length > 0) options.logger?.info({ upserted, removed }, 'intent schedules updated');
      return { upserted, removed };
    },
    async startWorker(): Promise<void> {
      if (worker) return;
      worker = new Worker<ScheduleJobData>(queueName, runScheduledJob, { ...base, concurrency: 4 });
      worker.on('failed', (job, error) => options.logger?.warn({ err: error, intent: job?.data }, 'scheduled reconcile request failed'));
      worker.on('error', redisErrorHandler(options.logger, 'schedule worker error', queueName));
      await worker.waitUntilReady();
    },
    async stopWorker(): Promise<void> {
      const running = worker;
      worker = undefined;
      await running?.close();
    },
    async close(): Promise<void> {
      await this.stopWorker();
      await queue.close();
    },
  };
}

/**
 * When each intent's next scheduled drift check is due, by `Kind/name`, read from the job
 * schedulers on `queue` (the dashboard's "next check" column).
 */
export async function nextScheduledChecks(queue: Queue): Promise<Map<string, Date>> {
  const next = new Map<string, Date>();
  for (const scheduler of await queue.getJobSchedulers(0, -1)) {
    if (!scheduler.key.startsWith(SCHEDULER_PREFIX) || typeof scheduler.next !== 'number') continue;
    next.set(scheduler.key.slice(SCHEDULER_PREFIX.length), new Date(scheduler.next));
  }
  return next;
}

/** The repeat an intent's spec asks for; suspended intents have none. */
export function repeatOf(spec: { readonly interval?: string; readonly schedule?: string }): IntentRepeat {
  if (spec.schedule !== undefined) return { pattern: spec.schedule };
  return { every: spec.interval !== undefined ? parseDuration(spec.interval) : DEFAULT_INTERVAL_MS };
}

async function readWantedSchedules(pool: Pool): Promise<Map<string, { ref: IntentRef; repeat: IntentRepeat }>> {
  const wanted = new Map<string, { ref: IntentRef; repeat: IntentRepeat }>();
  for (const row of await listScheduledIntents(pool)) {
    const ref = { kind: row.kind, name: row.name };
    const repeat = repeatOf({ ...(row.interval ? { interval: row.interval } : {}), ...(row.schedule ? { schedule: row.schedule } : {}) });
    wanted.set(`${SCHEDULER_PREFIX}${row.kind}/${row.name}`, { ref, repeat });
  }
  return wanted;
}

function sameRepeat(current: { every?: number | null; pattern?: string | null }, repeat: IntentRepeat): boolean {
  if ('every' in repeat) return Number(current.every) === repeat.every && !current.pattern;
  return current.pattern === repeat.pattern && !current.every;
}
