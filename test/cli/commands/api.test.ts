import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcessArgs } from '../../helpers/cli.ts';
import { createToken } from '../../../controller/auth/index.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import type { TestDatabase } from '../../helpers/database.ts';
import { startNetBox } from '../../helpers/netbox.ts';
import type { NetBoxFixture } from '../../helpers/netbox.ts';

let db: TestDatabase;
let nb: NetBoxFixture;
beforeAll(async () => {
  // Not migrated: the command migrates before it listens.
  db = await createTestDatabase({ migrated: false });
  nb = await startNetBox();
});
afterAll(async () => {
  await nb?.close();
  await db?.drop();
});

describe('netbox-gitops api', () => {
  it('migrates, listens, serves with tokens, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [...cliProcessArgs(), 'api', '--port', '0', '--host', '127.0.0.1'], {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        NETBOX_URL: nb.emulator.url,
        NETBOX_TOKEN: nb.emulator.token,
        LOG_LEVEL: 'warn',
        WORKFLOW_QUEUE: `test-api-cli-${process.pid}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const check = (): void => {
          const match = /API listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (match?.[1]) resolve(match[1]);
        };
        child.stdout.on('data', check);
        void exited.then((code) => reject(new Error(`api exited with ${code}: ${err}`)));
      });
      expect((await fetch(`${url}/livez`)).status).toBe(200);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      expect((await fetch(`${url}/api/v1/workflows`)).status).toBe(401);
      const { token } = await createToken(db.pool, { name: 'cli-test', role: 'viewer' });
      const workflows = await fetch(`${url}/api/v1/workflows`, { headers: { authorization: `Bearer ${token}` } });
      expect(workflows.status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).toMatch(/API stopped\n$/);
      expect(err).not.toContain(token);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
