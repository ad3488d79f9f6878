import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import type { ConnectionOptions } from 'bullmq';
import type { AppConfig } from '../config/index.ts';
import { redisConnectionOptions, watchRedisClient } from '../connectivity/index.ts';
import type { Logger } from '../logging/index.ts';
import { closeWithin } from './close-within.ts';
import type { WorkflowEvent } from './types.ts';

/**
 * Redis pub/sub channel of process, step and drift events of the default queue, for the API's
 * live subscriptions. Each queue (WORKFLOW_QUEUE, one per installation) has its own:
 * {@link eventsChannel}.
 */
export const EVENTS_CHANNEL = 'netbox-gitops:events';

/** The events channel of a workflow queue: `<queue>:events` (`netbox-gitops:events` by default). */
export function eventsChannel(queueName = 'netbox-gitops'): string {
  return `${queueName}:events`;
}
/** Channel on which the service tells workers to stop a running process (cancel requests). */
export const CONTROL_CHANNEL = 'netbox-gitops:control';

/** A message on {@link CONTROL_CHANNEL}. */
export interface ControlMessage {
  readonly type: 'cancel';
  readonly processId: string;
  readonly by: string;
}

/**
 * ioredis options for AppConfig's redis section. `maxRetriesPerRequest: null` is what BullMQ
 * requires for its blocking connections; commands wait for a reconnect instead of failing. A
 * lost connection is retried with exponential backoff (100 ms doubling to 5 s, jittered).
 */
export function redisOptionsFor(redis: AppConfig['redis'], connectionName = 'netbox-gitops'): RedisOptions {
  return { ...redisConnectionOptions(redis), maxRetriesPerRequest: null, connectionName };
}

/** The same settings typed for BullMQ's Queue and Worker, which create their own connections. */
export function bullConnectionFor(redis: AppConfig['redis'], connectionName: string): ConnectionOptions {
  return { ...redisConnectionOptions(redis), maxRetriesPerRequest: null, connectionName };
}

/**
 * Publishes recorded events (after the statement that recorded them committed) and control
 * messages. Publishing failures are logged, never thrown: the events stay in `process_events`,
 * where subscribers find them when the next event of the process shows the gap.
 */
export interface EventPublisher {
  /** Publishes events in the given order (one connection, so Redis keeps that order). */
  publish(events: readonly WorkflowEvent[]): void;
  control(message: ControlMessage): Promise<void>;
  close(): Promise<void>;
  /** Drops the connection at once (when close() cannot finish: Redis unreachable). */
  disconnect(): void;
}

export function createEventPublisher(redis: AppConfig['redis'], logger: Logger, queueName?: string): EventPublisher {
  const channel = eventsChannel(queueName);
  // Auto-pipelining batches the many small PUBLISHes of busy workers into few writes.
  const client = watchRedisClient(
    new Redis({ ...redisOptionsFor(redis, 'netbox-gitops-events'), lazyConnect: true, enableAutoPipelining: true }),
    logger,
    'Redis connection for events failed; retrying',
    'events',
  );
  return {
    publish(events): void {
      for (const event of events) {
        client.publish(channel, JSON.stringify(event)).catch((error: unknown) => {
          logger.warn(
            { err: error, event: event.type, processId: event.processId, seq: event.seq },
            'could not publish a workflow event (subscribers read it from Postgres)',
          );
        });
      }
    },
    async control(message): Promise<void> {
      await client.publish(CONTROL_CHANNEL, JSON.stringify(message));
    },
    async close(): Promise<void> {
      await client.quit().catch(() => client.disconnect());
    },
    disconnect(): void {
      client.disconnect();
    },
  };
}

/**
 * Subscribes to a queue's events channel on a dedicated Redis connection and calls `handler`
 * with every event as it arrives (malformed messages are skipped): events of one process may
 * arrive out of order or not at all (they come from several components); use
 * subscribeOrderedEvents to get them in order. Resolves once the subscription is active; the
 * returned function unsubscribes and closes the connection.
 */
export async function subscribeEvents(redis: AppConfig['redis'], handler: (event: WorkflowEvent) => void, queueName?: string): Promise<() => Promise<void>> {
  return subscribeChannel(redis, eventsChannel(queueName), (value) => {
    if (isWorkflowEvent(value)) handler(value);
  });
}

/** Whether a message from the channel looks like an event. */
export function isWorkflowEvent(value: unknown): value is WorkflowEvent {
  return value !== null && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string';
}

/**
 * Subscribes to one channel with JSON messages; used for events and for workers' control
 * messages. `onResubscribed` is called each time the connection came back after a loss (and
 * ioredis subscribed again): messages published meanwhile were lost. With `logger`, the
 * connection's loss and return are logged (once per outage).
 */
export async function subscribeChannel(
  redis: AppConfig['redis'],
  channel: string,
  handler: (message: unknown) => void,
  options: { readonly onResubscribed?: () => void; readonly logger?: Logger } = {},
): Promise<() => Promise<void>> {
  const client = new Redis({ ...redisOptionsFor(redis, 'netbox-gitops-subscriber') });
  // The subscriber reconnects and resubscribes by itself; a failed attempt is not fatal (and
  // is logged once per outage when there is a logger).
  if (options.logger) watchRedisClient(client, options.logger, 'Redis subscription failed; retrying', `subscriber ${channel}`);
  else client.on('error', () => undefined);
  let readyBefore = false;
  client.on('ready', () => {
    if (readyBefore) options.onResubscribed?.();
    readyBefore = true;
  });
  client.on('message', (received: string, text: string) => {
    if (received !== channel) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return;
    }
    handler(value);
  });
  try {
    await client.subscribe(channel);
  } catch (error) {
    client.disconnect();
    throw error;
  }
  // A client still reconnecting (Redis gone) would wait forever: dropped after a bound.
  return () =>
    closeWithin(
      2_000,
      async () => {
        await client.unsubscribe(channel).catch(() => undefined);
        await client.quit();
      },
      () => client.disconnect(),
    );
}
