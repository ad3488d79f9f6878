// Delivers the events of each process in commit order, whatever order Redis brought them in.
// Events of one process are written by several components (the API or the controller creates
// and cancels, a worker runs, another worker resumes), each publishing after its own commit on
// its own connection, so one process's events can cross on their way. Each event carries its
// sequence number (event-log.ts); this subscriber holds an event that arrives early, waits a
// moment for the ones before it, and reads them from `process_events` if they do not come.
import type { AppConfig } from '../config/index.ts';
import type { Pool } from '../db/index.ts';
import type { Logger } from '../logging/index.ts';
import { readDatabaseClock, selectEvents } from '../store/index.ts';
import { eventsChannel, isWorkflowEvent, subscribeChannel } from './events.ts';
import type { WorkflowEvent } from './types.ts';

export interface OrderedEventsOptions {
  readonly redis: AppConfig['redis'];
  /** The database the events are recorded in (gaps are filled from it). */
  readonly pool: Pool;
  /** The workflow queue whose events to follow; default netbox-gitops. */
  readonly queueName?: string;
  readonly logger?: Logger;
  /** How long an early event waits for the ones before it before they are read from Postgres; default 100 ms. */
  readonly gapWaitMs?: number;
  /**
   * For a process this subscriber has not seen yet, events recorded up to this long before the
   * first one it receives (and after the subscription started) count as missed and are
   * delivered first; older ones are history, not news. Default 60 s.
   */
  readonly lookbackMs?: number;
  /** A process with no event for this long is forgotten (memory stays bounded); default 10 min. */
  readonly idleMs?: number;
}

interface ProcessTrack {
  /** The next sequence number to deliver; undefined until the first delivery. */
  next: number | undefined;
  readonly held: Map<number, WorkflowEvent>;
  timer: NodeJS.Timeout | undefined;
  filling: boolean;
  lastEventAt: number;
}

/** A subscription that delivers each process's events in commit order. */
export interface OrderedEventStream {
  /** Feeds one event as if it came from Redis (the subscription calls this; tests may too). */
  receive(event: WorkflowEvent): void;
  /** Reads events recorded since `since` and delivers those not delivered yet (after a lost subscription). */
  catchUp(since: Date): Promise<void>;
  /** Processes tracked now (for tests and metrics). */
  tracked(): number;
  close(): void;
}

/**
 * The ordering core of {@link subscribeOrderedEvents}, without the Redis subscription. Calls
 * `deliver` synchronously, for each process in `seq` order, each event once.
 *
 * Rules per process: the event numbered `next` is delivered at once, with any held successors;
 * a lower number is a duplicate and dropped; a higher one is held, and after `gapWaitMs` the
 * missing numbers are read from Postgres (an event with number n is only published after
 * everything before it was committed, so they are there). If Postgres cannot be read or has
 * nothing either, the held events are delivered with the gap (the numbers show it).
 */
export function createOrderedEventStream(
  options: Omit<OrderedEventsOptions, 'redis' | 'queueName'> & { readonly since: Date },
  deliver: (event: WorkflowEvent) => void,
): OrderedEventStream {
  const gapWaitMs = options.gapWaitMs ?? 100;
  const lookbackMs = options.lookbackMs ?? 60_000;
  const idleMs = options.idleMs ?? 600_000;
  const tracks = new Map<string, ProcessTrack>();
  let closed = false;
  let readFailing = false;

  const sweep = setInterval(
    () => {
      const cutoff = Date.now() - idleMs;
      for (const [id, track] of tracks) if (track.held.size === 0 && !track.filling && track.lastEventAt < cutoff) tracks.delete(id);
    },
    Math.max(1_000, Math.min(idleMs, 60_000)),
  );
  sweep.unref();

  function drain(track: ProcessTrack): void {
    if (track.next === undefined) return;
    for (let event = track.held.get(track.next); event !== undefined; event = track.held.get(track.next)) {
      track.held.delete(track.next);
      track.next += 1;
      emit(event);
    }
  }

  function emit(event: WorkflowEvent): void {
    if (closed) return;
    deliver(event);
  }

  /** Delivers everything held in order, accepting the gaps (nothing more can be found). */
  function flush(track: ProcessTrack): void {
    const seqs = [...track.held.keys()].sort((a, b) => a - b);
    for (const seq of seqs) {
      const event = track.held.get(seq) as WorkflowEvent;
      track.held.delete(seq);
      track.next = seq + 1;
      emit(event);
    }
  }

  function schedule(processId: string, track: ProcessTrack): void {
    if (track.timer || track.filling) return;
    track.timer = setTimeout(() => {
      track.timer = undefined;
      void fill(processId, track);
    }, gapWaitMs);
  }

  async function fill(processId: string, track: ProcessTrack): Promise<void> {
    if (track.held.size === 0 || closed) return;
    track.filling = true;
    try {
      const seqs = [...track.held.keys()];
      const firstEvent = track.held.get(Math.min(...seqs)) as WorkflowEvent;
      const last = Math.max(...seqs);
      const from = track.next ?? 1;
      let since: Date | undefined;
      if (track.next === undefined) {
        // Not seen before: what was recorded shortly before (and since we listen) was missed.
        since = new Date(Math.max(options.since.getTime(), new Date(firstEvent.at).getTime() - lookbackMs));
      }
      const missing = await selectEvents(options.pool, { processId, afterSeq: from - 1, beforeSeq: last, ...(since ? { since } : {}) });
      if (readFailing) {
        readFailing = false;
        options.logger?.info('reading missed workflow events from Postgres works again');
      }
      for (const event of missing) if (track.next === undefined || event.seq >= track.next) track.held.set(event.seq, event);
      if (track.next === undefined) track.next = Math.min(...track.held.keys());
      drain(track);
      // Still a hole: the events are gone (process deleted) or were never recorded; go on without them.
      if (track.held.size > 0) flush(track);
    } catch (error) {
      if (!readFailing) {
        readFailing = true;
        options.logger?.warn({ err: error }, 'could not read missed workflow events from Postgres; delivering events with gaps in seq until it answers');
      }
      flush(track);
    } finally {
      track.filling = false;
      // Events that arrived while reading: deliver what follows on, hold the rest again.
      drain(track);
      if (track.held.size > 0) schedule(processId, track);
    }
  }

  function receive(event: WorkflowEvent): void {
    if (closed) return;
    const processId = event.processId;
    // An event without a number (an older publisher during an upgrade) cannot be ordered.
    if (processId === undefined || typeof event.seq !== 'number') {
      emit(event);
      return;
    }
    let track = tracks.get(processId);
    if (!track) {
      track = { next: event.seq === 1 ? 1 : undefined, held: new Map(), timer: undefined, filling: false, lastEventAt: Date.now() };
      tracks.set(processId, track);
    }
    track.lastEventAt = Date.now();
    if (track.next !== undefined && event.seq < track.next) return;
    track.held.set(event.seq, event);
    if (track.filling) return;
    drain(track);
    if (track.held.size > 0) schedule(processId, track);
  }

  return {
    receive,
    async catchUp(since: Date): Promise<void> {
      // Oldest first; processes not tracked yet start where the read starts.
      const events = await selectEvents(options.pool, { since, limit: 10_000 });
      for (const event of events) {
        const processId = event.processId as string;
        if (!tracks.has(processId)) tracks.set(processId, { next: event.seq, held: new Map(), timer: undefined, filling: false, lastEventAt: Date.now() });
        receive(event);
      }
    },
    tracked: () => tracks.size,
    close(): void {
      closed = true;
      clearInterval(sweep);
      for (const track of tracks.values()) if (track.timer) clearTimeout(track.timer);
      tracks.clear();
    },
  };
}

/**
 * Subscribes to a queue's events (Redis pub/sub) and calls `handler` with each process's events
 * in commit order, numbered 1, 2, 3... (`seq`), each once: events that arrive early wait for
 * the ones before them, which are read from Postgres when Redis does not bring them within
 * `gapWaitMs`. After a lost Redis connection, the events recorded meanwhile are read from
 * Postgres and delivered. Resolves once subscribed; the returned function unsubscribes.
 */
export async function subscribeOrderedEvents(options: OrderedEventsOptions, handler: (event: WorkflowEvent) => void): Promise<() => Promise<void>> {
  const since = await readDatabaseClock(options.pool);
  let lastAt = since;
  const stream = createOrderedEventStream({ ...options, since }, (event) => {
    const at = new Date(event.at);
    if (at > lastAt) lastAt = at;
    handler(event);
  });
  let closed = false;
  const unsubscribe = await subscribeChannel(
    options.redis,
    eventsChannel(options.queueName),
    (message) => {
      if (isWorkflowEvent(message)) stream.receive(message);
    },
    {
      ...(options.logger ? { logger: options.logger } : {}),
      onResubscribed: () => {
        // Events published while the connection was down are lost on Redis but recorded in
        // Postgres. Read from a little before the last one delivered: duplicates are dropped.
        const from = new Date(lastAt.getTime() - 5_000);
        options.logger?.info({ from: from.toISOString() }, 'event subscription restored; reading the events recorded meanwhile');
        setTimeout(() => {
          if (closed) return;
          stream
            .catchUp(from)
            .catch((error: unknown) => options.logger?.warn({ err: error }, 'could not read the events recorded while the event subscription was down'));
        }, 200).unref();
      },
    },
  );
  return async () => {
    closed = true;
    stream.close();
    await unsubscribe();
  };
}
