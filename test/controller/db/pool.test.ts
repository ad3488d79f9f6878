import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, withTransaction } from '../../../controller/db/index.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import type { TestDatabase } from '../../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

describe('createPool', () => {
  it('connects with the configured application name and pool size', async () => {
    const pool = createPool({ ...db.database, poolSize: 3 }, { applicationName: 'netbox-gitops-worker' });
    try {
      const result = await pool.query<{ name: string }>(`SELECT current_setting('application_name') AS name`);
      expect(result.rows[0]?.name).toBe('netbox-gitops-worker');
      expect(pool.options.max).toBe(3);
    } finally {
      await pool.end();
    }
  });
});

describe('withTransaction', () => {
  it('commits what the function wrote and returns its result', async () => {
    const id = await withTransaction(db.pool, async (client) => {
      const row = await client.query<{ id: string }>(`INSERT INTO workflows (name, target) VALUES ('committed', 'SYSTEM') RETURNING id`);
      return row.rows[0]?.id;
    });
    const found = await db.pool.query('SELECT name FROM workflows WHERE id = $1', [id]);
    expect(found.rows).toEqual([{ name: 'committed' }]);
  });

  it('rolls back everything when the function throws, and rethrows', async () => {
    const failure = withTransaction(db.pool, async (client) => {
      await client.query(`INSERT INTO workflows (name, target) VALUES ('rolled_back', 'SYSTEM')`);
      throw new Error('step failed');
    });
    await expect(failure).rejects.toThrow('step failed');
    const found = await db.pool.query(`SELECT 1 FROM workflows WHERE name = 'rolled_back'`);
    expect(found.rowCount).toBe(0);
    // The connection went back to the pool usable, not stuck in an aborted transaction.
    const status = await db.pool.query<{ ok: number }>('SELECT 1 AS ok');
    expect(status.rows).toEqual([{ ok: 1 }]);
  });
});
