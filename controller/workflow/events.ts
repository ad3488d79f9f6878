import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import type { ConnectionOptions } from 'bullmq';
import type { AppConfig } from '../config/index.ts';
import type { Logger } from '../logging/index.ts';
import type { WorkflowEvent } from './types.ts';

/** Redis pub/sub channel of process, step and drift events, for the API's live subscriptions. */
export const EVENTS_CHANNEL = 'netbox-gitops:events';
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
 * requires for its blocking connections; commands wait for a reconnect instead of failing.
 */
export function redisOptionsFor(redis: AppConfig['redis'], connectionName = 'netbox-gitops'): RedisOptions {
  return {
    host: redis.host,
    port: redis.port,
    db: redis.db,
    ...(redis.password.isEmpty ? {} : { password: redis.password.reveal() }),
    maxRetriesPerRequest: null,
    connectionName,
  };
}

/** The same settings typed for BullMQ's Queue and Worker, which create their own connections. */
export function bullConnectionFor(redis: AppConfig['redis'], connectionName: string): ConnectionOptions {
  const { host, port, db, password, maxRetriesPerRequest } = redisOptionsFor(redis, connectionName);
  return { host, port, db, ...(password !== undefined ? { password } : {}), maxRetriesPerRequest, connectionName };
}

/** Publishes events and control messages; failures are logged, never thrown (events are best effort). */
export interface EventPublisher {
  publish(event: Omit<WorkflowEvent, 'at'>): void;
  control(message: ControlMessage): Promise<void>;
  close(): Promise<void>;
}

export function createEventPublisher(redis: AppConfig['redis'], logger: Logger): EventPublisher {
  // Auto-pipelining batches the many small PUBLISHes of busy workers into few writes.
  const client = new Redis({ ...redisOptionsFor(redis, 'netbox-gitops-events'), lazyConnect: true, enableAutoPipelining: true });
  client.on('error', (error: Error) => logger.warn({ err: error }, 'Redis connection for events failed; retrying'));
  return {
    publish(event): void {
      const message = JSON.stringify({ ...event, at: new Date().toISOString() });
      client.publish(EVENTS_CHANNEL, message).catch((error: unknown) => {
        logger.warn({ err: error, event: event.type }, 'could not publish a workflow event');
      });
    },
    async control(message): Promise<void> {
      await client.publish(CONTROL_CHANNEL, JSON.stringify(message));
    },
    async close(): Promise<void> {
      await client.quit().catch(() => client.disconnect());
    },
  };
}

/**
 * Subscribes to {@link EVENTS_CHANNEL} on a dedicated Redis connection and calls `handler` with
 * every event (malformed messages are skipped). Resolves once the subscription is active;
 * the returned function unsubscribes and closes the connection.
 */
export async function subscribeEvents(redis: AppConfig['redis'], handler: (event: WorkflowEvent) => void): Promise<() => Promise<void>> {
  return subscribeChannel(redis, EVENTS_CHANNEL, (value) => {
    if (value !== null && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string') handler(value as WorkflowEvent);
  });
}

/** Subscribes to one channel with JSON messages; used for events and for workers' control messages. */
export async function subscribeChannel(redis: AppConfig['redis'], channel: string, handler: (message: unknown) => void): Promise<() => Promise<void>> {
  const client = new Redis({ ...redisOptionsFor(redis, 'netbox-gitops-subscriber') });
  // The subscriber reconnects and resubscribes by itself; a failed attempt is not fatal.
  client.on('error', () => undefined);
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
  return async () => {
    await client.unsubscribe(channel).catch(() => undefined);
    await client.quit().catch(() => client.disconnect());
  };
}
