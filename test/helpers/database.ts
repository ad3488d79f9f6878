// A private Postgres database per test file, cloned from a template that is migrated once per
// version of the migrations folder, so each test file pays for one CREATE DATABASE, not for every migration.
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { databaseConnectionString, loadConfig } from '../../controller/config/index.ts';
import type { AppConfig } from '../../controller/config/index.ts';
import { createPool, loadMigrations, migrate } from '../../controller/db/index.ts';
import type { Pool } from '../../controller/db/index.ts';

export interface TestDatabase {
  /** A pool on the new database (at most 5 connections). */
  readonly pool: Pool;
  readonly name: string;
  /** postgres:// URL of the new database, e.g. for a child process's DATABASE_URL. */
  readonly url: string;
  /** AppConfig's database section pointing at the new database, for code that builds its own pool. */
  readonly database: AppConfig['database'];
  /** Closes the pool and drops the database, even if something still holds a connection. */
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** The server to use (its `name` is ignored); DATABASE_* from the environment, or postgres@127.0.0.1:5432, otherwise. */
  readonly connection?: AppConfig['database'];
  /** `false` gives an empty database with no migrations applied, for testing the migrator itself. */
  readonly migrated?: boolean;
}

const TEMPLATE_PREFIX = 'netbox_gitops_template_';
const BUILDING_PREFIX = 'netbox_gitops_building_';
const TEST_PREFIX = 'netbox_gitops_test_';
/** Advisory lock (on the `postgres` database) serialising template builds, clones and cleanup. */
const TEMPLATE_LOCK_KEY = '7390211845063257420';
/** Test databases older than this are leftovers of runs that crashed before dropping them. */
const LEFTOVER_AGE_SECONDS = 6 * 60 * 60;

let leftoversCleaned = false;

/**
 * Creates a database for one test file: by default a clone of the migrated template
 * `netbox_gitops_template_<hash of the migrations>`, built on first use (safely when several
 * vitest workers start together). Call `drop()` in afterAll.
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const server = options.connection ?? loadConfig(process.env).database;
  const name = `${TEST_PREFIX}${Math.floor(Date.now() / 1000)}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdminClient(server, async (admin) => {
    if (options.migrated === false) {
      await admin.query(`CREATE DATABASE ${quote(name)} TEMPLATE template0`);
      return;
    }
    await admin.query('SELECT pg_advisory_lock($1::bigint)', [TEMPLATE_LOCK_KEY]);
    try {
      const template = await ensureTemplate(admin, server);
      await admin.query(`CREATE DATABASE ${quote(name)} TEMPLATE ${quote(template)}`);
      if (!leftoversCleaned) {
        leftoversCleaned = true;
        await dropLeftovers(admin);
      }
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1::bigint)', [TEMPLATE_LOCK_KEY]);
    }
  });
  const database = { ...server, name, poolSize: 5 };
  const pool = createPool(database, { applicationName: 'netbox-gitops-test' });
  let dropped = false;
  return {
    pool,
    name,
    url: databaseConnectionString(database),
    database,
    async drop(): Promise<void> {
      if (dropped) return;
      dropped = true;
      await pool.end();
      await withAdminClient(server, (admin) => admin.query(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`));
    },
  };
}

/** Returns the current template's name, building it first when the migrations changed. Call under the lock. */
async function ensureTemplate(admin: pg.Client, server: AppConfig['database']): Promise<string> {
  const hash = await hashMigrations();
  const template = `${TEMPLATE_PREFIX}${hash}`;
  if (await databaseExists(admin, template)) return template;
  // Built under another name and renamed when complete, so a crash never leaves a half-migrated template.
  const building = `${BUILDING_PREFIX}${hash}`;
  await admin.query(`DROP DATABASE IF EXISTS ${quote(building)} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${quote(building)} TEMPLATE template0`);
  const pool = createPool({ ...server, name: building, poolSize: 1 }, { applicationName: 'netbox-gitops-test-template' });
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
  await admin.query(`ALTER DATABASE ${quote(building)} RENAME TO ${quote(template)}`);
  // A stray connection to a template makes every clone fail, so none are allowed.
  await admin.query(`ALTER DATABASE ${quote(template)} ALLOW_CONNECTIONS false`);
  const stale = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE starts_with(datname, $1) AND datname <> $2`, [
    TEMPLATE_PREFIX,
    template,
  ]);
  for (const row of stale.rows) await admin.query(`DROP DATABASE IF EXISTS ${quote(row.datname)} WITH (FORCE)`);
  return template;
}

async function dropLeftovers(admin: pg.Client): Promise<void> {
  const names = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [TEST_PREFIX]);
  const cutoff = Date.now() / 1000 - LEFTOVER_AGE_SECONDS;
  for (const { datname } of names.rows) {
    const created = Number(datname.slice(TEST_PREFIX.length).split('_')[0]);
    if (Number.isFinite(created) && created < cutoff) await admin.query(`DROP DATABASE IF EXISTS ${quote(datname)} WITH (FORCE)`);
  }
}

async function hashMigrations(): Promise<string> {
  const hash = createHash('sha256');
  for (const m of await loadMigrations()) hash.update(`${m.version}\0${m.name}\0${m.up}\0${m.down}\0`);
  return hash.digest('hex').slice(0, 16);
}

async function databaseExists(admin: pg.Client, name: string): Promise<boolean> {
  const result = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return (result.rowCount ?? 0) > 0;
}

async function withAdminClient<T>(server: AppConfig['database'], fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password.isEmpty ? undefined : server.password.reveal(),
    database: 'postgres',
    application_name: 'netbox-gitops-test-admin',
  });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
