import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, createApiDeps } from '../../api/index.ts';
import type { ApiDepsHandle, ApiOptions } from '../../api/index.ts';
import { createToken } from '../../controller/auth/index.ts';
import type { Role } from '../../controller/auth/index.ts';
import { Secret, loadConfig } from '../../controller/config/index.ts';
import type { AppConfig } from '../../controller/config/index.ts';
import { createLogger } from '../../controller/logging/index.ts';
import type { Logger } from '../../controller/logging/index.ts';
import { createTestDatabase } from '../helpers/database.ts';
import type { TestDatabase } from '../helpers/database.ts';
import { startNetBox } from '../helpers/netbox.ts';
import type { NetBoxFixture } from '../helpers/netbox.ts';

export const WEBHOOK_SECRET = 'webhook-s3cret';

export interface ApiFixture {
  readonly db: TestDatabase;
  readonly nb: NetBoxFixture;
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly deps: ApiDepsHandle;
  readonly app: FastifyInstance;
  readonly queueName: string;
  readonly syncChannel: string;
  /** One token per role, created in the test database. */
  readonly tokens: Record<Role, string>;
  /** `app.inject` with `Authorization: Bearer` of a role (or none). */
  request(
    role: Role | null,
    options: { method?: 'GET' | 'POST' | 'DELETE'; url: string; payload?: unknown; headers?: Record<string, string> },
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** Config for the fixtures: the environment's Postgres/Redis, the given NetBox, silent logs. */
export function testConfig(env: Record<string, string>): AppConfig {
  const base = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return loadConfig({ ...base, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', ...env });
}

/** A migrated database, an emulator, the API deps on a unique queue and sync channel, the app (not listening), tokens of each role. */
export async function startApi(options: ApiOptions = {}, env: Record<string, string> = {}): Promise<ApiFixture> {
  const db = await createTestDatabase();
  const nb = await startNetBox();
  const queueName = `test-api-${process.pid}-${randomBytes(4).toString('hex')}`;
  const syncChannel = `test-api-sync-${randomBytes(4).toString('hex')}`;
  const config = testConfig({ NETBOX_URL: nb.emulator.url, NETBOX_TOKEN: nb.emulator.token, WORKFLOW_QUEUE: queueName, ...env });
  const logger = createLogger({ level: config.logLevel, pretty: false });
  const deps = await createApiDeps(config, logger, { pool: db.pool, queueName, syncChannel });
  const app = await buildApp(deps, { rateLimit: { max: 0, windowMs: 60_000 }, gitWebhookSecret: new Secret(WEBHOOK_SECRET), healthCacheMs: 0, ...options });
  await app.ready();
  const tokens = {
    viewer: (await createToken(db.pool, { name: 'viewer-token', role: 'viewer' })).token,
    operator: (await createToken(db.pool, { name: 'operator-token', role: 'operator' })).token,
    admin: (await createToken(db.pool, { name: 'admin-token', role: 'admin' })).token,
  };
  return {
    db,
    nb,
    config,
    logger,
    deps,
    app,
    queueName,
    syncChannel,
    tokens,
    request(role, request) {
      return app.inject({
        method: request.method ?? 'GET',
        url: request.url,
        ...(request.payload !== undefined ? { payload: request.payload as Record<string, unknown> } : {}),
        headers: { ...(role ? { authorization: `Bearer ${tokens[role]}` } : {}), ...request.headers },
      });
    },
    async close(): Promise<void> {
      await app.close();
      await deps.close();
      const queue = new Queue(queueName, { connection: { host: config.redis.host, port: config.redis.port, db: config.redis.db, maxRetriesPerRequest: null } });
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await nb.close();
      await db.drop();
    },
  };
}

export { putIntent } from '../helpers/intents.ts';

/** A VendorSet of `count` custom manufacturers `<name>-0`...: no library lookups. */
export function vendorIntent(name: string, count: number, mode: 'observe' | 'enforce' = 'enforce'): Record<string, unknown> {
  return {
    apiVersion: 'netbox-gitops.io/v1alpha1',
    kind: 'VendorSet',
    metadata: { name },
    spec: { mode, custom: Array.from({ length: count }, (_, i) => ({ name: `${name} Vendor ${i}`, slug: `${name}-${i}` })) },
  };
}

export { waitFor } from '../helpers/wait.ts';
