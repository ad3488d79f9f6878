// Logs a lost Postgres or Redis connection once, and its return once, however many connections
// of the process fail and however many times they retry. ioredis reconnects with backoff
// (retryStrategy in redis-options.ts); pg opens a new connection for the next query. Without this, every
// failed attempt of every connection logged a warning with a stack.
import type { Logger } from '../logging/index.ts';
import { isConnectionError } from './checks.ts';

export type ConnectedSystem = 'postgres' | 'redis';

interface SystemState {
  down: boolean;
  since: number;
  failures: number;
}

// One per process: every connection of this process to a system reports here, so the log says
// "Redis lost" once, not once per connection (a worker holds five) or per attempt.
const states = new Map<ConnectedSystem, SystemState>();

function stateOf(system: ConnectedSystem): SystemState {
  let state = states.get(system);
  if (!state) {
    state = { down: false, since: Date.now(), failures: 0 };
    states.set(system, state);
  }
  return state;
}

const LABEL: Record<ConnectedSystem, string> = { postgres: 'Postgres', redis: 'Redis' };

/** Records a failed connection (attempt); logs only when the system was up until now. */
export function connectionLost(system: ConnectedSystem, logger: Logger | undefined, error: unknown, where?: string): void {
  // A connection nobody logs for does not change what is logged for the others.
  if (!logger) return;
  const state = stateOf(system);
  state.failures += 1;
  if (state.down) return;
  state.down = true;
  state.since = Date.now();
  const code = (error as { code?: unknown } | undefined)?.code;
  const reason = typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
  logger?.warn(
    { system, reason, ...(where ? { connection: where } : {}) },
    `${LABEL[system]} connection lost (${reason}); retrying with backoff, logged again when it is back`,
  );
}

/** Records a working connection; logs only when the system was down until now. */
export function connectionRestored(system: ConnectedSystem, logger: Logger | undefined): void {
  if (!logger) return;
  const state = stateOf(system);
  if (!state.down) return;
  const downMs = Date.now() - state.since;
  logger?.info({ system, downMs, failedAttempts: state.failures }, `${LABEL[system]} connection restored after ${Math.round(downMs / 1000)} s`);
  state.down = false;
  state.failures = 0;
}

/** Whether this process currently considers the system down (for tests and health). */
export function isConnectionDown(system: ConnectedSystem): boolean {
  return stateOf(system).down;
}

/**
 * The `error` listener of a Redis client or a BullMQ Queue/Worker: connection failures go to
 * {@link connectionLost} (logged once per outage), anything else is logged as `message`.
 */
export function redisErrorHandler(logger: Logger | undefined, message: string, where?: string): (error: Error) => void {
  return (error) => {
    if (isConnectionError(error)) connectionLost('redis', logger, error, where);
    else logger?.warn({ err: error, ...(where ? { connection: where } : {}) }, message);
  };
}

/** An ioredis client's events, as far as watching it goes. */
interface RedisLike {
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
}

/** Watches an ioredis client: its failures and returns are logged once per change. */
export function watchRedisClient<T extends RedisLike>(client: T, logger: Logger | undefined, message: string, where?: string): T {
  client.on('error', redisErrorHandler(logger, message, where));
  client.on('ready', () => connectionRestored('redis', logger));
  return client;
}

/** A pg Pool's events, as far as watching it goes. */
interface PoolLike {
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'connect', listener: () => void): unknown;
}

/**
 * Watches a pg pool: an idle connection dropped by a restarting server is logged once per
 * outage (the pool opens a new connection for the next query), a new connection once it is back.
 */
export function watchPool<T extends PoolLike>(pool: T, logger: Logger | undefined): T {
  pool.on('error', (error) => {
    if (isConnectionError(error) || /terminat/i.test(error.message)) connectionLost('postgres', logger, error);
    else logger?.warn({ err: error }, 'idle Postgres connection failed; the pool will open a new one');
  });
  pool.on('connect', () => connectionRestored('postgres', logger));
  return pool;
}
