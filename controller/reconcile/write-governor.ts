/**
 * How big a bulk write may be, how long it may take and how many may be in flight. A real
 * NetBox 4.5 worker writes a device type in about 15 ms, a module type in 13 ms and a template
 * in 5–8 ms, plus about 40 ms per request; requests beyond its gunicorn workers wait in a queue,
 * and that wait counts against the client's timeout. So chunks are sized from the time per
 * object measured on this NetBox (aiming at a few seconds a request), every write gets a
 * timeout that grows with its chunk, and at most `concurrency` writes are in flight — one fewer
 * after a write timed out, one more again after a few writes in their expected time (a lost
 * answer or a burst of load elsewhere must not slow the rest of a long import for good).
 */

/** Knobs of the governor; defaults in {@link DEFAULT_WRITE_TUNING}. */
export interface WriteTuning {
  /** Largest chunk, whatever the measurements say (NETBOX_WRITE_CHUNK). */
  readonly maxChunk: number;
  /** Writes in flight at most (NETBOX_WRITE_CONCURRENCY); keep it below NetBox's worker count. */
  readonly concurrency: number;
  /** How long one write request should take, in ms: chunks are sized for it. */
  readonly targetRequestMs: number;
  /** The timeout of a request that writes nothing (NETBOX_TIMEOUT); a chunk's timeout adds its expected time. */
  readonly baseTimeoutMs: number;
}

export const DEFAULT_WRITE_TUNING: WriteTuning = {
  maxChunk: 500,
  concurrency: 2,
  targetRequestMs: 3_000,
  baseTimeoutMs: 30_000,
};

/** Milliseconds per object on one NetBox 4.5.10 gunicorn worker, measured with bulk writes against a real NetBox. */
const PRIOR_MS_PER_OBJECT: Readonly<Record<string, number>> = {
  'device-types': 15,
  'module-types': 13,
  manufacturers: 10,
  tags: 10,
};
/** Templates: 5–8 ms each; the upper end, so that the first chunks are not too big. */
const TEMPLATE_MS_PER_OBJECT = 8;
/** What a request costs NetBox beyond its objects (auth, routing, the response). */
const REQUEST_OVERHEAD_MS = 40;
/** A chunk may take this many times its expected time before it times out. */
const TIMEOUT_MARGIN = 4;
/** Weight of a new measurement in the running estimate. */
const SMOOTHING = 0.3;
/** Writes in their expected time (at most twice the estimate) after which one more may be in flight again. */
const RECOVERY_WRITES = 5;

/** What the governor has learnt, for step outputs and benchmarks. */
export interface GovernorState {
  readonly concurrency: number;
  readonly msPerObject: Readonly<Record<string, number>>;
  readonly chunkSizes: Readonly<Record<string, number>>;
}

/** Sizes chunks, times them out and bounds writes in flight for one apply (shared by its rounds). */
export class WriteGovernor {
  readonly tuning: WriteTuning;
  readonly #msPerObject = new Map<string, number>();
  #concurrency: number;
  /** Writes in their expected time since the last slow-down or recovery step. */
  #onTime = 0;

  constructor(tuning: Partial<WriteTuning> = {}) {
    this.tuning = { ...DEFAULT_WRITE_TUNING, ...definedOnly(tuning) };
    this.#concurrency = Math.max(1, Math.floor(this.tuning.concurrency));
  }

  /** Writes allowed in flight now. */
  get concurrency(): number {
    return this.#concurrency;
  }

  /** Objects per request for an endpoint: as many as fit the target time, within 1..maxChunk. */
  chunkSize(endpoint: string): number {
    const fit = Math.floor((this.tuning.targetRequestMs - REQUEST_OVERHEAD_MS) / this.#estimate(endpoint));
    return Math.max(1, Math.min(this.tuning.maxChunk, fit));
  }

  /** The timeout of a write of `count` objects: the base timeout plus a margin over its expected time. */
  timeoutMs(endpoint: string, count: number): number {
    return Math.round(this.tuning.baseTimeoutMs + TIMEOUT_MARGIN * (REQUEST_OVERHEAD_MS + count * this.#estimate(endpoint)));
  }

  /** Learns from a write that succeeded. */
  observe(endpoint: string, count: number, durationMs: number): void {
    if (count <= 0) return;
    const sample = Math.max(0.1, (durationMs - REQUEST_OVERHEAD_MS) / count);
    const before = this.#estimate(endpoint);
    this.#msPerObject.set(endpoint, before + SMOOTHING * (sample - before));
    this.#recover(durationMs <= 2 * (REQUEST_OVERHEAD_MS + count * before));
  }

  /** One more write in flight (up to the configured number) after {@link RECOVERY_WRITES} writes in their expected time. */
  #recover(onTime: boolean): void {
    if (this.#concurrency >= this.tuning.concurrency) return;
    this.#onTime = onTime ? this.#onTime + 1 : 0;
    if (this.#onTime < RECOVERY_WRITES) return;
    this.#concurrency += 1;
    this.#onTime = 0;
  }

  /**
   * A write timed out (or its connection broke): NetBox is slower than thought or busier than
   * its workers allow. Halve the chunk (double the estimate) and keep one write fewer in flight.
   */
  slowDown(endpoint: string): void {
    this.#msPerObject.set(endpoint, this.#estimate(endpoint) * 2);
    this.#concurrency = Math.max(1, this.#concurrency - 1);
    this.#onTime = 0;
  }

  state(): GovernorState {
    const msPerObject: Record<string, number> = {};
    const chunkSizes: Record<string, number> = {};
    for (const [endpoint, ms] of this.#msPerObject) {
      msPerObject[endpoint] = Math.round(ms * 100) / 100;
      chunkSizes[endpoint] = this.chunkSize(endpoint);
    }
    return { concurrency: this.#concurrency, msPerObject, chunkSizes };
  }

  #estimate(endpoint: string): number {
    return this.#msPerObject.get(endpoint) ?? PRIOR_MS_PER_OBJECT[endpoint] ?? TEMPLATE_MS_PER_OBJECT;
  }
}

function definedOnly(tuning: Partial<WriteTuning>): Partial<WriteTuning> {
  return Object.fromEntries(Object.entries(tuning).filter(([, v]) => v !== undefined && Number.isFinite(v) && v > 0));
}
