import { performance } from 'node:perf_hooks';
import pLimit from 'p-limit';
import type { LimitFunction } from 'p-limit';
import { Blob } from 'node:buffer';
import { FormData } from 'undici';
import type { Secret } from '../config/index.ts';
import { ConfigurationError } from '../errors/index.ts';
import type { Logger } from '../logging/index.ts';
import { runAllBounded, runBounded } from './concurrency.ts';
import { BRIEF_FIELDS, listPath, objectPath, objectPathTemplate } from './endpoints.ts';
import { BulkWriteError, CircuitOpenError, FrontPortMappingError, NetBoxError, NetBoxVersionError } from './errors.ts';
import { fieldsNeededFor, refuseUnsupportedFilters, serverParams, splitFilters, verifyFiltered } from './filters.ts';
import { findLostMappings, toCanonicalFrontPort, toServerFrontPortWrite } from './front-ports.ts';
import { createResilience } from './resilience.ts';
import type { BreakerState, Resilience } from './resilience.ts';
import { StatsRecorder } from './stats.ts';
import type { RequestEvent, RequestStats } from './stats.ts';
import { Transport } from './transport.ts';
import type { HttpMethod, HttpRequest, HttpResponse } from './transport.ts';
import { parseVersion, supportsDynamicFields, usesFrontPortMappings } from './version.ts';
import type {
  DeviceType,
  Endpoint,
  Filters,
  ImageFile,
  ListOptions,
  NetBoxVersion,
  PartialShape,
  ReadShape,
  UpdateShape,
  WriteOptions,
  WriteShape,
} from './types.ts';

/** Options of {@link createNetBoxClient}; the defaults match the NETBOX_* settings of controller/config. */
export interface NetBoxClientOptions {
  /** NetBox's base URL, e.g. `https://netbox.example.com` (a trailing `/api` is tolerated). */
  readonly url: string;
  /** v1 key (sent as `Token <key>`) or v2 `nbt_<key>.<secret>` token (sent as `Bearer ...`). */
  readonly token: Secret;
  /** Verify NetBox's TLS certificate (default true). */
  readonly verifySsl?: boolean;
  /** Per-attempt timeout for headers and body, in ms (default 30 000). */
  readonly timeoutMs?: number;
  /** Objects per list page; NetBox caps it at MAX_PAGE_SIZE (default 1000). */
  readonly pageSize?: number;
  /** Objects per bulk write request (default 500). */
  readonly writeChunk?: number;
  /** Requests in flight at once, across all calls of this client (default 4). */
  readonly concurrency?: number;
  /** Retries after the first attempt for transient failures (default 5). */
  readonly maxRetries?: number;
  /** First backoff delay in ms; later ones grow exponentially with jitter (default 250). */
  readonly retryBaseMs?: number;
  /** Largest backoff delay in ms (default 10 000). */
  readonly retryMaxDelayMs?: number;
  /** Cap on a server's Retry-After in ms (default 60 000). */
  readonly maxRetryAfterMs?: number;
  /** Circuit breaker: opens after `threshold` consecutive failures, probes after `halfOpenAfterMs` (default 5 failures, 5 s). */
  readonly breaker?: { readonly threshold: number; readonly halfOpenAfterMs: number };
  /**
   * How long each call may wait for an unreachable NetBox to come back (default 0: fail at once
   * with CircuitOpenError once the breaker opens). With a budget, a call sleeps until the
   * breaker's half-open probe is due and tries again, and fails only when the budget is spent
   * (CircuitOpenError saying how long it waited, or the last NetBoxError). The CLI's
   * `--wait-for-netbox` sets it; workers use a short one and wait as a process (`waiting`).
   */
  readonly waitForNetBoxMs?: number;
  /** Longest request URL; list filters with long id lists are split to stay under it (default 4000). */
  readonly maxUrlLength?: number;
  /**
   * The server's version, when `/api/status/` must not be asked (restricted, or tests); normally
   * the client reads it from `/api/status/` once.
   */
  readonly serverVersion?: string;
  readonly logger?: Logger;
  /** Called after every HTTP attempt. */
  readonly onRequest?: (event: RequestEvent) => void;
  readonly onBreakerStateChange?: (state: BreakerState) => void;
  /** Aborts every request of this client (in flight and retries). */
  readonly signal?: AbortSignal;
}

/** Typed, version-aware access to the NetBox endpoints netbox-gitops uses. */
export interface NetBoxClient {
  /** The base URL, without credentials. */
  readonly url: string;
  /** The server's version (cached); decides filter names and the front-port shape. */
  status(): Promise<NetBoxVersion>;
  /**
   * All objects of an endpoint that match the filters (canonical names such as `device_type_id`),
   * read page by page with several pages in flight. Every returned object is checked against
   * the filters; a server that ignored one makes this throw FilterIgnoredError.
   */
  list<E extends Endpoint>(endpoint: E, filters?: Filters): Promise<ReadShape<E>[]>;
  list<E extends Endpoint>(endpoint: E, filters: Filters | undefined, options: ListOptions): Promise<PartialShape<E>[]>;
  get<E extends Endpoint>(endpoint: E, id: number): Promise<ReadShape<E>>;
  create<E extends Endpoint>(endpoint: E, item: WriteShape<E>): Promise<ReadShape<E>>;
  update<E extends Endpoint>(endpoint: E, id: number, patch: Partial<WriteShape<E>>): Promise<ReadShape<E>>;
  delete(endpoint: Endpoint, id: number): Promise<void>;
  /**
   * POSTs the items as JSON lists in chunks; results in input order. Throws BulkWriteError for a
   * chunk that failed; when its `outcomeUnknown` is set (timeout, lost connection, 5xx) NetBox may
   * have written it anyway, and the client did not send it again.
   */
  bulkCreate<E extends Endpoint>(endpoint: E, items: readonly WriteShape<E>[], options?: WriteOptions): Promise<ReadShape<E>[]>;
  /** PATCHes `{id, ...}` items in chunks; results in input order. */
  bulkUpdate<E extends Endpoint>(endpoint: E, items: readonly UpdateShape<E>[], options?: WriteOptions): Promise<ReadShape<E>[]>;
  /** DELETEs `{id}` lists in chunks. */
  bulkDelete(endpoint: Endpoint, ids: readonly number[], options?: WriteOptions): Promise<void>;
  /** Uploads front and/or rear images of a device type (multipart PATCH). */
  uploadImage(deviceTypeId: number, images: { readonly front?: ImageFile; readonly rear?: ImageFile }): Promise<DeviceType>;
  /** Downloads a file NetBox serves (e.g. an image URL); the token goes only to NetBox's own origin. */
  download(url: string): Promise<Buffer>;
  breakerState(): BreakerState;
  /** HTTP attempts sent so far (retries included). */
  requestCount(): number;
  stats(): RequestStats[];
  close(): Promise<void>;
}

type Json = Readonly<Record<string, unknown>>;

interface ListPage {
  readonly count: number;
  readonly next: string | null;
  readonly results: Json[];
}

const DEFAULTS = {
  verifySsl: true,
  timeoutMs: 30_000,
  pageSize: 1000,
  writeChunk: 500,
  concurrency: 4,
  maxRetries: 5,
  retryBaseMs: 250,
  retryMaxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
  breaker: { threshold: 5, halfOpenAfterMs: 5_000 },
  maxUrlLength: 4000,
} as const;

/** Room left in a list URL for limit/offset/brief parameters. */
const PAGING_RESERVE = 48;

/** Creates a client for one NetBox. Nothing is sent until the first call. */
export function createNetBoxClient(options: NetBoxClientOptions): NetBoxClient {
  return new HttpNetBoxClient(options);
}

class HttpNetBoxClient implements NetBoxClient {
  readonly url: string;
  readonly #transport: Transport;
  readonly #resilience: Resilience;
  readonly #stats = new StatsRecorder();
  readonly #limit: LimitFunction;
  readonly #options: NetBoxClientOptions;
  readonly #log: Logger | undefined;
  readonly #pageSize: number;
  readonly #writeChunk: number;
  readonly #concurrency: number;
  readonly #maxUrlLength: number;
  #version: Promise<NetBoxVersion> | undefined;

  constructor(options: NetBoxClientOptions) {
    const base = parseBaseUrl(options.url);
    this.url = base.href.replace(/\/$/, '');
    this.#options = options;
    this.#log = options.logger?.child({ component: 'netbox-client' });
    this.#pageSize = positive(options.pageSize, DEFAULTS.pageSize);
    this.#writeChunk = positive(options.writeChunk, DEFAULTS.writeChunk);
    this.#concurrency = positive(options.concurrency, DEFAULTS.concurrency);
    this.#maxUrlLength = positive(options.maxUrlLength, DEFAULTS.maxUrlLength);
    this.#limit = pLimit(this.#concurrency);
    const timeoutMs = positive(options.timeoutMs, DEFAULTS.timeoutMs);
    this.#transport = new Transport({
      baseUrl: base,
      token: options.token,
      verifySsl: options.verifySsl ?? DEFAULTS.verifySsl,
      timeoutMs,
      connections: this.#concurrency,
    });
    const breaker = options.breaker ?? DEFAULTS.breaker;
    this.#resilience = createResilience({
      maxRetries: Math.max(0, options.maxRetries ?? DEFAULTS.maxRetries),
      retryBaseMs: positive(options.retryBaseMs, DEFAULTS.retryBaseMs),
      retryMaxDelayMs: positive(options.retryMaxDelayMs, DEFAULTS.retryMaxDelayMs),
      maxRetryAfterMs: Math.max(0, options.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs),
      breakerThreshold: positive(breaker.threshold, DEFAULTS.breaker.threshold),
      halfOpenAfterMs: Math.max(0, breaker.halfOpenAfterMs),
      waitForRecoveryMs: Math.max(0, options.waitForNetBoxMs ?? 0),
      origin: this.#transport.origin,
      onBreakerStateChange: (state) => {
        if (state === 'open') this.#log?.error({ origin: this.#transport.origin }, 'NetBox circuit breaker opened: failing fast');
        else this.#log?.info({ origin: this.#transport.origin, state }, `NetBox circuit breaker ${state}`);
        options.onBreakerStateChange?.(state);
      },
      onRetry: ({ error, delayMs, attempt }) => {
        const e = error instanceof NetBoxError ? error : undefined;
        this.#log?.warn(
          { method: e?.method, path: e?.path, status: e?.status, attempt, delayMs: Math.round(delayMs), reason: e?.message },
          'NetBox request failed; retrying',
        );
      },
    });
  }

  status(): Promise<NetBoxVersion> {
    this.#version ??= this.#readVersion().catch((error: unknown) => {
      this.#version = undefined;
      throw error;
    });
    return this.#version;
  }

  list<E extends Endpoint>(endpoint: E, filters?: Filters): Promise<ReadShape<E>[]>;
  list<E extends Endpoint>(endpoint: E, filters: Filters | undefined, options: ListOptions): Promise<PartialShape<E>[]>;
  async list<E extends Endpoint>(endpoint: E, filters: Filters = {}, options?: ListOptions): Promise<unknown[]> {
    const version = await this.status();
    const active = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) as Filters;
    refuseUnsupportedFilters(endpoint, active, version);
    // An empty list filter would be dropped from the URL and match everything; it matches nothing.
    if (Object.values(active).some((v) => Array.isArray(v) && v.length === 0)) return [];
    const view = viewParams(endpoint, active, options, version);
    const reserve = PAGING_RESERVE + new URLSearchParams(view).toString().length;
    const parts = splitFilters(endpoint, active, reserve, this.#maxUrlLength);
    const results = await runAllBounded(
      parts.map((part) => () => this.#listPart(endpoint, part, view, version, options?.timeoutMs)),
      this.#concurrency,
    );
    const seen = new Set<number>();
    const out: Json[] = [];
    for (const obj of results.flat()) {
      const id = obj.id;
      if (typeof id === 'number') {
        if (seen.has(id)) continue;
        seen.add(id);
      }
      out.push(endpoint === 'front-port-templates' ? toCanonicalFrontPort(obj) : obj);
    }
    return out;
  }

  async get<E extends Endpoint>(endpoint: E, id: number): Promise<ReadShape<E>> {
    const res = await this.#request({ method: 'GET', path: objectPath(endpoint, id), endpoint: objectPathTemplate(endpoint), expect: 'json' });
    return this.#readBack(endpoint, expectObject(res, 'GET', objectPath(endpoint, id))) as unknown as ReadShape<E>;
  }

  async create<E extends Endpoint>(endpoint: E, item: WriteShape<E>): Promise<ReadShape<E>> {
    const version = await this.status();
    const input = item as unknown as Json;
    const body = this.#toServer(endpoint, input, version);
    const res = await this.#request({ method: 'POST', path: listPath(endpoint), endpoint: listPath(endpoint), json: body, expect: 'json' });
    const back = this.#readBack(endpoint, expectObject(res, 'POST', listPath(endpoint)));
    this.#checkFrontPorts(endpoint, [input], [back], version);
    return back as unknown as ReadShape<E>;
  }

  async update<E extends Endpoint>(endpoint: E, id: number, patch: Partial<WriteShape<E>>): Promise<ReadShape<E>> {
    const version = await this.status();
    const input = patch as unknown as Json;
    const body = this.#toServer(endpoint, input, version);
    const path = objectPath(endpoint, id);
    const res = await this.#request({ method: 'PATCH', path, endpoint: objectPathTemplate(endpoint), json: body, expect: 'json' });
    const back = this.#readBack(endpoint, expectObject(res, 'PATCH', path));
    this.#checkFrontPorts(endpoint, [input], [back], version);
    return back as unknown as ReadShape<E>;
  }

  async delete(endpoint: Endpoint, id: number): Promise<void> {
    await this.#request({ method: 'DELETE', path: objectPath(endpoint, id), endpoint: objectPathTemplate(endpoint), expect: 'json' });
  }

  async bulkCreate<E extends Endpoint>(endpoint: E, items: readonly WriteShape<E>[], options: WriteOptions = {}): Promise<ReadShape<E>[]> {
    return (await this.#bulkWrite(endpoint, 'POST', items as unknown as readonly Json[], options)) as unknown as ReadShape<E>[];
  }

  async bulkUpdate<E extends Endpoint>(endpoint: E, items: readonly UpdateShape<E>[], options: WriteOptions = {}): Promise<ReadShape<E>[]> {
    return (await this.#bulkWrite(endpoint, 'PATCH', items as unknown as readonly Json[], options)) as unknown as ReadShape<E>[];
  }

  async bulkDelete(endpoint: Endpoint, ids: readonly number[], options: WriteOptions = {}): Promise<void> {
    await this.#bulkWrite(
      endpoint,
      'DELETE',
      ids.map((id) => ({ id })),
      options,
    );
  }

  async uploadImage(deviceTypeId: number, images: { readonly front?: ImageFile; readonly rear?: ImageFile }): Promise<DeviceType> {
    const parts = Object.entries({ front_image: images.front, rear_image: images.rear }).filter((e): e is [string, ImageFile] => e[1] !== undefined);
    if (parts.length === 0) return this.get('device-types', deviceTypeId);
    const form = (): FormData => {
      const data = new FormData();
      for (const [field, file] of parts) data.append(field, new Blob([file.data], { type: file.contentType }), file.filename);
      return data;
    };
    const path = objectPath('device-types', deviceTypeId);
    const res = await this.#request({ method: 'PATCH', path, endpoint: objectPathTemplate('device-types'), form, expect: 'json' });
    return expectObject(res, 'PATCH', path) as unknown as DeviceType;
  }

  async download(url: string): Promise<Buffer> {
    const target = new URL(url, `${this.url}/`);
    const res = await this.#request({ method: 'GET', path: target.pathname, url: target, endpoint: '/media/{file}', expect: 'binary' });
    return res.body as Buffer;
  }

  breakerState(): BreakerState {
    return this.#resilience.breakerState();
  }

  requestCount(): number {
    return this.#stats.total();
  }

  stats(): RequestStats[] {
    return this.#stats.snapshot();
  }

  async close(): Promise<void> {
    await this.#transport.close();
  }

  // ------------------------------------------------------------ reads

  async #readVersion(): Promise<NetBoxVersion> {
    if (this.#options.serverVersion !== undefined) {
      const forced = parseVersion(this.#options.serverVersion);
      if (!forced) throw new NetBoxVersionError(`serverVersion "${this.#options.serverVersion}" is not a NetBox version like 4.5.10.`, undefined);
      return forced;
    }
    const res = await this.#request({ method: 'GET', path: '/api/status/', endpoint: '/api/status/', expect: 'json' });
    const text = (res.body as Record<string, unknown> | null)?.['netbox-version'];
    const version = typeof text === 'string' ? parseVersion(text) : undefined;
    if (!version) {
      throw new NetBoxVersionError(
        `NetBox's /api/status/ did not report a "netbox-version" the client can read (got ${JSON.stringify(text ?? null)}). ` +
          'Check that NETBOX_URL points at NetBox, or pass serverVersion.',
        undefined,
      );
    }
    this.#log?.debug({ version: version.version }, 'NetBox version detected');
    return version;
  }

  async #listPart(endpoint: Endpoint, filters: Filters, view: [string, string][], version: NetBoxVersion, timeoutMs: number | undefined): Promise<Json[]> {
    const params = [...serverParams(endpoint, filters, version), ...view];
    const first = await this.#page(endpoint, params, 0, timeoutMs);
    // Checked before the other pages are asked for: an ignored filter must not page through everything.
    verifyFiltered(endpoint, filters, first.results, version);
    const size = first.results.length;
    if (size === 0 || first.next === null || size >= first.count) return first.results;
    const offsets: number[] = [];
    for (let offset = size; offset < first.count; offset += size) offsets.push(offset);
    const pages = await runAllBounded(
      offsets.map((offset) => async () => {
        const page = await this.#page(endpoint, params, offset, timeoutMs);
        verifyFiltered(endpoint, filters, page.results, version);
        return page;
      }),
      this.#concurrency,
    );
    const all = [...first.results, ...pages.flatMap((p) => p.results)];
    // Objects created while paging push the end further out: follow `next` until it runs dry.
    let last = pages.at(-1) ?? first;
    let offset = offsets.at(-1) ?? 0;
    while (last.next !== null && last.results.length > 0) {
      offset += size;
      last = await this.#page(endpoint, params, offset, timeoutMs);
      verifyFiltered(endpoint, filters, last.results, version);
      all.push(...last.results);
    }
    return all;
  }

  async #page(endpoint: Endpoint, params: readonly [string, string][], offset: number, timeoutMs: number | undefined): Promise<ListPage> {
    const query = new URLSearchParams([...params, ['limit', String(this.#pageSize)], ['offset', String(offset)]]).toString();
    const path = `${listPath(endpoint)}?${query}`;
    const res = await this.#request({ method: 'GET', path, endpoint: listPath(endpoint), expect: 'json', ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
    const body = res.body as Partial<ListPage> | null;
    if (!body || typeof body !== 'object' || !Array.isArray(body.results) || typeof body.count !== 'number') {
      throw new NetBoxError({
        method: 'GET',
        path: listPath(endpoint),
        endpoint: listPath(endpoint),
        kind: 'protocol',
        transient: false,
        attempts: 1,
        reason: 'a list without count/results',
      });
    }
    return { count: body.count, next: typeof body.next === 'string' ? body.next : null, results: body.results };
  }

  // ------------------------------------------------------------ writes

  async #bulkWrite(endpoint: Endpoint, method: Exclude<HttpMethod, 'GET'>, items: readonly Json[], options: WriteOptions): Promise<Json[]> {
    if (items.length === 0) return [];
    const version = await this.status();
    // Converted before anything is sent, so an item this version cannot take fails the whole call up front.
    const bodies = method === 'DELETE' ? items : items.map((item) => this.#toServer(endpoint, item, version));
    const chunks: { offset: number; items: readonly Json[] }[] = [];
    for (let offset = 0; offset < bodies.length; offset += this.#writeChunk) {
      chunks.push({ offset, items: bodies.slice(offset, offset + this.#writeChunk) });
    }
    const path = listPath(endpoint);
    const outcomes = await runBounded(
      chunks.map((chunk) => async () => {
        const res = await this.#request({
          method,
          path,
          endpoint: path,
          json: chunk.items,
          expect: 'json',
          ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        });
        if (method === 'DELETE') return [];
        if (!Array.isArray(res.body) || res.body.length !== chunk.items.length) {
          throw new NetBoxError({
            method,
            path,
            endpoint: path,
            kind: 'protocol',
            transient: false,
            attempts: 1,
            reason: `a bulk answer that is not a list of ${chunk.items.length}`,
          });
        }
        return res.body as Json[];
      }),
      this.#concurrency,
    );
    const failedAt = outcomes.findIndex((o) => 'ok' in o && !o.ok);
    if (failedAt !== -1) {
      const failure = outcomes[failedAt] as { ok: false; error: unknown };
      const chunk = chunks[failedAt] as { offset: number; items: readonly Json[] };
      if (!(failure.error instanceof NetBoxError)) throw failure.error;
      const written = chunks
        .filter((_, i) => {
          const o = outcomes[i];
          return o !== undefined && 'ok' in o && o.ok;
        })
        .map((c) => ({ offset: c.offset, count: c.items.length }));
      throw new BulkWriteError(failure.error, { offset: chunk.offset, count: chunk.items.length, total: items.length }, written);
    }
    const results = outcomes.flatMap((o) => ('ok' in o && o.ok ? o.value : [])).map((obj) => this.#readBack(endpoint, obj));
    if (method !== 'DELETE') this.#checkFrontPorts(endpoint, items, results, version);
    return results;
  }

  #toServer(endpoint: Endpoint, item: Json, version: NetBoxVersion): Json {
    return endpoint === 'front-port-templates' ? toServerFrontPortWrite(item, version) : item;
  }

  #readBack(endpoint: Endpoint, obj: Json): Json {
    return endpoint === 'front-port-templates' ? toCanonicalFrontPort(obj) : obj;
  }

  #checkFrontPorts(endpoint: Endpoint, written: readonly Json[], readBack: readonly Json[], version: NetBoxVersion): void {
    if (endpoint !== 'front-port-templates') return;
    const lost = findLostMappings(written, readBack);
    if (lost.length > 0) throw new FrontPortMappingError(version.version, lost);
  }

  // ------------------------------------------------------------ HTTP

  async #request(req: Omit<HttpRequest, 'signal'>): Promise<HttpResponse> {
    const full: HttpRequest = { ...req, signal: this.#options.signal };
    const path = req.url ? req.url.pathname : (req.path.split('?')[0] ?? req.path);
    try {
      return await this.#resilience.run((attempt) => this.#limit(() => this.#attempt(full, attempt)), { method: req.method, path }, this.#options.signal);
    } catch (error) {
      if (error instanceof CircuitOpenError) this.#stats.recordShortCircuit(req.method, req.endpoint);
      throw error;
    }
  }

  async #attempt(req: HttpRequest, attempt: number): Promise<HttpResponse> {
    const started = performance.now();
    let status: number | 'error' = 'error';
    try {
      const res = await this.#transport.send(req, attempt);
      status = res.status;
      return res;
    } catch (error) {
      if (error instanceof NetBoxError && error.status !== undefined) status = error.status;
      throw error;
    } finally {
      const event: RequestEvent = { method: req.method, endpoint: req.endpoint, status, durationMs: performance.now() - started, attempt };
      this.#stats.record(event);
      this.#log?.debug(event, 'NetBox request');
      this.#options.onRequest?.(event);
    }
  }
}

/** Query parameters that choose the form of the objects (brief, dynamic fields, or whole). */
function viewParams(endpoint: Endpoint, filters: Filters, options: ListOptions | undefined, version: NetBoxVersion): [string, string][] {
  const needed = fieldsNeededFor(filters);
  if (options?.fields && options.fields.length > 0) {
    if (!supportsDynamicFields(version)) return [];
    return [['fields', unique([...serverFields(endpoint, options.fields, version), 'id', ...needed]).join(',')]];
  }
  if (options?.brief) {
    const missing = needed.filter((f) => !BRIEF_FIELDS[endpoint].includes(f));
    if (missing.length === 0) return [['brief', '1']];
    // The brief form lacks a field the filter check needs: ask for brief fields plus it, or whole objects.
    if (!supportsDynamicFields(version)) return [];
    return [['fields', unique([...BRIEF_FIELDS[endpoint], ...missing]).join(',')]];
  }
  return [];
}

function serverFields(endpoint: Endpoint, fields: readonly string[], version: NetBoxVersion): string[] {
  if (endpoint !== 'front-port-templates' || usesFrontPortMappings(version)) return [...fields];
  return fields.flatMap((f) => (f === 'rear_ports' ? ['rear_port', 'rear_port_position'] : f === 'positions' ? [] : [f]));
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
}

function parseBaseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigurationError('NETBOX_URL expects an http(s):// URL of NetBox, e.g. https://netbox.example.com', 'NETBOX_URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigurationError('NETBOX_URL expects an http(s):// URL of NetBox, e.g. https://netbox.example.com', 'NETBOX_URL');
  }
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/api$/, '') + '/';
  return url;
}

function expectObject(res: HttpResponse, method: string, path: string): Json {
  if (!res.body || typeof res.body !== 'object' || Array.isArray(res.body)) {
    throw new NetBoxError({ method, path, endpoint: path, kind: 'protocol', transient: false, attempts: 1, reason: 'an answer that is not an object' });
  }
  return res.body as Json;
}
