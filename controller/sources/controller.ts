import { Redis } from 'ioredis';
import type { AppConfig } from '../config/index.ts';
import { redisConnectionOptions, watchRedisClient } from '../connectivity/index.ts';
import type { Pool } from '../db/index.ts';
import { formatIssue } from '../errors/index.ts';
import { newCorrelationId } from '../logging/index.ts';
import type { Logger } from '../logging/index.ts';
import { redactUrl } from '../catalogue/index.ts';
import { syncNotificationChannels } from '../notify/index.ts';
import { listActiveIntentPins, listActiveIntents } from '../store/index.ts';
import { markConflicts } from './conflicts.ts';
import { syncIntents } from './intent-sync.ts';
import type { SyncResult } from './intent-sync.ts';
import { createLeaderElection, DEFAULT_LEADER_KEY } from './leader.ts';
import type { LeaderElection } from './leader.ts';
import { createIntentScheduler, DEFAULT_SCHEDULE_QUEUE } from './scheduler.ts';
import type { IntentScheduler } from './scheduler.ts';
import type { IntentRef, IntentSource, LibraryProvider, ReconcileRequester } from './types.ts';

/** Redis channel on which {@link requestSourceSync} asks the leading controller for a sync. */
export const DEFAULT_SYNC_CHANNEL = 'netbox-gitops:controller:sync';

export interface ControllerDeps {
  readonly pool: Pool;
  /** The Redis for the leader lock, the schedule queue and the sync channel (AppConfig's `redis` section). */
  readonly redis: AppConfig['redis'];
  /** The workflow engine (WorkflowService), or anything that accepts reconcile requests. */
  readonly requester: ReconcileRequester;
  readonly sources: readonly IntentSource[];
  /** The library source; a changed revision reconciles every active intent that does not pin the library. */
  readonly library?: LibraryProvider;
  /** The installation's pin (LIBRARY_PIN): a new library revision then reconciles nothing by itself. */
  readonly libraryPin?: string;
  /**
   * Called when the library source moved to a new revision and some intents are pinned (their
   * own `spec.library.ref`, or the installation's pin): the application previews the upgrade
   * for them and records "upgrade available" (the preview_library_upgrade workflow).
   */
  readonly onLibraryUpgrade?: (upgrade: { readonly revision: string; readonly intents: readonly IntentRef[]; readonly correlationId: string }) => Promise<void>;
  readonly logger: Logger;
  /** How often Git sources are fetched; folder sources are watched instead. Default 60 s. */
  readonly pollIntervalMs?: number;
  /** How often the library is refreshed; default 5 min. 0 turns it off. */
  readonly libraryRefreshIntervalMs?: number;
  /** Leader lock TTL; default 15 s. */
  readonly leaderTtlMs?: number;
  /** Names that must differ between independent deployments sharing a Redis (and between tests). */
  readonly leaderKey?: string;
  readonly scheduleQueue?: string;
  readonly syncChannel?: string;
  /** BullMQ key prefix of the schedule queue. */
  readonly queuePrefix?: string;
  /** This instance's id in the leader lock. */
  readonly instanceId?: string;
  /**
   * How leadership is decided; default a Redis lock with {@link ControllerDeps.leaderTtlMs}.
   * The Kubernetes source passes a coordination.k8s.io Lease instead.
   */
  readonly election?: (hooks: { onElected(): Promise<void>; onDeposed(): Promise<void> }) => LeaderElection;
  /** More work only the leader does (the Kubernetes watcher), started after the first sync of the sources. */
  readonly duties?: readonly LeaderDuty[];
}

/** Work the leading controller starts when elected and stops when it steps down. */
export interface LeaderDuty {
  readonly name: string;
  start(context: { readonly scheduler: IntentScheduler }): Promise<void>;
  stop(): Promise<void>;
  /** For /readyz while leading; healthy when absent. */
  health?(): { readonly healthy: boolean; readonly problems: readonly string[] };
}

/** The controller's readiness: a standby is ready; a leader when its duties are (the watches, for Kubernetes). */
export interface ControllerHealth {
  readonly leader: boolean;
  readonly ready: boolean;
  readonly problems: readonly string[];
}

/** The outcome of one source's sync, as logged and returned by syncNow(). */
export interface SourceSyncReport {
  readonly source: string;
  readonly revision: string;
  readonly fetched: boolean;
  readonly result?: SyncResult;
  /** Reconcile requests this sync made, by reason. */
  readonly requested: readonly { readonly ref: IntentRef; readonly reason: string }[];
  readonly error?: string;
}

/**
 * The controller: keeps the `intents` table in line with its sources, turns intent intervals
 * into schedules and requests reconciles. Safe to run as several replicas: only the one that
 * holds the leader lock syncs and schedules; the others stand by and take over when it stops
 * or dies (within the lock's TTL).
 */
export interface Controller {
  start(): Promise<void>;
  /** Stops leading, watching and polling; releases the lock so a standby takes over at once. */
  stop(): Promise<void>;
  /** Fetches and syncs every source now (the leader only; a standby returns []). */
  syncNow(): Promise<SourceSyncReport[]>;
  /**
   * For the API's Git webhook: fetches and syncs the sources whose URL matches `sourceUrl`
   * (ignoring credentials, a trailing `.git` and `/`, and case), or every source without one.
   * A standby forwards the request to the leader over Redis and returns [].
   */
  triggerSourceSync(sourceUrl?: string): Promise<SourceSyncReport[]>;
  /** Refreshes the library now; a changed revision reconciles every active intent (leader only). */
  refreshLibrary(): Promise<{ revision: string; changed: boolean } | undefined>;
  readonly isLeader: boolean;
  readonly scheduler: IntentScheduler;
  health(): ControllerHealth;
}

/** Creates a controller; nothing connects until start(). */
export function createController(deps: ControllerDeps): Controller {
  const logger = deps.logger.child({ component: 'controller' });
  const pollIntervalMs = deps.pollIntervalMs ?? 60_000;
  const libraryIntervalMs = deps.libraryRefreshIntervalMs ?? 300_000;
  const channel = deps.syncChannel ?? DEFAULT_SYNC_CHANNEL;
  const redisOptions = redisConnectionOptions(deps.redis);
  // BullMQ's workers block on Redis and must not give up a command after N retries.
  const connection = { ...redisOptions, maxRetriesPerRequest: null };
  const scheduler = createIntentScheduler({
    connection,
    queueName: deps.scheduleQueue ?? DEFAULT_SCHEDULE_QUEUE,
    ...(deps.queuePrefix ? { prefix: deps.queuePrefix } : {}),
    pool: deps.pool,
    requester: deps.requester,
    logger,
  });
  let lockClient: Redis | undefined;
  let subscriber: Redis | undefined;
  let election: LeaderElection | undefined;
  let duties: LeaderDuties | undefined;

  const runner = createSyncRunner(deps, scheduler, logger);

  let retryTimer: NodeJS.Timeout | undefined;
  const becomeLeader = async (): Promise<void> => {
    try {
      duties = await startLeaderDuties(deps, runner, scheduler, { pollIntervalMs, libraryIntervalMs }, logger);
    } catch (error) {
      // Holding the lock while doing nothing would stall every replica: try again while we lead.
      const retryMs = Math.max(1_000, Math.floor((deps.leaderTtlMs ?? 15_000) / 3));
      logger.error({ err: error, retryMs }, 'starting the leader duties failed; retrying');
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        if (election?.isLeader && duties === undefined) void becomeLeader();
      }, retryMs);
    }
  };
  const stepDown = async (): Promise<void> => {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = undefined;
    const current = duties;
    duties = undefined;
    await current?.stop();
  };

  const isLeader = (): boolean => election?.isLeader === true && duties !== undefined;

  return {
    scheduler,
    get isLeader(): boolean {
      return isLeader();
    },
    health(): ControllerHealth {
      if (!isLeader()) return { leader: false, ready: election !== undefined, problems: election === undefined ? ['not started'] : [] };
      const problems = (deps.duties ?? []).flatMap((duty) => duty.health?.().problems ?? []);
      return { leader: true, ready: problems.length === 0, problems };
    },
    async start(): Promise<void> {
      if (election) return;
      lockClient = watchRedisClient(new Redis({ ...redisOptions, lazyConnect: true }), logger, 'leader lock connection error', 'leader lock');
      await lockClient.connect();
      subscriber = watchRedisClient(new Redis({ ...redisOptions, lazyConnect: true }), logger, 'sync channel connection error', 'sync channel');
      await subscriber.connect();
      await subscriber.subscribe(channel);
      subscriber.on('message', (_channel: string, message: string) => {
        if (!isLeader()) return;
        const url = parseSyncMessage(message);
        runner.syncMatching(url, 'webhook').catch((error: unknown) => logger.warn({ err: error }, 'requested source sync failed'));
      });
      election = deps.election
        ? deps.election({ onElected: becomeLeader, onDeposed: stepDown })
        : createLeaderElection({
            redis: lockClient,
            key: deps.leaderKey ?? DEFAULT_LEADER_KEY,
            ttlMs: deps.leaderTtlMs ?? 15_000,
            ...(deps.instanceId ? { id: deps.instanceId } : {}),
            logger,
            onElected: becomeLeader,
            onDeposed: stepDown,
          });
      election.start();
      logger.info({ instance: election.id, sources: deps.sources.map((source) => source.id) }, 'controller started; contending for leadership');
    },
    async stop(): Promise<void> {
      await election?.stop();
      election = undefined;
      await stepDown();
      // A sync already under way finishes (its transaction commits or rolls back) before the caller closes the pool.
      await runner.idle();
      await scheduler.close();
      await subscriber?.quit().catch(() => undefined);
      await lockClient?.quit().catch(() => undefined);
      subscriber = undefined;
      lockClient = undefined;
      logger.info('controller stopped');
    },
    async syncNow(): Promise<SourceSyncReport[]> {
      if (!isLeader()) return [];
      return runner.syncMatching(undefined, 'manual');
    },
    async triggerSourceSync(sourceUrl?: string): Promise<SourceSyncReport[]> {
      if (isLeader()) return runner.syncMatching(sourceUrl, 'webhook');
      if (lockClient) await lockClient.publish(channel, JSON.stringify({ url: sourceUrl ?? null }));
      return [];
    },
    async refreshLibrary(): Promise<{ revision: string; changed: boolean } | undefined> {
      if (!isLeader()) return undefined;
      return runner.refreshLibrary();
    },
  };
}

/**
 * Asks the leading controller (in another process) to fetch and sync the sources matching
 * `sourceUrl`, or all of them: what the API's Git webhook calls. Fire and forget.
 */
export async function requestSourceSync(redis: Redis, sourceUrl?: string, channel: string = DEFAULT_SYNC_CHANNEL): Promise<void> {
  await redis.publish(channel, JSON.stringify({ url: sourceUrl ?? null }));
}

function parseSyncMessage(message: string): string | undefined {
  try {
    const parsed = JSON.parse(message) as { url?: unknown };
    return typeof parsed.url === 'string' ? parsed.url : undefined;
  } catch {
    return undefined;
  }
}

/** `https://user:x@Host/Org/Repo.git/` and `https://host/org/repo` compare equal. */
export function sameRepository(a: string, b: string): boolean {
  const normalise = (url: string): string =>
    redactUrl(url)
      .replace(/^[a-z][a-z0-9+.-]*:\/\/(\[redacted\]@)?/i, '')
      .replace(/^[^@/]+@/, '')
      .replace(/:(?=[^/\d])/, '/')
      .replace(/\/+$/, '')
      .replace(/\.git$/i, '')
      .toLowerCase();
  return normalise(a) === normalise(b);
}

interface SyncRunner {
  /** Resolves when no sync is running or queued. */
  idle(): Promise<void>;
  syncMatching(url: string | undefined, trigger: string): Promise<SourceSyncReport[]>;
  syncSource(source: IntentSource, trigger: string): Promise<SourceSyncReport>;
  /** Syncs `source` again if its last sync found intents another source defines. */
  retryConflicts(source: IntentSource): Promise<unknown>;
  refreshLibrary(): Promise<{ revision: string; changed: boolean } | undefined>;
  reconcileAllActive(reason: string): Promise<number>;
}

/** Syncs run one at a time per source; a request while one runs is merged into one follow-up. */
function createSyncRunner(deps: ControllerDeps, scheduler: IntentScheduler, logger: Logger): SyncRunner {
  const running = new Map<IntentSource, { current: Promise<SourceSyncReport>; next?: Promise<SourceSyncReport> }>();
  const synced = new Map<IntentSource, string>();
  /** Timers and watchers skip a revision already in the table; explicit requests always sync. */
  const skipsUnchanged = (trigger: string): boolean => trigger === 'poll' || trigger === 'folder changed';

  const request = async (ref: IntentRef, reason: string, correlationId: string): Promise<void> => {
    await deps.requester.requestReconcile(ref, { createdBy: 'controller', correlationId, reason });
  };

  const syncOnce = async (source: IntentSource, trigger: string): Promise<SourceSyncReport> => {
    const correlationId = newCorrelationId();
    const log = logger.child({ source: source.id, correlationId });
    try {
      const fetched = await source.fetch();
      if (skipsUnchanged(trigger) && synced.get(source) === fetched.revision) {
        return { source: source.id, revision: fetched.revision, fetched: false, requested: [] };
      }
      const snapshot = await markConflicts(await source.load(), deps.library, log);
      for (const issue of snapshot.unattributed) log.warn({ issue: formatIssue(issue) }, 'intent file error not tied to an intent');
      for (const issue of snapshot.warnings) log.info({ issue: formatIssue(issue) }, 'intent warning');
      for (const entry of snapshot.invalid) log.warn({ intent: `${entry.kind}/${entry.name}`, problems: entry.message }, 'invalid intent: not reconciled');
      const result = await syncIntents(deps.pool, source.id, snapshot);
      if (snapshot.notifications !== undefined) {
        const channels = await syncNotificationChannels(deps.pool, source.id, result.revision, snapshot.notifications);
        for (const name of channels.conflicts) log.warn({ notification: name }, 'a Notification of this name comes from another source; this one is ignored');
      }
      if (result.removalsWithheld) {
        log.warn('intents missing from the source were not marked removed: some files have errors not tied to an intent; fix them first');
      }
      await scheduler.syncSchedules();
      const requested: { ref: IntentRef; reason: string }[] = [];
      for (const ref of result.changed) requested.push({ ref, reason: `intent changed at ${source.id} revision ${result.revision}` });
      for (const { ref, prune } of result.removed) {
        if (prune) requested.push({ ref, reason: `intent removed from ${source.id} at revision ${result.revision}; pruning its objects (prune: true)` });
      }
      for (const { ref, reason } of requested) await request(ref, reason, correlationId);
      for (const { ref, definedBy } of result.conflicts) {
        log.error({ intent: `${ref.kind}/${ref.name}`, definedBy }, 'intent is also defined by another source: this copy is ignored until that one is removed');
      }
      // With conflicts, the next poll syncs again even at the same revision, to take the intent over once the other copy is gone.
      if (result.conflicts.length === 0) synced.set(source, result.revision);
      else synced.delete(source);
      log.info(
        {
          trigger,
          revision: result.revision,
          changed: result.changed.length,
          unchanged: result.unchanged,
          removed: result.removed.length,
          invalid: result.invalid.length,
          suspended: result.suspended.length,
          requested: requested.length,
        },
        'intent source synced',
      );
      return { source: source.id, revision: result.revision, fetched: fetched.changed, result, requested };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.error({ err: error, trigger }, 'intent source sync failed; the table keeps the last good state');
      return { source: source.id, revision: '', fetched: false, requested: [], error: message };
    }
  };

  const syncSource = (source: IntentSource, trigger: string): Promise<SourceSyncReport> => {
    const state = running.get(source);
    if (state === undefined) {
      const current = syncOnce(source, trigger).finally(() => advance(source));
      running.set(source, { current });
      return current;
    }
    state.next ??= state.current.then(() => syncOnce(source, trigger));
    return state.next;
  };

  const advance = (source: IntentSource): void => {
    const state = running.get(source);
    if (state?.next === undefined) {
      running.delete(source);
      return;
    }
    const current = state.next.finally(() => advance(source));
    running.set(source, { current });
  };

  const reconcileAllActive = async (reason: string): Promise<number> => {
    const intents = await listActiveIntents(deps.pool);
    const correlationId = newCorrelationId();
    for (const ref of intents) await request(ref, reason, correlationId);
    return intents.length;
  };

  /** A new library revision: unpinned intents reconcile; pinned ones get a preview instead. */
  const libraryMoved = async (revision: string): Promise<{ reconciled: number; pinned: number }> => {
    const rows = await listActiveIntentPins(deps.pool);
    const correlationId = newCorrelationId();
    const pinned: IntentRef[] = [];
    let reconciled = 0;
    for (const row of rows) {
      if (deps.libraryPin !== undefined || row.pin !== null) {
        pinned.push({ kind: row.kind, name: row.name });
        continue;
      }
      await request({ kind: row.kind, name: row.name }, `devicetype-library revision changed to ${revision}`, correlationId);
      reconciled += 1;
    }
    if (pinned.length > 0 && deps.onLibraryUpgrade) await deps.onLibraryUpgrade({ revision, intents: pinned, correlationId });
    return { reconciled, pinned: pinned.length };
  };

  return {
    syncSource,
    reconcileAllActive,
    async retryConflicts(source: IntentSource): Promise<unknown> {
      // A source whose last sync had conflicts has no synced revision (see syncOnce).
      if (synced.has(source) || running.has(source)) return undefined;
      return syncSource(source, 'conflict retry');
    },
    async idle(): Promise<void> {
      while (running.size > 0) {
        await Promise.allSettled([...running.values()].flatMap((state) => [state.current, ...(state.next ? [state.next] : [])]));
      }
    },
    async syncMatching(url: string | undefined, trigger: string): Promise<SourceSyncReport[]> {
      const matching = url === undefined ? deps.sources : deps.sources.filter((source) => source.url !== undefined && sameRepository(source.url, url));
      if (url !== undefined && matching.length === 0) logger.info({ url: redactUrl(url) }, 'sync request matches no intent source; ignored');
      return Promise.all(matching.map((source) => syncSource(source, trigger)));
    },
    async refreshLibrary(): Promise<{ revision: string; changed: boolean } | undefined> {
      if (!deps.library) return undefined;
      const refreshed = await deps.library.refresh();
      if (refreshed.changed) {
        const { reconciled, pinned } = await libraryMoved(refreshed.revision);
        logger.info(
          { revision: refreshed.revision, reconciled, pinned },
          'library revision changed; reconciling intents that follow it, previewing it for pinned ones',
        );
      }
      return refreshed;
    },
  };
}

interface LeaderDuties {
  stop(): Promise<void>;
}

/**
 * What the leader does: one sync of every source, schedules from the table, the schedule
 * worker, polling of Git sources, watching of folders, and the library refresh timer.
 */
async function startLeaderDuties(
  deps: ControllerDeps,
  runner: SyncRunner,
  scheduler: IntentScheduler,
  timing: { pollIntervalMs: number; libraryIntervalMs: number },
  logger: Logger,
): Promise<LeaderDuties> {
  const timers: NodeJS.Timeout[] = [];
  const unwatchers: (() => Promise<void>)[] = [];
  let stopped = false;
  const every = (ms: number, fn: () => Promise<unknown>): void => {
    const tick = (): void => {
      if (stopped) return;
      fn()
        .catch((error: unknown) => logger.warn({ err: error }, 'periodic controller task failed'))
        .finally(() => {
          if (!stopped) timers.push(setTimeout(tick, ms));
        });
    };
    timers.push(setTimeout(tick, ms));
  };

  await scheduler.startWorker();
  // The library first: the sync's reconcile requests then run against the newest catalogue.
  if (deps.library) {
    try {
      await deps.library.refresh();
    } catch (error) {
      logger.warn({ err: error }, 'library refresh failed; reconciles use the last revision they can load');
    }
  }
  await Promise.all(deps.sources.map((source) => runner.syncSource(source, 'leader elected')));
  await scheduler.syncSchedules();
  for (const source of deps.sources) {
    if (source.watch) {
      unwatchers.push(await source.watch(() => void runner.syncSource(source, 'folder changed')));
      every(timing.pollIntervalMs, () => runner.retryConflicts(source));
    } else {
      every(timing.pollIntervalMs, () => runner.syncSource(source, 'poll'));
    }
  }
  if (deps.library && timing.libraryIntervalMs > 0) every(timing.libraryIntervalMs, () => runner.refreshLibrary());
  const duties: LeaderDuty[] = [];
  const stopAll = async (): Promise<void> => {
    stopped = true;
    for (const timer of timers) clearTimeout(timer);
    for (const duty of duties.reverse())
      await duty.stop().catch((error: unknown) => logger.warn({ err: error, duty: duty.name }, 'stopping a leader duty failed'));
    await Promise.all(unwatchers.map((unwatch) => unwatch()));
    await scheduler.stopWorker();
  };
  try {
    for (const duty of deps.duties ?? []) {
      await duty.start({ scheduler });
      duties.push(duty);
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  return { stop: stopAll };
}
