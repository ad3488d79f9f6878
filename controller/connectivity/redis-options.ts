import type { AppConfig } from '../config/index.ts';

/** How every netbox-gitops connection reaches Redis, before per-use settings are added. */
export interface RedisConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly password?: string;
  readonly retryStrategy: (times: number) => number | null;
}

/**
 * ioredis connection options for AppConfig's redis section: the one place the section is mapped.
 * A lost connection is retried with {@link redisRetryDelay}; callers add `connectionName`,
 * `maxRetriesPerRequest` and the like (or override `retryStrategy` for one-shot checks).
 */
export function redisConnectionOptions(redis: AppConfig['redis']): RedisConnectionOptions {
  return {
    host: redis.host,
    port: redis.port,
    db: redis.db,
    ...(redis.password.isEmpty ? {} : { password: redis.password.reveal() }),
    retryStrategy: redisRetryDelay,
  };
}

/**
 * ioredis `retryStrategy`: reconnect after 100 ms, doubling up to 5 s, with jitter so that many
 * clients do not reconnect in step. Never gives up: a long-running process waits for Redis.
 */
export function redisRetryDelay(times: number): number {
  const base = Math.min(100 * 2 ** Math.min(times - 1, 6), 5_000);
  return Math.round(base / 2 + Math.random() * (base / 2));
}
