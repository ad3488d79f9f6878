// Is Postgres / Redis there? Short, bounded checks for start-up (the long-running commands wait
// a bounded time, the demo decides whether to start its own), with reasons a person can act on.
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { AppConfig } from '../config/index.ts';
import { AppError } from '../errors/index.ts';
import type { Logger } from '../logging/index.ts';
import { redisConnectionOptions } from './redis-options.ts';

/** The outcome of one check. `fatal`: waiting will not help (wrong password, no such database). */
export type ServiceCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string; readonly fatal: boolean };

/** Network errors that mean "not there (yet)": worth waiting for. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EPIPE',
  'ECONNABORTED',
]);
/** Postgres answering but not ready: starting up, shutting down, in recovery, too many connections. */
const POSTGRES_NOT_READY = new Set(['57P03', '57P01', '57P02', '53300']);

/** Whether an error is a connection failure (refused, reset, timed out, closed) rather than a refusal to serve. */
export function isConnectionError(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; e instanceof Error && depth < 5; depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || POSTGRES_NOT_READY.has(code))) return true;
    if (
      /Connection is closed|Connection terminated|connect ETIMEDOUT|timeout exceeded when trying to connect|Reached the max retries per request limit/i.test(
        e.message,
      )
    )
      return true;
    // AggregateError (happy eyeballs: ::1 and 127.0.0.1 both refused).
    const inner = (e as { errors?: unknown }).errors;
    if (Array.isArray(inner) && inner.some((x) => isConnectionError(x))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** A short reason for a failed connection: the error code or message, never a secret. */
function reasonOf(error: unknown): string {
  const e = error instanceof Error ? error : new Error(String(error));
  const code = (e as { code?: unknown }).code;
  const inner = (e as { errors?: unknown }).errors;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return code === 'ECONNREFUSED' ? 'connection refused' : code;
  if (Array.isArray(inner) && inner[0] instanceof Error) return reasonOf(inner[0]);
  return e.message.split('\n')[0] ?? 'unknown error';
}

/** `Postgres at host:port` (no credentials). */
export function postgresAddress(database: AppConfig['database']): string {
  return `Postgres at ${database.host}:${database.port}`;
}

/** `Redis at host:port` (no credentials). */
export function redisAddress(redis: AppConfig['redis']): string {
  return `Redis at ${redis.host}:${redis.port}`;
}

/**
 * Connects to Postgres once, runs `SELECT 1` and disconnects, within `timeoutMs` (default 2.5 s).
 * `databaseName` overrides the database (the demo checks the server through `postgres`).
 */
export async function checkPostgres(
  database: AppConfig['database'],
  options: { readonly timeoutMs?: number; readonly databaseName?: string } = {},
): Promise<ServiceCheck> {
  const timeoutMs = options.timeoutMs ?? 2_500;
  const client = new pg.Client({
    host: database.host,
    port: database.port,
    database: options.databaseName ?? database.name,
    user: database.user,
    password: database.password.isEmpty ? undefined : database.password.reveal(),
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    application_name: 'netbox-gitops-check',
  });
  // A server that goes away mid-check emits 'error' on the client; the await below reports it.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ok: true };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === '3D000')
      return {
        ok: false,
        fatal: true,
        reason: `database "${options.databaseName ?? database.name}" does not exist (create it, or set DATABASE_NAME / DATABASE_URL)`,
      };
    if (code === '28P01' || code === '28000')
      return { ok: false, fatal: true, reason: `it refused user "${database.user}" (check DATABASE_USER / DATABASE_PASSWORD / DATABASE_URL)` };
    return { ok: false, fatal: !isConnectionError(error), reason: reasonOf(error) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Connects to Redis once and sends PING, within `timeoutMs` (default 2.5 s); never retries. */
export async function checkRedis(redis: AppConfig['redis'], options: { readonly timeoutMs?: number } = {}): Promise<ServiceCheck> {
  const timeoutMs = options.timeoutMs ?? 2_500;
  const client = new Redis({
    ...redisConnectionOptions(redis),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    connectionName: 'netbox-gitops-check',
  });
  let lastError: unknown;
  client.on('error', (error: unknown) => (lastError = error));
  try {
    await client.connect();
    await client.ping();
    return { ok: true };
  } catch (error) {
    const e = lastError ?? error;
    const message = e instanceof Error ? e.message : String(e);
    if (/NOAUTH|WRONGPASS|invalid password|invalid username/i.test(message))
      return { ok: false, fatal: true, reason: 'it refused the password (check REDIS_PASSWORD / REDIS_URL)' };
    return { ok: false, fatal: !isConnectionError(e) && !/Command timed out/i.test(message), reason: reasonOf(e) };
  } finally {
    client.disconnect();
  }
}

/** One service that was not there. */
export interface UnavailableService {
  readonly service: 'postgres' | 'redis';
  /** `Postgres at host:port`. */
  readonly address: string;
  readonly reason: string;
}

/** Postgres or Redis could not be used at start-up (after waiting, unless waiting cannot help). */
export class ServiceUnavailableError extends AppError {
  override readonly code = 'service_unavailable';
  constructor(
    message: string,
    readonly services: readonly UnavailableService[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface WaitForServicesOptions {
  /** How long to wait for both; 0 checks once. */
  readonly timeoutMs: number;
  /** Pause between rounds; default 1 s. */
  readonly intervalMs?: number;
  /** Timeout of each check; default 2.5 s (never longer than what is left). */
  readonly checkTimeoutMs?: number;
  /** Says once that it is waiting and once that the services answer. */
  readonly logger?: Logger;
  /** What to tell the user to change, after "start it, or set ..."; default the variables. */
  readonly hint?: string;
}

/**
 * Waits until Postgres (the configured database) and Redis answer, checking both every
 * `intervalMs`, for at most `timeoutMs`. A refusal waiting cannot fix (wrong password, missing
 * database) fails at once.
 * @throws ServiceUnavailableError with one line naming what is missing, where, and why.
 */
export async function waitForServices(config: Pick<AppConfig, 'database' | 'redis'>, options: WaitForServicesOptions): Promise<void> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const interval = options.intervalMs ?? 1_000;
  let announced = false;
  for (;;) {
    const left = Math.max(deadline - Date.now(), 250);
    const timeoutMs = Math.min(options.checkTimeoutMs ?? 2_500, left);
    const [postgres, redis] = await Promise.all([checkPostgres(config.database, { timeoutMs }), checkRedis(config.redis, { timeoutMs })]);
    const missing: (UnavailableService & { fatal: boolean })[] = [];
    if (!postgres.ok) missing.push({ service: 'postgres', address: postgresAddress(config.database), reason: postgres.reason, fatal: postgres.fatal });
    if (!redis.ok) missing.push({ service: 'redis', address: redisAddress(config.redis), reason: redis.reason, fatal: redis.fatal });
    if (missing.length === 0) {
      if (announced) options.logger?.info('Postgres and Redis answer; starting');
      return;
    }
    if (missing.some((m) => m.fatal) || Date.now() >= deadline) throw unavailable(missing, Date.now() - started, options.hint);
    if (!announced) {
      announced = true;
      options.logger?.warn(
        { missing: missing.map((m) => `${m.address}: ${m.reason}`), waitMs: options.timeoutMs },
        `waiting up to ${seconds(options.timeoutMs)} for ${missing.map((m) => m.address).join(' and ')}`,
      );
    }
    // The last round runs at the deadline.
    await sleep(Math.max(Math.min(interval, deadline - Date.now()), 0));
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

function unavailable(
  missing: readonly (UnavailableService & { readonly fatal: boolean })[],
  waitedMs: number,
  hint: string | undefined,
): ServiceUnavailableError {
  const what = missing.map((m) => (m.fatal ? `${m.address}: ${m.reason}` : `${m.address} is not reachable (${m.reason})`)).join('; ');
  const unreachable = missing.filter((m) => !m.fatal);
  let advice = '';
  if (unreachable.length > 0) {
    const vars = unreachable.map((m) => (m.service === 'postgres' ? 'DATABASE_URL' : 'REDIS_URL')).join(' / ');
    advice = `${waitedMs >= 1_000 ? ` after waiting ${seconds(waitedMs)}` : ''}; start ${unreachable.length > 1 ? 'them' : 'it'}, or set ${vars} to a running one${hint ? ` ${hint}` : ''}`;
  }
  return new ServiceUnavailableError(
    `${what}${advice}`,
    missing.map(({ service, address, reason }) => ({ service, address, reason })),
  );
}
