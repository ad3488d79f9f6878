// Kubernetes Events (events.k8s.io/v1) about VendorSets and DeviceTypeSets, as `kubectl
// describe` and `kubectl events` show them. Like client-go's recorder: a repeat of the same
// event on the same object within the series window updates one Event's `series` (count, last
// observed time) instead of creating another, and each object has a token bucket so a flapping
// object cannot flood the API server (25 at once, then one per 5 minutes by default).
import { randomBytes } from 'node:crypto';
import { V1MicroTime } from '@kubernetes/client-node';
import type { EventsV1Event } from '@kubernetes/client-node';
import type { Logger } from '../logging/index.ts';
import type { KubernetesApi } from './client.ts';
import { REPORTING_CONTROLLER } from './resources.ts';
import type { IntentResource } from './resources.ts';

export interface EventSpec {
  readonly type: 'Normal' | 'Warning';
  /** CamelCase, e.g. ReconciliationSucceeded, DriftDetected, PruneBlocked. */
  readonly reason: string;
  /** What the controller did, CamelCase, e.g. Reconcile, Prune, Validate. */
  readonly action: string;
  /** Human-readable; cut to 1 kB of UTF-8 as the API requires. */
  readonly note: string;
}

export interface EventRecorder {
  /** Queues the event; never throws (events are best effort, failures are logged). */
  record(resource: IntentResource, event: EventSpec): void;
  /** Waits until queued writes are done. */
  flush(): Promise<void>;
  /** Events dropped by the rate limit so far. */
  readonly dropped: number;
  close(): Promise<void>;
}

export interface EventRecorderOptions {
  readonly api: KubernetesApi;
  /** reportingInstance: this controller's identity. */
  readonly instance: string;
  readonly logger: Logger;
  /** Events per object at once; default 25. */
  readonly burst?: number;
  /** One more token per this long; default 5 minutes. */
  readonly refillMs?: number;
  /** A repeat within this long joins the earlier Event's series; default 10 minutes. */
  readonly seriesWindowMs?: number;
  /** Series counts are written at most this often per Event; default 30 s. */
  readonly seriesHeartbeatMs?: number;
}

interface SeriesState {
  readonly namespace: string;
  readonly name: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
  lastWritten: number;
  writtenCount: number;
  timer?: NodeJS.Timeout;
}

/** The API's limit on `note`, in bytes of UTF-8. */
const MAX_NOTE_BYTES = 1_024;

/** Cuts a note to what the API accepts (1 kB of UTF-8), ending it with "…" when cut. */
function cutNote(note: string): string {
  if (Buffer.byteLength(note) <= MAX_NOTE_BYTES) return note;
  const room = MAX_NOTE_BYTES - Buffer.byteLength('…');
  let cut = '';
  let bytes = 0;
  // By code point, so a character of several bytes (or a surrogate pair) is never split.
  for (const char of note) {
    const size = Buffer.byteLength(char);
    if (bytes + size > room) break;
    cut += char;
    bytes += size;
  }
  return `${cut}…`;
}

export function createEventRecorder(options: EventRecorderOptions): EventRecorder {
  const burst = options.burst ?? 25;
  const refillMs = options.refillMs ?? 300_000;
  const windowMs = options.seriesWindowMs ?? 600_000;
  const heartbeatMs = options.seriesHeartbeatMs ?? 30_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  const series = new Map<string, SeriesState>();
  let queue: Promise<void> = Promise.resolve();
  let dropped = 0;
  let closed = false;

  const enqueue = (what: string, fn: () => Promise<unknown>): void => {
    queue = queue.then(fn).then(
      () => undefined,
      (error: unknown) => options.logger.warn({ err: error }, `could not ${what}`),
    );
  };

  const take = (uid: string, now: number): boolean => {
    const bucket = buckets.get(uid) ?? { tokens: burst, at: now };
    const refilled = Math.min(burst, bucket.tokens + Math.floor((now - bucket.at) / refillMs));
    const at = refilled > bucket.tokens ? now : bucket.at;
    if (refilled < 1) {
      buckets.set(uid, { tokens: refilled, at });
      return false;
    }
    buckets.set(uid, { tokens: refilled - 1, at });
    return true;
  };

  const writeSeries = (state: SeriesState): void => {
    state.timer = undefined;
    if (state.count === state.writtenCount) return;
    const count = state.count;
    state.lastWritten = Date.now();
    state.writtenCount = count;
    enqueue('update an Event series', () =>
      options.api.patchEvent(state.namespace, state.name, { series: { count, lastObservedTime: new V1MicroTime(state.lastSeen) } }),
    );
  };

  return {
    get dropped(): number {
      return dropped;
    },
    record(resource, event): void {
      if (closed) return;
      const now = Date.now();
      const { namespace = 'default', name, uid = '' } = resource.metadata;
      const note = cutNote(event.note);
      const key = [uid, event.type, event.reason, event.action, note].join('\0');
      const existing = series.get(key);
      if (existing !== undefined && now - existing.lastSeen <= windowMs) {
        // An isomorphic event: count it on the Event already written.
        existing.count += 1;
        existing.lastSeen = now;
        // As client-go: the first repeat turns the Event into a series at once; later counts are
        // written on the heartbeat, so a hot loop costs one PATCH per heartbeat, not one per repeat.
        if (existing.writtenCount === 1 && existing.timer === undefined) writeSeries(existing);
        else if (existing.timer === undefined) existing.timer = setTimeout(() => writeSeries(existing), Math.max(0, existing.lastWritten + heartbeatMs - now));
        return;
      }
      if (!take(uid, now)) {
        dropped += 1;
        options.logger.debug({ object: `${namespace}/${name}`, reason: event.reason }, 'event dropped by the rate limit');
        return;
      }
      if (existing?.timer) clearTimeout(existing.timer);
      const eventName = `${name}.${now.toString(16)}${randomBytes(3).toString('hex')}`;
      series.set(key, { namespace, name: eventName, count: 1, firstSeen: now, lastSeen: now, lastWritten: now, writtenCount: 1 });
      const body: EventsV1Event = {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name: eventName, namespace },
        eventTime: new V1MicroTime(now),
        reportingController: REPORTING_CONTROLLER,
        reportingInstance: options.instance,
        action: event.action,
        reason: event.reason,
        note,
        type: event.type,
        regarding: {
          apiVersion: resource.apiVersion,
          kind: resource.kind,
          namespace,
          name,
          uid,
          resourceVersion: resource.metadata.resourceVersion,
        },
      };
      options.logger.info({ object: `${resource.kind}/${namespace}/${name}`, type: event.type, reason: event.reason }, note);
      enqueue('create an Event', () => options.api.createEvent(namespace, body));
      // Forget old series so the map does not grow without bound.
      for (const [k, state] of series) if (now - state.lastSeen > windowMs && state.timer === undefined) series.delete(k);
    },
    async flush(): Promise<void> {
      for (const state of series.values()) {
        if (state.timer) {
          clearTimeout(state.timer);
          writeSeries(state);
        }
      }
      await queue;
    },
    async close(): Promise<void> {
      await this.flush();
      closed = true;
    },
  };
}
