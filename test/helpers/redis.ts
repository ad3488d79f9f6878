import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '../../controller/config/index.ts';
import type { AppConfig } from '../../controller/config/index.ts';

/** The Redis the tests use (REDIS_* from the environment, or 127.0.0.1:6379). */
export function redisConfig(): AppConfig['redis'] {
  return loadConfig(process.env).redis;
}

/** A name no other test (or run) uses, for queues, lock keys and channels on the shared Redis. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** A plain ioredis client on the test Redis (or `config`), for tests that look at keys themselves. */
export function connectRedis(config: AppConfig['redis'] = redisConfig()): Redis {
  return new Redis({ host: config.host, port: config.port, db: config.db, ...(config.password.isEmpty ? {} : { password: config.password.reveal() }) });
}

/** REDIS_HOST, REDIS_PORT and REDIS_DATABASE for a CLI run or child process on the test Redis (or `config`). */
export function redisEnv(config: AppConfig['redis'] = redisConfig()): Record<string, string> {
  return { REDIS_HOST: config.host, REDIS_PORT: String(config.port), REDIS_DATABASE: String(config.db) };
}
