import { Agent, Pool } from 'undici';
import type { Dispatcher, FormData } from 'undici';
import type { Secret } from '../config/index.ts';
import { NetBoxError } from './errors.ts';
import type { NetBoxFailureKind } from './errors.ts';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** One HTTP request as the client builds it; sent once per attempt by {@link Transport.send}. */
export interface HttpRequest {
  readonly method: HttpMethod;
  /** Path below the base URL including the query, e.g. `/api/dcim/manufacturers/?limit=1000`. */
  readonly path: string;
  /** Path template for metrics and errors, e.g. `/api/dcim/device-types/{id}/`. */
  readonly endpoint: string;
  readonly json?: unknown;
  /** Multipart body; a factory because a body is consumed by each attempt. */
  readonly form?: () => FormData;
  /** An absolute URL instead of `path` (image downloads). */
  readonly url?: URL;
  readonly expect: 'json' | 'binary';
  readonly signal?: AbortSignal;
  /** This request's timeout in ms instead of the transport's (bulk writes grow it with their size). */
  readonly timeoutMs?: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly body: unknown;
}

export interface TransportOptions {
  readonly baseUrl: URL;
  readonly token: Secret;
  readonly verifySsl: boolean;
  readonly timeoutMs: number;
  readonly connections: number;
}

/** Network error codes after which the same request may well succeed. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_INFO',
]);
/**
 * Failures that happen before a request leaves this machine (no connection, no address): NetBox
 * never saw it, so even a write may be sent again. After any other failure a write may have
 * been committed.
 */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_CONNECT_TIMEOUT']);
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

/**
 * Sends requests to one NetBox over a keep-alive undici Pool. Turns every failure into a
 * {@link NetBoxError} that says whether it is transient, and keeps the token out of it.
 */
export class Transport {
  readonly origin: string;
  readonly #basePath: string;
  readonly #pool: Pool;
  #foreign: Agent | undefined;
  readonly #options: TransportOptions;
  readonly #authorization: string | undefined;

  constructor(options: TransportOptions) {
    this.#options = options;
    this.origin = options.baseUrl.origin;
    this.#basePath = options.baseUrl.pathname.replace(/\/+$/, '');
    this.#pool = new Pool(this.origin, {
      connections: options.connections,
      connect: { rejectUnauthorized: options.verifySsl },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: 30_000,
    });
    this.#authorization = authorizationHeader(options.token);
  }

  /** Sends one attempt. Resolves on 2xx; throws NetBoxError otherwise. */
  async send(req: HttpRequest, attempt: number): Promise<HttpResponse> {
    const target = this.#target(req);
    const timeoutMs = req.timeoutMs ?? this.#options.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    const headers: Record<string, string> = { accept: req.expect === 'json' ? 'application/json' : '*/*', 'user-agent': 'netbox-gitops' };
    if (target.sameOrigin && this.#authorization) headers.authorization = this.#authorization;
    let body: string | FormData | undefined;
    if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.json);
    } else if (req.form) {
      body = req.form();
    }
    const base = { method: req.method, path: stripQuery(target.pathForErrors), endpoint: req.endpoint, attempts: attempt };
    let response: Dispatcher.ResponseData;
    let text: string | undefined;
    let bytes: Buffer | undefined;
    try {
      response = await target.dispatcher.request({
        origin: target.origin,
        path: target.path,
        method: req.method,
        headers,
        body,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      if (ok && req.expect === 'binary') bytes = Buffer.from(await response.body.arrayBuffer());
      else text = await response.body.text();
    } catch (error) {
      if (req.signal?.aborted) throw req.signal.reason ?? error;
      throw this.#networkError(error, base, timeout.aborted, timeoutMs);
    }
    const status = response.statusCode;
    if (status >= 200 && status < 300) {
      if (bytes) return { status, body: bytes };
      return { status, body: this.#parseOk(text ?? '', base) };
    }
    const errorBody = this.#parseError(text ?? '');
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    throw new NetBoxError({
      ...base,
      kind: 'http',
      status,
      body: status >= 300 && status < 400 ? { detail: `redirects to ${this.redact(String(response.headers.location ?? '?'))}` } : errorBody,
      transient: isTransientStatus(status, req.method),
      outcomeUnknown: isOutcomeUnknownStatus(status, req.method),
      retryAfterMs,
    });
  }

  /** Replaces the token wherever a server or a library echoed it. */
  redact(text: string): string {
    const token = this.#options.token.reveal();
    return token.length >= 6 ? text.split(token).join('[redacted]') : text;
  }

  async close(): Promise<void> {
    await this.#pool.close();
    await this.#foreign?.close();
  }

  #target(req: HttpRequest): { dispatcher: Dispatcher; origin: string; path: string; pathForErrors: string; sameOrigin: boolean } {
    if (req.url && req.url.origin !== this.origin) {
      // Images may live on another host (e.g. object storage): never send the NetBox token there.
      this.#foreign ??= new Agent({ connect: { rejectUnauthorized: this.#options.verifySsl } });
      const path = `${req.url.pathname}${req.url.search}`;
      return { dispatcher: this.#foreign, origin: req.url.origin, path, pathForErrors: `${req.url.origin}${req.url.pathname}`, sameOrigin: false };
    }
    const path = req.url ? `${req.url.pathname}${req.url.search}` : `${this.#basePath}${req.path}`;
    return { dispatcher: this.#pool, origin: this.origin, path, pathForErrors: path, sameOrigin: true };
  }

  #parseOk(text: string, base: { method: string; path: string; endpoint: string; attempts: number }): unknown {
    if (text === '') return null;
    try {
      return JSON.parse(text);
    } catch {
      throw new NetBoxError({ ...base, kind: 'protocol', transient: false, reason: `a body that is not JSON ("${this.redact(text.slice(0, 60))}…")` });
    }
  }

  #parseError(text: string): unknown {
    if (text === '') return undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      const serialized = JSON.stringify(parsed);
      const clean = this.redact(serialized);
      return clean === serialized ? parsed : (JSON.parse(clean) as unknown);
    } catch {
      // Proxies answer 502/504 with HTML; keep a short, readable excerpt.
      return this.redact(
        text
          .replace(/<[^>]*>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim()
          .slice(0, 200),
      );
    }
  }

  #networkError(error: unknown, base: { method: string; path: string; endpoint: string; attempts: number }, timedOut: boolean, timeoutMs: number): NetBoxError {
    const code = errorCode(error);
    const message = error instanceof Error ? error.message : String(error);
    const reason = this.redact(code ? `${code}: ${message}` : message);
    const kind: NetBoxFailureKind = timedOut || TIMEOUT_CODES.has(code) ? 'timeout' : 'connection';
    const retryable = kind === 'timeout' || TRANSIENT_CODES.has(code) || code.startsWith('HPE_');
    // A write that may have reached NetBox is never sent again blindly: its caller reads back what landed.
    const outcomeUnknown = base.method !== 'GET' && !NOT_SENT_CODES.has(code);
    const transient = retryable && !outcomeUnknown;
    const tlsHint = TLS_CODE.test(code) ? ' (TLS verification failed: fix the certificate chain, or set NETBOX_VERIFY_SSL=false for a test NetBox only)' : '';
    // The cause is rebuilt from code and message only: library errors can hold sockets and request options.
    const cause = Object.assign(new Error(reason), { code });
    return new NetBoxError({ ...base, kind, transient, outcomeUnknown, reason: reason + tlsHint, timeoutMs }, { cause });
  }
}

/** `Token <key>` for v1 keys; `Bearer nbt_<key>.<secret>` for NetBox 4.5 v2 tokens. */
export function authorizationHeader(token: Secret): string | undefined {
  const value = token.reveal().trim();
  if (value === '') return undefined;
  return value.startsWith('nbt_') ? `Bearer ${value}` : `Token ${value}`;
}

/**
 * 429 is transient; the gateway errors 502/503/504 are transient for reads (a write answered so
 * may have landed: see {@link isOutcomeUnknownStatus}). A NetBox 500 is usually a bug (an
 * exception in a view) and not worth repeating — except for reads, where a retry is harmless and
 * also rides out a worker restarting mid-request.
 */
export function isTransientStatus(status: number, method: HttpMethod): boolean {
  if (status === 429) return true;
  if (status === 502 || status === 503 || status === 504) return method === 'GET';
  return status === 500 && method === 'GET';
}

/**
 * Whether a write answered with this status may still have been committed: a proxy's 502/503/504
 * may come after NetBox got the request (and NetBox keeps working), and a 500 may come after the
 * commit. The caller reads such writes back instead of sending them again.
 */
export function isOutcomeUnknownStatus(status: number, method: HttpMethod): boolean {
  return method !== 'GET' && (status === 500 || status === 502 || status === 503 || status === 504);
}

/** Retry-After as delta-seconds or an HTTP date, in milliseconds. */
export function parseRetryAfter(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value.trim()) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function errorCode(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return errorCode(error.errors[0]);
  if (error && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const cause = (error as { cause?: unknown }).cause;
    if (cause) return errorCode(cause);
    if ((error as { name?: unknown }).name === 'TimeoutError') return 'ETIMEDOUT';
  }
  return '';
}

function stripQuery(path: string): string {
  const q = path.indexOf('?');
  return q === -1 ? path : path.slice(0, q);
}
