import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';
import type { AppConfig } from '../controller/config/index.ts';
import { redisConnectionOptions, redisErrorHandler, watchRedisClient } from '../controller/connectivity/index.ts';
import { createPool, loadMigrations } from '../controller/db/index.ts';
import type { Pool } from '../controller/db/index.ts';
import type { Logger } from '../controller/logging/index.ts';
import { authorizationHeader } from '../controller/netbox/index.ts';
import { ResourceError } from '../controller/errors/index.ts';
import { createOnboardingReporter } from '../controller/onboarding/index.ts';
import {
  createCachedLibraryProvider,
  DEFAULT_SCHEDULE_QUEUE,
  DEFAULT_SYNC_CHANNEL,
  nextScheduledChecks,
  requestSourceSync,
} from '../controller/sources/index.ts';
import { createDefaultDeps, createWorkflowService, subscribeOrderedEvents } from '../controller/workflow/index.ts';
import { CheckFailure } from './health.ts';
import type { ApiDeps, ApiOptions } from './types.ts';

/** ApiDeps plus close() for everything createApiDeps opened. */
export interface ApiDepsHandle extends ApiDeps {
  close(): Promise<void>;
}

export interface ApiDepsOverrides {
  /** Use this pool (not closed by close()). */
  readonly pool?: Pool;
  /** Workflow queue; default WORKFLOW_QUEUE. */
  readonly queueName?: string;
  /** Redis channel of source-sync requests; default the controller's. */
  readonly syncChannel?: string;
  /** BullMQ queue of the intents' job schedulers; default the controller's. */
  readonly scheduleQueue?: string;
  /** The devicetype-library provider; default the worker's (LIBRARY_PATH or LIBRARY_GIT_URL, cached under CACHE_DIR). */
  readonly library?: NonNullable<ApiDeps['library']>;
}

/**
 * The API's dependencies from AppConfig: a Postgres pool, the workflow service (no worker),
 * a Redis connection (health, webhook sync requests), a BullMQ queue handle (queue gauges),
 * a short-timeout HTTP client for NetBox's /api/status/, the migration count.
 */
export async function createApiDeps(config: AppConfig, logger: Logger, overrides: ApiDepsOverrides = {}): Promise<ApiDepsHandle> {
  const schemaVersion = Math.max(0, ...(await loadMigrations()).map((m) => m.version));
  const pool = overrides.pool ?? createPool(config.database, { applicationName: 'netbox-gitops-api', logger });
  const engine = createDefaultDeps(config, logger, { pool, ...(overrides.queueName ? { queueName: overrides.queueName } : {}) });
  const workflows = createWorkflowService(engine);
  const redisOptions = redisConnectionOptions(config.redis);
  const redis = watchRedisClient(
    new Redis({ ...redisOptions, connectionName: 'netbox-gitops-api', maxRetriesPerRequest: 1 }),
    logger,
    'API Redis connection failed; retrying',
    'api',
  );
  const queue = new Queue(engine.queueName ?? config.workflow.queue, {
    connection: { ...redisOptions, connectionName: 'netbox-gitops-api-queue', maxRetriesPerRequest: null },
  });
  queue.on('error', redisErrorHandler(logger, 'API queue connection failed; retrying', 'api queue'));
  const netboxAgent = new Agent({ connect: { timeout: 2_000, rejectUnauthorized: config.netbox.verifySsl }, keepAliveTimeout: 10_000 });
  const netboxAuthorization = authorizationHeader(config.netbox.token);
  const scheduleQueue = new Queue(overrides.scheduleQueue ?? DEFAULT_SCHEDULE_QUEUE, {
    connection: { ...redisOptions, connectionName: 'netbox-gitops-api-schedules', maxRetriesPerRequest: null },
  });
  scheduleQueue.on('error', (error: Error) => logger.warn({ err: error }, 'API schedule queue connection failed; retrying'));
  // The onboarding report and the workflow forms read the library like the workers do: parsed once
  // per revision, cached on disk, loaded on first use.
  const library =
    overrides.library ??
    createCachedLibraryProvider({
      ...(config.library.gitUrl !== undefined ? { gitUrl: config.library.gitUrl, gitRef: config.library.gitRef } : { root: config.library.path }),
      cacheDir: config.cacheDir,
      logger,
      maxAgeMs: config.libraryRefreshIntervalMs,
    });
  const onboarding = createOnboardingReporter({
    catalogue: () => library.current(),
    netbox: () => {
      if (!config.netbox.url) throw new ResourceError('NetBox (NETBOX_URL is not set)', 'netbox');
      return engine.netbox();
    },
  });

  return {
    pool,
    workflows,
    logger,
    queue,
    schemaVersion,
    onboarding,
    library,
    nextChecks: () => nextScheduledChecks(scheduleQueue),
    subscribeEvents: (handler) => subscribeOrderedEvents({ redis: config.redis, pool, queueName: engine.queueName ?? config.workflow.queue, logger }, handler),
    async pingRedis(): Promise<void> {
      await redis.ping();
    },
    async checkNetBox(): Promise<{ version: string | null }> {
      if (!config.netbox.url) throw new CheckFailure('NETBOX_URL is not set');
      const response = await request(`${config.netbox.url}/api/status/`, {
        dispatcher: netboxAgent,
        headers: { accept: 'application/json', 'user-agent': 'netbox-gitops-health', ...(netboxAuthorization ? { authorization: netboxAuthorization } : {}) },
        headersTimeout: 2_000,
        bodyTimeout: 2_000,
      });
      if (response.statusCode !== 200) {
        await response.body.dump();
        throw new CheckFailure(`HTTP ${response.statusCode}`);
      }
      const body = (await response.body.json()) as Record<string, unknown>;
      return { version: typeof body['netbox-version'] === 'string' ? body['netbox-version'] : null };
    },
    async requestSourceSync(repositoryUrl: string): Promise<void> {
      await requestSourceSync(redis, repositoryUrl, overrides.syncChannel ?? DEFAULT_SYNC_CHANNEL);
    },
    async close(): Promise<void> {
      await workflows.close();
      await engine.close();
      await queue.close().catch(() => undefined);
      await scheduleQueue.close().catch(() => undefined);
      await redis.quit().catch(() => redis.disconnect());
      await netboxAgent.close();
      if (!overrides.pool) await pool.end();
    },
  };
}

/** The app options AppConfig asks for. */
export function apiOptionsFromConfig(config: AppConfig): ApiOptions {
  return {
    authDisabled: config.api.authDisabled,
    corsOrigins: config.corsOrigins,
    bodyLimit: config.api.bodyLimit,
    rateLimit: config.api.rateLimit,
    trustProxy: config.api.trustProxy,
    gitWebhookSecret: config.api.gitWebhookSecret,
    gitRepositories: config.intentsSource === 'git' && config.git.url !== undefined ? [config.git.url] : [],
    graphql: config.api.graphql,
  };
}
