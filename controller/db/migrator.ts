import type { Pool, PoolClient } from 'pg';
import type { Logger } from '../logging/index.ts';
import { MigrationError } from './errors.ts';
import { loadMigrations, pad } from './migration-files.ts';
import type { Migration } from './migration-files.ts';
import { assertSupportedPostgres } from './postgres-version.ts';

export interface MigrateOptions {
  /** Target version: below the current one runs down scripts, above it up scripts; 0 empties the schema. Latest by default. */
  readonly to?: number;
  readonly logger?: Logger;
  /** The migrations folder; the repository's `migrations/` by default. */
  readonly directory?: string;
}

export interface MigrateResult {
  /** Versions applied by this call, in the order they ran. */
  readonly applied: number[];
  /** Versions reverted by this call, in the order they ran. */
  readonly reverted: number[];
  /** The highest applied version afterwards (0 when none). */
  readonly current: number;
}

/** One line of `migrate --status`. */
export interface MigrationStatus {
  readonly version: number;
  readonly name: string;
  /**
   * `applied`; `pending`; `modified` (applied, but its up file changed since); `unknown` (applied
   * by a newer build: the ledger has it, this build's folder does not).
   */
  readonly state: 'applied' | 'pending' | 'modified' | 'unknown';
  readonly appliedAt?: Date;
}

interface LedgerRow {
  readonly version: number;
  readonly name: string;
  readonly checksum: string;
  readonly applied_at: Date;
}

/**
 * Every replica and the `migrate` command take this session-level advisory lock, so replicas that
 * start together migrate one after another. The value is arbitrary but must never change.
 */
const MIGRATION_LOCK_KEY = '7390211845063257419';

const CREATE_LEDGER = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version     integer PRIMARY KEY,
    name        text NOT NULL,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
  )`;

/**
 * Brings the database schema to `options.to` (latest by default). Holds an advisory lock on one
 * connection for the whole run, checks the server version and that applied migrations are
 * unchanged, then runs each up (or down) script in its own transaction together with its ledger
 * update in `schema_migrations`.
 */
export async function migrate(pool: Pool, options: MigrateOptions = {}): Promise<MigrateResult> {
  const migrations = await loadMigrations(options.directory);
  const target = resolveTarget(options.to, migrations);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    assertSupportedPostgres(await readServerVersionNum(client));
    await acquireLock(client, options.logger);
    try {
      await client.query(CREATE_LEDGER);
      const ledger = await readLedger(client);
      verifyLedger(ledger, migrations);
      return await runPlan(client, migrations, ledger, target, options.logger);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]).catch((error: unknown) => {
        // Destroying the connection ends the session, which releases the lock anyway.
        broken = error instanceof Error ? error : new Error(String(error));
      });
    }
  } finally {
    client.release(broken);
  }
}

/** Lists every migration known to the folder or the ledger, without changing anything. */
export async function readMigrationStatus(pool: Pool, options: Pick<MigrateOptions, 'directory'> = {}): Promise<MigrationStatus[]> {
  const migrations = await loadMigrations(options.directory);
  const exists = await pool.query<{ exists: boolean }>(`SELECT to_regclass('schema_migrations') IS NOT NULL AS exists`);
  const ledger = exists.rows[0]?.exists ? await readLedger(pool) : [];
  const byVersion = new Map(ledger.map((row) => [row.version, row]));
  const known: MigrationStatus[] = migrations.map((m) => {
    const row = byVersion.get(m.version);
    if (!row) return { version: m.version, name: m.name, state: 'pending' };
    const state = row.checksum === m.checksum && row.name === m.name ? 'applied' : 'modified';
    return { version: m.version, name: m.name, state, appliedAt: row.applied_at };
  });
  const unknown: MigrationStatus[] = ledger
    .filter((row) => !migrations.some((m) => m.version === row.version))
    .map((row) => ({ version: row.version, name: row.name, state: 'unknown', appliedAt: row.applied_at }));
  return [...known, ...unknown].sort((a, b) => a.version - b.version);
}

function resolveTarget(to: number | undefined, migrations: readonly Migration[]): number {
  const latest = migrations.at(-1)?.version ?? 0;
  if (to === undefined) return latest;
  if (!Number.isInteger(to) || to < 0 || to > latest) {
    throw new MigrationError(`Cannot migrate to version ${to}: choose a whole number from 0 to ${latest}, the latest migration.`);
  }
  return to;
}

async function readServerVersionNum(client: PoolClient): Promise<string> {
  const result = await client.query<{ server_version_num: string }>('SHOW server_version_num');
  return result.rows[0]?.server_version_num ?? '';
}

async function acquireLock(client: PoolClient, logger: Logger | undefined): Promise<void> {
  const attempt = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [MIGRATION_LOCK_KEY]);
  if (attempt.rows[0]?.locked) return;
  logger?.info('another migrator holds the migration lock; waiting for it to finish');
  await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
}

async function readLedger(db: Pool | PoolClient): Promise<LedgerRow[]> {
  const result = await db.query<LedgerRow>('SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version');
  return result.rows;
}

/** Applied migrations are append-only: refuse to run when one changed or is unknown to this build. */
function verifyLedger(ledger: readonly LedgerRow[], migrations: readonly Migration[]): void {
  const latest = migrations.at(-1)?.version ?? 0;
  for (const row of ledger) {
    const migration = migrations.find((m) => m.version === row.version);
    if (!migration) {
      throw new MigrationError(
        `The database has migration ${pad(row.version)}_${row.name} applied, but this build only knows migrations up to ${pad(latest)}. ` +
          `Run a newer netbox-gitops, or go back with that newer build's \`migrate --to ${latest}\`.`,
        { version: row.version },
      );
    }
    if (migration.checksum !== row.checksum || migration.name !== row.name) {
      throw new MigrationError(
        `Migration ${migration.upFile} was changed after it was applied (it was applied as ${pad(row.version)}_${row.name} with checksum ${row.checksum.slice(0, 12)}, ` +
          `the file now has ${migration.checksum.slice(0, 12)}). Applied migrations are append-only: restore the file and put the change in a new numbered migration.`,
        { file: migration.upFile, version: row.version },
      );
    }
  }
}

async function runPlan(
  client: PoolClient,
  migrations: readonly Migration[],
  ledger: readonly LedgerRow[],
  target: number,
  logger: Logger | undefined,
): Promise<MigrateResult> {
  const appliedVersions = new Set(ledger.map((row) => row.version));
  const toRevert = migrations.filter((m) => appliedVersions.has(m.version) && m.version > target).reverse();
  const toApply = migrations.filter((m) => !appliedVersions.has(m.version) && m.version <= target);
  const reverted: number[] = [];
  for (const migration of toRevert) {
    logger?.info({ version: migration.version, file: migration.downFile }, 'reverting migration');
    await runScript(client, migration, 'down');
    appliedVersions.delete(migration.version);
    reverted.push(migration.version);
  }
  const applied: number[] = [];
  for (const migration of toApply) {
    logger?.info({ version: migration.version, file: migration.upFile }, 'applying migration');
    await runScript(client, migration, 'up');
    appliedVersions.add(migration.version);
    applied.push(migration.version);
  }
  return { applied, reverted, current: Math.max(0, ...appliedVersions) };
}

async function runScript(client: PoolClient, migration: Migration, direction: 'up' | 'down'): Promise<void> {
  const script = direction === 'up' ? migration.up : migration.down;
  const file = direction === 'up' ? migration.upFile : migration.downFile;
  await client.query('BEGIN');
  try {
    try {
      // No parameters: pg sends a simple query, which may hold several statements.
      await client.query(script);
    } catch (error) {
      throw new MigrationError(
        `Migration ${file} failed${locate(script, error)}: ${messageOf(error)}. Nothing of it was applied.`,
        {
          file,
          version: migration.version,
        },
        { cause: error },
      );
    }
    if (direction === 'up') {
      await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
    } else {
      await client.query('DELETE FROM schema_migrations WHERE version = $1', [migration.version]);
    }
    await client.query('COMMIT');
  } catch (error) {
    // A failed rollback means a broken connection; the caller then discards it, so report the original error.
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Turns Postgres's character position of a syntax or execution error into ` at line N`. */
function locate(script: string, error: unknown): string {
  const position = Number((error as { position?: string }).position);
  if (!Number.isInteger(position) || position < 1) return '';
  return ` at line ${script.slice(0, position - 1).split('\n').length}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The newest migration version the database records (0 before the first), for readiness checks. */
export async function readSchemaVersion(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
  return rows[0]?.version ?? 0;
}

/** One round trip to the database: throws when it does not answer. */
export async function pingDatabase(pool: Pool): Promise<void> {
  await pool.query('SELECT 1');
}
