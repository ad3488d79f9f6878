// API benchmark. Seeds 100,000 processes into a fresh database with one
// INSERT ... SELECT generate_series, starts the API in this process on loopback, and drives it
// from a load generator in a second process (undici, keep-alive connections):
//   1. GET /api/v1/processes?limit=50 at a fixed 200 requests/s for 10 s (open loop: latency
//      counts from the scheduled send time, so a slow server cannot hide behind fewer requests);
//      target p99 under 50 ms.
//   2. GET /health as fast as 32 connections go for 10 s; target at least 5,000 requests/s.
// Run: npx tsx bench/api.ts (or import benchApi from bench/run.ts).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type pg from 'pg';
import { runAdminSql } from './admin-sql.ts';
import { Pool } from 'undici';
import { buildApp, createApiDeps } from '../api/index.ts';
import { createToken } from '../controller/auth/index.ts';
import { loadConfig } from '../controller/config/index.ts';
import type { AppConfig } from '../controller/config/index.ts';
import { createPool, migrate } from '../controller/db/index.ts';
import { createLogger } from '../controller/logging/index.ts';

const THIS_FILE = fileURLToPath(import.meta.url);
const LOAD_FLAG = '--load';

type Figures = Record<string, number | string>;

interface LoadSpec {
  readonly origin: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  /** `rate`: open loop at `rate` requests/s; `max`: closed loop on `connections` connections. */
  readonly mode: 'rate' | 'max';
  readonly rate?: number;
  readonly connections: number;
  readonly durationMs: number;
  readonly warmupMs: number;
}

interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly statuses: Record<string, number>;
  readonly seconds: number;
  readonly latenciesMs: { p50: number; p90: number; p99: number; max: number };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The load generator (child process): runs one spec, prints a LoadResult as JSON. */
async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const pool = new Pool(spec.origin, { connections: spec.connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let recording = false;
  const one = async (scheduled: number): Promise<void> => {
    try {
      const response = await pool.request({ origin: spec.origin, path: spec.path, method: 'GET', headers: spec.headers });
      await response.body.dump();
      if (recording) {
        latencies.push(performance.now() - scheduled);
        statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
      }
    } catch {
      if (recording) errors += 1;
    }
  };

  const phase = async (ms: number): Promise<number> => {
    const started = performance.now();
    const end = started + ms;
    if (spec.mode === 'rate') {
      const interval = 1000 / (spec.rate ?? 100);
      const inFlight: Promise<void>[] = [];
      for (let i = 0; ; i++) {
        const at = started + i * interval;
        if (at >= end) break;
        const wait = at - performance.now();
        if (wait > 1) await sleep(wait);
        inFlight.push(one(at));
      }
      await Promise.all(inFlight);
    } else {
      await Promise.all(
        Array.from({ length: spec.connections }, async () => {
          while (performance.now() < end) await one(performance.now());
        }),
      );
    }
    return (performance.now() - started) / 1000;
  };

  await phase(spec.warmupMs);
  recording = true;
  const seconds = await phase(spec.durationMs);
  await pool.close();
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    errors,
    statuses,
    seconds,
    latenciesMs: {
      p50: round(percentile(sorted, 50)),
      p90: round(percentile(sorted, 90)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted[sorted.length - 1] ?? Number.NaN),
    },
  };
}

/** Runs the load generator in a second process (so its CPU is not the server's) and returns its result. */
function loadFromChild(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', THIS_FILE, LOAD_FLAG, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
      else resolve(JSON.parse(out) as LoadResult);
    });
  });
}

/** 100,000 processes over the last ~30 days, mixed workflows, statuses and intents, in one statement. */
async function seedProcesses(db: pg.Pool, count: number): Promise<number> {
  const started = performance.now();
  await db.query(
    `WITH w AS (SELECT array_agg(id ORDER BY name) AS ids, array_agg(name ORDER BY name) AS names FROM workflows)
     INSERT INTO processes (workflow_id, workflow_name, status, intent_kind, intent_name, correlation_id, created_by, form_data, state,
                            attempts, created_at, updated_at, started_at, completed_at)
     SELECT w.ids[1 + g % cardinality(w.ids)], w.names[1 + g % cardinality(w.ids)],
            (ARRAY['completed','completed','completed','completed','failed','cancelled','running','waiting','created'])[1 + (g % 9)],
            CASE WHEN w.names[1 + g % cardinality(w.ids)] = 'reconcile_intent' THEN 'VendorSet' END,
            CASE WHEN w.names[1 + g % cardinality(w.ids)] = 'reconcile_intent' THEN 'intent-' || (g % 200) END,
            'bench-' || g, 'bench',
            jsonb_build_object('kind', 'VendorSet', 'name', 'intent-' || (g % 200)),
            jsonb_build_object('jobId', g::text),
            1,
            now() - make_interval(secs => g * 26), now() - make_interval(secs => g * 26),
            now() - make_interval(secs => g * 26 - 1), now() - make_interval(secs => g * 26 - 20)
       FROM generate_series(1, $1) AS g, w`,
    [count],
  );
  await db.query('ANALYZE processes');
  return (performance.now() - started) / 1000;
}

/** The benchmark; returns the figures printed by `npm run bench` next to their targets. */
export async function benchApi(options: { readonly processes?: number; readonly durationMs?: number } = {}): Promise<Figures> {
  const count = options.processes ?? 100_000;
  const durationMs = options.durationMs ?? 10_000;
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const base = loadConfig({ ...env, LOG_LEVEL: 'warn' });
  const dbName = `netbox_gitops_bench_api_${randomBytes(4).toString('hex')}`;
  await runAdminSql(base.database, `CREATE DATABASE "${dbName}"`);
  const queueName = `bench-api-${randomBytes(4).toString('hex')}`;
  const config: AppConfig = { ...base, database: { ...base.database, name: dbName, poolSize: 10 }, workflow: { ...base.workflow, queue: queueName } };
  const logger = createLogger({ level: 'warn', pretty: false });
  const pool = createPool(config.database, { applicationName: 'netbox-gitops-bench-api', logger });
  try {
    await migrate(pool);
    const deps = await createApiDeps(config, logger, { pool, queueName });
    await deps.workflows.listWorkflows(); // registers the workflows rows processes refer to
    const seedSeconds = await seedProcesses(pool, count);
    const { token } = await createToken(pool, { name: 'bench', role: 'viewer' });
    // No rate limit: the load comes from one address. NetBox is not part of this benchmark.
    const app = await buildApp({ ...deps, checkNetBox: async () => ({ version: 'bench' }) }, { rateLimit: { max: 0, windowMs: 60_000 } });
    try {
      const origin = await app.listen({ port: 0, host: '127.0.0.1' });
      const headers = { authorization: `Bearer ${token}` };
      const sample = await fetch(`${origin}/api/v1/processes?limit=50`, { headers });
      const page = (await sample.json()) as { items: unknown[]; nextCursor: string | null };
      if (sample.status !== 200 || page.items.length !== 50) throw new Error(`unexpected first page: ${sample.status}`);

      const list = await loadFromChild({
        origin,
        path: '/api/v1/processes?limit=50',
        headers,
        mode: 'rate',
        rate: 200,
        connections: 16,
        durationMs,
        warmupMs: 2_000,
      });
      const health = await loadFromChild({ origin, path: '/health', headers: {}, mode: 'max', connections: 32, durationMs, warmupMs: 2_000 });
      return {
        'processes seeded': count,
        'seed time (s)': round(seedSeconds),
        'list: requests (200 req/s, 10 s)': list.requests,
        'list: non-200 or errors':
          list.errors +
          Object.entries(list.statuses)
            .filter(([s]) => s !== '200')
            .reduce((n, [, c]) => n + c, 0),
        'list: achieved req/s': round(list.requests / list.seconds, 1),
        'list: p50 (ms)': list.latenciesMs.p50,
        'list: p90 (ms)': list.latenciesMs.p90,
        'list: p99 (ms)': list.latenciesMs.p99,
        'list: max (ms)': list.latenciesMs.max,
        'health: requests/s (32 conns)': round(health.requests / health.seconds, 0),
        'health: non-200 or errors':
          health.errors +
          Object.entries(health.statuses)
            .filter(([s]) => s !== '200')
            .reduce((n, [, c]) => n + c, 0),
        'health: p50 (ms)': health.latenciesMs.p50,
        'health: p99 (ms)': health.latenciesMs.p99,
      };
    } finally {
      await app.close();
      await deps.close();
    }
  } finally {
    await pool.end();
    await runAdminSql(base.database, `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  }
}

async function main(): Promise<void> {
  const flag = process.argv.indexOf(LOAD_FLAG);
  if (flag >= 0) {
    const result = await runLoad(JSON.parse(process.argv[flag + 1] ?? '{}') as LoadSpec);
    process.stdout.write(JSON.stringify(result));
    return;
  }
  const figures = await benchApi();
  process.stdout.write('\n## API (100,000 processes; load generator in a second process on loopback)\n');
  process.stdout.write('   target: GET /api/v1/processes?limit=50 p99 under 50 ms at 200 req/s; GET /health at least 5,000 req/s\n');
  for (const [k, v] of Object.entries(figures)) process.stdout.write(`   ${k.padEnd(34)} ${v}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
