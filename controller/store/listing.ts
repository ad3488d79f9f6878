// Newest-first listings with keyset pagination on (timestamp, id). Each filter combination
// is written so that one of the indexes of migration 0001 serves both the filter and the
// order (checked with EXPLAIN in the tests), so a page costs the same on page 1 and page 1,000.
import { ValidationError } from '../errors/index.ts';
import type { Pool } from '../db/index.ts';
import { bucketMs } from './drift.ts';
import { toAuditRecord } from './audit.ts';
import { isUuid, toProcessRecord } from './processes.ts';
import type { ProcessRow } from './processes.ts';
import { PROCESS_STATUSES } from './records.ts';
import type { AuditFilter, AuditRecord, HistoryFilter, Page, ProcessFilter, ProcessRecord } from './records.ts';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

interface Cursor {
  /** The row's timestamp with microseconds, as Postgres prints it in UTC. */
  readonly t: string;
  readonly id: string;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.t, cursor.id])).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'string' && isUuid(value[1]) && !Number.isNaN(Date.parse(value[0]))) {
      return { t: value[0], id: value[1] };
    }
  } catch {
    // reported below
  }
  throw new ValidationError('invalid cursor: pass back the nextCursor of the previous page unchanged', [
    { path: 'cursor', message: 'not a cursor this API returned', severity: 'error' },
  ]);
}

function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new ValidationError(`invalid limit ${limit}: expects a whole number from 1 to ${MAX_PAGE_SIZE}`, [
      { path: 'limit', message: `expects 1..${MAX_PAGE_SIZE}`, severity: 'error' },
    ]);
  }
  return limit;
}

function timeBound(value: Date | string | undefined, field: string): string | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new ValidationError(`invalid ${field}: expects an ISO 8601 date-time`, [
      { path: field, message: 'expects an ISO 8601 date-time', severity: 'error' },
    ]);
  }
  return date.toISOString();
}

/** Builds `WHERE` clauses with numbered parameters. */
class Where {
  readonly clauses: string[] = [];
  readonly values: unknown[] = [];
  add(sql: string, ...values: unknown[]): void {
    let text = sql;
    for (const value of values) {
      this.values.push(value);
      text = text.replace('?', `$${this.values.length}`);
    }
    this.clauses.push(text);
  }
  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
  toString(): string {
    return this.clauses.length > 0 ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

const CURSOR_TS = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** A parameterised query. */
export interface SqlQuery {
  readonly text: string;
  readonly values: unknown[];
}

/** Processes, newest first. */
export async function listProcesses(pool: Pool, filter: ProcessFilter = {}): Promise<Page<ProcessRecord>> {
  const limit = pageSize(filter.limit);
  const query = processQuery(filter, limit);
  const { rows } = await pool.query<ProcessRow & { cursor_ts: string }>(query.text, query.values);
  return toPage(rows, limit, (r) => ({ t: r.cursor_ts, id: r.id }), toProcessRecord);
}

/** The SQL of one page of {@link listProcesses} (exported for EXPLAIN in the tests). */
export function processQuery(filter: ProcessFilter, limit: number): SqlQuery {
  const where = new Where();
  if (filter.status !== undefined) {
    if (!(PROCESS_STATUSES as readonly string[]).includes(filter.status)) {
      throw new ValidationError(`invalid status "${filter.status}": expects one of ${PROCESS_STATUSES.join(', ')}`, [
        { path: 'status', message: `expects one of ${PROCESS_STATUSES.join(', ')}`, severity: 'error' },
      ]);
    }
    where.add('status = ?', filter.status);
  }
  if (filter.workflow !== undefined) where.add('workflow_name = ?', filter.workflow);
  return newestFirst('processes', 'created_at', where, filter, limit);
}

/** Audit rows, newest first. */
export async function listAudit(pool: Pool, filter: AuditFilter = {}): Promise<Page<AuditRecord>> {
  const limit = pageSize(filter.limit);
  if (filter.processId !== undefined && !isUuid(filter.processId)) return { items: [], nextCursor: null };
  const query = auditQuery(filter, limit);
  const { rows } = await pool.query<Parameters<typeof toAuditRecord>[0] & { cursor_ts: string }>(query.text, query.values);
  return toPage(rows, limit, (r) => ({ t: r.cursor_ts, id: r.id }), toAuditRecord);
}

/** The SQL of one page of {@link listAudit} (exported for EXPLAIN in the tests). */
export function auditQuery(filter: AuditFilter, limit: number): SqlQuery {
  const where = new Where();
  if (filter.processId !== undefined) where.add('process_id = ?::uuid', filter.processId);
  if (filter.objectKind !== undefined) where.add('object_kind = ?', filter.objectKind);
  if (filter.objectIdentity !== undefined) where.add('object_identity = ?', filter.objectIdentity);
  if (filter.action !== undefined) where.add('action = ?', filter.action);
  if (filter.search !== undefined && filter.search !== '') {
    // A substring, not a pattern: the user's % and _ match themselves.
    where.add(
      "object_identity ILIKE '%' || ? || '%'",
      filter.search.replace(/[\\%_]/g, (c) => `\\${c}`),
    );
  }
  return newestFirst('audit_log', 'timestamp', where, filter, limit);
}

/**
 * The filters processes and audit rows share (intent, time range, keyset cursor) and one page
 * of the table newest first, ordered like its (time, id) indexes so no sort is needed.
 */
function newestFirst(table: 'processes' | 'audit_log', time: 'created_at' | 'timestamp', where: Where, filter: HistoryFilter, limit: number): SqlQuery {
  if (filter.intentKind !== undefined || filter.intentName !== undefined) {
    // The partial intent indexes cover rows with an intent only.
    where.add('intent_kind IS NOT NULL');
    if (filter.intentKind !== undefined) where.add('intent_kind = ?', filter.intentKind);
    if (filter.intentName !== undefined) where.add('intent_name = ?', filter.intentName);
  }
  const from = timeBound(filter.from, 'from');
  const to = timeBound(filter.to, 'to');
  if (from !== undefined) where.add(`${time} >= ?::timestamptz`, from);
  if (to !== undefined) where.add(`${time} < ?::timestamptz`, to);
  if (filter.cursor !== undefined) {
    const c = decodeCursor(filter.cursor);
    where.add(`(${time}, id) < (?::timestamptz, ?::uuid)`, c.t, c.id);
  }
  const text = `SELECT *, ${CURSOR_TS(time)} AS cursor_ts FROM ${table} ${where} ORDER BY ${time} DESC, id DESC LIMIT ${where.param(limit + 1)}`;
  return { text, values: where.values };
}

function toPage<R, T>(rows: readonly R[], limit: number, cursorOf: (row: R) => Cursor, map: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept[kept.length - 1];
  return { items: kept.map(map), nextCursor: more && last !== undefined ? encodeCursor(cursorOf(last)) : null };
}

/** Processes of one time bucket by status. */
export interface OutcomeBucket {
  /** Start of the bucket (ISO 8601). */
  readonly from: string;
  readonly to: string;
  /** status -> number of processes created in the bucket. */
  readonly byStatus: Record<string, number>;
  readonly total: number;
}

/**
 * Processes created between `from` and `to` (optionally of one workflow), counted by status in
 * `buckets` equal time buckets: the reconcile-outcome chart of the dashboard. One scan of the
 * created_at range (an index range), grouped in Postgres.
 */
export async function processOutcomes(
  pool: Pool,
  query: { readonly from: Date; readonly to: Date; readonly buckets: number; readonly workflow?: string },
): Promise<OutcomeBucket[]> {
  const step = bucketMs(query);
  const where = new Where();
  where.add('created_at >= ?::timestamptz', query.from.toISOString());
  where.add('created_at < ?::timestamptz', query.to.toISOString());
  if (query.workflow !== undefined) where.add('workflow_name = ?', query.workflow);
  const from = where.param(query.from.toISOString());
  const size = where.param(step);
  const { rows } = await pool.query<{ bucket: number; status: string; n: number }>(
    `SELECT floor(extract(epoch FROM created_at - ${from}::timestamptz) * 1000 / ${size}::double precision)::int AS bucket, status, count(*)::int AS n
       FROM processes ${where} GROUP BY 1, 2`,
    where.values,
  );
  const buckets = Array.from({ length: query.buckets }, (_, i) => ({
    from: new Date(query.from.getTime() + step * i).toISOString(),
    to: new Date(query.from.getTime() + step * (i + 1)).toISOString(),
    byStatus: {} as Record<string, number>,
    total: 0,
  }));
  for (const row of rows) {
    const bucket = buckets[Math.min(Math.max(row.bucket, 0), buckets.length - 1)];
    if (!bucket) continue;
    bucket.byStatus[row.status] = (bucket.byStatus[row.status] ?? 0) + row.n;
    bucket.total += row.n;
  }
  return buckets;
}
