import { spawn } from 'node:child_process';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcessArgs } from '../../helpers/cli.ts';
import { DEFAULT_SCHEDULE_QUEUE } from '../../../controller/sources/index.ts';
import { createScratchLibrary, deviceTypeYaml } from '../../controller/catalogue/fixtures.ts';
import type { ScratchLibrary } from '../../controller/catalogue/fixtures.ts';
import { redisConfig, tempDir, uniqueName, vendorSetYaml, waitFor, writeFile } from '../../controller/sources/helpers.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import type { TestDatabase } from '../../helpers/database.ts';

// A Redis database of its own, so a controller someone runs on database 0 (the demo) holds a different leader lock.
const REDIS_DATABASE = 11;

let db: TestDatabase;
let intents: ReturnType<typeof tempDir>;
let cache: ReturnType<typeof tempDir>;
let library: ScratchLibrary;
const workflowQueue = uniqueName('workflows');

beforeAll(async () => {
  db = await createTestDatabase({ migrated: false });
  intents = tempDir('controller-cli-intents-');
  cache = tempDir('controller-cli-cache-');
  library = createScratchLibrary('controller-cli-library-');
  library.write('device-types/Acme/box-1.yaml', deviceTypeYaml('Acme', 'Box 1', 'acme-box-1'));
  writeFile(intents.path, 'vendors.yaml', vendorSetYaml('cli-vendors', { interval: '10m' }));
});

afterAll(async () => {
  const { host, port, password } = redisConfig();
  for (const name of [workflowQueue, DEFAULT_SCHEDULE_QUEUE]) {
    const queue = new Queue(name, { connection: { host, port, db: REDIS_DATABASE, ...(password.isEmpty ? {} : { password: password.reveal() }) } });
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
  await db?.drop();
  intents?.remove();
  cache?.remove();
  library?.remove();
});

describe('netbox-gitops controller', () => {
  it('migrates, syncs the folder, requests a reconcile through the workflow engine, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [...cliProcessArgs(), 'controller', '--intents', intents.path, '--library', library.root], {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        REDIS_DATABASE: String(REDIS_DATABASE),
        WORKFLOW_QUEUE: workflowQueue,
        CACHE_DIR: cache.path,
        CONTROLLER_LEADER_TTL: '2s',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => out.includes('controller started') || child.exitCode !== null, 60_000, 'the controller to start');
      expect(out).toContain(`intents from folder:${intents.path}`);

      const processes = async (): Promise<{ workflow_name: string; intent_name: string; created_by: string }[]> =>
        (await db.pool.query('SELECT workflow_name, intent_name, created_by FROM processes')).rows;
      await waitFor(async () => (await processes()).length > 0, 30_000, 'a reconcile process');
      expect(await processes()).toEqual([{ workflow_name: 'reconcile_intent', intent_name: 'cli-vendors', created_by: 'controller' }]);
      const intent = await db.pool.query('SELECT status, revision FROM intents WHERE name = $1', ['cli-vendors']);
      expect(intent.rows[0]).toMatchObject({ status: 'active', revision: expect.stringMatching(/^sha256:/) });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(out).toContain('controller stopped');
    expect(err).toBe('');
  });
});
