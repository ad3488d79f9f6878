import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcessArgs } from '../../helpers/cli.ts';
import { DEFAULT_SCHEDULE_QUEUE } from '../../../controller/sources/index.ts';
import { createScratchLibrary, deviceTypeYaml } from '../../controller/catalogue/fixtures.ts';
import type { ScratchLibrary } from '../../controller/catalogue/fixtures.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import type { TestDatabase } from '../../helpers/database.ts';
import { tempDir, writeFile } from '../../helpers/files.ts';
import { vendorSetYaml } from '../../helpers/intents.ts';
import { redisConfig, uniqueName } from '../../helpers/redis.ts';
import { waitUntil } from '../../helpers/wait.ts';
import { startStandInApiServer } from '../../kube-apiserver/index.ts';

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
        // No health server: 8081 may be taken by a controller running on this machine.
        HEALTH_PORT: '0',
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
      await waitUntil('the controller to start', () => out.includes('controller started') || child.exitCode !== null, 60_000, 50);
      expect(out).toContain(`intents from folder:${intents.path}`);

      const processes = async (): Promise<{ workflow_name: string; intent_name: string; created_by: string }[]> =>
        (await db.pool.query('SELECT workflow_name, intent_name, created_by FROM processes')).rows;
      await waitUntil('a reconcile process', async () => (await processes()).length > 0, 30_000, 50);
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

/** A TCP port nobody listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('netbox-gitops controller --source kubernetes', () => {
  it('takes a Lease named by POD_NAME in POD_NAMESPACE, serves /healthz and a /readyz that follows the watches, stores CRs as intents, and releases the Lease on SIGTERM', async () => {
    const kubeDb = await createTestDatabase({ migrated: false });
    const apiServer = await startStandInApiServer();
    const namespace = 'netbox-gitops';
    const dir = tempDir('controller-cli-kube-');
    try {
      const request = async (method: string, path: string, body: string, contentType = 'application/yaml'): Promise<Response> => {
        const response = await fetch(`${apiServer.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${apiServer.token}`, 'content-type': contentType },
          body,
        });
        expect(response.status, `${method} ${path}: ${await response.clone().text()}`).toBeLessThan(300);
        return response;
      };
      for (const plural of ['vendorsets', 'devicetypesets']) {
        await request(
          'POST',
          '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
          readFileSync(join(import.meta.dirname, '../../../crds', `${plural}.netbox-gitops.io.yaml`), 'utf8'),
        );
      }
      const kubeconfig = join(dir.path, 'kubeconfig');
      writeFileSync(kubeconfig, apiServer.kubeconfig(namespace), { mode: 0o600 });
      const healthPort = await freePort();
      const child = spawn(process.execPath, [...cliProcessArgs(), 'controller', '--source', 'kubernetes', '--library', library.root], {
        env: {
          ...process.env,
          DATABASE_URL: kubeDb.url,
          REDIS_DATABASE: String(REDIS_DATABASE),
          WORKFLOW_QUEUE: workflowQueue,
          CACHE_DIR: cache.path,
          CONTROLLER_LEADER_TTL: '2s',
          KUBECONFIG: kubeconfig,
          WATCH_NAMESPACE: namespace,
          // What the chart sets from the downward API.
          POD_NAME: 'netbox-gitops-controller-5d8f7-abcde',
          POD_NAMESPACE: namespace,
          HEALTH_PORT: String(healthPort),
          LOG_LEVEL: 'error',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const health = `http://127.0.0.1:${healthPort}`;
      const readyz = async (): Promise<{ status: number; body: { leader?: boolean; ready?: boolean; problems?: string[] } }> => {
        const response = await fetch(`${health}/readyz`).catch(() => undefined);
        return response === undefined ? { status: 0, body: {} } : { status: response.status, body: (await response.json()) as { leader?: boolean } };
      };
      try {
        await waitUntil('the controller to start', () => out.includes('controller started') || child.exitCode !== null, 60_000, 50);
        expect(out).toMatch(
          /intents from Kubernetes custom resources \(namespace netbox-gitops; Lease netbox-gitops\/netbox-gitops-controller as netbox-gitops-controller-5d8f7-abcde\)/,
        );
        expect((await fetch(`${health}/healthz`)).status).toBe(200);
        await waitUntil('the controller to lead', async () => (await readyz()).body.leader === true, 30_000, 50);
        await waitUntil('/readyz to be 200 (informers listed and watching)', async () => (await readyz()).status === 200, 30_000, 50);
        const lease = apiServer.objects('leases', namespace)[0] as { metadata: { name: string }; spec: { holderIdentity?: string } } | undefined;
        expect(lease?.metadata.name).toBe('netbox-gitops-controller');
        expect(lease?.spec.holderIdentity).toBe('netbox-gitops-controller-5d8f7-abcde');

        // A custom resource becomes an intent of its own source, and a reconcile is requested.
        await request('POST', `/apis/netbox-gitops.io/v1alpha1/namespaces/${namespace}/vendorsets`, vendorSetYaml('kube-vendors'));
        const stored = async (): Promise<{ source: string }[]> =>
          (await kubeDb.pool.query<{ source: string }>(`SELECT source FROM intents WHERE name = 'kube-vendors'`)).rows;
        await waitUntil('the VendorSet in the intent store', async () => (await stored()).length > 0, 30_000, 50);
        expect(await stored()).toEqual([{ source: `kubernetes:${namespace}/kube-vendors` }]);
        await waitUntil(
          'a reconcile request',
          async () => (await kubeDb.pool.query(`SELECT 1 FROM processes WHERE intent_name = 'kube-vendors' AND created_by = 'kubernetes'`)).rowCount === 1,
          30_000,
          50,
        );

        // Watches down (reset, and every re-watch refused): /readyz says so, then recovers.
        apiServer.fail({ method: 'GET', path: '/netbox-gitops.io/', watch: true, status: 503, count: Number.POSITIVE_INFINITY });
        apiServer.dropWatches('reset');
        await waitUntil('/readyz to turn 503', async () => (await readyz()).status === 503, 30_000, 50);
        const down = await readyz();
        expect(down.body).toMatchObject({ leader: true, ready: false });
        expect(down.body.problems?.join('; ')).toMatch(/VendorSet: /);
        expect((await fetch(`${health}/healthz`)).status).toBe(200);
        apiServer.clearFaults();
        await waitUntil('/readyz to recover', async () => (await readyz()).status === 200, 30_000, 50);
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
      expect(out).toContain('controller stopped');
      expect(err).toBe('');
      // Released on SIGTERM, so a standby need not wait for the lease to run out.
      const released = apiServer.objects('leases', namespace)[0] as { spec: { holderIdentity?: string } } | undefined;
      expect(released?.spec.holderIdentity).toBeUndefined();
    } finally {
      await apiServer.close();
      dir.remove();
      await kubeDb.drop();
    }
  });
});
