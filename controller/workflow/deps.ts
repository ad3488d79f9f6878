import type { AppConfig } from '../config/index.ts';
import { createPool } from '../db/index.ts';
import type { Logger } from '../logging/index.ts';
import { recordBreakerState, recordNetBoxRequest } from '../metrics/index.ts';
import { createNetBoxClient, netBoxClientOptionsFromConfig } from '../netbox/index.ts';
import type { NetBoxClient } from '../netbox/index.ts';
import { netBoxPortFor } from '../reconcile/index.ts';
import { createDbIntentStore, createFolderLibraryProvider } from './providers.ts';
import type { WorkflowDeps } from './types.ts';

/** How long a worker's NetBox calls wait for NetBox inside a step before the process waits instead. */
const WORKER_NETBOX_WAIT_MS = 10_000;

/** WorkflowDeps built from the configuration, plus close() for what it opened. */
export interface DefaultDeps extends WorkflowDeps {
  close(): Promise<void>;
}

/**
 * The engine's dependencies from AppConfig: a pool on DATABASE_*, REDIS_*, one NetBox client on
 * NETBOX_* (created on first use and shared), the library folder LIBRARY_PATH (parsed once),
 * intents from the `intents` table, the queue WORKFLOW_QUEUE. `overrides` replaces any of them
 * (e.g. the controller's cached Git library provider); close() only closes what was built here.
 */
export function createDefaultDeps(config: AppConfig, logger: Logger, overrides: Partial<WorkflowDeps> = {}): DefaultDeps {
  const pool = overrides.pool ?? createPool(config.database, { applicationName: 'netbox-gitops-workflow', logger });
  let client: NetBoxClient | undefined;
  const netbox =
    overrides.netbox ??
    ((): ReturnType<WorkflowDeps['netbox']> => {
      client ??= createNetBoxClient(
        netBoxClientOptionsFromConfig(config.netbox, {
          logger: logger.child({ component: 'netbox' }),
          // One or two breaker probes inside a step; a longer outage is waited out by the process
          // (`waiting`, up to NETBOX_OUTAGE_BUDGET), where the API shows it.
          waitForNetBoxMs: Math.min(WORKER_NETBOX_WAIT_MS, config.netbox.outageBudgetMs),
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
      outageBudgetMs: config.netbox.outageBudgetMs,
      ...overrides.tuning,
    },
    async close(): Promise<void> {
      await client?.close();
      if (!overrides.pool) await pool.end();
    },
  };
}
