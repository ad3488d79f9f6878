import pg from 'pg';
import type { Pool, PoolClient } from 'pg';
import type { AppConfig } from '../config/index.ts';
import { watchPool } from '../connectivity/index.ts';
import type { Logger } from '../logging/index.ts';

export interface PoolOptions {
  /** Shown in pg_stat_activity so an operator can tell the components apart. */
  readonly applicationName?: string;
  /** Overrides `database.poolSize`, e.g. for a one-shot command that needs one connection. */
  readonly max?: number;
  /** Receives errors of idle connections (a restarted server, a killed backend). */
  readonly logger?: Logger;
}

/**
 * Creates a pg connection pool for `database` (AppConfig's `database` section). Idle-connection
 * errors are logged (once per outage) instead of crashing the process; the pool replaces the
 * lost connection.
 */
export function createPool(database: AppConfig['database'], options: PoolOptions = {}): Pool {
  const pool = new pg.Pool({
    host: database.host,
    port: database.port,
    database: database.name,
    user: database.user,
    password: database.password.isEmpty ? undefined : database.password.reveal(),
    max: options.max ?? database.poolSize,
    application_name: options.applicationName ?? 'netbox-gitops',
  });
  // Without a listener, an 'error' event from an idle client would end the process.
  return watchPool(pool, options.logger);
}

/**
 * Runs `fn` inside one transaction on one pooled connection: commits when it resolves, rolls
 * back and rethrows when it rejects. A connection whose rollback fails is discarded, not reused.
 */
export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    throw error;
  } finally {
    client.release(broken);
  }
}
