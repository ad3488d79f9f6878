import type { FaultConfig } from '../types.ts';

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
  | { readonly kind: 'respond'; readonly status: number; readonly contentType: string; readonly body: string; readonly headers: Readonly<Record<string, string>> };

export const DEFAULT_FAULTS: Readonly<FaultConfig> = {
  latencyMs: 0,
  latencyJitterMs: 0,
  errorRate: 0,
  errorStatuses: [500, 502, 503],
  rateLimit: null,
  dropRate: 0,
  down: false,
  downMode: 'status',
  writeMsPerObject: 0,
  readMsPerObject: 0,
  workers: 3,
};

const PROXY_TITLES: Readonly<Record<number, string>> = {
  502: '502 Bad Gateway',
  503: '503 Service Temporarily Unavailable',
  504: '504 Gateway Time-out',
};

/** Decides, request by request, whether and how to fail instead of answering. */
export class FaultInjector {
  readonly injected = { errors: 0, rateLimited: 0, dropped: 0, down: 0 };
  private config: FaultConfig;
  private requestCount = 0;
  private burstLeft = 0;
  private nextError = 0;

  constructor(
    initial: Partial<FaultConfig>,
    private readonly netboxVersion: string,
  ) {
    this.config = { ...DEFAULT_FAULTS, errorStatuses: [...DEFAULT_FAULTS.errorStatuses] };
    this.update(initial);
  }

  current(): FaultConfig {
    return { ...this.config, errorStatuses: [...this.config.errorStatuses], rateLimit: this.config.rateLimit ? { ...this.config.rateLimit } : null };
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
    if (!Array.isArray(next.errorStatuses) || next.errorStatuses.length === 0 || !next.errorStatuses.every((s) => Number.isInteger(s) && s >= 400 && s <= 599)) {
      throw new FaultConfigError('errorStatuses must be a non-empty list of HTTP error statuses (400-599)', 'errorStatuses');
    }
    if (typeof next.down !== 'boolean') throw new FaultConfigError('down must be true or false', 'down');
    if (next.downMode !== 'status' && next.downMode !== 'drop') throw new FaultConfigError("downMode must be 'status' or 'drop'", 'downMode');
    const limit = next.rateLimit;
    if (limit !== null) {
      if (typeof limit !== 'object' || !isWhole(limit.every) || !isWhole(limit.burst) || !isNonNegative(limit.retryAfterSeconds)) {
        throw new FaultConfigError('rateLimit must be null or {every: N >= 1, burst: N >= 1, retryAfterSeconds: N >= 0}', 'rateLimit');
      }
    }
    if (partial.rateLimit !== undefined) {
      this.requestCount = 0;
      this.burstLeft = 0;
    }
    this.config = { ...next, errorStatuses: [...next.errorStatuses] };
  }

  resetCounters(): void {
    this.injected.errors = 0;
    this.injected.rateLimited = 0;
    this.injected.dropped = 0;
    this.injected.down = 0;
  }

  /** Extra latency for this request: the fixed part plus random jitter. */
  latencyMs(): number {
    const { latencyMs, latencyJitterMs } = this.config;
    return latencyMs + (latencyJitterMs > 0 ? Math.random() * latencyJitterMs : 0);
  }

  decide(): FaultDecision {
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
    if (config.errorRate > 0 && Math.random() < config.errorRate) {
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

function isNonNegative(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isWhole(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1;
}
