import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../controller/auth/index.ts';
import type { Role } from '../../controller/auth/index.ts';
import { putIntent, startApi, vendorIntent } from './helpers.ts';
import type { ApiFixture } from './helpers.ts';

let api: ApiFixture;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function expectErrorBody(body: Record<string, unknown>, code: string, requestId?: string): void {
  expect(Object.keys(body).sort()).toEqual(['details', 'error', 'message', 'request_id', 'timestamp']);
  expect(body).toMatchObject({
    error: code,
    message: expect.any(String),
    timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    request_id: requestId ?? expect.any(String),
  });
  expect(body.details === null || typeof body.details === 'object').toBe(true);
}

describe('error format and correlation id', () => {
  it('answers an unknown route with 404 in the error format, request_id = X-Correlation-ID', async () => {
    const r = await api.request('viewer', { url: '/api/v1/nope', headers: { 'x-correlation-id': 'trace-404.a_b' } });
    expect(r.statusCode).toBe(404);
    expect(r.headers['x-correlation-id']).toBe('trace-404.a_b');
    expectErrorBody(r.json(), 'not_found', 'trace-404.a_b');
    expect(r.json().details).toBeNull();
  });

  it('creates a correlation id when none or an invalid one is given', async () => {
    const none = await api.request(null, { url: '/livez' });
    expect(none.headers['x-correlation-id']).toMatch(UUID);
    for (const bad of ['a'.repeat(129), 'has space', 'semi;colon', 'new\\nline']) {
      const r = await api.request(null, { url: '/livez', headers: { 'x-correlation-id': bad } });
      expect(r.headers['x-correlation-id']).toMatch(UUID);
    }
    const longest = 'x'.repeat(128);
    expect((await api.request(null, { url: '/livez', headers: { 'x-correlation-id': longest } })).headers['x-correlation-id']).toBe(longest);
  });

  it('carries the correlation id and the token name into the process row and the response', async () => {
    const r = await api.request('operator', {
      method: 'POST',
      url: '/api/v1/workflows/task_import_vendors',
      payload: { selected_vendors: ['cisco'] },
      headers: { 'x-correlation-id': 'start-123' },
    });
    expect(r.statusCode).toBe(201);
    const process = r.json();
    expect(process).toMatchObject({ workflowName: 'task_import_vendors', status: 'created', correlationId: 'start-123', createdBy: 'operator-token' });
    expect(r.headers.location).toBe(`/api/v1/processes/${process.id}`);
    const { rows } = await api.db.pool.query('SELECT correlation_id, created_by FROM processes WHERE id = $1', [process.id]);
    expect(rows[0]).toEqual({ correlation_id: 'start-123', created_by: 'operator-token' });
  });

  it('answers an invalid form with 422 and one issue per field', async () => {
    const r = await api.request('operator', { method: 'POST', url: '/api/v1/workflows/task_import_device_types', payload: { device_type_filter: '(' } });
    expect(r.statusCode).toBe(422);
    expectErrorBody(r.json(), 'validation_error');
    const paths = (r.json().details.issues as { path: string }[]).map((i) => i.path);
    expect(paths).toContain('selected_vendor');
  });

  it('answers an invalid query with 422 naming the parameter', async () => {
    const r = await api.request('viewer', { url: '/api/v1/processes?limit=0&status=sleeping' });
    expect(r.statusCode).toBe(422);
    expectErrorBody(r.json(), 'validation_error');
    const paths = (r.json().details.issues as { path: string }[]).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['querystring.limit', 'querystring.status']));
    const cursor = await api.request('viewer', { url: '/api/v1/processes?cursor=bogus' });
    expect(cursor.statusCode).toBe(422);
    expect(cursor.json().details.issues[0].path).toBe('cursor');
  });

  it('answers an unknown workflow with 404 listing the known ones', async () => {
    const r = await api.request('operator', { method: 'POST', url: '/api/v1/workflows/nope', payload: {} });
    expect(r.statusCode).toBe(404);
    expect(r.json().details.known).toContain('reconcile_intent');
  });

  it('hides internals of a 5xx and logs them under the request id', async () => {
    await api.db.pool.query('ALTER TABLE intents RENAME TO intents_hidden');
    try {
      const r = await api.request('viewer', { url: '/api/v1/intents', headers: { 'x-correlation-id': 'boom-1' } });
      expect(r.statusCode).toBe(500);
      expectErrorBody(r.json(), 'internal_error', 'boom-1');
      expect(r.json().message).toBe('internal error; see the logs with request_id boom-1');
      expect(r.body).not.toMatch(/intents|relation|postgres/i);
    } finally {
      await api.db.pool.query('ALTER TABLE intents_hidden RENAME TO intents');
    }
  });

  it('refuses a body over the limit with 413 and malformed JSON with 400', async () => {
    const big = await api.request('operator', {
      method: 'POST',
      url: '/api/v1/workflows/task_import_vendors',
      payload: { selected_vendors: ['x'.repeat(1_100_000)] },
    });
    expect(big.statusCode).toBe(413);
    expectErrorBody(big.json(), 'payload_too_large');
    const bad = await api.request('operator', {
      method: 'POST',
      url: '/api/v1/workflows/task_import_vendors',
      payload: '{"selected',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.statusCode).toBe(400);
    expectErrorBody(bad.json(), 'bad_request');
  });

  it('sets the security headers', async () => {
    const r = await api.request(null, { url: '/livez' });
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('auth', () => {
  const routes: { method: 'GET' | 'POST' | 'DELETE'; url: string; role: Role; payload?: unknown }[] = [
    { method: 'GET', url: '/api/v1/workflows', role: 'viewer' },
    { method: 'GET', url: '/api/v1/processes', role: 'viewer' },
    { method: 'GET', url: '/api/v1/processes/00000000-0000-4000-8000-000000000000', role: 'viewer' },
    { method: 'GET', url: '/api/v1/intents', role: 'viewer' },
    { method: 'GET', url: '/api/v1/intents/VendorSet/none', role: 'viewer' },
    { method: 'GET', url: '/api/v1/drift', role: 'viewer' },
    { method: 'GET', url: '/api/v1/audit', role: 'viewer' },
    { method: 'POST', url: '/graphql', role: 'viewer', payload: { query: '{ workflows { name } }' } },
    { method: 'POST', url: '/api/v1/workflows/task_import_vendors', role: 'operator', payload: { selected_vendors: ['x'] } },
    { method: 'DELETE', url: '/api/v1/processes/00000000-0000-4000-8000-000000000000', role: 'operator' },
    { method: 'POST', url: '/api/v1/processes/00000000-0000-4000-8000-000000000000/retry', role: 'operator' },
    { method: 'POST', url: '/api/v1/intents/VendorSet/none/reconcile', role: 'operator' },
    { method: 'GET', url: '/api/v1/tokens', role: 'admin' },
    { method: 'POST', url: '/api/v1/tokens', role: 'admin', payload: { name: 'made-in-auth-test', role: 'viewer' } },
    { method: 'DELETE', url: '/api/v1/tokens/nobody', role: 'admin' },
  ];
  const order: Role[] = ['viewer', 'operator', 'admin'];

  it.each(routes)('$method $url: 401 without a token, 403 below $role, allowed from $role', async (route) => {
    const send = (role: Role | null, headers: Record<string, string> = {}): ReturnType<ApiFixture['request']> =>
      api.request(role, { method: route.method, url: route.url, ...(route.payload ? { payload: route.payload } : {}), headers });
    // /graphql answers in GraphQL's shape, with the same code in extensions.
    const expectCode = (body: Record<string, unknown>, code: string): void => {
      if (route.url === '/graphql') expect(body).toMatchObject({ data: null, errors: [{ extensions: { code } }] });
      else expectErrorBody(body, code);
    };
    const none = await send(null);
    expect(none.statusCode).toBe(401);
    expectCode(none.json(), 'unauthorized');
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    const wrong = await api.app.inject({ method: route.method, url: route.url, headers: { authorization: `Bearer nbg_${'Z'.repeat(43)}` } });
    expect(wrong.statusCode).toBe(401);
    const basic = await api.app.inject({ method: route.method, url: route.url, headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.statusCode).toBe(401);
    for (const role of order) {
      const r = await send(role);
      if (order.indexOf(role) < order.indexOf(route.role)) {
        expect(r.statusCode, `${role}`).toBe(403);
        expectCode(r.json(), 'forbidden');
        if (route.url !== '/graphql') expect(r.json().details).toEqual({ role, required: route.role });
      } else {
        expect([401, 403], `${role} got ${r.statusCode}: ${r.body}`).not.toContain(r.statusCode);
      }
    }
  });

  it('never puts a token into a response or the log-facing error', async () => {
    const r = await api.app.inject({ url: '/api/v1/processes', headers: { authorization: `Bearer nbg_${'Q'.repeat(43)}` } });
    expect(r.body).not.toContain('Q'.repeat(43));
    const listed = await api.request('admin', { url: '/api/v1/tokens' });
    for (const token of Object.values(api.tokens)) expect(listed.body).not.toContain(token);
  });

  it('lets admins create, list and revoke tokens; a revoked token is refused', async () => {
    const created = await api.request('admin', { method: 'POST', url: '/api/v1/tokens', payload: { name: 'short-lived', role: 'viewer' } });
    expect(created.statusCode).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const { token, prefix } = created.json();
    expect(token).toMatch(/^nbg_/);
    expect(token.startsWith(prefix)).toBe(true);
    const use = await api.app.inject({ url: '/api/v1/workflows', headers: { authorization: `Bearer ${token}` } });
    expect(use.statusCode).toBe(200);
    const list = await api.request('admin', { url: '/api/v1/tokens' });
    expect(list.json().items.find((t: { name: string }) => t.name === 'short-lived')).toMatchObject({ role: 'viewer', prefix, revokedAt: null });
    expect((await api.request('admin', { method: 'POST', url: '/api/v1/tokens', payload: { name: 'short-lived', role: 'viewer' } })).statusCode).toBe(409);
    expect((await api.request('admin', { method: 'POST', url: '/api/v1/tokens', payload: { name: 'x', role: 'root' } })).statusCode).toBe(422);
    const revoked = await api.request('admin', { method: 'DELETE', url: '/api/v1/tokens/short-lived' });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).not.toBeNull();
    expect((await api.app.inject({ url: '/api/v1/workflows', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
    expect((await api.request('admin', { method: 'DELETE', url: '/api/v1/tokens/nobody' })).statusCode).toBe(404);
  });

  it('leaves the probes, metrics, docs and webhook open', async () => {
    for (const url of ['/health', '/livez', '/readyz', '/metrics', '/api/docs', '/api/docs/json']) {
      const r = await api.request(null, { url });
      expect([200, 302], `${url}: ${r.statusCode}`).toContain(r.statusCode);
    }
    expect((await api.request(null, { method: 'POST', url: '/hooks/git', payload: {} })).statusCode).toBe(401);
  });
});

describe('workflows and processes', () => {
  it('lists workflows with their form JSON Schema', async () => {
    const r = await api.request('viewer', { url: '/api/v1/workflows' });
    expect(r.statusCode).toBe(200);
    const byName = Object.fromEntries((r.json().items as { name: string }[]).map((w) => [w.name, w]));
    expect(Object.keys(byName)).toEqual(expect.arrayContaining(['reconcile_intent', 'task_import_vendors', 'task_import_device_types']));
    expect(byName.task_import_vendors).toMatchObject({
      target: expect.any(String),
      steps: expect.any(Array),
      formSchema: { type: 'object', properties: { selected_vendors: expect.anything() } },
    });
  });

  it('pages processes newest first and filters by status, workflow, intent and time', async () => {
    const ref = await putIntent(api.db, vendorIntent('paging', 1));
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await api.request('operator', { method: 'POST', url: '/api/v1/workflows/task_import_vendors', payload: { selected_vendors: [`v${i}`] } });
      made.push(r.json().id);
    }
    const reconcile = await api.request('operator', { method: 'POST', url: `/api/v1/intents/${ref.kind}/${ref.name}/reconcile` });
    expect(reconcile.statusCode).toBe(202);
    await api.db.pool.query(`UPDATE processes SET status = 'failed' WHERE id = $1`, [made[1]]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string; workflowName: string }[]; nextCursor: string | null } = (
        await api.request('viewer', { url: `/api/v1/processes?workflow=task_import_vendors&limit=2${cursor ? `&cursor=${cursor}` : ''}` })
      ).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((p) => p.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.slice(0, 5)).toEqual([...made].reverse());

    const failed = (await api.request('viewer', { url: '/api/v1/processes?status=failed' })).json();
    expect(failed.items.map((p: { id: string }) => p.id)).toEqual([made[1]]);
    const byIntent = (await api.request('viewer', { url: `/api/v1/processes?intentKind=VendorSet&intentName=paging` })).json();
    expect(byIntent.items).toHaveLength(1);
    expect(byIntent.items[0]).toMatchObject({ workflowName: 'reconcile_intent', intent: ref, createdBy: 'operator-token' });
    const future = (
      await api.request('viewer', { url: `/api/v1/processes?from=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}` })
    ).json();
    expect(future.items).toEqual([]);
    const past = (await api.request('viewer', { url: `/api/v1/processes?to=2000-01-01T00:00:00Z` })).json();
    expect(past.items).toEqual([]);
  });

  it('shows a process with its steps; unknown and malformed ids are 404', async () => {
    const started = (await api.request('operator', { method: 'POST', url: '/api/v1/workflows/task_refresh_library', payload: {} })).json();
    await api.db.pool.query(
      `INSERT INTO process_steps (process_id, step_name, position, status, output_data, started_at, completed_at) VALUES ($1, 'refresh', 0, 'completed', '{"revision": "abc"}', now(), now())`,
      [started.id],
    );
    const r = await api.request('viewer', { url: `/api/v1/processes/${started.id}` });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      id: started.id,
      auditCount: 0,
      steps: [{ name: 'refresh', position: 0, status: 'completed', attempt: 1, output: { revision: 'abc' } }],
    });
    expect((await api.request('viewer', { url: '/api/v1/processes/00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
    expect((await api.request('viewer', { url: '/api/v1/processes/not-a-uuid' })).statusCode).toBe(404);
  });

  it('cancels a queued process (as the token user) and refuses to cancel it twice', async () => {
    const started = (await api.request('operator', { method: 'POST', url: '/api/v1/workflows/task_refresh_library', payload: {} })).json();
    const cancelled = await api.request('operator', {
      method: 'DELETE',
      url: `/api/v1/processes/${started.id}`,
      headers: { 'x-correlation-id': 'cancel-req-7' },
    });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', state: { cancelledBy: 'operator-token', cancelCorrelationId: 'cancel-req-7' } });
    const again = await api.request('operator', { method: 'DELETE', url: `/api/v1/processes/${started.id}` });
    expect(again.statusCode).toBe(409);
    expectErrorBody(again.json(), 'conflict');
    expect(again.json().details).toMatchObject({ status: 'cancelled', operation: 'cancel' });
    expect((await api.request('operator', { method: 'DELETE', url: '/api/v1/processes/00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
  });

  it('retries a failed process and refuses to retry one that did not fail', async () => {
    const started = (await api.request('operator', { method: 'POST', url: '/api/v1/workflows/task_refresh_library', payload: {} })).json();
    expect((await api.request('operator', { method: 'POST', url: `/api/v1/processes/${started.id}/retry` })).statusCode).toBe(409);
    await api.db.pool.query(`UPDATE processes SET status = 'failed', completed_at = now() WHERE id = $1`, [started.id]);
    const retried = await api.request('operator', { method: 'POST', url: `/api/v1/processes/${started.id}/retry` });
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ id: started.id, status: 'created', state: { retries: 1, retriedBy: 'operator-token' } });
  });
});

describe('intents, drift and audit', () => {
  it('lists intents with drift counts and shows one with spec, revisions, drift rows and processes', async () => {
    const ref = await putIntent(api.db, vendorIntent('drifty', 3, 'observe'), { revision: 'r-2' });
    const { rows } = await api.db.pool.query<{ id: string }>('SELECT id FROM intents WHERE name = $1', ['drifty']);
    await api.db.pool.query(
      `INSERT INTO drift (intent_id, object_kind, identity, action, diff) VALUES
        ($1, 'manufacturer', 'drifty-0', 'create', '{"name": {"before": null, "after": "drifty Vendor 0"}}'),
        ($1, 'manufacturer', 'drifty-1', 'create', '{}'),
        ($1, 'manufacturer', 'drifty-2', 'update', '{"description": {"before": "a", "after": "b"}}')`,
      [rows[0]?.id],
    );
    const list = (await api.request('viewer', { url: '/api/v1/intents?kind=VendorSet&mode=observe' })).json();
    const entry = list.items.find((i: { name: string }) => i.name === 'drifty');
    expect(entry).toMatchObject({
      kind: 'VendorSet',
      source: 'test',
      revision: 'r-2',
      mode: 'observe',
      status: 'active',
      drift: { create: 2, update: 1 },
      driftTotal: 3,
      lastReconcileAt: null,
      lastProcess: null,
    });

    const reconcile = await api.request('operator', {
      method: 'POST',
      url: '/api/v1/intents/VendorSet/drifty/reconcile',
      headers: { 'x-correlation-id': 'reconcile-drifty' },
    });
    expect(reconcile.statusCode).toBe(202);
    expect(reconcile.json()).toMatchObject({ workflowName: 'reconcile_intent', intent: ref, correlationId: 'reconcile-drifty' });
    // A second request while the first is queued returns that one.
    const merged = await api.request('operator', { method: 'POST', url: '/api/v1/intents/VendorSet/drifty/reconcile' });
    expect(merged.json().id).toBe(reconcile.json().id);

    const detail = await api.request('viewer', { url: '/api/v1/intents/VendorSet/drifty?driftLimit=2' });
    expect(detail.statusCode).toBe(200);
    const body = detail.json();
    expect(body.spec).toMatchObject({ kind: 'VendorSet', metadata: { name: 'drifty' } });
    expect(body.revisions).toEqual([expect.objectContaining({ revision: 'r-2', source: 'test' })]);
    expect(body.driftRows).toHaveLength(2);
    expect(body.driftTruncated).toBe(true);
    expect(body.driftRows[0]).toMatchObject({
      objectKind: 'manufacturer',
      identity: 'drifty-0',
      action: 'create',
      diff: { name: { before: null, after: 'drifty Vendor 0' } },
    });
    expect(body.recentProcesses.map((p: { id: string }) => p.id)).toEqual([reconcile.json().id]);

    expect((await api.request('viewer', { url: '/api/v1/intents/VendorSet/missing' })).statusCode).toBe(404);
    expect((await api.request('viewer', { url: '/api/v1/intents/Gadget/drifty' })).statusCode).toBe(422);
    expect((await api.request('operator', { method: 'POST', url: '/api/v1/intents/VendorSet/missing/reconcile' })).statusCode).toBe(404);

    const drift = (await api.request('viewer', { url: '/api/v1/drift' })).json();
    expect(drift.total).toBeGreaterThanOrEqual(3);
    expect(drift.byAction.create).toBeGreaterThanOrEqual(2);
    expect(drift.byObjectKind).toEqual(expect.arrayContaining([{ objectKind: 'manufacturer', action: 'update', count: 1 }]));
    expect(drift.intents.find((i: { name: string }) => i.name === 'drifty')).toMatchObject({ driftTotal: 3, drift: { create: 2, update: 1 }, mode: 'observe' });
    expect((await api.request('viewer', { url: '/api/v1/drift?kind=DeviceTypeSet' })).json().total).toBe(0);
  });

  it('pages audit rows and filters by object, intent, process and time', async () => {
    const process = (await api.request('operator', { method: 'POST', url: '/api/v1/workflows/task_refresh_library', payload: {} })).json();
    await api.db.pool.query(
      `INSERT INTO audit_log (process_id, action, object_kind, object_identity, netbox_id, before, after, intent_kind, intent_name, correlation_id, user_id, timestamp) VALUES
        ($1, 'create', 'manufacturer', 'acme', 7, NULL, '{"slug": "acme"}', 'VendorSet', 'audited', 'c-1', 'operator-token', now() - interval '3 minutes'),
        ($1, 'update', 'device-type', 'acme/x1', 8, '{"u_height": 1}', '{"u_height": 2}', 'DeviceTypeSet', 'audited', 'c-1', 'operator-token', now() - interval '2 minutes'),
        (NULL, 'delete', 'manufacturer', 'old', 9, '{"slug": "old"}', NULL, NULL, NULL, 'c-2', 'controller', now() - interval '1 minute')`,
      [process.id],
    );
    const all = (await api.request('viewer', { url: '/api/v1/audit?limit=2' })).json();
    expect(all.items.map((a: { objectIdentity: string }) => a.objectIdentity)).toEqual(['old', 'acme/x1']);
    const rest = (await api.request('viewer', { url: `/api/v1/audit?limit=2&cursor=${all.nextCursor}` })).json();
    expect(rest.items.map((a: { objectIdentity: string }) => a.objectIdentity)).toEqual(['acme']);
    expect(rest.items[0]).toMatchObject({
      action: 'create',
      netboxId: 7,
      before: null,
      after: { slug: 'acme' },
      intent: { kind: 'VendorSet', name: 'audited' },
      userId: 'operator-token',
    });
    const q = async (query: string): Promise<string[]> =>
      (await api.request('viewer', { url: `/api/v1/audit?${query}` })).json().items.map((a: { objectIdentity: string }) => a.objectIdentity);
    expect(await q('objectKind=manufacturer')).toEqual(['old', 'acme']);
    expect(await q('objectKind=device-type&objectIdentity=acme/x1')).toEqual(['acme/x1']);
    expect(await q('intentKind=DeviceTypeSet&intentName=audited')).toEqual(['acme/x1']);
    expect(await q(`processId=${process.id}`)).toEqual(['acme/x1', 'acme']);
    expect(await q(`from=${encodeURIComponent(new Date(Date.now() - 90_000).toISOString())}`)).toEqual(['old']);
    expect(await q('to=2000-01-01T00:00:00Z')).toEqual([]);
  });
});

describe('a token made outside the API', () => {
  it('is accepted, and its name becomes the audit user', async () => {
    const { token } = await createToken(api.db.pool, { name: 'script@ci', role: 'operator' });
    const r = await api.app.inject({
      method: 'POST',
      url: '/api/v1/workflows/task_refresh_library',
      payload: {},
      headers: { authorization: `Bearer ${token}` },
    });
    expect(r.json().createdBy).toBe('script@ci');
  });
});
