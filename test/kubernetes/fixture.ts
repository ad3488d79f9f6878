// The whole Kubernetes path under test: a cluster (stand-in or real), the workflow engine with a
// worker on a fresh database and NetBox emulator, and controllers with the Kubernetes source
// (Lease election, the watcher as the leader's duty) built the way `netbox-gitops controller
// --source kubernetes` builds them.
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import type { IntentKind, IntentStatus } from '../../controller/intents/index.ts';
import { createKubernetesSource, createLeaseElection, readyOf } from '../../controller/kubernetes/index.ts';
import type { IntentResource, IntentWatcher } from '../../controller/kubernetes/index.ts';
import { createLogger } from '../../controller/logging/index.ts';
import { createController } from '../../controller/sources/index.ts';
import type { Controller } from '../../controller/sources/index.ts';
import { subscribeEvents } from '../../controller/workflow/index.ts';
import { redisConfig, startEngine } from '../controller/workflow/helpers.ts';
import type { EngineFixture } from '../controller/workflow/helpers.ts';
import { connectCluster } from './cluster.ts';
import type { TestCluster } from './cluster.ts';

export const LEASE_DURATION_MS = 2_000;
export const RETRY_PERIOD_MS = 250;

export interface ControllerHandle {
  readonly identity: string;
  readonly controller: Controller;
  /** The watcher while this controller leads. */
  watcher(): IntentWatcher | undefined;
  stop(): Promise<void>;
}

export interface KubeFixture {
  readonly cluster: TestCluster;
  readonly engine: EngineFixture;
  readonly leaseName: string;
  startController(identity?: string): Promise<ControllerHandle>;
  /** Polls the object until `check` accepts it; returns it. */
  waitFor(
    kind: IntentKind,
    name: string,
    what: string,
    check: (resource: IntentResource | undefined) => boolean,
    timeoutMs?: number,
  ): Promise<IntentResource | undefined>;
  close(): Promise<void>;
}

const logger = createLogger({ level: (process.env.TEST_LOG_LEVEL as 'silent' | undefined) ?? 'silent', pretty: false });

export async function startKubeFixture(): Promise<KubeFixture> {
  const cluster = await connectCluster({ bookmarkIntervalMs: 300 });
  const engine = await startEngine();
  await engine.startWorker();
  const suffix = randomBytes(4).toString('hex');
  const leaseName = `netbox-gitops-test-${suffix}`;
  const handles: ControllerHandle[] = [];

  const startController = async (identity = `controller-${randomBytes(3).toString('hex')}`): Promise<ControllerHandle> => {
    // Each controller talks as a user of its own: the stand-in can then cut one off (partition).
    const api = cluster.apiAs(identity);
    const source = createKubernetesSource({
      pool: engine.db.pool,
      api,
      engine: engine.service,
      namespace: cluster.namespace,
      identity,
      logger,
      subscribe: (handler) => subscribeEvents(redisConfig, handler, engine.queueName),
      resyncIntervalMs: 60_000,
      progressPollMs: 250,
      retryInitialMs: 100,
      retryMaxMs: 2_000,
      watchBackoffMs: { initial: 100, max: 1_000 },
      // Watches end after 3-6 s (the server's timeoutSeconds), and a silent one is given up 1 s later.
      watchTimeout: { seconds: 3, graceMs: 1_000 },
    });
    const controller = createController({
      pool: engine.db.pool,
      redis: redisConfig,
      requester: engine.service,
      sources: [],
      library: engine.deps.library,
      libraryRefreshIntervalMs: 0,
      logger,
      scheduleQueue: `schedules-${suffix}`,
      syncChannel: `sync-${suffix}`,
      election: (hooks) =>
        createLeaseElection({
          api,
          namespace: cluster.namespace,
          name: leaseName,
          identity,
          leaseDurationMs: LEASE_DURATION_MS,
          retryPeriodMs: RETRY_PERIOD_MS,
          logger,
          ...hooks,
        }),
      duties: [source],
    });
    await controller.start();
    let stopped = false;
    const handle: ControllerHandle = {
      identity,
      controller,
      watcher: () => source.current,
      async stop() {
        if (stopped) return;
        stopped = true;
        await controller.stop();
      },
    };
    handles.push(handle);
    return handle;
  };

  return {
    cluster,
    engine,
    leaseName,
    startController,
    async waitFor(kind, name, what, check, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let last: IntentResource | undefined;
      for (;;) {
        last = await cluster.get(kind, name);
        if (check(last)) return last;
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${kind}/${name} ${what}; last seen: ${JSON.stringify(last?.status ?? last?.metadata ?? null)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async close() {
      for (const handle of handles) await handle.stop();
      await cluster.close();
      const schedules = new Queue(`schedules-${suffix}`, {
        connection: { host: redisConfig.host, port: redisConfig.port, db: redisConfig.db, maxRetriesPerRequest: null },
      });
      await schedules.obliterate({ force: true }).catch(() => undefined);
      await schedules.close();
      await engine.close();
    },
  };
}

/** Ready=True for the object's current generation and nothing in flight. */
export function readyAtGeneration(resource: IntentResource | undefined, generation?: number): boolean {
  const ready = readyOf(resource?.status);
  const expected = generation ?? resource?.metadata.generation;
  return (
    ready?.status === 'True' &&
    resource?.status?.observedGeneration === expected &&
    ready.observedGeneration === expected &&
    !(resource?.status?.conditions ?? []).some((c) => c.type === 'Reconciling')
  );
}

export function conditionOf(status: IntentStatus | undefined, type: string): NonNullable<IntentStatus['conditions']>[number] | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/** A VendorSet of custom manufacturers (no library lookups): `<prefix>-0`, `<prefix>-1`, ... */
export function vendorSet(
  name: string,
  count: number,
  spec: Record<string, unknown> = {},
): { kind: 'VendorSet'; metadata: { name: string }; spec: Record<string, unknown> } {
  return {
    kind: 'VendorSet',
    metadata: { name },
    spec: { mode: 'enforce', custom: Array.from({ length: count }, (_, i) => ({ name: `${name} Maker ${i}`, slug: `${name}-${i}` })), ...spec },
  };
}
