import type { AppConfig } from '../config/index.ts';
import { createPool } from '../db/index.ts';
import type { Logger } from '../logging/index.ts';
import { recordBreakerState, recordNetBoxRequest } from '../metrics/index.ts';
import { createNetBoxClient, netBoxClientOptionsFromConfig } from '../netbox/index.ts';
import type { NetBoxClient } from '../netbox/index.ts';
import { netBoxPortFor } from '../reconcile/index.ts';
import { createDbIntentStore, createFolderLibraryProvider } from './providers.ts';
import type { EngineDeps } from './types.ts';

/** EngineDeps built from the configuration, plus close() for what it opened. */
export interface DefaultDeps extends EngineDeps {
  close(): Promise<void>;
}

/**
 * The engine's dependencies from AppConfig: a pool on DATABASE_*, REDIS_*, one NetBox client on
 * NETBOX_* (created on first use and shared), the library folder LIBRARY_PATH (parsed once),
 * intents from the `intents` table, the queue WORKFLOW_QUEUE. `overrides` replaces any of them
 * (e.g. the controller's cached Git library provider); close() only closes what was built here.
 */
export function createDefaultDeps(config: AppConfig, logger: Logger, overrides: Partial<EngineDeps> = {}): DefaultDeps {
  const pool = overrides.pool ?? createPool(config.database, { applicationName: 'netbox-gitops-workflow', logger });
  let client: NetBoxClient | undefined;
  const netbox = overrides.netbox ?? ((): ReturnType<EngineDeps['netbox']> => {
    client ??= createNetBoxClient(
      netBoxClientOptionsFromConfig(config.netbox, {
        logger: logger.child({ component: 'netbox' }),
        onRequest: recordNetBoxRequest,
        onBreakerStateChange: recordBreakerState,
      }),
    );
    return netBoxPortFor(client);
  });
  return {
    pool,
    redis: overrides.redis ?? config.redis,
    queueName: overrides.queueName ?? config.workflow.queue,
    logger: overrides.logger ?? logger,
    netbox,
    library: overrides.library ?? createFolderLibraryProvider(config.library.path, { logger }),
    intents: overrides.intents ?? createDbIntentStore(pool),
    tuning: {
      applyChunkSize: config.netbox.writeChunk,
      applyConcurrency: config.netbox.writeConcurrency,
      readConcurrency: config.netbox.concurrency,
      requestTimeoutMs: config.netbox.timeoutMs,
      ...overrides.tuning,
    },
    async close(): Promise<void> {
      await client?.close();
      if (!overrides.pool) await pool.end();
    },
  };
}
