import type { Pool } from '../db/index.ts';
import type { Logger } from '../logging/index.ts';
import { recordNotificationDelivery } from '../metrics/index.ts';
import { claimDueDeliveries, finishAttempt } from '../store/index.ts';
import type { DeliveryRecord } from '../store/index.ts';
import { sendToChannel } from './send.ts';
import type { Channel } from './types.ts';

export interface DispatcherOptions {
  readonly pool: Pool;
  readonly logger: Logger;
  /** The channels now (re-read each round, so a changed Notification resource applies at once). */
  readonly channels: () => Promise<readonly Channel[]>;
  /** Attempts per delivery before it is marked failed; default 6. */
  readonly maxAttempts?: number;
  /** Per-request timeout; default 10 s. */
  readonly timeoutMs?: number;
  /** First retry delay, doubled per attempt with ±20 % jitter; default 5 s. */
  readonly retryBaseMs?: number;
  /** Longest retry delay; default 10 min. */
  readonly retryMaxMs?: number;
  /** How often due deliveries are looked for without a wake(); default 5 s. */
  readonly pollMs?: number;
  /** Deliveries sent at once; default 4. */
  readonly concurrency?: number;
}

/** Sends pending deliveries from the log: in every worker and in the controller, safely at once. */
export interface Dispatcher {
  /** Looks for due deliveries now (after an enqueue). */
  wake(): void;
  /** Sends what is due now, once; resolves when done (tests, `notify test`). */
  runOnce(): Promise<number>;
  start(): void;
  /** Stops polling; waits for the round in flight. */
  stop(): Promise<void>;
}

/** The delay before attempt `attempt + 1`: exponential with jitter, or what Retry-After asked. */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(Math.max(retryAfterMs, baseMs), maxMs);
  const exponential = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), maxMs);
  return Math.round(exponential * (0.8 + Math.random() * 0.4));
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const maxAttempts = options.maxAttempts ?? 6;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const baseMs = options.retryBaseMs ?? 5_000;
  const maxMs = options.retryMaxMs ?? 600_000;
  const pollMs = options.pollMs ?? 5_000;
  const concurrency = options.concurrency ?? 4;
  // A lease longer than a request's timeout: no other dispatcher takes a delivery mid-send.
  const leaseMs = timeoutMs * 2 + 5_000;
  const logger = options.logger.child({ component: 'notify' });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = true;

  const deliver = async (delivery: DeliveryRecord, channels: ReadonlyMap<string, Channel>): Promise<void> => {
    const channel = channels.get(delivery.channel);
    const log = logger.child({ delivery: delivery.id, channel: delivery.channel, event: delivery.eventType, attempt: delivery.attempts });
    if (!channel) {
      await finishAttempt(options.pool, delivery.id, { status: 'failed', error: `channel ${delivery.channel} is no longer configured` });
      recordNotificationDelivery(delivery.channel, delivery.eventType, 'failed');
      log.warn('notification dropped: its channel is no longer configured');
      return;
    }
    const result = await sendToChannel(channel, delivery.event, delivery.id, { timeoutMs });
    if (result.ok) {
      await finishAttempt(options.pool, delivery.id, { status: 'delivered', ...(result.status !== undefined ? { httpStatus: result.status } : {}) });
      recordNotificationDelivery(channel.name, delivery.eventType, 'delivered');
      log.info({ status: result.status }, 'notification delivered');
      return;
    }
    const common = { ...(result.status !== undefined ? { httpStatus: result.status } : {}), ...(result.error !== undefined ? { error: result.error } : {}) };
    if (result.retryable && delivery.attempts < maxAttempts) {
      const delay = retryDelayMs(delivery.attempts, baseMs, maxMs, result.retryAfterMs);
      await finishAttempt(options.pool, delivery.id, { status: 'pending', ...common, retryAt: new Date(Date.now() + delay) });
      recordNotificationDelivery(channel.name, delivery.eventType, 'retry');
      log.warn({ status: result.status, error: result.error, retryInMs: delay }, 'notification not delivered; retrying');
      if (!stopped) setTimeout(() => wake(), delay + 10).unref();
      return;
    }
    await finishAttempt(options.pool, delivery.id, { status: 'failed', ...common });
    recordNotificationDelivery(channel.name, delivery.eventType, 'failed');
    log.error({ status: result.status, error: result.error }, 'notification failed for good');
  };

  const round = async (): Promise<number> => {
    let sent = 0;
    // One attempt per delivery per round: a quick retry waits for the next round.
    const attempted: string[] = [];
    for (;;) {
      const due = await claimDueDeliveries(options.pool, concurrency, leaseMs, attempted);
      if (due.length === 0) return sent;
      attempted.push(...due.map((d) => d.id));
      const channels = new Map((await options.channels()).map((c) => [c.name, c]));
      await Promise.all(
        due.map((d) => deliver(d, channels).catch((error: unknown) => logger.warn({ err: error, delivery: d.id }, 'recording a delivery failed'))),
      );
      sent += due.length;
    }
  };

  const runOnce = (): Promise<number> => {
    if (running) {
      again = true;
      return running;
    }
    running = round()
      .catch((error: unknown) => {
        logger.warn({ err: error }, 'sending notifications failed; trying again later');
        return 0;
      })
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          void runOnce();
        }
      });
    return running;
  };

  const wake = (): void => {
    void runOnce();
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      void runOnce().finally(schedule);
    }, pollMs);
    timer.unref();
  };

  return {
    wake,
    runOnce,
    start(): void {
      if (!stopped) return;
      stopped = false;
      wake();
      schedule();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
