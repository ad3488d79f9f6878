import { cp, mkdtemp, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, defaultMigrationsDirectory, loadMigrations, migrate, MigrationError, readMigrationStatus } from '../../../controller/db/index.ts';
import type { Pool } from '../../../controller/db/index.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import type { TestDatabase } from '../../helpers/database.ts';

const ALL_TABLES = [
  'api_tokens',
  'apply_outbox',
  'audit_log',
  'drift',
  'drift_history',
  'intent_revisions',
  'intents',
  'library_upgrades',
  'notification_channels',
  'notification_deliveries',
  'process_events',
  'process_steps',
  'processes',
  'schema_migrations',
  'workflows',
];

/** Index name → the columns it must cover, in order (as pg_get_indexdef prints them). */
const EXPECTED_INDEXES: Record<string, string> = {
  idx_processes_created_at: 'processes USING btree (created_at DESC, id DESC)',
  idx_processes_status: 'processes USING btree (status, created_at DESC, id DESC)',
  idx_processes_workflow_id: 'processes USING btree (workflow_id)',
  idx_processes_workflow_name: 'processes USING btree (workflow_name, created_at DESC, id DESC)',
  idx_processes_intent: 'processes USING btree (intent_kind, intent_name, created_at DESC, id DESC)',
  process_steps_process_position_attempt_key: 'process_steps USING btree (process_id, "position", attempt)',
  idx_audit_log_process_id: 'audit_log USING btree (process_id)',
  idx_audit_log_timestamp: 'audit_log USING btree ("timestamp" DESC, id DESC)',
  idx_audit_log_object: 'audit_log USING btree (object_kind, object_identity, "timestamp" DESC)',
  idx_audit_log_intent: 'audit_log USING btree (intent_kind, intent_name, "timestamp" DESC)',
  intents_kind_name_key: 'intents USING btree (kind, name)',
  intent_revisions_intent_revision_key: 'intent_revisions USING btree (intent_id, revision)',
  drift_intent_object_key: 'drift USING btree (intent_id, object_kind, identity)',
  idx_drift_history_intent: 'drift_history USING btree (intent_id, recorded_at DESC)',
  api_tokens_name_key: 'api_tokens USING btree (name)',
  api_tokens_token_hash_key: 'api_tokens USING btree (token_hash)',
};

const databases: TestDatabase[] = [];
const tempDirs: string[] = [];

async function emptyDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase({ migrated: false });
  databases.push(db);
  return db;
}

async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'netbox-gitops-migrations-'));
  tempDirs.push(dir);
  await cp(defaultMigrationsDirectory(), dir, { recursive: true });
  return dir;
}

async function tables(pool: Pool): Promise<string[]> {
  const result = await pool.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
  return result.rows.map((row) => row.tablename);
}

async function ledger(pool: Pool): Promise<{ version: number; name: string; checksum: string; applied_at: Date }[]> {
  const result = await pool.query<{ version: number; name: string; checksum: string; applied_at: Date }>(
    'SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version',
  );
  return result.rows;
}

/** `row` restricted to the keys `like` has. */
function pick(row: unknown, like: unknown): unknown {
  const keys = Object.keys((like ?? {}) as object);
  return Object.fromEntries(Object.entries(row as object).filter(([key]) => keys.includes(key)));
}

async function snapshot(pool: Pool, table: string): Promise<unknown[]> {
  const result = await pool.query<{ row: unknown }>(`SELECT row_to_json(t) AS row FROM ${table} t ORDER BY id`);
  return result.rows.map((r) => r.row);
}

afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** from, from+1, ... to (or down to `to` when it is smaller). */
function versions(from: number, to: number): number[] {
  const step = from <= to ? 1 : -1;
  return Array.from({ length: Math.abs(to - from) + 1 }, (_, i) => from + i * step);
}

const pad = (version: number): string => String(version).padStart(4, '0');

describe('migrate', () => {
  // Written against whatever migrations this build ships, so adding one needs no edit here.
  let latest: number;
  let shipped: Awaited<ReturnType<typeof loadMigrations>>;
  beforeAll(async () => {
    shipped = await loadMigrations();
    latest = shipped.at(-1)?.version ?? 0;
  });

  it('takes an empty database to the latest version with every table and index', async () => {
    const db = await emptyDatabase();
    const result = await migrate(db.pool);
    expect(latest).toBeGreaterThanOrEqual(3);
    expect(result).toEqual({ applied: Array.from({ length: latest }, (_, i) => i + 1), reverted: [], current: latest });
    expect(await tables(db.pool)).toEqual(ALL_TABLES);

    const indexes = await db.pool.query<{ indexname: string; indexdef: string }>(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'`);
    const byName = new Map(indexes.rows.map((row) => [row.indexname, row.indexdef]));
    for (const [name, definition] of Object.entries(EXPECTED_INDEXES)) {
      expect(byName.get(name), name).toContain(`ON public.${definition}`);
    }

    const rows = await ledger(db.pool);
    expect(rows.map((r) => r.version)).toEqual(result.applied);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
  });

  it('enforces the enumerations and the timestamptz columns', async () => {
    const db = await emptyDatabase();
    await migrate(db.pool);
    const workflow = await db.pool.query<{ id: string }>(`INSERT INTO workflows (name, target) VALUES ('reconcile_intent', 'SYSTEM') RETURNING id`);
    const workflowId = workflow.rows[0]?.id;
    await expect(
      db.pool.query(`INSERT INTO processes (workflow_id, workflow_name, status) VALUES ($1, 'reconcile_intent', 'paused')`, [workflowId]),
    ).rejects.toThrow(/processes_status_check/);
    await expect(db.pool.query(`INSERT INTO api_tokens (name, role, token_hash, prefix) VALUES ('x', 'root', repeat('a', 64), 'ngo_')`)).rejects.toThrow(
      /api_tokens_role_check/,
    );
    await expect(db.pool.query(`INSERT INTO api_tokens (name, role, token_hash, prefix) VALUES ('x', 'admin', 'not-a-hash', 'ngo_')`)).rejects.toThrow(
      /api_tokens_token_hash_check/,
    );
    const types = await db.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM information_schema.columns WHERE table_schema = 'public' AND data_type = 'timestamp without time zone'`,
    );
    expect(types.rows[0]?.n).toBe('0');
  });

  it('is idempotent: a second run changes nothing', async () => {
    const db = await emptyDatabase();
    await migrate(db.pool);
    const before = await ledger(db.pool);
    const again = await migrate(db.pool);
    expect(again).toEqual({ applied: [], reverted: [], current: latest });
    expect(await ledger(db.pool)).toEqual(before);
  });

  it('goes down to 1, back up, down to 0 and up again on a database with data, keeping the remaining tables intact', async () => {
    const db = await emptyDatabase();
    await migrate(db.pool);
    const { pool } = db;
    const wf = await pool.query<{ id: string }>(
      `INSERT INTO workflows (name, target, description, form_schema) VALUES ('task_import_vendors', 'SYSTEM', 'Import vendors', '{"type":"object"}') RETURNING id`,
    );
    const proc = await pool.query<{ id: string }>(
      `INSERT INTO processes (workflow_id, workflow_name, status, intent_kind, intent_name, correlation_id, created_by, form_data)
       VALUES ($1, 'task_import_vendors', 'completed', 'VendorSet', 'core', 'corr-1', 'ci-token', '{"selected_vendors":["Cisco"]}') RETURNING id`,
      [wf.rows[0]?.id],
    );
    const processId = proc.rows[0]?.id;
    await pool.query(`INSERT INTO process_steps (process_id, step_name, position, status, output_data) VALUES ($1, 'resolve', 0, 'completed', '{"n":1}')`, [
      processId,
    ]);
    await pool.query(
      `INSERT INTO audit_log (process_id, action, object_kind, object_identity, netbox_id, after, correlation_id, user_id)
       VALUES ($1, 'create', 'manufacturer', 'cisco', 7, '{"slug":"cisco"}', 'corr-1', 'ci-token')`,
      [processId],
    );
    const intent = await pool.query<{ id: string }>(
      `INSERT INTO intents (kind, name, source, revision, spec, mode, last_process_id) VALUES ('VendorSet', 'core', 'git', 'abc', '{}', 'enforce', $1) RETURNING id`,
      [processId],
    );
    await pool.query(`INSERT INTO intent_revisions (intent_id, revision, spec, source) VALUES ($1, 'abc', '{}', 'git')`, [intent.rows[0]?.id]);
    await pool.query(`INSERT INTO drift (intent_id, object_kind, identity, action, diff) VALUES ($1, 'manufacturer', 'juniper', 'create', '{}')`, [
      intent.rows[0]?.id,
    ]);
    await pool.query(`INSERT INTO api_tokens (name, role, token_hash, prefix) VALUES ('ci-token', 'operator', repeat('b', 64), 'ngo_abcd')`);

    const kept = ['workflows', 'processes', 'process_steps', 'audit_log'];
    const before = await Promise.all(kept.map((t) => snapshot(pool, t)));
    expect(before.every((rows) => rows.length === 1)).toBe(true);

    expect(await migrate(pool, { to: 1 })).toEqual({ applied: [], reverted: versions(latest, 2), current: 1 });
    expect(await tables(pool)).toEqual(['audit_log', 'process_steps', 'processes', 'schema_migrations', 'workflows']);
    // Later migrations may add columns to these tables: the rows keep every column version 1 has.
    const atOne = await Promise.all(kept.map((t) => snapshot(pool, t)));
    expect(atOne).toEqual(before.map((rows, i) => rows.map((row, j) => pick(row, atOne[i]?.[j]))));
    expect((await ledger(pool)).map((r) => r.version)).toEqual([1]);

    expect(await migrate(pool)).toEqual({ applied: versions(2, latest), reverted: [], current: latest });
    expect(await tables(pool)).toEqual(ALL_TABLES);
    expect(await Promise.all(kept.map((t) => snapshot(pool, t)))).toEqual(before);
    expect(await snapshot(pool, 'intents')).toEqual([]);

    expect(await migrate(pool, { to: 0 })).toEqual({ applied: [], reverted: versions(latest, 1), current: 0 });
    expect(await tables(pool)).toEqual(['schema_migrations']);
    expect(await ledger(pool)).toEqual([]);

    expect(await migrate(pool)).toEqual({ applied: versions(1, latest), reverted: [], current: latest });
    expect(await tables(pool)).toEqual(ALL_TABLES);
  });

  it('lets two migrators start together on a fresh database: both succeed, each migration runs once', async () => {
    const db = await emptyDatabase();
    const first = createPool(db.database, { applicationName: 'migrator-a' });
    const second = createPool(db.database, { applicationName: 'migrator-b' });
    try {
      const results = await Promise.all([migrate(first), migrate(second)]);
      const all = Array.from({ length: latest }, (_, i) => i + 1);
      expect(results.map((r) => r.current)).toEqual([latest, latest]);
      expect(results.flatMap((r) => r.applied).sort((a, b) => a - b)).toEqual(all);
      // The lock makes them run one after the other, so one did everything and the other nothing.
      expect(results.map((r) => r.applied.length).sort()).toEqual([0, latest]);
      expect((await ledger(db.pool)).map((r) => r.version)).toEqual(all);
      expect(await tables(db.pool)).toEqual(ALL_TABLES);
    } finally {
      await Promise.all([first.end(), second.end()]);
    }
  });

  it('refuses to run when an applied migration was changed, naming the file', async () => {
    const db = await emptyDatabase();
    const dir = await copyOfMigrations();
    await migrate(db.pool, { directory: dir, to: 2 });
    await appendFile(join(dir, '0001_workflow_tables.up.sql'), '\n-- an edit after the fact\n');

    const error = await migrate(db.pool, { directory: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).message).toContain('0001_workflow_tables.up.sql was changed after it was applied');
    expect((error as MigrationError).message).toContain('append-only');
    expect((error as MigrationError).context).toEqual({ file: '0001_workflow_tables.up.sql', version: 1 });
    // Refused before doing anything, including going down.
    await expect(migrate(db.pool, { directory: dir, to: 0 })).rejects.toThrow(/0001_workflow_tables\.up\.sql/);
    expect((await ledger(db.pool)).map((r) => r.version)).toEqual([1, 2]);

    const status = await readMigrationStatus(db.pool, { directory: dir });
    expect(status.map((s) => [s.version, s.state])).toEqual([[1, 'modified'], [2, 'applied'], ...versions(3, latest).map((v) => [v, 'pending'])]);
  });

  it('refuses a database migrated by a newer build', async () => {
    const db = await emptyDatabase();
    const dir = await copyOfMigrations();
    await migrate(db.pool, { directory: dir });
    const newest = shipped.at(-1) as (typeof shipped)[number];
    await rm(join(dir, newest.upFile));
    await rm(join(dir, newest.downFile));
    await expect(migrate(db.pool, { directory: dir })).rejects.toThrow(
      `${pad(latest)}_${newest.name} applied, but this build only knows migrations up to ${pad(latest - 1)}`,
    );
    const status = await readMigrationStatus(db.pool, { directory: dir });
    expect(status.at(-1)).toMatchObject({ version: latest, name: newest.name, state: 'unknown' });
  });

  it('rolls back a failing migration completely and reports its file and line', async () => {
    const db = await emptyDatabase();
    const dir = await copyOfMigrations();
    const broken = `${pad(latest + 1)}_broken`;
    await writeFile(join(dir, `${broken}.up.sql`), 'CREATE TABLE half_done (id integer);\nSELECT * FROM no_such_table;\n');
    await writeFile(join(dir, `${broken}.down.sql`), 'DROP TABLE half_done;\n');
    const error = await migrate(db.pool, { directory: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).message).toContain(`Migration ${broken}.up.sql failed at line 2: relation "no_such_table" does not exist`);
    expect((await ledger(db.pool)).map((r) => r.version)).toEqual(versions(1, latest));
    expect(await tables(db.pool)).toEqual(ALL_TABLES);
  });

  it('checks the folder: a missing down script, a gap or a misnamed file is an error', async () => {
    const missingDown = await copyOfMigrations();
    await rm(join(missingDown, '0002_intents_and_drift.down.sql'));
    await expect(loadMigrations(missingDown)).rejects.toThrow(/no 0002_intents_and_drift\.down\.sql/);

    const gap = await copyOfMigrations();
    await writeFile(join(gap, `${pad(latest + 2)}_later.up.sql`), 'SELECT 1;');
    await writeFile(join(gap, `${pad(latest + 2)}_later.down.sql`), 'SELECT 1;');
    await expect(loadMigrations(gap)).rejects.toThrow(`expected ${pad(latest + 1)} but found ${pad(latest + 2)}`);

    const misnamed = await copyOfMigrations();
    await writeFile(join(misnamed, '4_Extra.sql'), 'SELECT 1;');
    await expect(loadMigrations(misnamed)).rejects.toThrow(/4_Extra\.sql is misnamed/);
  });

  it('refuses a target outside 0..latest', async () => {
    const db = await emptyDatabase();
    await expect(migrate(db.pool, { to: latest + 1 })).rejects.toThrow(`choose a whole number from 0 to ${latest}`);
    await expect(migrate(db.pool, { to: -1 })).rejects.toThrow(MigrationError);
    expect(await tables(db.pool)).toEqual([]);
  });

  it('reports status without changing anything', async () => {
    const db = await emptyDatabase();
    expect((await readMigrationStatus(db.pool)).map((s) => s.state)).toEqual(shipped.map(() => 'pending'));
    expect(await tables(db.pool)).toEqual([]);
    await migrate(db.pool, { to: 1 });
    const status = await readMigrationStatus(db.pool);
    expect(status.map((s) => [s.version, s.name, s.state])).toEqual(shipped.map((m) => [m.version, m.name, m.version === 1 ? 'applied' : 'pending']));
    expect(status[0]?.appliedAt).toBeInstanceOf(Date);
  });
});
