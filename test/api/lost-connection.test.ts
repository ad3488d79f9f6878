// Postgres going away under the API (a restart, pg_terminate_backend, a failover) — found by the
// chaos suite, where a process read answered 500 right after the database's connections were
// terminated. The API answers 503 service_unavailable (the client may retry), not 500, and
// serves again once Postgres is back. Postgres is taken away through a TCP forwarder; the shared
// server is untouched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, createApiDeps } from '../../api/index.ts';
import { createToken } from '../../controller/auth/index.ts';
import { createPool } from '../../controller/db/index.ts';
import { createTcpProxy } from '../helpers/tcp-proxy.ts';
import type { TcpProxy } from '../helpers/tcp-proxy.ts';
import { startApi, testConfig } from './helpers.ts';
import type { ApiFixture } from './helpers.ts';

let api: ApiFixture;
let proxy: TcpProxy;
beforeAll(async () => {
  api = await startApi();
  proxy = await createTcpProxy({ host: api.db.database.host, port: api.db.database.port });
  await proxy.start();
});
afterAll(async () => {
  await proxy?.stop();
  await api?.close();
});

describe('the API when Postgres goes away', () => {
  it('answers 503 service_unavailable while the database cannot be reached, and 200 again once it is back', async () => {
    const pool = createPool({ ...api.db.database, port: proxy.port }, { applicationName: 'lost-connection-test' });
    const deps = await createApiDeps(testConfig({ NETBOX_URL: api.nb.emulator.url, NETBOX_TOKEN: api.nb.emulator.token }), api.logger, {
      pool,
      queueName: api.queueName,
    });
    const app = await buildApp(deps, { healthCacheMs: 0, rateLimit: { max: 0, windowMs: 60_000 } });
    const { token } = await createToken(api.db.pool, { name: 'lost-connection-viewer', role: 'viewer' });
    const get = () => app.inject({ url: '/api/v1/processes', headers: { authorization: `Bearer ${token}` } });
    try {
      expect((await get()).statusCode).toBe(200);
      await proxy.stop();
      const lost = await get();
      expect(lost.statusCode).toBe(503);
      expect(lost.json()).toMatchObject({
        error: 'service_unavailable',
        message: expect.stringMatching(/^a connection to the database or queue was lost; try again/),
      });
      await proxy.start();
      expect((await get()).statusCode).toBe(200);
    } finally {
      await app.close();
      await deps.close();
      await pool.end().catch(() => undefined);
    }
  });
});
