// The dashboard in a real Chromium against the real API, Postgres, Redis, a worker and the
// emulator: drift on the overview, a hand edit as a field diff, a reconcile followed live to
// completion, a viewer who cannot cancel, the audit CSV export, axe-core, and two timings.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, createApiDeps } from '../../api/index.ts';
import type { ApiDepsHandle } from '../../api/index.ts';
import { defaultWebRoot } from '../../api/web.ts';
import { createToken } from '../../controller/auth/index.ts';
import { createLogger } from '../../controller/logging/index.ts';
import { createDefaultDeps, createFolderLibraryProvider, startWorker } from '../../controller/workflow/index.ts';
import type { WorkerHandle } from '../../controller/workflow/index.ts';
import { putIntent, testConfig, vendorIntent, waitFor } from '../api/helpers.ts';
import { createTestDatabase } from '../helpers/database.ts';
import type { TestDatabase } from '../helpers/database.ts';
import { LIBRARY_PATH } from '../helpers/library.ts';
import { startNetBox } from '../helpers/netbox.ts';
import type { NetBoxFixture } from '../helpers/netbox.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SHOTS = path.join(ROOT, 'test-results', 'e2e');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let db: TestDatabase;
let nb: NetBoxFixture;
let deps: ApiDepsHandle;
let app: FastifyInstance;
let worker: WorkerHandle;
let engine: ReturnType<typeof createDefaultDeps>;
let browser: Browser;
let url: string;
const tokens: Record<string, string> = {};
const queueName = `e2e-${process.pid}`;

beforeAll(async () => {
  if (!existsSync(path.join(defaultWebRoot(), 'index.html'))) throw new Error('web/dist is missing: run npm run build:web first');
  await mkdir(SHOTS, { recursive: true });
  db = await createTestDatabase();
  nb = await startNetBox();
  const config = testConfig({ NETBOX_URL: nb.emulator.url, NETBOX_TOKEN: nb.emulator.token, WORKFLOW_QUEUE: queueName, LIBRARY_PATH });
  const logger = createLogger({ level: 'silent', pretty: false });
  const library = createFolderLibraryProvider(LIBRARY_PATH);
  deps = await createApiDeps(config, logger, { pool: db.pool, queueName, library });
  app = await buildApp(deps, { webRoot: defaultWebRoot(), rateLimit: { max: 0, windowMs: 60_000 }, scrapeCollectors: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  engine = createDefaultDeps(config, logger, { pool: db.pool, queueName, library });
  worker = await startWorker(engine, { concurrency: 2, recoveryIntervalMs: 0 });
  for (const role of ['viewer', 'operator'] as const) tokens[role] = (await createToken(db.pool, { name: `e2e-${role}`, role })).token;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
});

afterAll(async () => {
  await browser?.close();
  await worker?.close({ graceMs: 100 });
  await app?.close();
  await deps?.close();
  await engine?.close();
  const queue = new Queue(queueName, { connection: { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null } });
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  await nb?.close();
  await db?.drop();
});

async function signIn(role: 'viewer' | 'operator', at = '/'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  await page.goto(`${url}${at}`);
  await page.getByLabel('API token').fill(tokens[role] ?? '');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('principal').waitFor();
  return page;
}

async function axe(page: Page): Promise<{ id: string; impact: string; nodes: number }[]> {
  const source = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: source });
  const result = await page.evaluate(async () => {
    const run = (globalThis as unknown as { axe: { run: (o: unknown) => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe.run;
    return run({ resultTypes: ['violations'] });
  });
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
}

async function reconcileAndWait(kind: string, name: string): Promise<void> {
  const r = await fetch(`${url}/api/v1/intents/${kind}/${name}/reconcile`, { method: 'POST', headers: { authorization: `Bearer ${tokens.operator}` } });
  const process = (await r.json()) as { id: string };
  await waitFor('reconcile', async () => {
    const p = (await (await fetch(`${url}/api/v1/processes/${process.id}`, { headers: { authorization: `Bearer ${tokens.operator}` } })).json()) as { status: string };
    return ['completed', 'failed'].includes(p.status) ? p : undefined;
  }, 120_000);
}

describe('dashboard in Chromium', () => {
  it('overview shows the intents and their drift; a hand edit appears as a field diff after a reconcile followed live', async () => {
    // An enforce intent creates its vendors; then it observes, and someone edits one by hand.
    const ref = await putIntent(db, vendorIntent('e2e-lab', 3, 'enforce'));
    await reconcileAndWait(ref.kind, ref.name);
    await putIntent(db, vendorIntent('e2e-lab', 3, 'observe'), { revision: 'rev-2' });
    const [made] = nb.emulator.store.list('manufacturers').filter((m) => m.slug === 'e2e-lab-0');
    nb.emulator.store.mutate('manufacturers', Number(made?.id), { name: 'Edited By Hand' });
    const watch = await putIntent(db, vendorIntent('e2e-watch', 4, 'observe'));
    await reconcileAndWait(watch.kind, watch.name);

    const page = await signIn('operator');
    await page.getByRole('link', { name: 'e2e-watch' }).waitFor();
    expect(await page.getByTestId('total-drift').textContent()).not.toBe('0');
    await page.screenshot({ path: path.join(SHOTS, 'overview.png'), fullPage: true });
    expect(await axe(page)).toEqual([]);

    // Reconcile now from the intent page; the process page follows the steps live to the end.
    await page.getByRole('link', { name: 'e2e-lab' }).click();
    await page.getByRole('button', { name: 'Reconcile now' }).click();
    await page.waitForURL(/\/processes\/[0-9a-f-]+$/);
    await page.getByTestId('step-record').getByText('completed').waitFor({ timeout: 120_000 });
    for (const step of ['resolve', 'snapshot', 'diff']) expect(await page.getByTestId(`step-${step}`).textContent()).toContain('completed');
    await page.screenshot({ path: path.join(SHOTS, 'process.png'), fullPage: true });

    await page.goto(`${url}/intents/VendorSet/e2e-lab`);
    const list = page.getByTestId('drift-list');
    await list.getByText('"Edited By Hand"').waitFor();
    expect(await list.textContent()).toContain('name: "Edited By Hand" → "e2e-lab Vendor 0"');
    await page.screenshot({ path: path.join(SHOTS, 'intent-diff.png'), fullPage: true });
    expect(await axe(page)).toEqual([]);
    await page.close();
  });

  it('a viewer cannot cancel or reconcile: the buttons are disabled with the reason', async () => {
    const { rows } = await db.pool.query<{ id: string }>(
      `INSERT INTO processes (workflow_id, workflow_name, status, started_at) SELECT id, name, 'running', now() FROM workflows WHERE name = 'task_refresh_library' RETURNING id`,
    );
    const page = await signIn('viewer', `/processes/${rows[0]?.id}`);
    const cancel = page.getByRole('button', { name: 'Cancel' });
    await cancel.waitFor();
    expect(await cancel.isDisabled()).toBe(true);
    expect(await page.getByText('Needs the operator role; your token "e2e-viewer" is a viewer.').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SHOTS, 'viewer.png') });
    await page.close();
  });

  it('audit export has the rows', async () => {
    const page = await signIn('operator', '/audit');
    await page.getByRole('table', { name: 'Audit rows' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = await readFile((await download.path()) ?? '', 'utf8');
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
    expect(rows[0]?.n).toBeGreaterThan(0);
    expect(csv.trimEnd().split('\r\n')).toHaveLength((rows[0]?.n ?? 0) + 1);
    await page.screenshot({ path: path.join(SHOTS, 'audit.png') });
    await page.close();
  });

  it('measures the overview with 100 intents and 100,000 processes, and the intent page with 25,000 operations (printed, not asserted)', async () => {
    await db.pool.query(
      `INSERT INTO intents (kind, name, source, revision, spec, status, mode)
       SELECT 'VendorSet', 'bulk-' || g, 'folder:bench', 'r1', jsonb_build_object('kind', 'VendorSet', 'metadata', jsonb_build_object('name', 'bulk-' || g), 'spec', jsonb_build_object('mode', 'observe')), 'active', 'observe'
         FROM generate_series(1, 98) g`,
    );
    await db.pool.query(
      `INSERT INTO processes (workflow_id, workflow_name, status, intent_kind, intent_name, created_at, started_at, completed_at)
       SELECT w.id, 'reconcile_intent', CASE WHEN g % 17 = 0 THEN 'failed' ELSE 'completed' END, 'VendorSet', 'bulk-' || (g % 98 + 1),
              now() - (g * interval '0.8 second'), now() - (g * interval '0.8 second'), now() - (g * interval '0.8 second') + interval '0.5 second'
         FROM workflows w, generate_series(1, 100000) g WHERE w.name = 'reconcile_intent'`,
    );
    await db.pool.query('ANALYZE processes');
    const { rows } = await db.pool.query<{ id: string }>(`SELECT id FROM intents WHERE name = 'bulk-1'`);
    await db.pool.query(
      `INSERT INTO drift (intent_id, object_kind, identity, action, diff)
       SELECT $1::uuid, 'interface-template', 'vendor-' || (g % 20) || '/model-' || (g / 25) || '/eth' || (g % 25), CASE WHEN g % 3 = 0 THEN 'create' ELSE 'update' END,
              '{"mtu": {"before": 1500, "after": 9000}, "description": {"before": "", "after": "uplink"}}'::jsonb
         FROM generate_series(1, 25000) g`,
      [rows[0]?.id],
    );
    const page = await signIn('operator');
    await page.getByRole('link', { name: 'bulk-1', exact: true }).waitFor();
    const started = Date.now();
    await page.goto(`${url}/`);
    await page.getByRole('link', { name: 'bulk-98', exact: true }).waitFor();
    const overviewMs = Date.now() - started;
    const t1 = Date.now();
    await page.goto(`${url}/intents/VendorSet/bulk-1`);
    await page.getByTestId('drift-count').getByText('25,000 of 25,000 operations').waitFor({ timeout: 60_000 });
    const intentMs = Date.now() - t1;
    // Filtering the 25,000 operations by text: time until the list shows the result.
    const t2 = Date.now();
    await page.getByRole('searchbox', { name: /Search/ }).fill('model-999/');
    await page.getByTestId('drift-count').getByText(/^25 of 25,000/).waitFor();
    const filterMs = Date.now() - t2;
    console.log(`[e2e timing] overview first load with 100 intents and 100,000 processes: ${overviewMs} ms`);
    console.log(`[e2e timing] intent page with 25,000 drift operations (3 API pages, grouped, virtualised): ${intentMs} ms; search filter: ${filterMs} ms`);
    expect(overviewMs).toBeGreaterThan(0);
    await page.close();
    // The README shows two of the screenshots.
    await copyFile(path.join(SHOTS, 'overview.png'), path.join(ROOT, 'docs', 'dashboard-overview.png'));
    await copyFile(path.join(SHOTS, 'intent-diff.png'), path.join(ROOT, 'docs', 'dashboard-intent-diff.png'));
  });
});
