import { Queue } from 'bullmq';
import type { AppConfig } from '../../../controller/config/index.ts';
import { createLogger } from '../../../controller/logging/index.ts';
import type { NetBoxClientOptions } from '../../../controller/netbox/index.ts';
import { createDbIntentStore, createFolderLibraryProvider, createWorkflowService, startWorker, subscribeEvents } from '../../../controller/workflow/index.ts';
import type {
  WorkflowDeps,
  WorkflowTuning,
  LibraryProvider,
  ProcessDetail,
  ProcessStatus,
  WorkerHandle,
  WorkerOptions,
  WorkflowEvent,
  WorkflowService,
} from '../../../controller/workflow/index.ts';
import type { EmulatorOptions } from '../../../emulator/index.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import type { TestDatabase } from '../../helpers/database.ts';
import { LIBRARY_PATH } from '../../helpers/library.ts';
import { startNetBox } from '../../helpers/netbox.ts';
import type { NetBoxFixture } from '../../helpers/netbox.ts';
import { redisConfig as testRedisConfig, uniqueName } from '../../helpers/redis.ts';
import { waitFor } from '../../helpers/wait.ts';

let library: LibraryProvider | undefined;
/** The real library snapshot, parsed once per test file. */
export function sharedLibrary(): LibraryProvider {
  library ??= createFolderLibraryProvider(LIBRARY_PATH);
  return library;
}

export const redisConfig: AppConfig['redis'] = testRedisConfig();

export interface EngineFixture {
  readonly db: TestDatabase;
  readonly nb: NetBoxFixture;
  readonly deps: WorkflowDeps;
  readonly service: WorkflowService;
  readonly queueName: string;
  startWorker(options?: WorkerOptions): Promise<WorkerHandle>;
  close(): Promise<void>;
}

export interface EngineFixtureOptions {
  readonly tuning?: WorkflowTuning;
  readonly client?: Partial<NetBoxClientOptions>;
  readonly emulator?: EmulatorOptions;
}

/** A migrated database, an emulator, a unique queue, the service; workers on demand. */
export async function startEngine(options: EngineFixtureOptions = {}): Promise<EngineFixture> {
  const db = await createTestDatabase();
  // No client-side retries by default: the tests exercise the engine's own retries.
  const nb = await startNetBox(options.emulator ?? {}, { maxRetries: 0, breaker: { threshold: 1_000, halfOpenAfterMs: 50 }, ...options.client });
  const queueName = uniqueName('test');
  const logger = createLogger({ level: (process.env.TEST_LOG_LEVEL as 'silent' | undefined) ?? 'silent', pretty: false });
  const deps: WorkflowDeps = {
    pool: db.pool,
    redis: redisConfig,
    queueName,
    logger,
    netbox: () => nb.api,
    library: sharedLibrary(),
    intents: createDbIntentStore(db.pool),
    tuning: { backoffMs: 100, busyRetryMs: 100, ...options.tuning },
  };
  const service = createWorkflowService(deps);
  const workers: WorkerHandle[] = [];
  return {
    db,
    nb,
    deps,
    service,
    queueName,
    async startWorker(workerOptions = {}): Promise<WorkerHandle> {
      const w = await startWorker(deps, { lockDurationMs: 2_000, stalledIntervalMs: 500, shutdownGraceMs: 2_000, recoveryIntervalMs: 0, ...workerOptions });
      workers.push(w);
      return w;
    },
    async close(): Promise<void> {
      await Promise.all(workers.map((w) => w.close({ graceMs: 100 })));
      await service.close();
      const queue = new Queue(queueName, { connection: { host: redisConfig.host, port: redisConfig.port, db: redisConfig.db, maxRetriesPerRequest: null } });
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await nb.close();
      await db.drop();
    },
  };
}

export { putIntent } from '../../helpers/intents.ts';

/** A VendorSet of `count` custom manufacturers (`<prefix>-0` ...): no library lookups, one object each. */
export function vendorIntent(
  name: string,
  count: number,
  options: { mode?: 'observe' | 'enforce'; prefix?: string; extra?: { name: string; slug: string }[] } = {},
): Record<string, unknown> {
  const prefix = options.prefix ?? name;
  const custom = Array.from({ length: count }, (_, i) => ({ name: `${prefix} Vendor ${i}`, slug: `${prefix}-${i}` }));
  return {
    apiVersion: 'netbox-gitops.io/v1alpha1',
    kind: 'VendorSet',
    metadata: { name },
    spec: { mode: options.mode ?? 'enforce', custom: [...custom, ...(options.extra ?? [])] },
  };
}

export { waitFor } from '../../helpers/wait.ts';

/** Waits until a process reaches one of `statuses`; returns its detail. */
export function waitForStatus(service: WorkflowService, id: string, statuses: readonly ProcessStatus[], timeoutMs = 30_000): Promise<ProcessDetail> {
  return waitFor(
    `process ${id} to become ${statuses.join('/')}`,
    async () => {
      const p = await service.getProcess(id);
      return p && statuses.includes(p.status) ? p : undefined;
    },
    timeoutMs,
  );
}

/** Collects events on a queue's channel as they arrive (all of them; filter by processId). */
export async function collectEvents(queueName: string): Promise<{ events: WorkflowEvent[]; stop(): Promise<void> }> {
  const events: WorkflowEvent[] = [];
  const stop = await subscribeEvents(redisConfig, (e) => events.push(e), queueName);
  return { events, stop };
}
