import type { CommitThenTimeout, FaultConfig, RequestSelector } from '../types.ts';

/** A fault setting that cannot be applied; the message says which and why. */
export class FaultConfigError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'FaultConfigError';
  }
}

export type FaultDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'drop' }
  | {
      readonly kind: 'respond';
      readonly status: number;
      readonly contentType: string;
      readonly body: string;
      readonly headers: Readonly<Record<string, string>>;
    };

export const DEFAULT_FAULTS: Readonly<FaultConfig> = {
  latencyMs: 0,
  latencyJitterMs: 0,
  errorRate: 0,
  errorStatuses: [500, 502, 503],
  errorOn: null,
  rateLimit: null,
  dropRate: 0,
  down: false,
  downMode: 'status',
  downForMs: null,
  writeMsPerObject: 0,
  readMsPerObject: 0,
  workers: 3,
  writeCostFactors: { 'device-types': 2.5, 'module-types': 2 },
  commitThenTimeout: null,
};

const PROXY_TITLES: Readonly<Record<number, string>> = {
  502: '502 Bad Gateway',
  503: '503 Service Temporarily Unavailable',
  504: '504 Gateway Time-out',
};

/** Decides, request by request, whether and how to fail instead of answering. */
export class FaultInjector {
  readonly injected = { errors: 0, rateLimited: 0, dropped: 0, down: 0, committedThenTimedOut: 0 };
  private config: FaultConfig;
  private requestCount = 0;
  private burstLeft = 0;
  private nextError = 0;
  /** When the outage set by `downForMs` ends (epoch ms), or null. */
  private downUntil: number | null = null;

  constructor(
    initial: Partial<FaultConfig>,
    private readonly netboxVersion: string,
  ) {
    this.config = { ...DEFAULT_FAULTS, errorStatuses: [...DEFAULT_FAULTS.errorStatuses] };
    this.update(initial);
  }

  current(): FaultConfig {
    this.endOutage();
    return {
      ...this.config,
      downForMs: this.downUntil === null ? null : Math.max(0, this.downUntil - Date.now()),
      errorStatuses: [...this.config.errorStatuses],
      rateLimit: this.config.rateLimit ? { ...this.config.rateLimit } : null,
      writeCostFactors: { ...this.config.writeCostFactors },
      commitThenTimeout: this.config.commitThenTimeout ? { ...this.config.commitThenTimeout } : null,
      errorOn: this.config.errorOn ? { ...this.config.errorOn } : null,
    };
  }

  /** Applies a partial change after checking every value; nothing changes if one is invalid. */
  update(partial: Partial<FaultConfig>): void {
    const next: FaultConfig = { ...this.config, ...partial };
    for (const field of ['latencyMs', 'latencyJitterMs', 'writeMsPerObject', 'readMsPerObject'] as const) {
      if (!isNonNegative(next[field])) throw new FaultConfigError(`${field} must be a number of milliseconds (0 or more)`, field);
    }
    for (const field of ['errorRate', 'dropRate'] as const) {
      if (!isNonNegative(next[field]) || next[field] > 1) throw new FaultConfigError(`${field} must be a share between 0 and 1`, field);
    }
    if (!Number.isInteger(next.workers) || next.workers < 1) throw new FaultConfigError('workers must be a whole number, 1 or more', 'workers');
    if (
      !Array.isArray(next.errorStatuses) ||
      next.errorStatuses.length === 0 ||
      !next.errorStatuses.every((s) => Number.isInteger(s) && s >= 400 && s <= 599)
    ) {
      throw new FaultConfigError('errorStatuses must be a non-empty list of HTTP error statuses (400-599)', 'errorStatuses');
    }
    if (typeof next.down !== 'boolean') throw new FaultConfigError('down must be true or false', 'down');
    if (next.downForMs !== null && (!isNonNegative(next.downForMs) || next.downForMs === 0)) {
      throw new FaultConfigError('downForMs must be null or a number of milliseconds (more than 0)', 'downForMs');
    }
    if (next.downMode !== 'status' && next.downMode !== 'drop') throw new FaultConfigError("downMode must be 'status' or 'drop'", 'downMode');
    const limit = next.rateLimit;
    if (limit !== null) {
      if (typeof limit !== 'object' || !isWhole(limit.every) || !isWhole(limit.burst) || !isNonNegative(limit.retryAfterSeconds)) {
        throw new FaultConfigError('rateLimit must be null or {every: N >= 1, burst: N >= 1, retryAfterSeconds: N >= 0}', 'rateLimit');
      }
    }
    const factors = next.writeCostFactors;
    if (factors === null || typeof factors !== 'object' || Array.isArray(factors) || !Object.values(factors).every(isNonNegative)) {
      throw new FaultConfigError('writeCostFactors must map endpoint names to factors (0 or more), e.g. {"device-types": 2.5}', 'writeCostFactors');
    }
    const late = next.commitThenTimeout;
    if (late !== null) {
      const max = late?.max ?? null;
      const after = late?.answerAfterMs ?? null;
      const endpoints = late?.endpoints ?? null;
      if (
        typeof late !== 'object' ||
        !isNonNegative(late.rate) ||
        late.rate > 1 ||
        (max !== null && !isWhole(max)) ||
        (after !== null && !isNonNegative(after)) ||
        (endpoints !== null && !isStringList(endpoints))
      ) {
        throw new FaultConfigError(
          'commitThenTimeout must be null or {rate: 0..1, max: N >= 1 or null, answerAfterMs: ms or null (never), endpoints: [names] or null}',
          'commitThenTimeout',
        );
      }
      next.commitThenTimeout = { rate: late.rate, max, answerAfterMs: after, endpoints: endpoints ? [...endpoints] : null };
    }
    const on = next.errorOn;
    if (
      on !== null &&
      (typeof on !== 'object' || (on.methods !== undefined && !isStringList(on.methods)) || (on.endpoints !== undefined && !isStringList(on.endpoints)))
    ) {
      throw new FaultConfigError('errorOn must be null or {methods?: ["POST", ...], endpoints?: ["device-types", ...]}', 'errorOn');
    }
    if (partial.rateLimit !== undefined) {
      this.requestCount = 0;
      this.burstLeft = 0;
    }
    if (typeof partial.downForMs === 'number') {
      this.downUntil = Date.now() + partial.downForMs;
      next.down = true;
    } else if (partial.down !== undefined || partial.downForMs === null) {
      this.downUntil = null;
    }
    this.config = { ...next, downForMs: null, errorStatuses: [...next.errorStatuses], writeCostFactors: { ...next.writeCostFactors } };
  }

  /** Ends an outage set by `downForMs` once its time is up. */
  private endOutage(): void {
    if (this.downUntil !== null && Date.now() >= this.downUntil) {
      this.downUntil = null;
      this.config = { ...this.config, down: false };
    }
  }

  /** The cost-model factor of writes to one endpoint (1 when not listed). */
  writeFactor(endpoint: string): number {
    return this.config.writeCostFactors[endpoint] ?? 1;
  }

  /**
   * For a write NetBox has just committed: whether its answer must come late (the delay in ms,
   * or null for never), or undefined to answer now. Counts the fault and spends `max`.
   */
  lateAnswer(endpoint: string): { readonly afterMs: number | null } | undefined {
    const fault: CommitThenTimeout | null = this.config.commitThenTimeout;
    if (!fault || fault.rate <= 0 || (fault.endpoints && !fault.endpoints.includes(endpoint))) return undefined;
    if (fault.rate < 1 && Math.random() >= fault.rate) return undefined;
    this.injected.committedThenTimedOut += 1;
    if (typeof fault.max === 'number') {
      const left = fault.max - 1;
      this.config = { ...this.config, commitThenTimeout: left > 0 ? { ...fault, max: left } : null };
    }
    return { afterMs: fault.answerAfterMs ?? null };
  }

  resetCounters(): void {
    this.injected.errors = 0;
    this.injected.rateLimited = 0;
    this.injected.dropped = 0;
    this.injected.down = 0;
    this.injected.committedThenTimedOut = 0;
  }

  /** Extra latency for this request: the fixed part plus random jitter. */
  latencyMs(): number {
    const { latencyMs, latencyJitterMs } = this.config;
    return latencyMs + (latencyJitterMs > 0 ? Math.random() * latencyJitterMs : 0);
  }

  decide(request: { readonly method: string; readonly endpoint: string }): FaultDecision {
    this.endOutage();
    const config = this.config;
    if (config.down) {
      this.injected.down += 1;
      return config.downMode === 'drop' ? { kind: 'drop' } : this.errorResponse(503);
    }
    if (config.dropRate > 0 && Math.random() < config.dropRate) {
      this.injected.dropped += 1;
      return { kind: 'drop' };
    }
    if (config.rateLimit) {
      if (this.burstLeft > 0) {
        this.burstLeft -= 1;
        return this.throttled(config.rateLimit.retryAfterSeconds);
      }
      this.requestCount += 1;
      if (this.requestCount % config.rateLimit.every === 0) {
        this.burstLeft = config.rateLimit.burst - 1;
        return this.throttled(config.rateLimit.retryAfterSeconds);
      }
    }
    if (config.errorRate > 0 && selects(config.errorOn, request) && Math.random() < config.errorRate) {
      this.injected.errors += 1;
      const status = config.errorStatuses[this.nextError % config.errorStatuses.length] ?? 500;
      this.nextError += 1;
      return this.errorResponse(status);
    }
    return { kind: 'none' };
  }

  private throttled(seconds: number): FaultDecision {
    this.injected.rateLimited += 1;
    const wait = Math.ceil(seconds);
    return {
      kind: 'respond',
      status: 429,
      contentType: 'application/json',
      body: JSON.stringify({ detail: `Request was throttled. Expected available in ${wait} second${wait === 1 ? '' : 's'}.` }),
      headers: { 'retry-after': String(wait) },
    };
  }

  /** What a failing NetBox (500) or its reverse proxy (502-504) sends back. */
  private errorResponse(status: number): FaultDecision {
    const title = PROXY_TITLES[status];
    if (title) {
      return {
        kind: 'respond',
        status,
        contentType: 'text/html',
        body: `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
        headers: {},
      };
    }
    const body =
      status === 500
        ? { error: 'Injected fault (NetBox emulator)', exception: 'InjectedFault', netbox_version: this.netboxVersion, python_version: '3.13.0' }
        : { detail: 'Injected fault (NetBox emulator)' };
    return { kind: 'respond', status, contentType: 'application/json', body: JSON.stringify(body), headers: {} };
  }
}

function selects(selector: RequestSelector | null, request: { readonly method: string; readonly endpoint: string }): boolean {
  if (!selector) return true;
  return (!selector.methods || selector.methods.includes(request.method)) && (!selector.endpoints || selector.endpoints.includes(request.endpoint));
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isNonNegative(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isWhole(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1;
}
