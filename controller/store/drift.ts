import type { Pool } from '../db/index.ts';
import { ValidationError } from '../errors/index.ts';
import type { JsonObject, IntentRef } from './records.ts';

export interface DriftResult {
  /** False when the intent has no row in `intents` (e.g. an import's generated intent). */
  readonly recorded: boolean;
  readonly total: number;
  readonly added: number;
  readonly removed: number;
  readonly modified: number;
  /** Rows the intent had before this replacement. */
  readonly previous: number;
  /** New rows (objects not drifting before) by action. */
  readonly addedByAction: Readonly<Record<string, number>>;
}

/** One drifting object as its `drift` row holds it. */
export interface DriftItem {
  readonly objectKind: string;
  readonly identity: string;
  /** create, update, delete, unmanaged, blocked. */
  readonly action: string;
  /** field -> {before, after}: what the drift view shows. */
  readonly diff: JsonObject;
  readonly reason: string | null;
}

/**
 * Replaces an intent's drift rows with `items` (the operations of its last plan): new objects are inserted,
 * existing ones keep their first_seen and get last_seen = now(), rows no longer in the plan
 * are deleted. Also stamps intents.last_reconcile_at / last_process_id, and appends a
 * drift_history row when the counts by action differ from the intent's last one. One statement.
 */
export async function replaceDrift(pool: Pool, intent: IntentRef, items: readonly DriftItem[], processId: string): Promise<DriftResult> {
  // One row per object: a later item for the same object wins, as the primary key needs.
  const seen = new Map<string, { object_kind: string; identity: string; action: string; diff: JsonObject; reason: string | null }>();
  for (const item of items) {
    seen.set(`${item.objectKind}\0${item.identity}`, {
      object_kind: item.objectKind,
      identity: item.identity,
      action: item.action,
      diff: item.diff,
      reason: item.reason,
    });
  }
  const { rows } = await pool.query<{
    found: boolean;
    total: string;
    added: string;
    removed: string;
    modified: string;
    previous: string;
    added_by_action: Record<string, number> | null;
  }>(
    `WITH target AS (
       UPDATE intents SET last_reconcile_at = now(), last_process_id = $4, updated_at = now()
        WHERE kind = $1 AND name = $2 RETURNING id
     ), incoming AS (
       SELECT * FROM jsonb_to_recordset($3::jsonb) AS x(object_kind text, identity text, action text, diff jsonb, reason text)
     ), existing AS (
       SELECT d.object_kind, d.identity, d.action, d.diff FROM drift d JOIN target t ON d.intent_id = t.id
     ), upserted AS (
       INSERT INTO drift (intent_id, object_kind, identity, action, diff, reason)
       SELECT t.id, i.object_kind, i.identity, i.action, i.diff, i.reason FROM incoming i, target t
       ON CONFLICT (intent_id, object_kind, identity)
       DO UPDATE SET action = EXCLUDED.action, diff = EXCLUDED.diff, reason = EXCLUDED.reason, last_seen = now()
       RETURNING 1
     ), counts AS (
       SELECT coalesce(jsonb_object_agg(action, n), '{}'::jsonb) AS counts, coalesce(sum(n), 0)::int AS total
         FROM (SELECT action, count(*)::int AS n FROM incoming GROUP BY action) c
     ), history AS (
       INSERT INTO drift_history (intent_id, process_id, counts, total)
       SELECT t.id, $4, c.counts, c.total FROM target t, counts c
        WHERE c.counts IS DISTINCT FROM (SELECT h.counts FROM drift_history h WHERE h.intent_id = t.id ORDER BY h.recorded_at DESC, h.id DESC LIMIT 1)
       RETURNING 1
     ), deleted AS (
       DELETE FROM drift d USING target t
        WHERE d.intent_id = t.id
          AND NOT EXISTS (SELECT 1 FROM incoming i WHERE i.object_kind = d.object_kind AND i.identity = d.identity)
       RETURNING 1
     )
     SELECT EXISTS (SELECT 1 FROM target) AS found,
            (SELECT count(*) FROM upserted) AS total,
            (SELECT count(*) FROM incoming i WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.object_kind = i.object_kind AND e.identity = i.identity)) AS added,
            (SELECT count(*) FROM deleted) AS removed,
            (SELECT count(*) FROM incoming i JOIN existing e USING (object_kind, identity) WHERE e.action <> i.action OR e.diff <> i.diff) AS modified,
            (SELECT count(*) FROM existing) AS previous,
            (SELECT jsonb_object_agg(action, n) FROM (
               SELECT i.action, count(*) AS n FROM incoming i
                WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.object_kind = i.object_kind AND e.identity = i.identity)
                GROUP BY i.action) a) AS added_by_action`,
    [intent.kind, intent.name, JSON.stringify([...seen.values()]), processId],
  );
  const row = rows[0];
  if (!row?.found) return { recorded: false, total: 0, added: 0, removed: 0, modified: 0, previous: 0, addedByAction: {} };
  return {
    recorded: true,
    total: Number(row.total),
    added: Number(row.added),
    removed: Number(row.removed),
    modified: Number(row.modified),
    previous: Number(row.previous),
    addedByAction: row.added_by_action ?? {},
  };
}

/** One drift row of an intent as the drift view lists it. */
export interface DriftEntry {
  readonly objectKind: string;
  readonly identity: string;
  readonly action: string;
  /** field -> {before, after} */
  readonly diff: JsonObject;
  /** Why the object is unmanaged or blocked; null otherwise (and for rows recorded before reasons were kept). */
  readonly reason: string | null;
  readonly firstSeen: string;
  readonly lastSeen: string;
}

/** A `drift` row as {@link DRIFT_COLUMNS} select it. */
export interface DriftObjectRow {
  object_kind: string;
  identity: string;
  action: string;
  diff: JsonObject;
  reason: string | null;
  first_seen: Date;
  last_seen: Date;
}

/** The columns of a drift row a listing returns. */
export const DRIFT_COLUMNS = 'object_kind, identity, action, diff, reason, first_seen, last_seen';

/** A drift row as the API lists it. */
export function toDriftEntry(d: DriftObjectRow): DriftEntry {
  return {
    objectKind: d.object_kind,
    identity: d.identity,
    action: d.action,
    diff: d.diff,
    reason: d.reason,
    firstSeen: d.first_seen.toISOString(),
    lastSeen: d.last_seen.toISOString(),
  };
}

export interface DriftPageFilter {
  readonly action?: string;
  readonly objectKind?: string;
  /** 1..10,000; default 1,000. */
  readonly limit?: number;
  /** The nextCursor of the previous page. */
  readonly cursor?: string;
}

/** Largest page of {@link listDrift}: enough to load 25,000 rows in a few requests, small enough to serialise quickly. */
export const MAX_DRIFT_PAGE = 10_000;

function encodeDriftCursor(objectKind: string, identity: string): string {
  return Buffer.from(JSON.stringify([objectKind, identity])).toString('base64url');
}

function decodeDriftCursor(text: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') return [value[0], value[1]];
  } catch {
    // reported below
  }
  throw new ValidationError('invalid cursor: pass back the nextCursor of the previous page unchanged', [
    { path: 'cursor', message: 'not a cursor this API returned', severity: 'error' },
  ]);
}

/**
 * One page of an intent's drift rows ordered by object kind and identity (the order of the
 * drift table's unique index, so every page is an index range). Undefined when the intent is unknown.
 */
export async function listDrift(
  pool: Pool,
  intent: { readonly kind: string; readonly name: string },
  filter: DriftPageFilter = {},
): Promise<{ items: DriftEntry[]; nextCursor: string | null; total: number } | undefined> {
  const limit = filter.limit ?? 1_000;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_DRIFT_PAGE) {
    throw new ValidationError(`invalid limit ${limit}: expects a whole number from 1 to ${MAX_DRIFT_PAGE}`, [
      { path: 'limit', message: `expects 1..${MAX_DRIFT_PAGE}`, severity: 'error' },
    ]);
  }
  const found = await pool.query<{ id: string; total: number }>(
    'SELECT i.id, (SELECT count(*)::int FROM drift d WHERE d.intent_id = i.id) AS total FROM intents i WHERE i.kind = $1 AND i.name = $2',
    [intent.kind, intent.name],
  );
  const row = found.rows[0];
  if (!row) return undefined;
  const values: unknown[] = [row.id];
  const clauses = ['intent_id = $1'];
  const add = (sql: string, ...params: unknown[]): void => {
    let text = sql;
    for (const p of params) {
      values.push(p);
      text = text.replace('?', `$${values.length}`);
    }
    clauses.push(text);
  };
  if (filter.action !== undefined) add('action = ?', filter.action);
  if (filter.objectKind !== undefined) add('object_kind = ?', filter.objectKind);
  if (filter.cursor !== undefined) {
    const [kind, identity] = decodeDriftCursor(filter.cursor);
    add('(object_kind, identity) > (?, ?)', kind, identity);
  }
  values.push(limit + 1);
  const { rows } = await pool.query<DriftObjectRow>(
    `SELECT ${DRIFT_COLUMNS} FROM drift
      WHERE ${clauses.join(' AND ')} ORDER BY object_kind, identity LIMIT $${values.length}`,
    values,
  );
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1];
  return {
    total: row.total,
    items: kept.map(toDriftEntry),
    nextCursor: rows.length > limit && last ? encodeDriftCursor(last.object_kind, last.identity) : null,
  };
}

export interface TimeSeriesQuery {
  readonly from: Date;
  readonly to: Date;
  /** Number of equal buckets between from and to; 1..500. */
  readonly buckets: number;
}

/** Checks a time series request and returns its bucket length in milliseconds. */
export function bucketMs(query: TimeSeriesQuery): number {
  const span = query.to.getTime() - query.from.getTime();
  if (Number.isNaN(span) || span <= 0) {
    throw new ValidationError('invalid time range: "from" must be before "to"', [{ path: 'from', message: 'must be before "to"', severity: 'error' }]);
  }
  if (!Number.isInteger(query.buckets) || query.buckets < 1 || query.buckets > 500) {
    throw new ValidationError(`invalid buckets ${query.buckets}: expects 1..500`, [{ path: 'buckets', message: 'expects 1..500', severity: 'error' }]);
  }
  return span / query.buckets;
}

/** Drift at the end of one bucket: the sum over intents of each intent's latest counts then. */
export interface DriftHistoryPoint {
  /** End of the bucket (ISO 8601). */
  readonly at: string;
  readonly total: number;
  readonly byAction: Record<string, number>;
}

/**
 * Drift over time across intents (or of one kind / one intent): for each bucket end, every
 * intent's latest drift_history row at that moment, summed by action. An intent counts until it
 * was removed. Buckets before any recording are zero.
 */
export async function driftHistory(pool: Pool, query: TimeSeriesQuery & { readonly kind?: string; readonly name?: string }): Promise<DriftHistoryPoint[]> {
  const step = bucketMs(query);
  const values: unknown[] = [query.from.toISOString(), step, query.buckets];
  let intentFilter = '';
  if (query.kind !== undefined) {
    values.push(query.kind);
    intentFilter += ` AND i.kind = $${values.length}`;
  }
  if (query.name !== undefined) {
    values.push(query.name);
    intentFilter += ` AND i.name = $${values.length}`;
  }
  const { rows } = await pool.query<{ bucket: number; action: string; n: number }>(
    `WITH buckets AS (
       SELECT g AS bucket, $1::timestamptz + ($2::double precision * g) * interval '1 millisecond' AS t_end
         FROM generate_series(1, $3::int) g
     )
     SELECT b.bucket, kv.key AS action, sum(kv.value::int)::int AS n
       FROM buckets b
       JOIN intents i ON (i.removed_at IS NULL OR i.removed_at > b.t_end) ${intentFilter}
       CROSS JOIN LATERAL (
         SELECT h.counts FROM drift_history h
          WHERE h.intent_id = i.id AND h.recorded_at <= b.t_end
          ORDER BY h.recorded_at DESC, h.id DESC LIMIT 1
       ) last
       CROSS JOIN LATERAL jsonb_each_text(last.counts) kv
      GROUP BY b.bucket, kv.key`,
    values,
  );
  const points = Array.from({ length: query.buckets }, (_, i) => ({
    at: new Date(query.from.getTime() + step * (i + 1)).toISOString(),
    total: 0,
    byAction: {} as Record<string, number>,
  }));
  for (const row of rows) {
    const point = points[row.bucket - 1];
    if (!point) continue;
    point.byAction[row.action] = (point.byAction[row.action] ?? 0) + row.n;
    point.total += row.n;
  }
  return points;
}

/** Drift objects per intent (not removed), object kind and action. */
export async function countDriftObjects(pool: Pool): Promise<{ kind: string; name: string; objectKind: string; action: string; count: number }[]> {
  const { rows } = await pool.query<{ kind: string; name: string; object_kind: string; action: string; n: string }>(
    `SELECT i.kind, i.name, d.object_kind, d.action, count(*) AS n
       FROM drift d JOIN intents i ON i.id = d.intent_id
      WHERE i.status <> 'removed'
      GROUP BY i.kind, i.name, d.object_kind, d.action`,
  );
  return rows.map((row) => ({ kind: row.kind, name: row.name, objectKind: row.object_kind, action: row.action, count: Number(row.n) }));
}
