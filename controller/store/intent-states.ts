// Where each stored intent stands: its row, its drift per action, and its reconcile processes
// (the one in flight, the last finished, the last completed). Read in one query for the
// Kubernetes status writer and `netbox-gitops get`; the engine's tables, so the SQL lives here.
import type { Pool } from '../db/index.ts';
import type { ProcessError, ProcessStatus, IntentRef } from './records.ts';

/** A reconcile process as the readiness of an intent needs it. */
export interface IntentProcessSummary {
  readonly id: string;
  readonly status: ProcessStatus;
  readonly currentStep: string | null;
  readonly error: ProcessError | null;
  readonly libraryRevision: string | null;
  /** The intent's revision the process worked on (set by its first step). */
  readonly intentRevision: string | null;
  readonly createdAt: string;
  readonly completedAt: string | null;
}

export interface IntentState {
  readonly kind: string;
  readonly name: string;
  readonly source: string;
  readonly revision: string | null;
  /** The revision at which the stored spec last changed (its newest intent_revisions row). */
  readonly specRevision: string | null;
  readonly status: 'active' | 'removed' | 'suspended' | 'invalid';
  readonly statusMessage: string | null;
  readonly mode: 'observe' | 'enforce';
  /** The stored intent document (the last valid one while the row is invalid). */
  readonly spec: Record<string, unknown>;
  /** Drift rows per action (create, update, delete, unmanaged, blocked); absent actions are 0. */
  readonly drift: Readonly<Record<string, number>>;
  readonly driftTotal: number;
  /** The newest reconcile that is created, running or waiting. */
  readonly active: IntentProcessSummary | null;
  /** The newest reconcile that completed, failed or was cancelled. */
  readonly lastFinished: IntentProcessSummary | null;
  /** The newest reconcile that completed. */
  readonly lastCompleted: IntentProcessSummary | null;
  readonly removedAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

interface ProcessJson {
  id: string;
  status: ProcessStatus;
  current_step: string | null;
  error: ProcessError | null;
  library_revision: string | null;
  intent_revision: string | null;
  created_at: string;
  completed_at: string | null;
}

interface StateRow {
  kind: string;
  name: string;
  source: string;
  revision: string | null;
  spec_revision: string | null;
  status: IntentState['status'];
  status_message: string | null;
  mode: IntentState['mode'];
  spec: Record<string, unknown>;
  drift: Record<string, number> | null;
  active: ProcessJson | null;
  last_finished: ProcessJson | null;
  last_completed: ProcessJson | null;
  removed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const processColumns = `jsonb_build_object('id', p.id, 'status', p.status, 'current_step', p.current_step, 'error', p.error,
  'library_revision', p.library_revision, 'intent_revision', p.intent_revision, 'created_at', p.created_at, 'completed_at', p.completed_at)`;

function processOf(json: ProcessJson | null): IntentProcessSummary | null {
  if (json === null) return null;
  return {
    id: json.id,
    status: json.status,
    currentStep: json.current_step,
    error: json.error,
    libraryRevision: json.library_revision,
    intentRevision: json.intent_revision,
    createdAt: new Date(json.created_at).toISOString(),
    completedAt: json.completed_at === null ? null : new Date(json.completed_at).toISOString(),
  };
}

/**
 * The state of the given intents (all of them when `refs` is undefined), with the processes of
 * `reconcileWorkflow` (the workflow that reconciles one intent), ordered by kind and
 * name. One statement: the lateral reads use the processes' (intent_kind, intent_name) index.
 */
export async function readIntentStates(pool: Pool, reconcileWorkflow: string, refs?: readonly IntentRef[]): Promise<IntentState[]> {
  const keys = refs === undefined ? null : refs.map((ref) => `${ref.kind}/${ref.name}`);
  const reconciles = `FROM processes p WHERE p.intent_kind = i.kind AND p.intent_name = i.name AND p.workflow_name = $2`;
  const { rows } = await pool.query<StateRow>(
    `SELECT i.kind, i.name, i.source, i.revision, i.status, i.status_message, i.mode, i.spec, i.removed_at, i.created_at, i.updated_at,
            (SELECT r.revision FROM intent_revisions r WHERE r.intent_id = i.id ORDER BY r.recorded_at DESC, r.id DESC LIMIT 1) AS spec_revision,
            (SELECT jsonb_object_agg(action, n) FROM (SELECT action, count(*)::int AS n FROM drift WHERE intent_id = i.id GROUP BY action) c) AS drift,
            (SELECT ${processColumns} ${reconciles} AND p.status IN ('created', 'running', 'waiting') ORDER BY p.created_at DESC, p.id DESC LIMIT 1) AS active,
            (SELECT ${processColumns} ${reconciles} AND p.status IN ('completed', 'failed', 'cancelled') ORDER BY p.completed_at DESC NULLS LAST, p.created_at DESC LIMIT 1) AS last_finished,
            (SELECT ${processColumns} ${reconciles} AND p.status = 'completed' ORDER BY p.completed_at DESC NULLS LAST, p.created_at DESC LIMIT 1) AS last_completed
       FROM intents i
      WHERE $1::text[] IS NULL OR (i.kind || '/' || i.name) = ANY($1::text[])
      ORDER BY i.kind, i.name`,
    [keys, reconcileWorkflow],
  );
  return rows.map((row) => {
    const drift = row.drift ?? {};
    return {
      kind: row.kind,
      name: row.name,
      source: row.source,
      revision: row.revision,
      specRevision: row.spec_revision,
      status: row.status,
      statusMessage: row.status_message,
      mode: row.mode,
      spec: row.spec,
      drift,
      driftTotal: Object.values(drift).reduce((sum, n) => sum + n, 0),
      active: processOf(row.active),
      lastFinished: processOf(row.last_finished),
      lastCompleted: processOf(row.last_completed),
      removedAt: row.removed_at?.toISOString() ?? null,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
  });
}

/** Drift rows of one intent with the given action (e.g. `blocked`), as `kind identity`, oldest first. */
export async function readDriftObjects(pool: Pool, ref: IntentRef, action: string, limit = 50): Promise<string[]> {
  const { rows } = await pool.query<{ object_kind: string; identity: string }>(
    `SELECT d.object_kind, d.identity FROM drift d JOIN intents i ON i.id = d.intent_id
      WHERE i.kind = $1 AND i.name = $2 AND d.action = $3 ORDER BY d.first_seen, d.object_kind, d.identity LIMIT $4`,
    [ref.kind, ref.name, action, limit],
  );
  return rows.map((row) => `${row.object_kind} ${row.identity}`);
}
