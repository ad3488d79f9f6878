// Reads of the intents, intent_revisions and drift tables for the drift and history views.
// The intent sources (through intent-sync.ts) and the workflow engine write these tables; the API only reads them.
import type { Pool } from '../db/index.ts';
import { DRIFT_COLUMNS, toDriftEntry } from './drift.ts';
import type { DriftEntry, DriftObjectRow } from './drift.ts';

export type DriftCounts = Record<string, number>;

/** Whether an intent is healthy, in the shape of a Kubernetes Ready condition (what the CRDs' Ready column shows). */
export interface ReadyCondition {
  readonly status: 'True' | 'False' | 'Unknown';
  /** CamelCase: ReconcileSucceeded, ReconcileFailed, Progressing, NotReconciled, Suspended, Invalid, Removed, Cancelled. */
  readonly reason: string;
  readonly message: string;
}

export interface IntentSummary {
  readonly kind: string;
  readonly name: string;
  readonly source: string;
  readonly revision: string | null;
  readonly mode: string;
  readonly status: string;
  readonly statusMessage: string | null;
  readonly drift: DriftCounts;
  readonly driftTotal: number;
  readonly lastReconcileAt: string | null;
  readonly lastProcess: { readonly id: string; readonly status: string; readonly completedAt: string | null } | null;
  readonly ready: ReadyCondition;
  /** spec.interval or spec.schedule (cron, UTC); the schema's default interval is 1h. */
  readonly interval: string | null;
  readonly schedule: string | null;
  /** Set while an operator has suspended the intent (spec.suspend shows as status suspended without these). */
  readonly suspendedBy: string | null;
  readonly suspendedAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** One drift row of an intent (the drift view's and the intent detail's). */
export type DriftRow = DriftEntry;

export interface IntentRevision {
  readonly revision: string;
  readonly source: string;
  readonly recordedAt: string;
  readonly spec: Record<string, unknown>;
}

export interface IntentFilter {
  readonly kind?: string;
  readonly status?: string;
  readonly mode?: string;
  readonly source?: string;
}

interface IntentRow {
  id: string;
  kind: string;
  name: string;
  source: string;
  revision: string | null;
  mode: string;
  status: string;
  status_message: string | null;
  drift: DriftCounts | null;
  last_reconcile_at: Date | null;
  last_process_id: string | null;
  last_process_status: string | null;
  last_process_completed_at: Date | null;
  created_at: Date;
  updated_at: Date;
  interval: string | null;
  schedule: string | null;
  suspended_by: string | null;
  suspended_at: Date | null;
  spec?: Record<string, unknown>;
}

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

const SELECT_INTENTS = `
  SELECT i.id, i.kind, i.name, i.source, i.revision, i.mode, i.status, i.status_message, i.last_reconcile_at,
         i.last_process_id, i.created_at, i.updated_at, i.suspended_by, i.suspended_at,
         i.spec->'spec'->>'interval' AS interval, i.spec->'spec'->>'schedule' AS schedule,
         p.status AS last_process_status, p.completed_at AS last_process_completed_at,
         (SELECT jsonb_object_agg(action, n) FROM (SELECT action, count(*)::int AS n FROM drift WHERE intent_id = i.id GROUP BY action) c) AS drift
    FROM intents i
    LEFT JOIN processes p ON p.id = i.last_process_id`;

/** The Ready condition of an intent from its status, its last reconcile and its drift. */
export function readyCondition(row: {
  readonly status: string;
  readonly statusMessage: string | null;
  readonly mode: string;
  readonly driftTotal: number;
  readonly lastProcess: { readonly id: string; readonly status: string } | null;
}): ReadyCondition {
  if (row.status === 'invalid') return { status: 'False', reason: 'Invalid', message: row.statusMessage ?? 'the intent does not validate' };
  if (row.status === 'removed') return { status: 'False', reason: 'Removed', message: row.statusMessage ?? 'the intent is no longer in its source' };
  if (row.status === 'suspended') return { status: 'Unknown', reason: 'Suspended', message: row.statusMessage ?? 'suspended: not reconciled' };
  const last = row.lastProcess;
  if (last === null) return { status: 'Unknown', reason: 'NotReconciled', message: 'not reconciled yet' };
  if (last.status === 'failed') return { status: 'False', reason: 'ReconcileFailed', message: `the last reconcile (${last.id}) failed` };
  if (last.status === 'cancelled') return { status: 'Unknown', reason: 'Cancelled', message: `the last reconcile (${last.id}) was cancelled` };
  if (last.status !== 'completed') return { status: 'Unknown', reason: 'Progressing', message: `a reconcile (${last.id}) is ${last.status}` };
  const drift =
    row.driftTotal === 0
      ? 'NetBox matches the intent'
      : `${row.driftTotal} object${row.driftTotal === 1 ? '' : 's'} differ${row.driftTotal === 1 ? 's' : ''}${row.mode === 'observe' ? ' (observe mode: reported, not changed)' : ''}`;
  return { status: 'True', reason: 'ReconcileSucceeded', message: `the last reconcile succeeded; ${drift}` };
}

function toSummary(row: IntentRow): IntentSummary {
  const drift = row.drift ?? {};
  const driftTotal = Object.values(drift).reduce((sum, n) => sum + n, 0);
  const lastProcess =
    row.last_process_id !== null && row.last_process_status !== null
      ? { id: row.last_process_id, status: row.last_process_status, completedAt: iso(row.last_process_completed_at) }
      : null;
  return {
    kind: row.kind,
    name: row.name,
    source: row.source,
    revision: row.revision,
    mode: row.mode,
    status: row.status,
    statusMessage: row.status_message,
    drift,
    driftTotal,
    lastReconcileAt: iso(row.last_reconcile_at),
    lastProcess,
    ready: readyCondition({ status: row.status, statusMessage: row.status_message, mode: row.mode, driftTotal, lastProcess }),
    interval: row.interval ?? (row.schedule === null ? '1h' : null),
    schedule: row.schedule,
    suspendedBy: row.suspended_by,
    suspendedAt: iso(row.suspended_at),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Every intent matching the filter, by kind and name, with its drift counts and last reconcile. */
export async function listIntents(pool: Pool, filter: IntentFilter = {}): Promise<IntentSummary[]> {
  const clauses: string[] = [];
  const values: string[] = [];
  const add = (column: string, value: string | undefined): void => {
    if (value === undefined) return;
    values.push(value);
    clauses.push(`i.${column} = $${values.length}`);
  };
  add('kind', filter.kind);
  add('status', filter.status);
  add('mode', filter.mode);
  add('source', filter.source);
  const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
  const { rows } = await pool.query<IntentRow>(`${SELECT_INTENTS} ${where} ORDER BY i.kind, i.name`, values);
  return rows.map(toSummary);
}

export interface IntentDetail extends IntentSummary {
  readonly spec: Record<string, unknown>;
  readonly revisions: readonly IntentRevision[];
  readonly driftRows: readonly DriftRow[];
  readonly driftTruncated: boolean;
}

/** One intent with its spec, last 20 revisions and up to `driftLimit` drift rows; undefined when unknown. */
export async function getIntent(pool: Pool, kind: string, name: string, driftLimit: number): Promise<IntentDetail | undefined> {
  const { rows } = await pool.query<IntentRow>(
    `SELECT q.*, i2.spec FROM (${SELECT_INTENTS} WHERE i.kind = $1 AND i.name = $2) q JOIN intents i2 ON i2.id = q.id`,
    [kind, name],
  );
  const row = rows[0];
  if (!row) return undefined;
  const [revisions, drift] = await Promise.all([
    pool.query<{ revision: string; source: string; recorded_at: Date; spec: Record<string, unknown> }>(
      'SELECT revision, source, recorded_at, spec FROM intent_revisions WHERE intent_id = $1 ORDER BY recorded_at DESC LIMIT 20',
      [row.id],
    ),
    pool.query<DriftObjectRow>(`SELECT ${DRIFT_COLUMNS} FROM drift WHERE intent_id = $1 ORDER BY object_kind, identity LIMIT $2`, [row.id, driftLimit + 1]),
  ]);
  return {
    ...toSummary(row),
    spec: row.spec ?? {},
    revisions: revisions.rows.map((r) => ({ revision: r.revision, source: r.source, recordedAt: r.recorded_at.toISOString(), spec: r.spec })),
    driftRows: drift.rows.slice(0, driftLimit).map(toDriftEntry),
    driftTruncated: drift.rows.length > driftLimit,
  };
}

/** Whether an intent with this kind and name is known (in any status). */
export async function intentExists(pool: Pool, kind: string, name: string): Promise<boolean> {
  const { rowCount } = await pool.query('SELECT 1 FROM intents WHERE kind = $1 AND name = $2', [kind, name]);
  return (rowCount ?? 0) > 0;
}

export interface DriftSummary {
  readonly total: number;
  readonly byAction: DriftCounts;
  readonly byObjectKind: readonly { readonly objectKind: string; readonly action: string; readonly count: number }[];
  readonly intents: readonly {
    readonly kind: string;
    readonly name: string;
    readonly mode: string;
    readonly status: string;
    readonly drift: DriftCounts;
    readonly driftTotal: number;
    readonly lastReconcileAt: string | null;
  }[];
}

/** Drift across intents (removed intents left out), optionally of one intent kind. */
export async function summariseDrift(pool: Pool, filter: { readonly kind?: string } = {}): Promise<DriftSummary> {
  const values = filter.kind === undefined ? [] : [filter.kind];
  const kindClause = filter.kind === undefined ? '' : 'AND i.kind = $1';
  const { rows } = await pool.query<{
    kind: string;
    name: string;
    mode: string;
    status: string;
    last_reconcile_at: Date | null;
    object_kind: string;
    action: string;
    n: number;
  }>(
    `SELECT i.kind, i.name, i.mode, i.status, i.last_reconcile_at, d.object_kind, d.action, count(*)::int AS n
       FROM drift d JOIN intents i ON i.id = d.intent_id
      WHERE i.status <> 'removed' ${kindClause}
      GROUP BY i.kind, i.name, i.mode, i.status, i.last_reconcile_at, d.object_kind, d.action`,
    values,
  );
  const byAction: DriftCounts = {};
  const byKind = new Map<string, { objectKind: string; action: string; count: number }>();
  const intents = new Map<
    string,
    { kind: string; name: string; mode: string; status: string; drift: DriftCounts; driftTotal: number; lastReconcileAt: string | null }
  >();
  let total = 0;
  for (const row of rows) {
    total += row.n;
    byAction[row.action] = (byAction[row.action] ?? 0) + row.n;
    const kindKey = `${row.object_kind}\0${row.action}`;
    const kindEntry = byKind.get(kindKey) ?? { objectKind: row.object_kind, action: row.action, count: 0 };
    kindEntry.count += row.n;
    byKind.set(kindKey, kindEntry);
    const intentKey = `${row.kind}\0${row.name}`;
    const intent = intents.get(intentKey) ?? {
      kind: row.kind,
      name: row.name,
      mode: row.mode,
      status: row.status,
      drift: {},
      driftTotal: 0,
      lastReconcileAt: iso(row.last_reconcile_at),
    };
    intent.drift[row.action] = (intent.drift[row.action] ?? 0) + row.n;
    intent.driftTotal += row.n;
    intents.set(intentKey, intent);
  }
  return {
    total,
    byAction,
    byObjectKind: [...byKind.values()].sort((a, b) => a.objectKind.localeCompare(b.objectKind) || a.action.localeCompare(b.action)),
    intents: [...intents.values()].sort((a, b) => b.driftTotal - a.driftTotal || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name)),
  };
}

/** The stored intent document (apiVersion, kind, metadata, spec), or `{}` when there is none. */
export async function getIntentDocument(pool: Pool, kind: string, name: string): Promise<unknown> {
  const { rows } = await pool.query<{ spec: unknown }>('SELECT spec FROM intents WHERE kind = $1 AND name = $2', [kind, name]);
  return rows[0]?.spec ?? {};
}
