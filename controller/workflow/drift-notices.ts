import type { Plan, PlanOperation } from '../reconcile/index.ts';
import { toJsonObject } from '../store/index.ts';
import type { DriftItem, DriftResult } from '../store/index.ts';
import type { StepNotice } from '../engine/index.ts';
import type { IntentRef, JsonObject } from '../store/index.ts';

const BLOCKED_SAMPLE = 10;

/** field -> {before, after}: what the drift view shows for one operation. */
function diffOf(op: PlanOperation): JsonObject {
  if (op.changes) return toJsonObject(op.changes);
  if (op.action === 'create' && op.desired)
    return Object.fromEntries(Object.entries(op.desired).map(([k, v]) => [k, { before: null, after: v }])) as JsonObject;
  if (op.action === 'delete' && op.before) return Object.fromEntries(Object.entries(op.before).map(([k, v]) => [k, { before: v, after: null }])) as JsonObject;
  return {};
}

/** The drift rows of a plan: one per operation. */
export function driftItemsOf(plan: Plan): DriftItem[] {
  return plan.operations.map((op) => ({ objectKind: op.kind, identity: op.identity, action: op.action, diff: diffOf(op), reason: op.reason ?? null }));
}

function countByAction(plan: Plan): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const op of plan.operations) counts[op.action] = (counts[op.action] ?? 0) + 1;
  return counts;
}

/**
 * What a recorded diff is worth telling people: drift detected (objects that did not differ
 * before differ now), drift resolved (the intent had drift and has none), prune blocked (a
 * delete NetBox would refuse appeared). Repeats of the same drift tell nothing new.
 */
export function driftNotices(intent: IntentRef, mode: string, plan: Plan, result: DriftResult): Omit<StepNotice, 'processId'>[] {
  if (!result.recorded) return [];
  const name = `${intent.kind}/${intent.name}`;
  const byAction = countByAction(plan);
  const notices: Omit<StepNotice, 'processId'>[] = [];
  const fresh = Object.entries(result.addedByAction)
    .filter(([action]) => action !== 'blocked')
    .reduce((n, [, count]) => n + count, 0);
  if (fresh > 0) {
    notices.push({
      type: 'drift.detected',
      intent,
      summary: `${name} (${mode}): ${fresh} object${fresh === 1 ? '' : 's'} newly differ${fresh === 1 ? 's' : ''} from the intent; ${result.total} in all`,
      details: { mode, total: result.total, new: fresh, byAction, newByAction: result.addedByAction as JsonObject, previous: result.previous },
    });
  }
  if (result.total === 0 && result.previous > 0) {
    notices.push({
      type: 'drift.resolved',
      intent,
      summary: `${name} (${mode}): no drift left (${result.previous} objects differed before)`,
      details: { mode, previous: result.previous },
    });
  }
  const newBlocked = result.addedByAction.blocked ?? 0;
  if (newBlocked > 0) {
    const blocked = plan.operations.filter((op) => op.action === 'blocked');
    notices.push({
      type: 'prune.blocked',
      intent,
      summary: `${name}: ${blocked.length} delete${blocked.length === 1 ? '' : 's'} NetBox would refuse (objects still in use)`,
      details: {
        mode,
        blocked: blocked.length,
        new: newBlocked,
        objects: blocked.slice(0, BLOCKED_SAMPLE).map((op) => ({ kind: op.kind, identity: op.identity, reason: op.reason ?? null })),
      },
    });
  }
  return notices;
}
