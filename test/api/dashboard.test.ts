// The API routes the dashboard needs: who am I, drift pages and history, process outcomes,
// suspend/resume, the devicetype-library for the workflow forms, audit search and CSV export,
// next scheduled checks, and the dashboard's own files at `/`.
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/index.ts';
import { auditCsvLine, csvField } from '../../api/audit-csv.ts';
import { createIntentScheduler, nextScheduledChecks, syncIntents } from '../../controller/sources/index.ts';
import { validateIntentObject } from '../../controller/intents/index.ts';
import type { LoadedIntent } from '../../controller/intents/index.ts';
import { LIBRARY_PATH, loadLibrary } from '../helpers/library.ts';
import { putIntent, startApi, vendorIntent } from './helpers.ts';
import type { ApiFixture } from './helpers.ts';

let api: ApiFixture;
let cacheDir: string;
const scheduleQueue = `test-schedules-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  cacheDir = await mkdtemp(path.join(tmpdir(), 'nbg-api-cache-'));
  api = await startApi({}, { LIBRARY_PATH, CACHE_DIR: cacheDir });
});
afterAll(async () => {
  await api?.close();
  const queue = new Queue(scheduleQueue, {
    connection: { host: api.config.redis.host, port: api.config.redis.port, db: api.config.redis.db, maxRetriesPerRequest: null },
  });
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  await rm(cacheDir, { recursive: true, force: true });
});

async function intentId(name: string): Promise<string> {
  const { rows } = await api.db.pool.query<{ id: string }>('SELECT id FROM intents WHERE name = $1', [name]);
  return rows[0]?.id ?? '';
}

describe('GET /api/v1/me', () => {
  it('says who the token is and what it may do, for each role', async () => {
    for (const [role, operate, admin] of [
      ['viewer', false, false],
      ['operator', true, false],
      ['admin', true, true],
    ] as const) {
      const r = await api.request(role, { url: '/api/v1/me' });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toEqual({ name: `${role}-token`, role, authDisabled: false, permissions: { read: true, operate, admin } });
    }
  });

  it('answers a wrong token with 401 and a correlation id (the dashboard’s wrong-token page)', async () => {
    const r = await api.app.inject({ url: '/api/v1/me', headers: { authorization: 'Bearer nbg_not-a-token', 'x-correlation-id': 'who-am-i' } });
    expect(r.statusCode).toBe(401);
    expect(r.json()).toMatchObject({ error: 'unauthorized', request_id: 'who-am-i' });
  });

  it('answers as anonymous admin when auth is disabled', async () => {
    const open = await buildApp(api.deps, { authDisabled: true, rateLimit: { max: 0, windowMs: 1_000 }, scrapeCollectors: false });
    try {
      const r = await open.inject({ url: '/api/v1/me' });
      expect(r.json()).toMatchObject({ name: 'anonymous', role: 'admin', authDisabled: true });
    } finally {
      await open.close();
    }
  });
});

describe('intents for the overview and the intent page', () => {
  it('lists the Ready condition, interval, and the next scheduled check from the controller’s schedules', async () => {
    const ref = await putIntent(api.db, vendorIntent('scheduled', 1, 'observe'));
    await api.db.pool.query(`UPDATE intents SET spec = jsonb_set(spec, '{spec,interval}', '"15m"') WHERE name = 'scheduled'`);
    const connection = { host: api.config.redis.host, port: api.config.redis.port, db: api.config.redis.db, maxRetriesPerRequest: null };
    const scheduler = createIntentScheduler({
      connection,
      queueName: scheduleQueue,
      pool: api.db.pool,
      requester: { requestReconcile: async () => undefined } as never,
    });
    const app = await buildApp(
      { ...api.deps, nextChecks: () => nextScheduledChecks(scheduler.queue) },
      { rateLimit: { max: 0, windowMs: 1_000 }, scrapeCollectors: false },
    );
    try {
      await scheduler.syncSchedules();
      const r = await app.inject({ url: '/api/v1/intents', headers: { authorization: `Bearer ${api.tokens.viewer}` } });
      expect(r.statusCode).toBe(200);
      const item = (r.json().items as Record<string, unknown>[]).find((i) => i.name === ref.name);
      expect(item).toMatchObject({ interval: '15m', schedule: null, suspendedBy: null, ready: { status: 'Unknown', reason: 'NotReconciled' } });
      const next = Date.parse(String(item?.nextCheckAt));
      // The first check of a new schedule waits one interval.
      expect(next).toBeGreaterThan(Date.now() + 10 * 60_000);
      expect(next).toBeLessThan(Date.now() + 16 * 60_000);
      const detail = await app.inject({ url: `/api/v1/intents/${ref.kind}/${ref.name}`, headers: { authorization: `Bearer ${api.tokens.viewer}` } });
      expect(detail.json().nextCheckAt).toBe(item?.nextCheckAt);
    } finally {
      await app.close();
      await scheduler.close();
    }
  });

  it('pages an intent’s drift rows with reasons, filtered by action and kind', async () => {
    const ref = await putIntent(api.db, vendorIntent('paged', 1, 'observe'));
    const id = await intentId('paged');
    await api.db.pool.query(
      `INSERT INTO drift (intent_id, object_kind, identity, action, diff, reason)
       SELECT $1::uuid, 'interface-template', 'acme/box-' || lpad(g::text, 3, '0') || '/eth0', 'update', '{"mtu": {"before": 1500, "after": 9000}}'::jsonb, NULL FROM generate_series(1, 25) g
       UNION ALL SELECT $1::uuid, 'manufacturer', 'acme', 'unmanaged', '{}'::jsonb, 'exists in NetBox without the netbox-gitops tag'`,
      [id],
    );
    const seen: Record<string, unknown>[] = [];
    let cursor = '';
    for (let page = 0; page < 10; page += 1) {
      const r = await api.request('viewer', { url: `/api/v1/intents/${ref.kind}/${ref.name}/drift?limit=10${cursor ? `&cursor=${cursor}` : ''}` });
      expect(r.statusCode).toBe(200);
      expect(r.json().total).toBe(26);
      seen.push(...r.json().items);
      if (!r.json().nextCursor) break;
      cursor = r.json().nextCursor;
    }
    expect(seen).toHaveLength(26);
    expect(new Set(seen.map((d) => d.identity)).size).toBe(26);
    expect(seen.find((d) => d.action === 'unmanaged')).toMatchObject({ identity: 'acme', reason: 'exists in NetBox without the netbox-gitops tag', diff: {} });
    expect(seen.find((d) => d.identity === 'acme/box-001/eth0')).toMatchObject({ diff: { mtu: { before: 1500, after: 9000 } }, reason: null });
    const unmanaged = await api.request('viewer', { url: `/api/v1/intents/${ref.kind}/${ref.name}/drift?action=unmanaged` });
    expect(unmanaged.json().items).toHaveLength(1);
    const kind = await api.request('viewer', { url: `/api/v1/intents/${ref.kind}/${ref.name}/drift?objectKind=interface-template&limit=100` });
    expect(kind.json().items).toHaveLength(25);
    expect((await api.request('viewer', { url: `/api/v1/intents/${ref.kind}/nope/drift` })).statusCode).toBe(404);
    expect((await api.request('viewer', { url: `/api/v1/intents/${ref.kind}/${ref.name}/drift?limit=10001` })).statusCode).toBe(422);
    expect((await api.request(null, { url: `/api/v1/intents/${ref.kind}/${ref.name}/drift` })).statusCode).toBe(401);
    // The intent page's summary reports the reason too.
    const detail = await api.request('viewer', { url: `/api/v1/intents/${ref.kind}/${ref.name}?driftLimit=100` });
    expect((detail.json().driftRows as Record<string, unknown>[]).find((d) => d.identity === 'acme')?.reason).toBe(
      'exists in NetBox without the netbox-gitops tag',
    );
  });

  it('suspends (operator) across source syncs and resumes with a reconcile', async () => {
    const document = vendorIntent('pausable', 1, 'observe');
    const { intent } = validateIntentObject(document);
    if (!intent) throw new Error('invalid test intent');
    const snapshot = (revision: string) => ({ revision, intents: [{ intent } as LoadedIntent], invalid: [], unattributed: [], warnings: [] });
    await syncIntents(api.db.pool, 'folder:test', snapshot('r1'));
    const url = '/api/v1/intents/VendorSet/pausable';

    const viewer = await api.request('viewer', { method: 'POST', url: `${url}/suspend`, payload: {} });
    expect(viewer.statusCode).toBe(403);
    const suspended = await api.request('operator', { method: 'POST', url: `${url}/suspend`, payload: { message: 'maintenance window' } });
    expect(suspended.statusCode).toBe(200);
    expect(suspended.json()).toMatchObject({ status: 'suspended', suspendedBy: 'operator-token', ready: { status: 'Unknown', reason: 'Suspended' } });
    expect(suspended.json().statusMessage).toMatch(/suspended by operator-token .*maintenance window/);

    // A sync of a new revision (the intent unchanged in its source) keeps it suspended and asks for no reconcile.
    const sync = await syncIntents(api.db.pool, 'folder:test', snapshot('r2'));
    expect(sync.changed).toEqual([]);
    expect((await api.request('viewer', { url })).json()).toMatchObject({ status: 'suspended', suspendedBy: 'operator-token' });

    const before = await api.db.pool.query("SELECT count(*)::int AS n FROM processes WHERE intent_name = 'pausable'");
    const resumed = await api.request('operator', { method: 'POST', url: `${url}/resume` });
    expect(resumed.statusCode).toBe(200);
    expect(resumed.json()).toMatchObject({ status: 'active', suspendedBy: null, suspendedAt: null, statusMessage: null });
    const after = await api.db.pool.query<{ n: number; created_by: string }>(
      "SELECT count(*)::int AS n, max(created_by) AS created_by FROM processes WHERE intent_name = 'pausable'",
    );
    expect(after.rows[0]?.n).toBe((before.rows[0] as { n: number }).n + 1);
    expect(after.rows[0]?.created_by).toBe('operator-token');

    expect((await api.request('operator', { method: 'POST', url: '/api/v1/intents/VendorSet/nope/suspend', payload: {} })).statusCode).toBe(404);
    await api.db.pool.query("UPDATE intents SET status = 'removed' WHERE name = 'pausable'");
    expect((await api.request('operator', { method: 'POST', url: `${url}/suspend`, payload: {} })).statusCode).toBe(409);
  });
});

describe('time series for the overview charts', () => {
  it('sums every intent’s latest drift counts per bucket, and counts reconciles by status', async () => {
    const a = await putIntent(api.db, vendorIntent('series-a', 1, 'observe'));
    const b = await putIntent(api.db, vendorIntent('series-b', 1, 'observe'));
    const t0 = Date.parse('2026-03-01T00:00:00Z');
    const at = (minutes: number): string => new Date(t0 + minutes * 60_000).toISOString();
    await api.db.pool.query(
      `INSERT INTO drift_history (intent_id, counts, total, recorded_at) VALUES
         ($1, '{"create": 3}', 3, $3), ($1, '{"update": 1}', 1, $4), ($2, '{"unmanaged": 2}', 2, $5)`,
      [await intentId(a.name), await intentId(b.name), at(5), at(35), at(15)],
    );
    const r = await api.request('viewer', { url: `/api/v1/drift/history?from=${at(0)}&to=${at(60)}&buckets=4` });
    expect(r.statusCode).toBe(200);
    // Buckets end at 15, 30, 45, 60 minutes.
    expect(r.json().points).toEqual([
      { at: at(15), total: 5, byAction: { create: 3, unmanaged: 2 } },
      { at: at(30), total: 5, byAction: { create: 3, unmanaged: 2 } },
      { at: at(45), total: 3, byAction: { update: 1, unmanaged: 2 } },
      { at: at(60), total: 3, byAction: { update: 1, unmanaged: 2 } },
    ]);
    const one = await api.request('viewer', { url: `/api/v1/drift/history?from=${at(0)}&to=${at(60)}&buckets=1&name=${a.name}` });
    expect(one.json().points).toEqual([{ at: at(60), total: 1, byAction: { update: 1 } }]);

    const { rows } = await api.db.pool.query<{ id: string }>("SELECT id FROM workflows WHERE name = 'reconcile_intent'");
    const workflowId =
      rows[0]?.id ?? (await api.request('viewer', { url: '/api/v1/workflows' })).json().items.find((w: { name: string }) => w.name === 'reconcile_intent').id;
    await api.db.pool.query(
      `INSERT INTO processes (workflow_id, workflow_name, status, created_at) VALUES
         ($1, 'reconcile_intent', 'completed', $2), ($1, 'reconcile_intent', 'failed', $2), ($1, 'reconcile_intent', 'completed', $3),
         ($1, 'reconcile_intent', 'completed', $4), ($1, 'task_refresh_library', 'completed', $2)`,
      [workflowId, at(1), at(40), at(61)],
    );
    const outcomes = await api.request('viewer', { url: `/api/v1/processes/outcomes?from=${at(0)}&to=${at(60)}&buckets=2&workflow=reconcile_intent` });
    expect(outcomes.statusCode).toBe(200);
    expect(outcomes.json().buckets).toEqual([
      { from: at(0), to: at(30), byStatus: { completed: 1, failed: 1 }, total: 2 },
      { from: at(30), to: at(60), byStatus: { completed: 1 }, total: 1 },
    ]);
    const all = await api.request('viewer', { url: `/api/v1/processes/outcomes?from=${at(0)}&to=${at(60)}&buckets=1` });
    expect(all.json().buckets[0].total).toBe(4);
    expect((await api.request('viewer', { url: `/api/v1/drift/history?from=${at(60)}&to=${at(0)}` })).statusCode).toBe(422);
    expect((await api.request('viewer', { url: '/api/v1/processes/outcomes?buckets=501' })).statusCode).toBe(422);
    // Defaults: the last 24 hours in 48 buckets.
    const defaults = await api.request('viewer', { url: '/api/v1/drift/history' });
    expect(defaults.json().points).toHaveLength(48);
    expect(Date.parse(defaults.json().to) - Date.parse(defaults.json().from)).toBe(24 * 3600_000);
  });
});

describe('the devicetype-library for the workflow forms', () => {
  it('lists vendors with their device type counts', async () => {
    const library = await loadLibrary();
    const r = await api.request('viewer', { url: '/api/v1/library/vendors' });
    expect(r.statusCode).toBe(200);
    expect(r.json().revision).toBe(library.revision);
    expect(r.json().items).toHaveLength(library.vendors.size);
    const arista = (r.json().items as { slug: string; deviceTypes: number }[]).find((v) => v.slug === 'arista');
    expect(arista?.deviceTypes).toBe(library.deviceTypes.filter((d) => d.manufacturerSlug === 'arista').length);
  });

  it('previews the device types a vendor and regular expression select, as the import would', async () => {
    const library = await loadLibrary();
    const pattern = /^DCS-7050/;
    const expected = library.deviceTypes.filter((d) => d.manufacturerSlug === 'arista' && (pattern.test(d.model) || pattern.test(d.slug))).map((d) => d.model);
    expect(expected.length).toBeGreaterThan(3);
    const r = await api.request('viewer', { url: `/api/v1/library/device-types?vendor=Arista&filter=${encodeURIComponent('^DCS-7050')}&limit=3` });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ vendor: { name: 'Arista', slug: 'arista' }, filter: '^DCS-7050', count: expected.length, truncated: true });
    expect(r.json().items).toHaveLength(3);
    for (const item of r.json().items as { model: string }[]) expect(expected).toContain(item.model);
    const all = await api.request('viewer', { url: '/api/v1/library/device-types?vendor=arista&limit=0' });
    expect(all.json().count).toBe(library.deviceTypes.filter((d) => d.manufacturerSlug === 'arista').length);
  });

  it('reports a bad regular expression and an unknown vendor on their form fields', async () => {
    const bad = await api.request('viewer', { url: `/api/v1/library/device-types?vendor=Arista&filter=${encodeURIComponent('(')}` });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().details.issues[0].path).toBe('device_type_filter');
    const unknown = await api.request('viewer', { url: '/api/v1/library/device-types?vendor=NoSuchVendor' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().details.issues[0]).toMatchObject({ path: 'selected_vendor', message: 'unknown vendor "NoSuchVendor"' });
    expect((await api.request(null, { url: '/api/v1/library/vendors' })).statusCode).toBe(401);
  });

  it('answers 503 when the API has no library', async () => {
    const { library: _library, ...withoutLibrary } = api.deps;
    const app = await buildApp(withoutLibrary, { rateLimit: { max: 0, windowMs: 1_000 }, scrapeCollectors: false });
    try {
      const r = await app.inject({ url: '/api/v1/library/vendors', headers: { authorization: `Bearer ${api.tokens.viewer}` } });
      expect(r.statusCode).toBe(503);
      expect(r.json().error).toBe('resource_unavailable');
    } finally {
      await app.close();
    }
  });
});

describe('audit search and CSV export', () => {
  it('filters by action and part of the identity, and exports every matching row as CSV across pages', async () => {
    await api.db.pool.query(
      `INSERT INTO audit_log (action, object_kind, object_identity, netbox_id, before, after, intent_kind, intent_name, user_id, timestamp)
       SELECT CASE WHEN g % 3 = 0 THEN 'update' ELSE 'create' END, 'device-type', 'csvco/Model-' || g, g,
              CASE WHEN g % 3 = 0 THEN '{"u_height": 1}'::jsonb END, '{"u_height": 2, "comments": "a, \\"quoted\\"\\nline"}'::jsonb,
              'DeviceTypeSet', 'csv-set', 'operator-token', now() - g * interval '1 second'
         FROM generate_series(1, 1200) g`,
    );
    await api.db.pool.query(
      `INSERT INTO audit_log (action, object_kind, object_identity, after, user_id) VALUES ('create', 'manufacturer', '=HYPERLINK("x")', '{}', 'someone')`,
    );
    const updates = await api.request('viewer', { url: '/api/v1/audit?action=update&search=CSVCO/model-&limit=500' });
    expect(updates.statusCode).toBe(200);
    expect(updates.json().items).toHaveLength(400);
    expect((updates.json().items as { action: string }[]).every((i) => i.action === 'update')).toBe(true);
    const exact = await api.request('viewer', { url: '/api/v1/audit?search=Model-1199' });
    expect((exact.json().items as { objectIdentity: string }[]).map((i) => i.objectIdentity)).toEqual(['csvco/Model-1199']);
    // % and _ are literal characters, not patterns.
    expect((await api.request('viewer', { url: '/api/v1/audit?search=%25' })).json().items).toEqual([]);

    const csv = await api.request('viewer', { url: '/api/v1/audit/export?intentName=csv-set' });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="netbox-gitops-audit-.*\.csv"$/);
    const lines = csv.body.split('\r\n');
    expect(lines[0]).toBe('timestamp,action,object_kind,object_identity,netbox_id,intent,process_id,user,correlation_id,before,after,details');
    // A header, 1,200 rows (more than two pages of 500), and the final line break.
    expect(lines).toHaveLength(1 + 1200 + 1);
    expect(lines[1]).toContain(',create,device-type,csvco/Model-1,1,DeviceTypeSet/csv-set,,operator-token,,,');
    // JSON with commas, quotes and a newline escape stays one quoted field.
    expect(lines[1]).toContain('"{""comments"":""a, \\""quoted\\""\\nline"",""u_height"":2}"');
    const filtered = await api.request('viewer', { url: '/api/v1/audit/export?action=update&intentName=csv-set' });
    expect(filtered.body.split('\r\n')).toHaveLength(1 + 400 + 1);
    const formula = await api.request('viewer', { url: '/api/v1/audit/export?objectKind=manufacturer' });
    expect(formula.body).toContain(`'=HYPERLINK(""x"")`);
    expect((await api.request(null, { url: '/api/v1/audit/export' })).statusCode).toBe(401);
    expect((await api.request('viewer', { url: '/api/v1/audit/export?from=yesterday' })).statusCode).toBe(422);
  });

  it('formats CSV fields per RFC 4180 and defuses spreadsheet formulas', () => {
    expect(csvField(null)).toBe('');
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('-3')).toBe("'-3");
    expect(csvField(-3)).toBe('-3');
    expect(csvField({ a: 1 })).toBe('"{""a"":1}"');
    expect(csvField([1, 2])).toBe('"[1,2]"');
    expect(
      auditCsvLine({
        id: 'x',
        processId: null,
        action: 'delete',
        objectKind: 'tag',
        objectIdentity: 'old',
        netboxId: 7,
        before: { name: 'old' },
        after: null,
        details: null,
        intent: null,
        correlationId: 'c1',
        userId: 'u',
        timestamp: '2026-01-01T00:00:00.000Z',
      }),
    ).toBe('2026-01-01T00:00:00.000Z,delete,tag,old,7,,,u,c1,"{""name"":""old""}",,\r\n');
  });
});

describe('the dashboard at /', () => {
  let webRoot: string;
  beforeAll(async () => {
    webRoot = await mkdtemp(path.join(tmpdir(), 'nbg-web-'));
    await mkdir(path.join(webRoot, 'assets'));
    await writeFile(path.join(webRoot, 'index.html'), '<!doctype html><title>dash</title><script type="module" src="/assets/app-abc123.js"></script>');
    await writeFile(path.join(webRoot, 'assets', 'app-abc123.js'), 'console.log("dashboard")');
    await writeFile(path.join(webRoot, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  });
  afterAll(async () => {
    await rm(webRoot, { recursive: true, force: true });
  });

  it('serves index.html for browser navigations without a token, assets with long caching, and keeps JSON 404s for the API', async () => {
    const app = await buildApp(api.deps, { webRoot, rateLimit: { max: 0, windowMs: 1_000 }, scrapeCollectors: false });
    try {
      const html = { accept: 'text/html,application/xhtml+xml' };
      for (const url of ['/', '/processes/123', '/intents/DeviceTypeSet/x?tab=drift', '/audit']) {
        const r = await app.inject({ url, headers: html });
        expect(r.statusCode).toBe(200);
        expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(r.headers['cache-control']).toBe('no-cache');
        expect(r.body).toContain('<title>dash</title>');
        expect(String(r.headers['content-security-policy'])).toContain("script-src 'self'");
      }
      const asset = await app.inject({ url: '/assets/app-abc123.js' });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(asset.body).toBe('console.log("dashboard")');
      expect((await app.inject({ url: '/favicon.svg' })).headers['cache-control']).toBe('no-cache');
      for (const [url, headers] of [
        ['/api/v1/nope', html],
        ['/graphql/x', html],
        ['/assets/missing.js', html],
        ['/somewhere', { accept: 'application/json' }],
      ] as const) {
        const r = await app.inject({ url, headers });
        expect(r.statusCode).toBe(404);
        expect(r.json().error).toBe('not_found');
      }
      // The API itself still needs its token.
      expect((await app.inject({ url: '/api/v1/intents', headers: html })).statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });

  it('explains how to build the dashboard when web/dist is missing', async () => {
    const app = await buildApp(api.deps, { webRoot: path.join(webRoot, 'nope'), rateLimit: { max: 0, windowMs: 1_000 }, scrapeCollectors: false });
    try {
      const r = await app.inject({ url: '/', headers: { accept: 'text/html' } });
      expect(r.statusCode).toBe(503);
      expect(r.body).toContain('npm run build:web');
    } finally {
      await app.close();
    }
  });
});

describe('OpenAPI', () => {
  it('documents the dashboard routes', async () => {
    const doc = (await api.app.inject({ url: '/api/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
    for (const [route, method] of [
      ['/api/v1/me', 'get'],
      ['/api/v1/intents/{kind}/{name}/drift', 'get'],
      ['/api/v1/intents/{kind}/{name}/suspend', 'post'],
      ['/api/v1/intents/{kind}/{name}/resume', 'post'],
      ['/api/v1/drift/history', 'get'],
      ['/api/v1/processes/outcomes', 'get'],
      ['/api/v1/library/vendors', 'get'],
      ['/api/v1/library/device-types', 'get'],
      ['/api/v1/audit/export', 'get'],
    ] as const) {
      expect(doc.paths[route]?.[method], `${method} ${route}`).toBeDefined();
    }
    expect(JSON.stringify(doc.paths['/api/v1/audit/export'])).toContain('text/csv');
  });
});
