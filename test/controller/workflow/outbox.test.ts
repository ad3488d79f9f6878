// The apply outbox: a recorded apply killed with SIGKILL while its writes are in flight leaves
// them in the outbox; the next run reads them back and audits what landed, so audit rows equal
// the objects written, exactly. Real CLI processes, Postgres and the emulator over HTTP.
import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../../emulator/index.ts';
import type { Emulator } from '../../../emulator/index.ts';
import { cliEnv, cliProcessArgs, runCli, sourceArgs } from '../../helpers/cli.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import type { TestDatabase } from '../../helpers/database.ts';
import { deviceTypeSetYaml, writeIntentsFolder } from '../../helpers/intents.ts';
import { waitFor } from '../../helpers/wait.ts';

let emulator: Emulator;
let db: TestDatabase;
let intents: string;

const KINDS = [
  'tags',
  'manufacturers',
  'device-types',
  'interface-templates',
  'console-port-templates',
  'power-port-templates',
  'module-bay-templates',
] as const;

beforeEach(async () => {
  emulator = await startEmulator({ port: 0 });
  db = await createTestDatabase();
  intents = await writeIntentsFolder('nbg-outbox-', { 'lab.yaml': deviceTypeSetYaml('lab', '^DCS-7050') });
});
afterEach(async () => {
  await emulator.close();
  await db.drop();
});

function env(): Record<string, string> {
  return cliEnv(
    { database: db, netbox: emulator },
    // Small chunks, two in flight: a kill leaves several writes unanswered.
    { NETBOX_WRITE_CHUNK: '40', NETBOX_WRITE_CONCURRENCY: '2', LOG_LEVEL: 'silent' },
  );
}
const applyArgs = (): string[] => ['apply', ...sourceArgs(intents), '--yes'];

/** Starts a recorded apply in its own process and kills it (SIGKILL) once `posts` writes were sent. */
async function killApplyAfter(posts: number): Promise<void> {
  const child = spawn(process.execPath, [...cliProcessArgs(), ...applyArgs()], { env: { ...process.env, ...env() }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(
    `${posts} writes of the apply (stderr: ${stderr})`,
    () => ((emulator.stats().requests.byMethod.POST ?? 0) >= posts ? true : undefined),
    120_000,
    5,
  );
  child.kill('SIGKILL');
  await exited;
}

function objectsWritten(): number {
  return KINDS.reduce((n, kind) => n + emulator.store.count(kind), 0);
}

async function auditRows(): Promise<{ total: number; restart: number }> {
  const { rows } = await db.pool.query<{ total: string; restart: string }>(
    `SELECT count(*) AS total, count(*) FILTER (WHERE details->>'confirmedBy' = 'restart') AS restart FROM audit_log WHERE action = 'create'`,
  );
  return { total: Number(rows[0]?.total), restart: Number(rows[0]?.restart) };
}

describe('apply outbox: audit rows = objects written after kill -9', () => {
  it.each([
    ['mid device types', 3],
    ['mid templates', 10],
  ])(
    'killed %s: the writes in flight are found by the next run and audited as confirmed after a restart',
    async (_point, posts) => {
      // Slow writes, so that the kill lands while chunks are in flight and NetBox commits them after.
      emulator.setFaults({ writeMsPerObject: 15 });
      await killApplyAfter(posts);
      // The writes in flight finish in NetBox after their client died.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const { rows: pending } = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM apply_outbox');
      expect(Number(pending[0]?.n), 'writes left unconfirmed by the killed apply').toBeGreaterThan(0);
      const before = await auditRows();
      expect(before.total).toBeLessThan(objectsWritten());

      emulator.setFaults({ writeMsPerObject: 0 });
      const again = await runCli(applyArgs(), env());
      expect(again.code, again.err).toBe(0);
      const after = await auditRows();
      expect(after.restart, 'changes confirmed after the restart').toBeGreaterThan(0);
      expect(after.total).toBe(objectsWritten());
      const { rows: left } = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM apply_outbox');
      expect(Number(left[0]?.n)).toBe(0);
      // The killed process is not left running: the next run found it dead.
      const { rows: lost } = await db.pool.query<{ status: string; code: string }>(
        `SELECT status, error->>'code' AS code FROM processes ORDER BY created_at LIMIT 1`,
      );
      expect(lost[0]).toEqual({ status: 'failed', code: 'process_lost' });
      // No duplicates: a plan now is empty.
      const plan = await runCli(['plan', ...sourceArgs(intents), '--detailed-exitcode'], env());
      expect(plan.code, plan.out).toBe(0);
    },
    180_000,
  );
});
