// Workflow engine overhead: 1,000 no-op reconcile processes through BullMQ and
// Postgres with two workers — at least 50 processes per second — and the time from enqueue to
// completed (p50, p99).
//
//   npx tsx bench/engine.ts
//
// Setup: a scratch database (created and dropped here), the real Redis, the emulator in a child
// process (its CPU is not ours), two workers in this process (each with its own pool, NetBox
// client and BullMQ connection, concurrency 16; `--processes` runs them as two
// `netbox-gitops worker` child processes instead), the library folder parsed once (memoised
// provider). Processes are spread over 100 tiny intents (one custom manufacturer each, already in
// sync), 10 processes each, started round-robin with 8 starts in flight: one reconcile per intent
// runs at a time, so 1,000 processes of a single intent would measure that lock rather than the
// engine.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Queue } from 'bullmq';
import pLimit from 'p-limit';
import { runAdminSql } from './admin-sql.ts';
import { Secret, databaseConnectionString, loadConfig } from '../controller/config/index.ts';
import { createPool, migrate } from '../controller/db/index.ts';
import type { Pool } from '../controller/db/index.ts';
import { createLogger } from '../controller/logging/index.ts';
import { createNetBoxClient } from '../controller/netbox/index.ts';
import type { NetBoxClient } from '../controller/netbox/index.ts';
import { netBoxPortFor } from '../controller/reconcile/index.ts';
import { createDbIntentStore, createFolderLibraryProvider, createWorkflowService, startWorker } from '../controller/workflow/index.ts';
import type { WorkflowDeps, WorkerHandle } from '../controller/workflow/index.ts';
import { spawnEmulator } from './reconcile.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOKEN = '0123456789abcdef0123456789abcdef01234567';

export interface EngineBenchOptions {
  readonly processes?: number;
  readonly intents?: number;
  readonly concurrency?: number;
  /** Two workers in this process (default), or two `netbox-gitops worker` child processes. */
  readonly workers?: 'in-process' | 'processes';
  /** startWorkflow calls in flight while enqueueing; default 8. */
  readonly enqueueInFlight?: number;
  readonly library?: string;
}

/** Runs the benchmark and returns its figures (nothing is asserted). */
export async function benchEngine(options: EngineBenchOptions = {}): Promise<Record<string, number | string>> {
  const total = options.processes ?? 1_000;
  const intentCount = options.intents ?? 100;
  const concurrency = options.concurrency ?? 16;
  const enqueueInFlight = options.enqueueInFlight ?? 8;
  const pacedCount = 200;
  const pacedRate = 25;
  const mode = options.workers ?? 'in-process';
  const children: ChildProcess[] = [];
  const config = loadConfig(process.env);
  const logger = createLogger({ level: 'warn', pretty: false });
  const dbName = `netbox_gitops_bench_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const queueName = `bench-engine-${randomBytes(4).toString('hex')}`;
  await runAdminSql(config.database, `CREATE DATABASE "${dbName}"`);
  const database = { ...config.database, name: dbName };
  const emulator = await spawnEmulator([]);
  const pools: Pool[] = [];
  const clients: NetBoxClient[] = [];
  const workers: WorkerHandle[] = [];
  const library = createFolderLibraryProvider(options.library ?? path.resolve(ROOT, '../shared/devicetype-library'));
  const depsFor = (name: string, poolSize: number): WorkflowDeps => {
    const pool = createPool({ ...database, poolSize }, { applicationName: name });
    const client = createNetBoxClient({ url: emulator.url, token: new Secret(TOKEN), concurrency: 16 });
    pools.push(pool);
    clients.push(client);
    return {
      pool,
      redis: config.redis,
      queueName,
      logger,
      netbox: () => netBoxPortFor(client),
      library,
      intents: createDbIntentStore(pool),
      tuning: { busyRetryMs: 100 },
    };
  };
  try {
    const serviceDeps = depsFor('bench-service', 10);
    await migrate(serviceDeps.pool);
    const service = createWorkflowService(serviceDeps);
    const intents = await seedIntents(serviceDeps.pool, intentCount);
    if (mode === 'processes') {
      const env = {
        ...process.env,
        DATABASE_URL: databaseConnectionString(database),
        REDIS_HOST: config.redis.host,
        REDIS_PORT: String(config.redis.port),
        REDIS_DATABASE: String(config.redis.db),
        NETBOX_URL: emulator.url,
        NETBOX_TOKEN: TOKEN,
        NETBOX_CONCURRENCY: '16',
        DATABASE_POOL_SIZE: String(concurrency + 4),
        WORKFLOW_QUEUE: queueName,
        LIBRARY_PATH: options.library ?? path.resolve(ROOT, '../shared/devicetype-library'),
        LOG_LEVEL: 'warn',
      };
      for (let i = 0; i < 2; i++) children.push(await spawnWorker(env, concurrency));
    } else {
      for (let i = 0; i < 2; i++) workers.push(await startWorker(depsFor(`bench-worker-${i}`, concurrency + 4), { concurrency, recoveryIntervalMs: 0 }));
    }

    // Warm-up (not measured): parse the library, bring every intent in sync, open connections.
    const warm = await Promise.all(intents.map((ref) => service.startWorkflow('reconcile_intent', ref, { createdBy: 'bench-warmup' })));
    await waitAllFinished(
      serviceDeps.pool,
      warm.map((p) => p.id),
    );

    const started = performance.now();
    const ids: string[] = new Array<string>(total);
    // Several starts in flight, as when the controller or many API clients start processes.
    const enqueue = pLimit(enqueueInFlight);
    await Promise.all(
      Array.from({ length: total }, (_, i) =>
        enqueue(async () => {
          ids[i] = (await service.startWorkflow('reconcile_intent', intents[i % intents.length] as (typeof intents)[number], { createdBy: 'bench' })).id;
        }),
      ),
    );
    const enqueueMs = performance.now() - started;
    await waitAllFinished(serviceDeps.pool, ids);
    const wallMs = performance.now() - started;

    // Paced: the same processes started at a steady rate the workers keep up with, so the
    // latency is the engine's own, not the time spent queued behind a burst of 1,000.
    const pacedIds: string[] = [];
    const pacedStart = performance.now();
    for (let i = 0; i < pacedCount; i++) {
      const due = pacedStart + (i * 1000) / pacedRate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      pacedIds.push(
        (await service.startWorkflow('reconcile_intent', intents[i % intents.length] as (typeof intents)[number], { createdBy: 'bench-paced' })).id,
      );
    }
    await waitAllFinished(serviceDeps.pool, pacedIds);
    const paced = await latenciesOf(serviceDeps.pool, pacedIds);

    const { rows } = await serviceDeps.pool.query<{ status: string; ms: number; applied: number }>(
      `SELECT p.status, extract(epoch FROM (p.completed_at - p.created_at)) * 1000 AS ms,
              coalesce((SELECT (s.output_data ->> 'applied')::int FROM process_steps s WHERE s.process_id = p.id AND s.step_name = 'apply' ORDER BY attempt DESC LIMIT 1), 0) AS applied
         FROM processes p WHERE p.id = ANY($1::uuid[])`,
      [ids],
    );
    const latencies = rows.map((r) => Number(r.ms)).sort((a, b) => a - b);
    const stats = await emulator.stats();
    await service.close();
    return {
      scenario: `${total} no-op reconciles over ${intentCount} in-sync intents, 2 ${mode === 'processes' ? 'worker processes' : 'in-process workers'} × concurrency ${concurrency}, ${enqueueInFlight} starts in flight, emulator in a child process`,
      processes: total,
      completed: rows.filter((r) => r.status === 'completed').length,
      writesApplied: rows.reduce((n, r) => n + Number(r.applied), 0),
      enqueueMs: Math.round(enqueueMs),
      wallMs: Math.round(wallMs),
      processesPerSecond: Math.round((total / wallMs) * 1000 * 10) / 10,
      targetPerSecond: 50,
      p50EnqueueToCompletedMs: Math.round(percentile(latencies, 0.5)),
      p99EnqueueToCompletedMs: Math.round(percentile(latencies, 0.99)),
      netboxRequests: stats.requests.total,
      pacedScenario: `${pacedCount} more, started at ${pacedRate}/s`,
      pacedP50EnqueueToCompletedMs: Math.round(percentile(paced, 0.5)),
      pacedP99EnqueueToCompletedMs: Math.round(percentile(paced, 0.99)),
    };
  } finally {
    await Promise.all(workers.map((w) => w.close({ graceMs: 1_000 })));
    await Promise.all(children.map((c) => stopChild(c)));
    const queue = new Queue(queueName, { connection: { host: config.redis.host, port: config.redis.port, db: config.redis.db, maxRetriesPerRequest: null } });
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(pools.map((p) => p.end()));
    await emulator.stop();
    await runAdminSql(config.database, `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  }
}

/** Starts `netbox-gitops worker` and waits until it is ready. */
async function spawnWorker(env: NodeJS.ProcessEnv, concurrency: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/netbox-gitops.js'), 'worker', '--concurrency', String(concurrency)], {
    cwd: ROOT,
    env: { ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('workflow worker ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${seen}`)));
  });
  return child;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** `count` VendorSets with one custom manufacturer each, stored as the controller would. */
async function seedIntents(pool: Pool, count: number): Promise<{ kind: 'VendorSet'; name: string }[]> {
  const refs = Array.from({ length: count }, (_, i) => ({ kind: 'VendorSet' as const, name: `bench-${i}` }));
  const rows = refs.map((ref, i) => ({
    kind: ref.kind,
    name: ref.name,
    spec: {
      apiVersion: 'netbox-gitops.io/v1alpha1',
      kind: 'VendorSet',
      metadata: { name: ref.name },
      spec: { mode: 'enforce', custom: [{ name: `Bench Vendor ${i}`, slug: `bench-vendor-${i}` }] },
    },
  }));
  await pool.query(
    `INSERT INTO intents (kind, name, source, revision, spec, mode)
     SELECT kind, name, 'bench', 'r1', spec, 'enforce' FROM jsonb_to_recordset($1::jsonb) AS x(kind text, name text, spec jsonb)`,
    [JSON.stringify(rows)],
  );
  return refs;
}

async function waitAllFinished(pool: Pool, ids: readonly string[]): Promise<void> {
  for (;;) {
    const { rows } = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM processes WHERE id = ANY($1::uuid[]) AND status NOT IN ('completed', 'failed', 'cancelled')`,
      [ids],
    );
    if (Number(rows[0]?.n) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function latenciesOf(pool: Pool, ids: readonly string[]): Promise<number[]> {
  const { rows } = await pool.query<{ ms: number }>(
    `SELECT extract(epoch FROM (completed_at - created_at)) * 1000 AS ms FROM processes WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  return rows.map((r) => Number(r.ms)).sort((a, b) => a - b);
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // `npx tsx bench/engine.ts --processes` runs the two workers as child processes.
  const figures = await benchEngine({ workers: process.argv.includes('--processes') ? 'processes' : 'in-process' });
  for (const [k, v] of Object.entries(figures)) process.stdout.write(`${k.padEnd(28)} ${v}\n`);
}
