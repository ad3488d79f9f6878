import { pingDatabase, readSchemaVersion } from '../controller/db/index.ts';
import type { Logger } from '../controller/logging/index.ts';
import { withTimeout } from '../controller/metrics/index.ts';
import type { ApiDeps } from './types.ts';

export type CheckName = 'database' | 'redis' | 'netbox';

export interface CheckResult {
  readonly status: 'healthy' | 'unhealthy';
  readonly response_time_ms: number;
  /** A short reason without hosts or credentials; the log has the whole error. */
  readonly error?: string;
  /** NetBox's version, when it answered. */
  readonly version?: string;
}

export interface HealthReport {
  readonly status: 'healthy' | 'unhealthy';
  readonly timestamp: string;
  readonly version: string;
  readonly checks: Record<CheckName, CheckResult>;
}

export interface ReadyReport {
  readonly status: 'ready' | 'not_ready';
  readonly checks: { readonly migrations: CheckResult; readonly database: CheckResult; readonly redis: CheckResult };
}

export interface HealthMonitor {
  health(): Promise<HealthReport>;
  ready(): Promise<ReadyReport>;
}

/** A check failure whose message is safe to show on the public /health (no hosts, no credentials). */
export class CheckFailure extends Error {}

/** Short, safe text for a failed check. */
export function describeFailure(error: unknown): string {
  if (error instanceof CheckFailure) return error.message;
  const code = (error as { code?: unknown }).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET') return 'connection reset';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return 'timed out';
  const message = error instanceof Error ? error.message : '';
  if (/took longer than/.test(message)) return 'timed out';
  if (code === '42P01') return 'schema missing: run `netbox-gitops migrate`';
  return 'unavailable';
}

/**
 * Runs `fn` at most once per `ttlMs`; callers in between get the last result, and callers
 * during a run share it, so /health can be polled thousands of times a second.
 */
function cached<T>(ttlMs: number, fn: () => Promise<T>): () => Promise<T> {
  let value: T | undefined;
  let at = 0;
  let running: Promise<T> | undefined;
  return () => {
    if (value !== undefined && Date.now() - at < ttlMs) return Promise.resolve(value);
    running ??= fn()
      .then((result) => {
        value = result;
        at = Date.now();
        return result;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
}

/** The checks of /health (seed 12.2) and /readyz, each cached for `cacheMs`. */
export function createHealthMonitor(
  deps: ApiDeps,
  options: { readonly cacheMs: number; readonly timeoutMs: number; readonly version: string; readonly logger: Logger },
): HealthMonitor {
  const { timeoutMs, logger } = options;
  const probe = (name: string, fn: () => Promise<{ version?: string } | void>): (() => Promise<CheckResult>) =>
    cached(options.cacheMs, async () => {
      const started = performance.now();
      try {
        const extra = await withTimeout(fn(), timeoutMs, `${name} check`);
        return { status: 'healthy', response_time_ms: elapsed(started), ...(extra?.version ? { version: extra.version } : {}) };
      } catch (error) {
        logger.warn({ err: error, check: name }, `health check of ${name} failed`);
        return { status: 'unhealthy', response_time_ms: elapsed(started), error: describeFailure(error) };
      }
    });
  const database = probe('database', async () => {
    await pingDatabase(deps.pool);
  });
  const redis = probe('redis', () => deps.pingRedis());
  const netbox = probe('netbox', async () => {
    const { version } = await deps.checkNetBox();
    return version ? { version } : {};
  });
  const migrations = probe('migrations', async () => {
    const current = await readSchemaVersion(deps.pool);
    if (current < deps.schemaVersion)
      throw new CheckFailure(`schema version ${current}, this build needs ${deps.schemaVersion}: run \`netbox-gitops migrate\``);
  });

  return {
    async health(): Promise<HealthReport> {
      const [d, r, n] = await Promise.all([database(), redis(), netbox()]);
      const checks = { database: d, redis: r, netbox: n };
      return {
        status: Object.values(checks).every((c) => c.status === 'healthy') ? 'healthy' : 'unhealthy',
        timestamp: new Date().toISOString(),
        version: options.version,
        checks,
      };
    },
    async ready(): Promise<ReadyReport> {
      const [m, d, r] = await Promise.all([migrations(), database(), redis()]);
      const checks = { migrations: m, database: d, redis: r };
      return { status: Object.values(checks).every((c) => c.status === 'healthy') ? 'ready' : 'not_ready', checks };
    },
  };
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}
