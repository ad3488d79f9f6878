import type { Pool } from '../db/index.ts';
import type { Plan, PlanOperation } from '../reconcile/index.ts';
import type { JsonObject, WorkflowIntentRef } from './types.ts';

export interface DriftResult {
  /** False when the intent has no row in `intents` (e.g. an import's generated intent). */
  readonly recorded: boolean;
  readonly total: number;
  readonly added: number;
  readonly removed: number;
  readonly modified: number;
}

/** field -> {before, after}: what the drift view shows for one operation. */
function diffOf(op: PlanOperation): JsonObject {
  if (op.changes) return op.changes as unknown as JsonObject;
  if (op.action === 'create' && op.desired) return Object.fromEntries(Object.entries(op.desired).map(([k, v]) => [k, { before: null, after: v }])) as JsonObject;
  if (op.action === 'delete' && op.before) return Object.fromEntries(Object.entries(op.before).map(([k, v]) => [k, { before: v, after: null }])) as JsonObject;
  return {};
}

/**
 * Replaces an intent's drift rows with the operations of `plan`: new objects are inserted,
 * existing ones keep their first_seen and get last_seen = now(), rows no longer in the plan
 * are deleted. Also stamps intents.last_reconcile_at / last_process_id. One statement.
 */
export async function replaceDrift(pool: Pool, intent: WorkflowIntentRef, plan: Plan, processId: string): Promise<DriftResult> {
  const seen = new Map<string, { object_kind: string; identity: string; action: string; diff: JsonObject }>();
  for (const op of plan.operations) seen.set(`${op.kind}\0${op.identity}`, { object_kind: op.kind, identity: op.identity, action: op.action, diff: diffOf(op) });
  const { rows } = await pool.query<{ found: boolean; total: string; added: string; removed: string; modified: string }>(
    `WITH target AS (
       UPDATE intents SET last_reconcile_at = now(), last_process_id = $4, updated_at = now()
        WHERE kind = $1 AND name = $2 RETURNING id
     ), incoming AS (
       SELECT * FROM jsonb_to_recordset($3::jsonb) AS x(object_kind text, identity text, action text, diff jsonb)
     ), existing AS (
       SELECT d.object_kind, d.identity, d.action, d.diff FROM drift d JOIN target t ON d.intent_id = t.id
     ), upserted AS (
       INSERT INTO drift (intent_id, object_kind, identity, action, diff)
       SELECT t.id, i.object_kind, i.identity, i.action, i.diff FROM incoming i, target t
       ON CONFLICT (intent_id, object_kind, identity)
       DO UPDATE SET action = EXCLUDED.action, diff = EXCLUDED.diff, last_seen = now()
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
            (SELECT count(*) FROM incoming i JOIN existing e USING (object_kind, identity) WHERE e.action <> i.action OR e.diff <> i.diff) AS modified`,
    [intent.kind, intent.name, JSON.stringify([...seen.values()]), processId],
  );
  const row = rows[0];
  if (!row?.found) return { recorded: false, total: 0, added: 0, removed: 0, modified: 0 };
  return { recorded: true, total: Number(row.total), added: Number(row.added), removed: Number(row.removed), modified: Number(row.modified) };
}
