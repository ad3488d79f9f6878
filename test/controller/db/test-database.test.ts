// The test-database helper (test/helpers/database.ts) that every database test relies on.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../controller/config/index.ts';
import { loadMigrations } from '../../../controller/db/index.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import type { TestDatabase } from '../../helpers/database.ts';

const created: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(created.map((db) => db.drop()));
});

async function track(db: Promise<TestDatabase>): Promise<TestDatabase> {
  const ready = await db;
  created.push(ready);
  return ready;
}

describe('createTestDatabase', () => {
  it('gives two isolated databases, each migrated to the latest version', async () => {
    const [a, b] = await Promise.all([track(createTestDatabase()), track(createTestDatabase())]);
    expect(a.name).not.toBe(b.name);
    const latest = (await loadMigrations()).at(-1)?.version;
    for (const db of [a, b]) {
      const current = await db.pool.query<{ v: number }>('SELECT max(version) AS v FROM schema_migrations');
      expect(current.rows[0]?.v).toBe(latest);
      const name = await db.pool.query<{ name: string }>('SELECT current_database() AS name');
      expect(name.rows[0]?.name).toBe(db.name);
    }

    await a.pool.query(`INSERT INTO workflows (name, target) VALUES ('only_in_a', 'SYSTEM')`);
    const inA = await a.pool.query('SELECT name FROM workflows');
    const inB = await b.pool.query('SELECT name FROM workflows');
    expect(inA.rows).toEqual([{ name: 'only_in_a' }]);
    expect(inB.rows).toEqual([]);
  });

  it('gives a URL that connects to the same database', async () => {
    const db = await track(createTestDatabase());
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const result = await client.query<{ name: string }>('SELECT current_database() AS name');
      expect(result.rows[0]?.name).toBe(db.name);
    } finally {
      await client.end();
    }
  });

  it('gives an empty database when asked for one unmigrated', async () => {
    const db = await track(createTestDatabase({ migrated: false }));
    const tables = await db.pool.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
    expect(tables.rows).toEqual([]);
  });

  it('drops the database, even with a connection still open', async () => {
    const db = await createTestDatabase();
    const straggler = new pg.Client({ connectionString: db.url });
    await straggler.connect();
    straggler.on('error', () => undefined); // the forced drop ends this connection
    await db.drop();
    await db.drop(); // a second call is harmless
    const admin = new pg.Pool({ ...adminConnection(), max: 1 });
    try {
      const left = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.name]);
      expect(left.rowCount).toBe(0);
      const templates = await admin.query<{ datname: string; datallowconn: boolean }>(
        `SELECT datname, datallowconn FROM pg_database WHERE datname LIKE 'netbox\\_gitops\\_template\\_%'`,
      );
      expect(templates.rows.length).toBeGreaterThanOrEqual(1);
      expect(templates.rows.every((row) => !row.datallowconn)).toBe(true);
    } finally {
      await admin.end();
      await straggler.end().catch(() => undefined);
    }
  });
});

function adminConnection(): pg.PoolConfig {
  const server = loadConfig(process.env).database;
  return { host: server.host, port: server.port, user: server.user, password: server.password.reveal() || undefined, database: 'postgres' };
}
