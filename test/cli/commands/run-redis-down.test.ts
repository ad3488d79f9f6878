// Issue 13 item 9: `netbox-gitops run` with Redis unreachable. The process row is written to
// Postgres first; queueing its job then waited forever (ioredis keeps commands until Redis comes
// back). Now it gives up after a bound, marks the row failed with the reason and says in one
// line what to check. Redis is "unreachable" through a port nothing listens on; the shared Redis
// is not touched. The CLI runs as a child process so that a hang is a failed test, not a stuck run.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcessArgs } from '../../helpers/cli.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import type { TestDatabase } from '../../helpers/database.ts';
import { LIBRARY_PATH } from '../../helpers/library.ts';
import { closedPort } from '../../helpers/tcp-proxy.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

/** Runs the CLI; kills it (and fails) when it has not exited within `limitMs`. */
function runChild(args: string[], env: Record<string, string>, limitMs: number): Promise<{ code: number | null; out: string; err: string; killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...cliProcessArgs(), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err, killed });
    });
  });
}

describe('netbox-gitops run with Redis unreachable', () => {
  it('stops after the queueing bound with one line naming Redis, and marks the process failed with the reason', async () => {
    const port = await closedPort();
    const result = await runChild(
      ['run', 'task_refresh_library'],
      { DATABASE_URL: db.url, REDIS_HOST: '127.0.0.1', REDIS_PORT: String(port), LIBRARY_PATH, LOG_LEVEL: 'silent' },
      60_000,
    );
    expect(result.killed).toBe(false);
    expect(result.code).toBe(1);
    const lines = result.err.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^error: could not queue process [0-9a-f-]{36}: Redis at 127\\.0\\.0\\.1:${port} did not answer within 10 s; check REDIS_URL \\(or REDIS_HOST, REDIS_PORT, REDIS_PASSWORD\\) and that Redis is running\\. The process was marked failed\\.$`,
      ),
    );
    const id = /process ([0-9a-f-]{36})/.exec(lines[0] ?? '')?.[1];
    const { rows } = await db.pool.query<{ status: string; message: string; completed: boolean }>(
      `SELECT status, error ->> 'message' AS message, completed_at IS NOT NULL AS completed FROM processes WHERE id = $1`,
      [id],
    );
    expect(rows).toEqual([
      { status: 'failed', message: `could not queue the process: Redis at 127.0.0.1:${port} did not answer within 10 s`, completed: true },
    ]);
  }, 90_000);
});
