/** One HTTP attempt, reported to `onRequest` (for the metrics of a later issue). */
export interface RequestEvent {
  readonly method: string;
  /** Path template, e.g. `/api/dcim/interface-templates/` or `/api/dcim/device-types/{id}/`. */
  readonly endpoint: string;
  /** HTTP status, or `'error'` when NetBox did not answer (connection failure, timeout). */
  readonly status: number | 'error';
  readonly durationMs: number;
  /** 1 for the first try, 2 for the first retry, ... */
  readonly attempt: number;
}

/** Counters of one method + endpoint. */
export interface RequestStats {
  readonly method: string;
  readonly endpoint: string;
  /** HTTP attempts sent (retries included). */
  readonly requests: number;
  /** Attempts that failed (non-2xx or no answer). */
  readonly failures: number;
  /** Calls refused by the open circuit breaker without reaching NetBox. */
  readonly shortCircuited: number;
  readonly totalDurationMs: number;
}

type MutableStats = { -readonly [K in keyof RequestStats]: RequestStats[K] };

/** Per method+endpoint counters kept by the client. */
export class StatsRecorder {
  readonly #entries = new Map<string, MutableStats>();
  #total = 0;

  record(event: RequestEvent): void {
    const entry = this.#entry(event.method, event.endpoint);
    entry.requests += 1;
    entry.totalDurationMs += event.durationMs;
    if (event.status === 'error' || event.status >= 400) entry.failures += 1;
    this.#total += 1;
  }

  recordShortCircuit(method: string, endpoint: string): void {
    this.#entry(method, endpoint).shortCircuited += 1;
  }

  total(): number {
    return this.#total;
  }

  snapshot(): RequestStats[] {
    return [...this.#entries.values()].map((e) => ({ ...e }));
  }

  #entry(method: string, endpoint: string): MutableStats {
    const key = `${method} ${endpoint}`;
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { method, endpoint, requests: 0, failures: 0, shortCircuited: 0, totalDurationMs: 0 };
      this.#entries.set(key, entry);
    }
    return entry;
  }
}
