import { Queue } from 'bullmq';
import type { JobsOptions } from 'bullmq';
import { redisErrorHandler } from '../connectivity/index.ts';
import type { Logger } from '../logging/index.ts';
import type { Tuning } from './definition.ts';
import { bullConnectionFor } from './events.ts';
import type { EngineDeps, EngineTuning } from './types.ts';

/** Queue name when EngineDeps.queueName is not set (WORKFLOW_QUEUE's default). */
export const DEFAULT_QUEUE = 'netbox-gitops';
export const JOB_NAME = 'process';

/** A job carries only the process id; everything else is in Postgres. */
export interface ProcessJobData {
  readonly processId: string;
}

/** The engine's tuning with its defaults. */
export function resolveTuning(t: EngineTuning | undefined): Tuning {
  return {
    attempts: t?.attempts ?? 5,
    backoffMs: t?.backoffMs ?? 2_000,
    busyRetryMs: t?.busyRetryMs ?? 1_000,
    enqueueTimeoutMs: t?.enqueueTimeoutMs ?? 10_000,
    outageBudgetMs: t?.outageBudgetMs ?? 15 * 60_000,
    outageMaxDelayMs: t?.outageMaxDelayMs ?? 60_000,
  };
}

export function createQueue(deps: Pick<EngineDeps, 'redis' | 'queueName' | 'logger'>): Queue<ProcessJobData> {
  const queue = new Queue<ProcessJobData>(deps.queueName ?? DEFAULT_QUEUE, { connection: bullConnectionFor(deps.redis, 'netbox-gitops-queue') });
  queue.on('error', redisErrorHandler(deps.logger, 'workflow queue: Redis error', 'queue'));
  return queue;
}

function jobOptions(tuning: Tuning, jobId: string): JobsOptions {
  return {
    jobId,
    attempts: tuning.attempts,
    backoff: { type: 'exponential', delay: tuning.backoffMs },
    // The process row is the record; finished jobs are only kept briefly for inspection.
    removeOnComplete: { age: 3_600, count: 1_000 },
    removeOnFail: { age: 7 * 24 * 3_600 },
  };
}

/** Adds the job of a process run; idempotent per job id (BullMQ ignores a duplicate id). */
export async function enqueueProcess(queue: Queue<ProcessJobData>, tuning: Tuning, processId: string, jobId: string): Promise<void> {
  await queue.add(JOB_NAME, { processId }, jobOptions(tuning, jobId));
}

/** Moves delayed jobs (e.g. follow-ups waiting for an intent) to wait so that they run now. Best effort. */
export async function promoteJobs(queue: Queue<ProcessJobData>, jobIds: readonly string[], logger: Logger): Promise<void> {
  for (const id of jobIds) {
    try {
      const job = await queue.getJob(id);
      if (job && (await job.isDelayed())) await job.promote();
    } catch (error) {
      logger.debug({ err: error, jobId: id }, 'could not promote a delayed job; it runs at its scheduled time');
    }
  }
}
