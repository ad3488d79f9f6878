// The Kubernetes intent source: VendorSets and DeviceTypeSets read through informers, stored in
// the intent store like Git intents (one source per object, `kubernetes:NS/NAME`, revision =
// generation, resourceVersion and uid), reconciled through the workflow engine, with status,
// Events and a finalizer written back. Level-triggered: every pass over an object looks at
// the object and the store as they are now, so a missed or repeated event changes nothing.
import type { Pool } from '../db/index.ts';
import { validateIntentObject } from '../intents/index.ts';
import type { Intent, IntentKind } from '../intents/index.ts';
import { INTENT_KINDS } from '../intents/index.ts';
import { newCorrelationId } from '../logging/index.ts';
import type { Logger } from '../logging/index.ts';
import { syncIntents } from '../sources/index.ts';
import type { IntentSnapshot, SyncResult } from '../sources/index.ts';
import { readDriftObjects, readIntentStates } from '../workflow/index.ts';
import type { IntentState, ProcessRecord, WorkflowEvent, WorkflowService } from '../workflow/index.ts';
import { statusOf } from './client.ts';
import type { KubernetesApi } from './client.ts';
import { createEventRecorder } from './events.ts';
import type { EventRecorder, EventRecorderOptions } from './events.ts';
import { createResourceInformer } from './informer.ts';
import type { ResourceInformer } from './informer.ts';
import { FINALIZER, RECONCILE_REQUESTED_ANNOTATION, isKubernetesSource, objectKey, revisionOf, sourceIdOf } from './resources.ts';
import type { IntentResource } from './resources.ts';
import { RECONCILING, computeStatus, readyOf, sameStatus } from './status.ts';
import type { Finalizing } from './status.ts';

export interface IntentWatcherOptions {
  readonly pool: Pool;
  readonly api: KubernetesApi;
  /** The workflow engine: reconcile requests (merged per intent) and process lookups. */
  readonly engine: Pick<WorkflowService, 'requestReconcile' | 'getProcess'>;
  /** Undefined watches every namespace. */
  readonly namespace?: string;
  /** This controller's identity (Events' reportingInstance). */
  readonly identity: string;
  readonly logger: Logger;
  /** The engine's event stream: a finished process updates the status at once instead of at the next poll. */
  readonly subscribe?: (handler: (event: WorkflowEvent) => void) => Promise<() => Promise<void>>;
  /** Runs after the intent store changed (the controller re-syncs schedules). */
  readonly onIntentsChanged?: () => Promise<void>;
  /** Every object is looked at again this often, events or not. Default 5 minutes. */
  readonly resyncIntervalMs?: number;
  /** While a reconcile runs (or a conflict waits), the object is looked at again this often. Default 5 s. */
  readonly progressPollMs?: number;
  /** Objects handled at once. Default 4. */
  readonly concurrency?: number;
  /** Backoff of an object whose handling failed (API or database error). Defaults 500 ms to 60 s. */
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
  /** Backoff of the informers' restarts. */
  readonly watchBackoffMs?: { readonly initial?: number; readonly max?: number };
  /** Server-side watch timeout (5-10 minutes by default) and the grace after which a silent watch is aborted (30 s). */
  readonly watchTimeout?: { readonly seconds?: number; readonly graceMs?: number };
  readonly events?: Partial<Omit<EventRecorderOptions, 'api' | 'instance' | 'logger'>>;
}

/** The source's health, for /readyz: every informer listed and watching. */
export interface WatchHealth {
  readonly healthy: boolean;
  readonly problems: readonly string[];
  readonly informers: readonly { readonly kind: IntentKind; readonly healthy: boolean; readonly restarts: number; readonly objects: number }[];
}

export interface IntentWatcher {
  /** Lists and watches; resolves when both kinds were listed once (or failed once, then retries). */
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): WatchHealth;
  /** Looks at every object again now, as the periodic resync does. */
  resync(): void;
  /** Resolves when no object is being handled or queued (delayed re-checks do not count). */
  idle(): Promise<void>;
  readonly events: EventRecorder;
}

interface Item {
  readonly kind: IntentKind;
  readonly namespace: string;
  readonly name: string;
}

interface Memory {
  uid?: string;
  syncedGeneration?: number;
  conflict?: string;
  handledAt?: string;
  reportedInvalid?: number;
  reportedConflict?: number;
  announced: string[];
  pruneProcess?: string;
  pruneRetryAt?: number;
  pruneFailures: number;
}

/** A conditional write lost a race: look again soon. */
class ObjectChangedError extends Error {}

/** Creates the watcher; nothing is requested until start(). */
export function createIntentWatcher(options: IntentWatcherOptions): IntentWatcher {
  const logger = options.logger.child({ component: 'kubernetes-source', namespace: options.namespace ?? '*' });
  const resyncMs = options.resyncIntervalMs ?? 300_000;
  const pollMs = options.progressPollMs ?? 5_000;
  const concurrency = options.concurrency ?? 4;
  const retryInitial = options.retryInitialMs ?? 500;
  const retryMax = options.retryMaxMs ?? 60_000;
  const events = createEventRecorder({ api: options.api, instance: options.identity, logger, ...options.events });
  const memory = new Map<string, Memory>();
  /** kind/name → object keys, to find the objects an engine event is about. */
  const byIntent = new Map<string, Set<string>>();
  const pending = new Map<string, { item: Item; full: boolean }>();
  const running = new Set<string>();
  const delayed = new Map<string, NodeJS.Timeout>();
  const failures = new Map<string, number>();
  let started = false;
  let unsubscribe: (() => Promise<void>) | undefined;
  let resyncTimer: NodeJS.Timeout | undefined;
  let idleWaiters: (() => void)[] = [];

  const informers = Object.fromEntries(
    INTENT_KINDS.map((kind) => [
      kind,
      createResourceInformer({
        api: options.api,
        kind,
        ...(options.namespace ? { namespace: options.namespace } : {}),
        logger,
        ...(options.watchBackoffMs?.initial !== undefined ? { initialBackoffMs: options.watchBackoffMs.initial } : {}),
        ...(options.watchBackoffMs?.max !== undefined ? { maxBackoffMs: options.watchBackoffMs.max } : {}),
        ...(options.watchTimeout?.seconds !== undefined ? { watchTimeoutSeconds: options.watchTimeout.seconds } : {}),
        ...(options.watchTimeout?.graceMs !== undefined ? { watchGraceMs: options.watchTimeout.graceMs } : {}),
        onEvent: (_event, resource) => {
          const item = itemOf(resource);
          index(item);
          enqueue(item);
        },
      }),
    ]),
  ) as Record<IntentKind, ResourceInformer>;

  function itemOf(resource: IntentResource): Item {
    return { kind: resource.kind, namespace: resource.metadata.namespace ?? 'default', name: resource.metadata.name };
  }

  function keyOf(item: Item): string {
    return objectKey(item.kind, item.namespace, item.name);
  }

  function index(item: Item): void {
    const intent = `${item.kind}/${item.name}`;
    const keys = byIntent.get(intent) ?? new Set<string>();
    keys.add(keyOf(item));
    byIntent.set(intent, keys);
  }

  function memoryOf(key: string): Memory {
    let mem = memory.get(key);
    if (!mem) {
      mem = { announced: [], pruneFailures: 0 };
      memory.set(key, mem);
    }
    return mem;
  }

  function enqueue(item: Item, options: { full?: boolean; delayMs?: number } = {}): void {
    if (!started) return;
    const key = keyOf(item);
    if (options.delayMs !== undefined && options.delayMs > 0) {
      if (delayed.has(key)) return;
      delayed.set(
        key,
        setTimeout(() => {
          delayed.delete(key);
          enqueue(item, { full: options.full ?? false });
        }, options.delayMs),
      );
      return;
    }
    const queued = pending.get(key);
    // A key handled right now stays pending and runs once more after (pump skips running keys).
    pending.set(key, { item, full: (queued?.full ?? false) || (options.full ?? false) });
    pump();
  }

  function pump(): void {
    for (const [key, entry] of pending) {
      if (running.size >= concurrency) break;
      if (running.has(key)) continue;
      pending.delete(key);
      running.add(key);
      void run(key, entry.item, entry.full);
    }
    if (running.size === 0 && pending.size === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  async function run(key: string, item: Item, full: boolean): Promise<void> {
    try {
      const { requeueMs } = await handle(item, full);
      failures.delete(key);
      if (requeueMs !== undefined) enqueue(item, { delayMs: requeueMs });
    } catch (error) {
      const count = (failures.get(key) ?? 0) + 1;
      failures.set(key, count);
      const delayMs = error instanceof ObjectChangedError ? retryInitial : Math.min(retryMax, retryInitial * 2 ** (count - 1));
      if (!(error instanceof ObjectChangedError)) logger.warn({ err: error, object: key, retryInMs: delayMs }, 'handling the custom resource failed; retrying');
      enqueue(item, { full: true, delayMs });
    } finally {
      running.delete(key);
      pump();
    }
  }

  // ---- the pass over one object -------------------------------------------------------

  async function handle(item: Item, full: boolean): Promise<{ requeueMs?: number }> {
    const key = keyOf(item);
    const resource = informers[item.kind].get(item.namespace, item.name);
    const source = sourceIdOf(item.namespace, item.name);
    if (resource === undefined) {
      // Gone without our finalizer (removed by hand, or deleted while no controller ran).
      const result = await syncIntents(options.pool, source, emptySnapshot('deleted'));
      memory.delete(key);
      await afterSync(result);
      for (const { ref, prune } of result.removed) {
        if (prune) await request(undefined, ref, `${item.kind} ${item.namespace}/${item.name} was deleted (prune: true)`);
      }
      return {};
    }
    if (resource.metadata.deletionTimestamp) return finalize(resource, source);
    const current = (resource.metadata.finalizers ?? []).includes(FINALIZER) ? resource : await addFinalizer(resource);
    const mem = memoryOf(key);
    const { intent, problems } = validate(current);
    const generation = current.metadata.generation ?? 0;
    let requested = false;
    if (full || mem.uid !== current.metadata.uid || mem.syncedGeneration !== generation || mem.conflict !== undefined) {
      const result = await syncIntents(options.pool, source, snapshotOf(current, source, intent, problems));
      mem.uid = current.metadata.uid;
      mem.syncedGeneration = generation;
      mem.conflict = result.conflicts[0]?.definedBy;
      await afterSync(result);
      if (result.changed.length > 0) {
        await request(current, { kind: item.kind, name: item.name }, `generation ${generation} of ${item.kind} ${item.namespace}/${item.name}`);
        requested = true;
      }
    }
    if (problems.length > 0 && mem.reportedInvalid !== generation) {
      mem.reportedInvalid = generation;
      events.record(current, { type: 'Warning', reason: 'InvalidSpec', action: 'Validate', note: `not reconciled: ${problems.join('; ')}` });
    }
    if (mem.conflict !== undefined && mem.reportedConflict !== generation) {
      mem.reportedConflict = generation;
      events.record(current, {
        type: 'Warning',
        reason: 'DuplicateIntent',
        action: 'Validate',
        note: `${item.kind}/${item.name} is also defined by ${mem.conflict}, which holds it; this object is ignored until that one is removed`,
      });
    }
    let handledAt: string | undefined;
    const requestedAt = current.metadata.annotations?.[RECONCILE_REQUESTED_ANNOTATION];
    if (requestedAt !== undefined && requestedAt !== current.status?.lastHandledReconcileAt && requestedAt !== mem.handledAt) {
      mem.handledAt = requestedAt;
      handledAt = requestedAt;
      if (intent !== undefined && mem.conflict === undefined && !intent.spec.suspend) {
        await request(current, { kind: item.kind, name: item.name }, `reconcile requested at ${requestedAt} (${RECONCILE_REQUESTED_ANNOTATION})`);
        requested = true;
      }
    }
    const state = mem.conflict === undefined ? await ownState(item, source) : undefined;
    const status = computeStatus({
      resource: current,
      now: new Date(),
      problems,
      state,
      ...(mem.conflict !== undefined ? { definedElsewhere: mem.conflict } : {}),
      ...(handledAt !== undefined ? { handledReconcileAt: handledAt } : {}),
      requested,
    });
    announce(current, state, mem);
    await writeStatus(current, status);
    const busy = status.conditions?.some((c) => c.type === RECONCILING) === true;
    return busy || mem.conflict !== undefined ? { requeueMs: pollMs } : {};
  }

  function validate(resource: IntentResource): { intent: Intent | undefined; problems: string[] } {
    const { status: _status, ...document } = resource;
    const { intent, issues } = validateIntentObject(document, { kubernetes: true });
    const problems = issues.filter((issue) => issue.severity === 'error').map((issue) => `${issue.path || '<root>'}: ${issue.message}`);
    return { intent: problems.length === 0 ? intent : undefined, problems };
  }

  function snapshotOf(resource: IntentResource, source: string, intent: Intent | undefined, problems: readonly string[]): IntentSnapshot {
    const revision = revisionOf(resource);
    if (intent !== undefined) {
      return {
        revision,
        intents: [{ intent, file: source, line: 1, column: 1, documentIndex: 0, locate: () => undefined }],
        invalid: [],
        unattributed: [],
        warnings: [],
      };
    }
    const { status: _status, ...document } = resource;
    return {
      revision,
      intents: [],
      invalid: [{ kind: resource.kind, name: resource.metadata.name, file: source, document, message: problems.join('; ') }],
      unattributed: [],
      warnings: [],
    };
  }

  function emptySnapshot(revision: string): IntentSnapshot {
    return { revision, intents: [], invalid: [], unattributed: [], warnings: [] };
  }

  async function afterSync(result: SyncResult): Promise<void> {
    const wrote = result.changed.length + result.removed.length + result.invalid.length + result.suspended.length > 0;
    if (!wrote) return;
    await options.onIntentsChanged?.().catch((error: unknown) => logger.warn({ err: error }, 'syncing the schedules failed'));
  }

  async function ownState(item: Item, source: string): Promise<IntentState | undefined> {
    const [state] = await readIntentStates(options.pool, [{ kind: item.kind, name: item.name }]);
    return state !== undefined && state.source === source ? state : undefined;
  }

  async function request(resource: IntentResource | undefined, ref: { kind: IntentKind; name: string }, reason: string): Promise<ProcessRecord> {
    const record = await options.engine.requestReconcile(ref, { createdBy: 'kubernetes', correlationId: newCorrelationId(), reason });
    if (resource !== undefined) {
      const mem = memoryOf(keyOf(itemOf(resource)));
      mem.announced = [...mem.announced.slice(-7), record.id];
      events.record(resource, { type: 'Normal', reason: 'ReconciliationStarted', action: 'Reconcile', note: `${reason}: process ${record.id}` });
    }
    return record;
  }

  /** Events for what changed since the status was last written: a process started or finished. */
  function announce(resource: IntentResource, state: IntentState | undefined, mem: Memory): void {
    if (state === undefined) return;
    const before = resource.status;
    const active = state.active;
    if (active !== null && active.id !== before?.lastProcessId && !mem.announced.includes(active.id)) {
      mem.announced = [...mem.announced.slice(-7), active.id];
      events.record(resource, { type: 'Normal', reason: 'ReconciliationStarted', action: 'Reconcile', note: `process ${active.id} started` });
    }
    const finished = state.lastFinished;
    const finishedAt = finished?.completedAt?.replace(/\.\d{3}Z$/, 'Z');
    if (finished === null || finishedAt === undefined || finishedAt === before?.lastReconcileTime) return;
    if (finished.status === 'completed') {
      events.record(resource, {
        type: 'Normal',
        reason: 'ReconciliationSucceeded',
        action: 'Reconcile',
        note: `process ${finished.id} completed (library ${finished.libraryRevision ?? 'unknown'})`,
      });
      if (state.driftTotal > 0) {
        const parts = Object.entries(state.drift)
          .filter(([, n]) => n > 0)
          .map(([action, n]) => `${n} ${action}`);
        events.record(resource, {
          type: 'Warning',
          reason: 'DriftDetected',
          action: 'Reconcile',
          note: `${state.driftTotal} object${state.driftTotal === 1 ? '' : 's'} differ from the intent (${parts.join(', ')})${state.mode === 'observe' ? '; mode observe: NetBox is not changed' : ''}`,
        });
      }
    } else {
      events.record(resource, {
        type: 'Warning',
        reason: finished.status === 'cancelled' ? 'ReconciliationCancelled' : 'ReconciliationFailed',
        action: 'Reconcile',
        note: `process ${finished.id} ${finished.status}: ${finished.error?.message ?? 'no message'}`,
      });
    }
  }

  async function writeStatus(resource: IntentResource, status: ReturnType<typeof computeStatus>): Promise<void> {
    if (sameStatus(resource.status, status)) return;
    try {
      await options.api.patchStatus(resource.kind, resource.metadata.namespace ?? 'default', resource.metadata.name, status);
    } catch (error) {
      // Deleted meanwhile: its delete event is on its way.
      if (statusOf(error) === 404) return;
      throw error;
    }
  }

  async function addFinalizer(resource: IntentResource): Promise<IntentResource> {
    const finalizers = [...(resource.metadata.finalizers ?? []), FINALIZER];
    return patchFinalizers(resource, finalizers);
  }

  async function releaseFinalizer(resource: IntentResource): Promise<void> {
    const finalizers = (resource.metadata.finalizers ?? []).filter((f) => f !== FINALIZER);
    await patchFinalizers(resource, finalizers);
    memory.delete(keyOf(itemOf(resource)));
  }

  /** A merge patch replaces the whole list, so it is conditional on the resourceVersion read. */
  async function patchFinalizers(resource: IntentResource, finalizers: string[]): Promise<IntentResource> {
    try {
      return await options.api.patchMetadata(resource.kind, resource.metadata.namespace ?? 'default', resource.metadata.name, {
        finalizers,
        ...(resource.metadata.resourceVersion ? { resourceVersion: resource.metadata.resourceVersion } : {}),
      });
    } catch (error) {
      if (statusOf(error) === 409) throw new ObjectChangedError('the object changed since it was read');
      throw error;
    }
  }

  // ---- deletion ------------------------------------------------------------------------

  async function finalize(resource: IntentResource, source: string): Promise<{ requeueMs?: number }> {
    if (!(resource.metadata.finalizers ?? []).includes(FINALIZER)) return {};
    const item = itemOf(resource);
    const ref = { kind: item.kind, name: item.name };
    const mem = memoryOf(keyOf(item));
    const [state] = await readIntentStates(options.pool, [ref]);
    if (state === undefined || state.source !== source) {
      // Nothing of this object was stored (invalid from the start, or another source holds the intent).
      await releaseFinalizer(resource);
      return {};
    }
    const status = (finalizing: Finalizing): Promise<void> =>
      writeStatus(resource, computeStatus({ resource, now: new Date(), problems: [], state, finalizing }));
    if (state.status !== 'removed') {
      const result = await syncIntents(options.pool, source, emptySnapshot(`deleted,${revisionOf(resource)}`));
      await afterSync(result);
      if (!result.removed.some((r) => r.prune)) {
        events.record(resource, { type: 'Normal', reason: 'Finalized', action: 'Delete', note: 'intent removed; prune is false, so NetBox keeps its objects' });
        await releaseFinalizer(resource);
        return {};
      }
      const process = await request(resource, ref, `${item.kind} ${item.namespace}/${item.name} deleted with prune: true`);
      mem.pruneProcess = process.id;
      await status({ reason: 'Pruning', message: `deleting the objects this intent owns in NetBox (process ${process.id})`, processId: process.id });
      return { requeueMs: pollMs };
    }
    if (!prunesOnRemoval(state)) {
      await releaseFinalizer(resource);
      return {};
    }
    const recorded = readyOf(resource.status);
    let processId = mem.pruneProcess ?? (recorded !== undefined && recorded.reason.startsWith('Prun') ? resource.status?.lastProcessId : undefined);
    const process = processId === undefined ? undefined : await options.engine.getProcess(processId);
    if (
      process === undefined ||
      (process.status !== 'completed' && mem.pruneRetryAt !== undefined && Date.now() >= mem.pruneRetryAt && ['failed', 'cancelled'].includes(process.status))
    ) {
      const next = await request(resource, ref, `${item.kind} ${item.namespace}/${item.name} deleted with prune: true${process ? ' (retry)' : ''}`);
      processId = next.id;
      mem.pruneProcess = next.id;
      mem.pruneRetryAt = undefined;
      await status({ reason: 'Pruning', message: `deleting the objects this intent owns in NetBox (process ${next.id})`, processId: next.id });
      return { requeueMs: pollMs };
    }
    if (process.status === 'completed') {
      const blocked = await readDriftObjects(options.pool, ref, 'blocked');
      if (blocked.length > 0) {
        const note = `${blocked.length} object${blocked.length === 1 ? ' is' : 's are'} still in use in NetBox and ${blocked.length === 1 ? 'was' : 'were'} not deleted: ${blocked.join(', ')}`;
        events.record(resource, { type: 'Warning', reason: 'PruneBlocked', action: 'Prune', note });
        await status({ reason: 'PruneBlocked', message: note, processId: process.id });
      } else {
        events.record(resource, {
          type: 'Normal',
          reason: 'Pruned',
          action: 'Prune',
          note: `the objects this intent owned were deleted from NetBox (process ${process.id})`,
        });
      }
      await releaseFinalizer(resource);
      return {};
    }
    if (process.status === 'failed' || process.status === 'cancelled') {
      if (mem.pruneRetryAt === undefined) {
        mem.pruneFailures += 1;
        mem.pruneRetryAt = Date.now() + Math.min(retryMax, retryInitial * 2 ** mem.pruneFailures);
        const note = `pruning failed (process ${process.id} ${process.status}: ${process.error?.message ?? 'no message'}); retrying. Remove the finalizer ${FINALIZER} to delete without pruning.`;
        events.record(resource, { type: 'Warning', reason: 'PruneFailed', action: 'Prune', note });
        await status({ reason: 'PruneFailed', message: note, processId: process.id });
      }
      return { requeueMs: Math.max(pollMs, (mem.pruneRetryAt ?? Date.now()) - Date.now()) };
    }
    await status({
      reason: 'Pruning',
      message: `deleting the objects this intent owns in NetBox (process ${process.id} is ${process.status})`,
      processId: process.id,
    });
    return { requeueMs: pollMs };
  }

  /** As markRemoved decides: the last stored version was valid, said prune: true and was not suspended. */
  function prunesOnRemoval(state: IntentState): boolean {
    const { intent } = validateIntentObject(state.spec);
    return intent !== undefined && intent.spec.prune && !intent.spec.suspend;
  }

  // ---- lifecycle -------------------------------------------------------------------------

  async function enqueueOrphans(): Promise<void> {
    // Intents of objects deleted while no controller ran (their finalizer removed by hand).
    const states = await readIntentStates(options.pool);
    for (const state of states) {
      if (!isKubernetesSource(state.source) || state.status === 'removed') continue;
      const [namespace = '', name = ''] = state.source.slice('kubernetes:'.length).split('/');
      if (options.namespace !== undefined && namespace !== options.namespace) continue;
      const kind = state.kind as IntentKind;
      if (!INTENT_KINDS.includes(kind) || name !== state.name) continue;
      if (informers[kind].get(namespace, name) === undefined) enqueue({ kind, namespace, name });
    }
  }

  function resyncAll(): void {
    for (const informer of Object.values(informers)) for (const resource of informer.list()) enqueue(itemOf(resource), { full: true });
  }

  return {
    events,
    async start(): Promise<void> {
      if (started) return;
      started = true;
      if (options.subscribe) {
        unsubscribe = await options.subscribe((event) => {
          if (event.intent === undefined) return;
          for (const key of byIntent.get(`${event.intent.kind}/${event.intent.name}`) ?? []) {
            const [kind, namespace = '', ...rest] = key.split('/');
            enqueue({ kind: kind as IntentKind, namespace, name: rest.join('/') });
          }
        });
      }
      await Promise.all(Object.values(informers).map((informer) => informer.start()));
      if (Object.values(informers).every((informer) => informer.healthy)) {
        await enqueueOrphans().catch((error: unknown) => logger.warn({ err: error }, 'looking for intents of deleted objects failed'));
      }
      const tick = (): void => {
        resyncAll();
        resyncTimer = setTimeout(tick, resyncMs);
      };
      resyncTimer = setTimeout(tick, resyncMs);
      logger.info('watching VendorSets and DeviceTypeSets');
    },
    async stop(): Promise<void> {
      if (!started) return;
      started = false;
      clearTimeout(resyncTimer);
      for (const timer of delayed.values()) clearTimeout(timer);
      delayed.clear();
      pending.clear();
      await Promise.all(Object.values(informers).map((informer) => informer.stop()));
      await unsubscribe?.().catch(() => undefined);
      unsubscribe = undefined;
      await this.idle();
      await events.flush();
    },
    health(): WatchHealth {
      const list = Object.values(informers).map((informer) => ({
        kind: informer.kind,
        healthy: informer.healthy,
        restarts: informer.restarts,
        objects: informer.list().length,
      }));
      const problems = Object.values(informers)
        .filter((informer) => !informer.healthy)
        .map((informer) => `${informer.kind}: ${informer.problem ?? 'not watching'}`);
      return { healthy: problems.length === 0, problems, informers: list };
    },
    resync: resyncAll,
    idle(): Promise<void> {
      if (running.size === 0 && pending.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
