import { IntegrationError } from '../errors/index.ts';
import type { FrontPortMapping } from './types.ts';

/** How a request failed: NetBox answered with an error status, or it did not answer usably. */
export type NetBoxFailureKind = 'http' | 'connection' | 'timeout' | 'protocol';

export interface NetBoxErrorDetails {
  readonly method: string;
  /** The request path without its query string, e.g. `/api/dcim/manufacturers/`. */
  readonly path: string;
  /** The path template used for metrics, e.g. `/api/dcim/device-types/{id}/`. */
  readonly endpoint: string;
  readonly kind: NetBoxFailureKind;
  /** HTTP status; undefined when NetBox did not answer. */
  readonly status?: number;
  /** NetBox's error body: `{field: [messages]}`, `{detail}`, or a list aligned with a bulk request. */
  readonly body?: unknown;
  /** Whether trying again later may succeed (the client already did, up to its retry limit). */
  readonly transient: boolean;
  /**
   * A write (POST/PATCH/DELETE) that NetBox may have committed although the client saw no
   * success: a timeout or a connection lost after sending, or a 500/502/503/504. Such a write is
   * never sent again blindly; read back what landed first. Always false for reads.
   */
  readonly outcomeUnknown?: boolean;
  /** Which attempt this was (1 = first try). */
  readonly attempts: number;
  /** The server's Retry-After, in milliseconds, when it sent one. */
  readonly retryAfterMs?: number;
  /** A short description of the network failure (code and message), token-free. */
  readonly reason?: string;
  readonly timeoutMs?: number;
}

/**
 * A NetBox request failed. Carries the method, path, status and NetBox's own field messages;
 * never the token. `transient` says whether a later retry may succeed.
 */
export class NetBoxError extends IntegrationError {
  override readonly code: string = 'netbox_error';
  readonly method: string;
  readonly path: string;
  readonly endpoint: string;
  readonly kind: NetBoxFailureKind;
  readonly status: number | undefined;
  readonly body: unknown;
  readonly transient: boolean;
  /** See {@link NetBoxErrorDetails.outcomeUnknown}. */
  readonly outcomeUnknown: boolean;
  readonly attempts: number;
  readonly retryAfterMs: number | undefined;

  constructor(details: NetBoxErrorDetails, options?: { cause?: unknown; message?: string }) {
    super(
      options?.message ?? describeFailure(details),
      {
        system: 'netbox',
        status: details.status,
        method: details.method,
        path: details.path,
        body: details.body,
        transient: details.transient,
      },
      options,
    );
    this.method = details.method;
    this.path = details.path;
    this.endpoint = details.endpoint;
    this.kind = details.kind;
    this.status = details.status;
    this.body = details.body;
    this.transient = details.transient;
    this.outcomeUnknown = details.outcomeUnknown ?? false;
    this.attempts = details.attempts;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** Field errors of one item of a rejected bulk request, by its index in the whole input. */
export interface BulkItemError {
  readonly index: number;
  readonly errors: unknown;
}

/**
 * A chunk of a bulk write was rejected. NetBox writes a chunk all-or-nothing, so none of items
 * `offset … offset+count-1` were written; `written` lists the chunks that were.
 * `itemErrors` maps NetBox's list-aligned errors back to input indexes.
 */
export class BulkWriteError extends NetBoxError {
  override readonly code = 'netbox_bulk_error';
  readonly offset: number;
  readonly count: number;
  readonly total: number;
  readonly itemErrors: readonly BulkItemError[];
  readonly written: readonly { readonly offset: number; readonly count: number }[];

  constructor(failure: NetBoxError, chunk: { offset: number; count: number; total: number }, written: readonly { offset: number; count: number }[]) {
    const itemErrors = alignItemErrors(failure.body, chunk.offset);
    const details: NetBoxErrorDetails = {
      method: failure.method,
      path: failure.path,
      endpoint: failure.endpoint,
      kind: failure.kind,
      status: failure.status,
      body: failure.body,
      transient: failure.transient,
      outcomeUnknown: failure.outcomeUnknown,
      attempts: failure.attempts,
      retryAfterMs: failure.retryAfterMs,
    };
    const writtenCount = written.reduce((sum, w) => sum + w.count, 0);
    const whole = chunk.count === chunk.total;
    const scope = whole ? '' : ` for items ${chunk.offset}–${chunk.offset + chunk.count - 1} of ${chunk.total}`;
    // Said of this request only: earlier requests of the same apply may have written plenty.
    const fate = failure.outcomeUnknown
      ? `NetBox may have written ${whole ? 'these' : 'that chunk of'} ${chunk.count} object(s) anyway: read them back before sending them again`
      : `none of ${whole ? 'these' : 'that chunk of'} ${chunk.count} object(s) was written`;
    const tail = whole
      ? ` ${capitalise(fate)}.`
      : ` ${capitalise(fate)}; ${writtenCount} item(s) in other chunks were written: re-read NetBox before retrying.`;
    const base = failure.status === undefined ? failure.message : describeHttp(details, chunk.offset, scope);
    super(details, { cause: failure, message: `${base}${tail}` });
    this.offset = chunk.offset;
    this.count = chunk.count;
    this.total = chunk.total;
    this.itemErrors = itemErrors;
    this.written = written.map((w) => ({ ...w }));
  }
}

/**
 * NetBox returned objects that do not match a filter the client sent: the server does not know
 * that filter name and ignored it. Thrown after the first page, before paging through the rest.
 */
export class FilterIgnoredError extends IntegrationError {
  override readonly code = 'netbox_filter_ignored';
  constructor(
    message: string,
    readonly filter: string,
    readonly sentAs: string,
    readonly serverVersion: string,
    readonly endpoint: string,
    readonly objectId: number | undefined,
  ) {
    super(message, { system: 'netbox', path: endpoint, method: 'GET', transient: false });
  }
}

/** The circuit breaker is open: NetBox failed repeatedly, so the client fails fast for a while. */
export class CircuitOpenError extends IntegrationError {
  override readonly code = 'netbox_circuit_open';
  /** How long the call waited for NetBox to come back before giving up (0: it did not wait). */
  readonly waitedMs: number;
  constructor(
    readonly origin: string,
    readonly halfOpenAfterMs: number,
    readonly method: string,
    readonly path: string,
    options?: { cause?: unknown; waitedMs?: number },
  ) {
    const waited = options?.waitedMs;
    super(
      waited !== undefined
        ? `NetBox at ${origin} did not answer (${method} ${path}): waited ${formatWait(waited)} for it to come back ` +
            `(the client probes it every ${Math.round(halfOpenAfterMs / 1000)} s while the circuit is open). Check that NetBox is up.`
        : `NetBox at ${origin} failed too many times in a row, so the client is not calling it (${method} ${path}) ` +
            `for ${Math.round(halfOpenAfterMs / 1000)} s (circuit open). Check that NetBox is up; the first call after that probes it.`,
      { system: 'netbox', method, path, transient: true },
      options?.cause !== undefined ? { cause: options.cause } : undefined,
    );
    this.waitedMs = waited ?? 0;
  }
}

/** `45 s`, `2 min 5 s`. */
function formatWait(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
}

/** One front port whose rear-port mapping NetBox did not keep. */
export interface LostMapping {
  readonly index: number;
  readonly id: number;
  readonly name: string;
  readonly expected: readonly FrontPortMapping[];
  readonly actual: readonly FrontPortMapping[];
}

/**
 * NetBox accepted front-port templates but read back a different rear-port mapping — e.g. a
 * NetBox 4.5 server silently drops the old `rear_port` field. The objects exist but are wrong.
 */
export class FrontPortMappingError extends IntegrationError {
  override readonly code = 'netbox_front_port_mapping_lost';
  constructor(
    readonly serverVersion: string,
    readonly items: readonly LostMapping[],
  ) {
    const first = items[0];
    const sample = first
      ? ` e.g. "${first.name}" (id ${first.id}) expected ${formatMappings(first.expected)} but NetBox has ${formatMappings(first.actual)}`
      : '';
    super(
      `NetBox ${serverVersion} accepted ${items.length} front-port template(s) but did not keep their rear-port mapping,${sample}. ` +
        'The client may have the wrong server version: check /api/status/ and re-run the reconcile, which updates them.',
      { system: 'netbox', path: '/api/dcim/front-port-templates/', transient: false },
    );
  }
}

/** The request cannot be expressed for this NetBox version (e.g. several mappings per front port before 4.5). */
export class NetBoxVersionError extends IntegrationError {
  override readonly code = 'netbox_version_unsupported';
  constructor(
    message: string,
    readonly serverVersion: string | undefined,
  ) {
    super(message, { system: 'netbox', transient: false });
  }
}

// ---------------------------------------------------------------- messages

function describeFailure(d: NetBoxErrorDetails): string {
  if (d.kind === 'http' && d.status !== undefined) return describeHttp(d, 0);
  const tries = d.attempts > 1 ? ` (after ${d.attempts} attempts)` : '';
  if (d.kind === 'timeout') {
    return (
      `NetBox did not answer ${d.method} ${d.path} within ${d.timeoutMs ?? '?'} ms${tries}. ` +
      'Check that NetBox is healthy; raise NETBOX_TIMEOUT, or lower NETBOX_WRITE_CHUNK for slow bulk writes.'
    );
  }
  if (d.kind === 'protocol') {
    return `NetBox answered ${d.method} ${d.path} with something the client cannot read: ${d.reason ?? 'unknown'}. Check that NETBOX_URL points at NetBox's base address.`;
  }
  return (
    `NetBox did not answer ${d.method} ${d.path}: ${d.reason ?? 'connection failed'}${tries}. ` + 'Check that NETBOX_URL is right and NetBox is reachable.'
  );
}

function describeHttp(d: NetBoxErrorDetails, offset: number, scope = ''): string {
  const summary = summarizeBody(d.body, offset);
  const status = d.status ?? 0;
  const verb = status >= 500 ? 'failed' : 'rejected';
  let text = `NetBox ${verb} ${d.method} ${d.path} (${status})${scope}${summary ? `: ${summary}` : ''}`;
  if (status === 401 || status === 403) {
    text += ' — check NETBOX_TOKEN (a v1 key is sent as "Token <key>", a v2 "nbt_…" token as "Bearer") and its permissions';
  } else if (status === 429) {
    text += ` — NetBox is rate-limiting${d.attempts > 1 ? `; gave up after ${d.attempts} attempts` : ''}; lower NETBOX_CONCURRENCY`;
  } else if (status >= 500) {
    text += d.attempts > 1 ? ` after ${d.attempts} attempts` : '';
    text += d.transient ? '; check NetBox and its proxy' : '; this is usually a NetBox bug: check its error log';
  } else if (status >= 300 && status < 400) {
    text += ' — NETBOX_URL redirects; set it to the final address';
  }
  return text.endsWith('.') ? text : `${text}.`;
}

const MAX_ITEMS_IN_MESSAGE = 5;

/**
 * Flattens NetBox's error body into one line: `slug: manufacturer with this slug already exists.`,
 * `item 3: slug: This field is required.` for a list-aligned body (indexes offset by `offset`).
 */
export function summarizeBody(body: unknown, offset = 0): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return truncate(body.replace(/\s+/g, ' ').trim(), 300);
  if (Array.isArray(body)) {
    const failed = alignItemErrors(body, offset);
    if (failed.length === 0)
      return truncate(
        body
          .map((b) => summarizeBody(b))
          .filter(Boolean)
          .join('; '),
        500,
      );
    const shown = failed.slice(0, MAX_ITEMS_IN_MESSAGE).map((f) => `item ${f.index}: ${summarizeBody(f.errors)}`);
    const more = failed.length > MAX_ITEMS_IN_MESSAGE ? `; and ${failed.length - MAX_ITEMS_IN_MESSAGE} more item(s)` : '';
    return shown.join('; ') + more;
  }
  if (typeof body === 'object') {
    const parts: string[] = [];
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      const text = flattenMessages(value);
      if (key === 'detail' || key === '__all__' || key === 'non_field_errors') parts.push(text);
      else parts.push(`${key}: ${text}`);
    }
    return truncate(parts.join('; '), 500);
  }
  return String(body);
}

function flattenMessages(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(flattenMessages).filter(Boolean).join(' ');
  if (value && typeof value === 'object') return summarizeBody(value);
  return value === undefined || value === null ? '' : String(value);
}

function alignItemErrors(body: unknown, offset: number): BulkItemError[] {
  if (!Array.isArray(body)) return [];
  const out: BulkItemError[] = [];
  body.forEach((errors: unknown, i) => {
    const empty = errors === null || errors === undefined || (typeof errors === 'object' && Object.keys(errors).length === 0);
    if (!empty) out.push({ index: offset + i, errors });
  });
  return out;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function formatMappings(m: readonly FrontPortMapping[]): string {
  if (m.length === 0) return 'no mapping';
  return m.map((x) => `${x.position}→rear ${x.rear_port}:${x.rear_port_position}`).join(', ');
}
