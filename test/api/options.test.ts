import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, createApiDeps } from '../../api/index.ts';
import type { ApiDeps } from '../../api/index.ts';
import { createLogger } from '../../controller/logging/index.ts';
import { startApi, testConfig } from './helpers.ts';
import type { ApiFixture } from './helpers.ts';

let api: ApiFixture;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

/** A TCP port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('health', () => {
  it('is healthy (200) with each check and its response time', async () => {
    const r = await api.request(null, { url: '/health' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      status: 'healthy',
      version: expect.any(String),
      timestamp: expect.any(String),
      checks: {
        database: { status: 'healthy', response_time_ms: expect.any(Number) },
        redis: { status: 'healthy', response_time_ms: expect.any(Number) },
        netbox: { status: 'healthy', response_time_ms: expect.any(Number), version: '4.5.10' },
      },
    });
    expect((await api.request(null, { url: '/readyz' })).json()).toMatchObject({ status: 'ready' });
  });

  it('is unhealthy (503) when NetBox does not answer, naming the check without internals', async () => {
    const port = await closedPort();
    const deps = await createApiDeps(testConfig({ NETBOX_URL: `http://127.0.0.1:${port}` }), api.logger, { pool: api.db.pool, queueName: api.queueName });
    const app = await buildApp(deps, { healthCacheMs: 0 });
    try {
      const r = await app.inject({ url: '/health' });
      expect(r.statusCode).toBe(503);
      expect(r.json()).toMatchObject({
        status: 'unhealthy',
        checks: { database: { status: 'healthy' }, redis: { status: 'healthy' }, netbox: { status: 'unhealthy', error: 'connection refused' } },
      });
      expect(r.body).not.toContain(String(port));
      // Readiness does not depend on NetBox.
      expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
    } finally {
      await app.close();
      await deps.close();
    }
  });

  it('is unhealthy and not ready when Redis does not answer', async () => {
    const port = await closedPort();
    const down = await createApiDeps(testConfig({ REDIS_PORT: String(port), NETBOX_URL: api.nb.emulator.url }), api.logger, {
      pool: api.db.pool,
      queueName: api.queueName,
    });
    // Events come from the working Redis: this test is about the checks.
    const app = await buildApp({ ...down, subscribeEvents: api.deps.subscribeEvents }, { healthCacheMs: 0, healthTimeoutMs: 500 });
    try {
      const r = await app.inject({ url: '/health' });
      expect(r.statusCode).toBe(503);
      expect(r.json().checks.redis.status).toBe('unhealthy');
      const ready = await app.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ status: 'not_ready', checks: { redis: { status: 'unhealthy' }, migrations: { status: 'healthy' } } });
    } finally {
      await app.close();
      await down.close();
    }
  });

  it('starts and answers /livez and /health while Redis is down (subscription pending)', async () => {
    const port = await closedPort();
    const down = await createApiDeps(testConfig({ REDIS_PORT: String(port), NETBOX_URL: api.nb.emulator.url }), api.logger, {
      pool: api.db.pool,
      queueName: api.queueName,
    });
    const app = await buildApp(down, { healthCacheMs: 0, healthTimeoutMs: 300 });
    try {
      await app.ready();
      expect((await app.inject({ url: '/livez' })).statusCode).toBe(200);
      expect((await app.inject({ url: '/health' })).statusCode).toBe(503);
    } finally {
      await app.close();
      await down.close();
    }
  });

  it('is not ready while migrations are missing', async () => {
    const deps: ApiDeps = { ...api.deps, schemaVersion: 999 };
    const app = await buildApp(deps, { healthCacheMs: 0 });
    try {
      const r = await app.inject({ url: '/readyz' });
      expect(r.statusCode).toBe(503);
      expect(r.json().checks.migrations).toMatchObject({ status: 'unhealthy', error: expect.stringContaining('needs 999: run `netbox-gitops migrate`') });
    } finally {
      await app.close();
    }
  });

  it('reuses check results within the cache period, also for concurrent requests', async () => {
    let calls = 0;
    const counting: ApiDeps = {
      ...api.deps,
      checkNetBox: () => {
        calls += 1;
        return api.deps.checkNetBox();
      },
    };
    const cachedApp = await buildApp(counting, { healthCacheMs: 60_000 });
    const uncachedApp = await buildApp(counting, { healthCacheMs: 0 });
    try {
      const first = await Promise.all(Array.from({ length: 20 }, () => cachedApp.inject({ url: '/health' })));
      for (let i = 0; i < 5; i++) await cachedApp.inject({ url: '/health' });
      expect(first.every((r) => r.statusCode === 200)).toBe(true);
      expect(calls).toBe(1);
      for (let i = 0; i < 5; i++) await uncachedApp.inject({ url: '/health' });
      expect(calls).toBe(6);
    } finally {
      await cachedApp.close();
      await uncachedApp.close();
    }
  });
});

describe('rate limit', () => {
  it('answers 429 in the error format after the limit, and never limits the probes', async () => {
    const app = await buildApp(api.deps, { rateLimit: { max: 3, windowMs: 60_000 } });
    try {
      const headers = { authorization: `Bearer ${api.tokens.viewer}` };
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) codes.push((await app.inject({ url: '/api/v1/workflows', headers })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429]);
      const limited = await app.inject({ url: '/api/v1/processes', headers });
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toMatchObject({ error: 'rate_limited', details: { limit: 3 }, request_id: limited.headers['x-correlation-id'] });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      for (let i = 0; i < 10; i++) {
        for (const url of ['/health', '/livez', '/readyz', '/metrics']) expect((await app.inject({ url })).statusCode, url).toBe(200);
      }
    } finally {
      await app.close();
    }
  });
});

describe('CORS', () => {
  it('allows the configured origins only', async () => {
    const app = await buildApp(api.deps, { corsOrigins: ['https://dash.example'], rateLimit: { max: 0, windowMs: 1_000 } });
    try {
      const preflight = await app.inject({
        method: 'OPTIONS',
        url: '/api/v1/processes',
        headers: { origin: 'https://dash.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,x-correlation-id' },
      });
      expect(preflight.statusCode).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://dash.example');
      expect(String(preflight.headers['access-control-allow-headers'])).toContain('authorization');
      const simple = await app.inject({ url: '/api/v1/workflows', headers: { origin: 'https://dash.example', authorization: `Bearer ${api.tokens.viewer}` } });
      expect(simple.headers['access-control-allow-origin']).toBe('https://dash.example');
      expect(String(simple.headers['access-control-expose-headers'])).toContain('x-correlation-id');
      const other = await app.inject({ url: '/api/v1/workflows', headers: { origin: 'https://evil.example', authorization: `Bearer ${api.tokens.viewer}` } });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});

describe('AUTH_DISABLED', () => {
  it('serves without tokens as admin "anonymous" and says so loudly at start', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done): void {
        lines.push(chunk.toString());
        done();
      },
    });
    const app = await buildApp(
      { ...api.deps, logger: createLogger({ level: 'info', destination }) },
      { authDisabled: true, rateLimit: { max: 0, windowMs: 1_000 } },
    );
    try {
      expect(lines.some((l) => /"level":40/.test(l) && l.includes('AUTH IS DISABLED'))).toBe(true);
      expect((await app.inject({ url: '/api/v1/tokens' })).statusCode).toBe(200);
      const started = await app.inject({ method: 'POST', url: '/api/v1/workflows/task_refresh_library', payload: {} });
      expect(started.statusCode).toBe(201);
      expect(started.json().createdBy).toBe('anonymous');
    } finally {
      await app.close();
    }
  });
});

describe('OpenAPI', () => {
  it('documents every REST route with its query and response schemas and the bearer scheme', async () => {
    const spec = (await api.request(null, { url: '/api/docs/json' })).json();
    const routes = Object.entries(spec.paths as Record<string, Record<string, unknown>>).flatMap(([p, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /api/v1/workflows',
        'POST /api/v1/workflows/{name}',
        'GET /api/v1/processes',
        'GET /api/v1/processes/{id}',
        'DELETE /api/v1/processes/{id}',
        'POST /api/v1/processes/{id}/retry',
        'GET /api/v1/intents',
        'GET /api/v1/intents/{kind}/{name}',
        'POST /api/v1/intents/{kind}/{name}/reconcile',
        'GET /api/v1/drift',
        'GET /api/v1/audit',
        'GET /api/v1/tokens',
        'POST /api/v1/tokens',
        'DELETE /api/v1/tokens/{name}',
        'POST /hooks/git',
        'GET /health',
        'GET /livez',
        'GET /readyz',
        'GET /metrics',
      ]),
    );
    expect(spec.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const list = spec.paths['/api/v1/processes'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['status', 'workflow', 'intentKind', 'intentName', 'from', 'to', 'limit', 'cursor']),
    );
    expect(list.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/ProcessPage');
    expect(Object.keys(spec.components.schemas.ProcessPage.properties)).toEqual(['items', 'nextCursor']);
    expect(spec.components.schemas.Process.required).toEqual(expect.arrayContaining(['id', 'status', 'correlationId', 'createdBy']));
    expect(spec.components.schemas.Error.required).toEqual(['error', 'message', 'details', 'timestamp', 'request_id']);
    const html = await api.request(null, { url: '/api/docs/' });
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toMatch(/text\/html/);
  });
});

describe('logs', () => {
  it('carry the correlation id of the request and never a token', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done): void {
        lines.push(chunk.toString());
        done();
      },
    });
    const app = await buildApp({ ...api.deps, logger: createLogger({ level: 'debug', destination }) }, { rateLimit: { max: 0, windowMs: 1_000 } });
    const unknown = `nbg_${'L'.repeat(43)}`;
    try {
      await app.inject({ url: '/api/v1/processes', headers: { authorization: `Bearer ${api.tokens.viewer}`, 'x-correlation-id': 'log-ok' } });
      await app.inject({ url: '/api/v1/processes', headers: { authorization: `Bearer ${unknown}`, 'x-correlation-id': 'log-401' } });
      await api.db.pool.query('ALTER TABLE intents RENAME TO intents_gone');
      try {
        await app.inject({ url: '/api/v1/intents', headers: { authorization: `Bearer ${api.tokens.admin}`, 'x-correlation-id': 'log-500' } });
      } finally {
        await api.db.pool.query('ALTER TABLE intents_gone RENAME TO intents');
      }
      const failure = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'request failed');
      expect(failure).toMatchObject({ correlationId: 'log-500', reqId: 'log-500', status: 500, err: { message: expect.stringContaining('intents') } });
      const refused = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'request refused');
      expect(refused).toMatchObject({ correlationId: 'log-401', status: 401 });
      expect(lines.some((l) => l.includes('"correlationId":"log-ok"'))).toBe(true);
      const all = lines.join('\n');
      for (const token of [...Object.values(api.tokens), unknown]) expect(all).not.toContain(token);
    } finally {
      await app.close();
    }
  });
});
