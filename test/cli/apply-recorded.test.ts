// `netbox-gitops apply` with a database: a recorded process through the reconcile pipeline (the
// same steps and audit rows as a worker's reconcile), holding its intents' run locks — against
// a real Postgres, Redis and the emulator over HTTP.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cliEnv, runCli, sourceArgs } from '../helpers/cli.ts';
import { deviceTypeSetYaml, writeIntentsFolder } from '../helpers/intents.ts';
import { startEngine } from '../controller/workflow/helpers.ts';
import type { EngineFixture } from '../controller/workflow/helpers.ts';

let engine: EngineFixture;
let intents: string;

const INTENT = deviceTypeSetYaml('lab', '^DCS-7050CX3-32S-F$');

beforeAll(async () => {
  engine = await startEngine();
});
afterAll(async () => {
  await engine?.close();
});
beforeEach(async () => {
  intents = await writeIntentsFolder('nbg-apply-rec-', { 'lab.yaml': INTENT });
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return cliEnv({ database: engine.db, netbox: engine.nb.emulator, queueName: engine.queueName }, extra);
}
const args = (): string[] => ['apply', ...sourceArgs(intents), '--yes'];

async function deviceTypeCount(): Promise<number> {
  const response = await fetch(`${engine.nb.emulator.url}/api/dcim/device-types/?limit=1`, { headers: { Authorization: `Token ${engine.nb.emulator.token}` } });
  return ((await response.json()) as { count: number }).count;
}

describe('apply with a database: one recorded path to NetBox', () => {
  it('runs as a recorded process: the pipeline steps, one audit row per change, the process id printed', async () => {
    const run = await runCli([...args(), '--json'], env());
    expect(run.code, run.err).toBe(0);
    const id = /recording this apply as process ([0-9a-f-]{36})/.exec(run.err)?.[1];
    expect(id, run.err).toBeDefined();
    expect(run.err).toContain(`process ${id} completed`);
    const output = JSON.parse(run.out) as { result: { apply: { records: unknown[] } }; process: { id: string; status: string } };
    expect(output.process).toEqual({ id, status: 'completed' });

    const { rows: processes } = await engine.db.pool.query<{
      workflow_name: string;
      status: string;
      created_by: string;
      intent_kind: string;
      intent_name: string;
    }>('SELECT workflow_name, status, created_by, intent_kind, intent_name FROM processes WHERE id = $1', [id]);
    expect(processes[0]).toMatchObject({ workflow_name: 'apply_intents', status: 'completed', intent_kind: 'DeviceTypeSet', intent_name: 'lab' });
    expect(processes[0]?.created_by).toMatch(/^cli:/);
    const { rows: steps } = await engine.db.pool.query<{ step_name: string; status: string }>(
      'SELECT step_name, status FROM process_steps WHERE process_id = $1 ORDER BY position',
      [id],
    );
    expect(steps.map((s) => `${s.step_name}:${s.status}`)).toEqual([
      'resolve:completed',
      'snapshot:completed',
      'diff:completed',
      'apply:completed',
      'verify:completed',
      'record:completed',
    ]);
    const { rows: audit } = await engine.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM audit_log WHERE process_id = $1', [id]);
    const applied = output.result.apply.records.length;
    expect(applied).toBeGreaterThan(10);
    expect(Number(audit[0]?.n)).toBe(applied);
  });

  it('waits for a reconcile of the same intent, and gives up after --lock-timeout without touching NetBox', async () => {
    await writeFile(path.join(intents, 'lab.yaml'), INTENT.replace('name: lab', 'name: busy').replace('^DCS-7050CX3-32S-F$', '^DCS-7280CR3-32P4-F$'));
    const before = await deviceTypeCount();
    // A scheduled reconcile of the intent holds it, as a worker does: its row says running and
    // its connection holds the intent's advisory lock.
    const { rows } = await engine.db.pool.query<{ id: string }>(
      `INSERT INTO processes (id, workflow_id, workflow_name, status, intent_kind, intent_name, form_data, state)
       SELECT gen_random_uuid(), w.id, w.name, 'running', 'DeviceTypeSet', 'busy', '{"kind":"DeviceTypeSet","name":"busy"}', '{}'
         FROM workflows w WHERE w.name = 'reconcile_intent' RETURNING id`,
    );
    const holder = rows[0]?.id as string;
    const lock = await engine.db.pool.connect();
    await lock.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', ['netbox-gitops:intent:DeviceTypeSet/busy']);
    try {
      const run = await runCli([...args(), '--lock-timeout', '2s'], env());
      expect(run.code).toBe(1);
      expect(run.err).toContain(`waiting for process ${holder} (reconcile_intent) to finish with DeviceTypeSet/busy`);
      const id = /recording this apply as process ([0-9a-f-]{36})/.exec(run.err)?.[1];
      const { rows: mine } = await engine.db.pool.query<{ status: string; error: { code: string; message: string } }>(
        'SELECT status, error FROM processes WHERE id = $1',
        [id],
      );
      expect(mine[0]?.status).toBe('cancelled');
      expect(mine[0]?.error.code).toBe('lock_timeout');
      expect(mine[0]?.error.message).toContain(holder);
      const { rows: steps } = await engine.db.pool.query('SELECT 1 FROM process_steps WHERE process_id = $1', [id]);
      expect(steps).toHaveLength(0);
      expect(await deviceTypeCount()).toBe(before);
    } finally {
      await lock.query('SELECT pg_advisory_unlock_all()');
      lock.release();
    }
    // The reconcile ends: the next apply gets the intent.
    await engine.db.pool.query(`UPDATE processes SET status = 'completed' WHERE id = $1`, [holder]);
    const again = await runCli(args(), env());
    expect(again.code, again.err).toBe(0);
    expect(await deviceTypeCount()).toBe(before + 1);
  });

  it('with --no-record (or no DATABASE_URL) applies unrecorded and says so', async () => {
    await writeFile(path.join(intents, 'lab.yaml'), INTENT.replace('name: lab', 'name: unrecorded').replace('^DCS-7050CX3-32S-F$', '^DCS-7050SX3-48YC8-F$'));
    const { rows: before } = await engine.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM processes');
    const run = await runCli([...args(), '--no-record'], env());
    expect(run.code, run.err).toBe(0);
    expect(run.err).toContain('nothing was recorded');
    expect(run.err).not.toContain('recording this apply');
    const { rows: after } = await engine.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM processes');
    expect(after[0]?.n).toBe(before[0]?.n);
  });

  it('stops before NetBox when the configured database does not answer', async () => {
    await writeFile(path.join(intents, 'lab.yaml'), INTENT.replace('^DCS-7050CX3-32S-F$', '^DCS-7050SX3-48C8-F$'));
    const before = await deviceTypeCount();
    // The CLI entry turns this into one line naming Postgres (test/cli/failure.test.ts).
    await expect(runCli(args(), env({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' }))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(await deviceTypeCount()).toBe(before);
  });
});
