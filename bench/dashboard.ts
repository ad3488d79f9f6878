// Dashboard benchmark: the overview's first load in Debian's Chromium (playwright-core)
// against the API serving web/dist, with 100 intents (drift rows and drift history for each) and
// 100,000 processes seeded into a fresh database.
//   - cold: a new browser context per run (empty cache, the token already in sessionStorage, as
//     after signing in): navigation start → the 100 rows of the intents table painted.
//   - warm: a reload in the same context (hashed assets from the cache, API calls again).
// Median of several runs each; per run the Resource Timing entries say where the time goes (the
// HTML, the scripts, /me and the overview's API calls). Also the bundle's sizes, raw and gzip.
// Needs `npm run build:web` first and chromium (CHROMIUM_PATH or /usr/bin/chromium).
// Run: npx tsx bench/dashboard.ts (or `npm run bench dashboard`).
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type pg from 'pg';
import { buildApp, createApiDeps } from '../api/index.ts';
import { defaultWebRoot } from '../api/web.ts';
import { createToken } from '../controller/auth/index.ts';
import { loadConfig } from '../controller/config/index.ts';
import type { AppConfig } from '../controller/config/index.ts';
import { createPool, migrate } from '../controller/db/index.ts';
import { createIntentScheduler } from '../controller/sources/index.ts';
import { createLogger } from '../controller/logging/index.ts';
import { runAdminSql } from './admin-sql.ts';

type Figures = Record<string, number | string>;

const INTENTS = 100;
const TOKEN_KEY = 'netbox-gitops.token';
const round = (n: number, digits = 0): number => Math.round(n * 10 ** digits) / 10 ** digits;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * 100 intents (Git, folder and Kubernetes sources; a tenth enforce, a few suspended), 40 drift rows
 * and 30 drift_history rows each, 100,000 processes over ~30 days (a tenth of them reconciles of
 * these intents) and every intent's last process set. A handful of statements.
 */
export async function seedDashboard(db: pg.Pool, processes: number): Promise<void> {
  await db.query(
    `INSERT INTO intents (kind, name, source, revision, spec, status, mode, last_reconcile_at)
     SELECT 'VendorSet', 'intent-' || lpad(g::text, 3, '0'),
            (ARRAY['git:https://git.example.com/netbox/intents.git#intents/', 'folder:/srv/intents/', 'kubernetes:netbox/'])[1 + g % 3] || g,
            md5(g::text), jsonb_build_object('kind', 'VendorSet', 'metadata', jsonb_build_object('name', 'intent-' || g), 'spec', jsonb_build_object('mode', 'observe', 'interval', '30m')),
            CASE WHEN g % 25 = 0 THEN 'suspended' ELSE 'active' END, CASE WHEN g % 10 = 0 THEN 'enforce' ELSE 'observe' END, now() - make_interval(secs => g * 20)
       FROM generate_series(1, $1::int) g`,
    [INTENTS],
  );
  await db.query(
    `WITH w AS (SELECT array_agg(id ORDER BY name) AS ids, array_agg(name ORDER BY name) AS names FROM workflows),
          r AS (SELECT id, name FROM workflows WHERE name = 'reconcile_intent')
     INSERT INTO processes (workflow_id, workflow_name, status, intent_kind, intent_name, correlation_id, created_by, form_data, attempts,
                            created_at, updated_at, started_at, completed_at)
     SELECT CASE WHEN g % 10 = 0 THEN r.id ELSE w.ids[1 + g % cardinality(w.ids)] END,
            CASE WHEN g % 10 = 0 THEN r.name ELSE w.names[1 + g % cardinality(w.ids)] END,
            (ARRAY['completed','completed','completed','completed','completed','completed','failed','cancelled'])[1 + (g % 8)],
            CASE WHEN g % 10 = 0 THEN 'VendorSet' END, CASE WHEN g % 10 = 0 THEN 'intent-' || lpad((1 + g / 10 % $2::int)::text, 3, '0') END,
            'bench-' || g, 'bench', '{}'::jsonb, 1,
            now() - make_interval(secs => g * 26), now() - make_interval(secs => g * 26 - 20),
            now() - make_interval(secs => g * 26 - 1), now() - make_interval(secs => g * 26 - 20)
       FROM generate_series(1, $1::int) g, w, r`,
    [processes, INTENTS],
  );
  await db.query(
    `UPDATE intents i SET last_process_id = p.id
       FROM (SELECT DISTINCT ON (intent_name) intent_name, id FROM processes WHERE intent_kind = 'VendorSet' ORDER BY intent_name, created_at DESC) p
      WHERE p.intent_name = i.name`,
  );
  await db.query(
    `INSERT INTO drift (intent_id, object_kind, identity, action, diff, reason)
     SELECT i.id, 'device-type', 'vendor-' || (g % 5) || '/model-' || g,
            (ARRAY['create','update','update','delete','extra','unmanaged','blocked'])[1 + (g + length(i.name)) % 7],
            '{"u_height": {"before": 1, "after": 2}}'::jsonb, NULL
       FROM intents i, generate_series(1, 40) g
      WHERE i.status = 'active' AND (hashtext(i.name) % 3) <> 0`,
  );
  await db.query(
    `INSERT INTO drift_history (intent_id, counts, total, recorded_at)
     SELECT i.id, jsonb_build_object('update', (g * 7 + length(i.name)) % 30, 'create', g % 5), (g * 7 + length(i.name)) % 30 + g % 5,
            now() - make_interval(hours => g)
       FROM intents i, generate_series(1, 30) g`,
  );
  await db.query('ANALYZE');
}

/** Sizes of the built bundle: the entry script and stylesheet, every chunk, raw and gzip. */
export function bundleSizes(webRoot: string): { files: Map<string, { raw: number; gzip: number }>; entry: string[] } {
  const assets = path.join(webRoot, 'assets');
  const files = new Map<string, { raw: number; gzip: number }>();
  for (const name of readdirSync(assets)) {
    if (!/\.(js|css)$/.test(name)) continue;
    const body = readFileSync(path.join(assets, name));
    files.set(name, { raw: body.length, gzip: gzipSync(body, { level: 9 }).length });
  }
  const html = readFileSync(path.join(webRoot, 'index.html'), 'utf8');
  const entry = [...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.(?:js|css))"/g)].map((m) => m[1] ?? '');
  return { files, entry };
}

interface RunTiming {
  readonly rowsMs: number;
  readonly resources: { name: string; start: number; end: number }[];
  readonly domContentLoaded: number;
}

/** Resolves when the intents table has all its rows, with performance.now() of the next frame (≈ painted). */
const WATCH_ROWS = `(() => {
  const want = ${INTENTS};
  const check = () => {
    if (window.__rowsAt !== undefined) return;
    const rows = document.querySelectorAll('table[aria-label="Intents"] tbody tr').length;
    if (rows >= want) { window.__rowsAt = -1; requestAnimationFrame(() => { window.__rowsAt = performance.now(); }); }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
})();`;

async function measure(page: Page, navigate: () => Promise<unknown>): Promise<RunTiming> {
  await navigate();
  await page.waitForFunction(() => ((globalThis as unknown as { __rowsAt?: number }).__rowsAt ?? -1) > 0, undefined, { timeout: 60_000, polling: 50 });
  // A string, not a function: tsx would wrap a function's inner functions in a helper the page lacks.
  return page.evaluate<RunTiming>(`(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      rowsMs: window.__rowsAt,
      domContentLoaded: nav ? nav.domContentLoadedEventEnd : 0,
      resources: [
        ...(nav ? [{ name: 'document', start: nav.startTime, end: nav.responseEnd }] : []),
        ...performance.getEntriesByType('resource').map((r) => ({ name: new URL(r.name).pathname, start: r.startTime, end: r.responseEnd })),
      ],
    };
  })()`);
}

/** Short label of a resource: API paths without their query, assets by chunk name without the hash. */
function label(name: string): string {
  if (name.startsWith('/assets/')) return name.replace(/^\/assets\//, '').replace(/-[A-Za-z0-9_-]{8}\.(js|css)$/, '.$1');
  return name;
}

/** Median start and end of each resource over the runs that fetched it. */
function waterfall(runs: readonly RunTiming[]): string[] {
  const byName = new Map<string, { start: number[]; end: number[] }>();
  for (const run of runs) {
    for (const r of run.resources) {
      const key = label(r.name);
      if (key.startsWith('/graphql')) continue;
      const entry = byName.get(key) ?? { start: [], end: [] };
      entry.start.push(r.start);
      entry.end.push(r.end);
      byName.set(key, entry);
    }
  }
  return [...byName.entries()]
    .map(([name, t]) => ({ name, start: median(t.start), end: median(t.end) }))
    .sort((a, b) => a.start - b.start)
    .map((r) => `${String(round(r.start)).padStart(5)} → ${String(round(r.end)).padStart(5)} ms  ${r.name}`);
}

/** The benchmark; returns the figures printed by `npm run bench` next to the target. */
export async function benchDashboard(options: { readonly processes?: number; readonly runs?: number } = {}): Promise<Figures> {
  const processes = options.processes ?? 100_000;
  const runs = options.runs ?? 7;
  const webRoot = defaultWebRoot();
  if (!existsSync(path.join(webRoot, 'index.html'))) throw new Error('web/dist is missing: run npm run build:web first');
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const base = loadConfig({ ...env, LOG_LEVEL: 'warn' });
  const dbName = `netbox_gitops_bench_dashboard_${randomBytes(4).toString('hex')}`;
  await runAdminSql(base.database, `CREATE DATABASE "${dbName}"`);
  const queueName = `bench-dashboard-${randomBytes(4).toString('hex')}`;
  const config: AppConfig = { ...base, database: { ...base.database, name: dbName, poolSize: 10 }, workflow: { ...base.workflow, queue: queueName } };
  const logger = createLogger({ level: 'warn', pretty: false });
  const pool = createPool(config.database, { applicationName: 'netbox-gitops-bench-dashboard', logger });
  let browser: Browser | undefined;
  try {
    await migrate(pool);
    // Each active intent's schedule in Redis, as the controller keeps them: the "next check" column reads them.
    const scheduleQueue = `bench-dashboard-schedules-${randomBytes(4).toString('hex')}`;
    const scheduler = createIntentScheduler({
      connection: {
        host: config.redis.host,
        port: config.redis.port,
        db: config.redis.db,
        ...(config.redis.password.isEmpty ? {} : { password: config.redis.password.reveal() }),
      },
      queueName: scheduleQueue,
      pool,
      requester: { requestReconcile: async () => undefined },
    });
    const deps = await createApiDeps(config, logger, { pool, queueName, scheduleQueue });
    await deps.workflows.listWorkflows(); // registers the workflows rows processes refer to
    const seedStarted = performance.now();
    await seedDashboard(pool, processes);
    const { upserted } = await scheduler.syncSchedules();
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const { token } = await createToken(pool, { name: 'bench', role: 'viewer' });
    const app = await buildApp(
      { ...deps, checkNetBox: async () => ({ version: 'bench' }) },
      { webRoot, rateLimit: { max: 0, windowMs: 60_000 }, scrapeCollectors: false },
    );
    try {
      const origin = await app.listen({ port: 0, host: '127.0.0.1' });
      browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });
      const newContext = async (): Promise<BrowserContext> => {
        const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
        await context.addInitScript(`sessionStorage.setItem(${JSON.stringify(TOKEN_KEY)}, ${JSON.stringify(token)});`);
        await context.addInitScript(WATCH_ROWS);
        return context;
      };
      // One unmeasured load: the API's first queries plan and warm Postgres' cache; Chromium starts its processes.
      {
        const context = await newContext();
        const page = await context.newPage();
        await measure(page, () => page.goto(`${origin}/`, { waitUntil: 'commit' }));
        await context.close();
      }
      const cold: RunTiming[] = [];
      const warm: RunTiming[] = [];
      const load: number[] = [];
      for (let i = 0; i < runs; i++) {
        load.push(loadavg()[0] ?? 0);
        const context = await newContext();
        const page = await context.newPage();
        cold.push(await measure(page, () => page.goto(`${origin}/`, { waitUntil: 'commit' })));
        warm.push(await measure(page, () => page.reload({ waitUntil: 'commit' })));
        await context.close();
      }
      // The overview's API calls alone, one after another (server time + loopback, no browser).
      const apiMs: Record<string, number[]> = {};
      const window = { to: new Date().toISOString(), from: new Date(Date.now() - 24 * 3_600_000).toISOString(), buckets: '48' };
      const calls = {
        '/api/v1/me': '/api/v1/me',
        '/api/v1/intents': '/api/v1/intents',
        '/api/v1/drift/history': `/api/v1/drift/history?${new URLSearchParams(window).toString()}`,
        '/api/v1/processes/outcomes': `/api/v1/processes/outcomes?${new URLSearchParams({ ...window, workflow: 'reconcile_intent' }).toString()}`,
      };
      for (let i = 0; i < 10; i++) {
        for (const [name, url] of Object.entries(calls)) {
          const started = performance.now();
          const response = await fetch(`${origin}${url}`, { headers: { authorization: `Bearer ${token}` } });
          await response.arrayBuffer();
          if (response.status !== 200) throw new Error(`${name}: HTTP ${response.status}`);
          (apiMs[name] ??= []).push(performance.now() - started);
        }
      }
      const { files, entry } = bundleSizes(webRoot);
      // What the cold overview fetched of the bundle before the intents arrived (the charts start only after).
      const first = cold[0];
      const intentsAt = first?.resources.find((r) => r.name === '/api/v1/intents')?.end ?? Number.POSITIVE_INFINITY;
      const fetched = new Set(
        first?.resources
          .filter((r) => r.start < intentsAt)
          .map((r) => r.name.replace(/^\/assets\//, ''))
          .filter((n) => files.has(n)) ?? [],
      );
      const sum = (names: Iterable<string>, key: 'raw' | 'gzip'): number => [...names].reduce((n, f) => n + (files.get(f)?.[key] ?? 0), 0);
      const kb = (n: number): string => `${round(n / 1024, 1)} KiB`;
      const charts = [...files.keys()].filter((f) => f.startsWith('charts-'));
      const figures: Figures = {
        'intents / processes / schedules': `${INTENTS} / ${processes.toLocaleString('en')} / ${upserted.length}`,
        'seed time (s)': round(seedSeconds, 1),
        runs,
        'cold: rows painted, median (ms)': round(median(cold.map((r) => r.rowsMs))),
        'cold: min / max (ms)': `${round(Math.min(...cold.map((r) => r.rowsMs)))} / ${round(Math.max(...cold.map((r) => r.rowsMs)))}`,
        'cold: DOMContentLoaded (ms)': round(median(cold.map((r) => r.domContentLoaded))),
        'warm: rows painted, median (ms)': round(median(warm.map((r) => r.rowsMs))),
        'warm: min / max (ms)': `${round(Math.min(...warm.map((r) => r.rowsMs)))} / ${round(Math.max(...warm.map((r) => r.rowsMs)))}`,
        'cold runs (ms)': cold.map((r) => round(r.rowsMs)).join(' '),
        'load average (1 min) during runs': `${round(Math.min(...load), 2)}–${round(Math.max(...load), 2)} (${(await import('node:os')).cpus().length} cores)`,
        'entry (JS + CSS)': `${kb(sum(entry, 'raw'))} raw, ${kb(sum(entry, 'gzip'))} gzip`,
        'fetched before /intents answered (JS + CSS)': `${kb(sum(fetched, 'raw'))} raw, ${kb(sum(fetched, 'gzip'))} gzip (${fetched.size} files)`,
        'charts chunk (after the rows)': `${kb(sum(charts, 'raw'))} raw, ${kb(sum(charts, 'gzip'))} gzip`,
        'whole bundle (JS + CSS)': `${kb(sum(files.keys(), 'raw'))} raw, ${kb(sum(files.keys(), 'gzip'))} gzip`,
      };
      for (const [name, ms] of Object.entries(apiMs)) figures[`API alone, median of 10: ${name}`] = `${round(median(ms), 1)} ms`;
      waterfall(cold).forEach((line, i) => (figures[`cold waterfall ${String(i + 1).padStart(2, '0')}`] = line));
      return figures;
    } finally {
      await browser?.close();
      await app.close();
      await deps.close();
      await scheduler.queue.obliterate({ force: true }).catch(() => undefined);
      await scheduler.close();
    }
  } finally {
    await pool.end();
    await runAdminSql(base.database, `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await benchDashboard();
  process.stdout.write('\n## dashboard: overview first load in Chromium (100 intents, 100,000 processes)\n   target: under 1 s\n');
  for (const [k, v] of Object.entries(figures)) process.stdout.write(`   ${k.padEnd(52)} ${v}\n`);
}
