import type { Plan, PlanOperation } from '../reconcile/index.ts';

/** The columns of a plan summary, in the order they are shown. */
export const REPORT_ACTIONS = ['create', 'update', 'delete', 'extra', 'unmanaged', 'blocked'] as const;
export type ReportAction = (typeof REPORT_ACTIONS)[number];

/** Operation counts per action; actions a newer engine adds are counted under their own name. */
export type ActionCounts = Readonly<Record<string, number>>;

/** One row of the per-intent summary table. */
export interface IntentSummary {
  /** `Kind/name`. */
  readonly intent: string;
  readonly mode: string;
  readonly counts: ActionCounts;
  /** create + update + delete: what apply would write for this intent. */
  readonly changes: number;
}

const WRITES = new Set(['create', 'update', 'delete']);

/** The action of an operation as plain text, so that actions added later are still counted. */
export function actionOf(op: Pick<PlanOperation, 'action'>): string {
  return op.action as string;
}

/** Counts operations by action. */
export function countActions(ops: readonly Pick<PlanOperation, 'action'>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const action of REPORT_ACTIONS) counts[action] = 0;
  for (const op of ops) counts[actionOf(op)] = (counts[actionOf(op)] ?? 0) + 1;
  return counts;
}

/** Sum of create, update and delete in `counts`. */
export function writesIn(counts: ActionCounts): number {
  let n = 0;
  for (const [action, count] of Object.entries(counts)) if (WRITES.has(action)) n += count;
  return n;
}

/**
 * One row per intent of the plan (also intents with nothing to do), counting each operation
 * under every intent it names; operations no intent names (the shared owner tag) form a
 * `(shared)` row when there are any.
 */
export function summariseByIntent(plan: Plan): IntentSummary[] {
  const ops = new Map<string, PlanOperation[]>();
  const modes = new Map<string, string>();
  for (const i of plan.intents) {
    const key = `${i.ref.kind}/${i.ref.name}`;
    modes.set(key, i.mode);
    ops.set(key, []);
  }
  for (const op of plan.operations) {
    const owners = op.intents.length > 0 ? op.intents : ['(shared)'];
    for (const owner of owners) {
      let list = ops.get(owner);
      if (!list) ops.set(owner, (list = []));
      list.push(op);
    }
  }
  return [...ops.entries()]
    .sort(([a], [b]) => (a === '(shared)' ? 1 : b === '(shared)' ? -1 : a < b ? -1 : a > b ? 1 : 0))
    .map(([intent, list]) => {
      const counts = countActions(list);
      return { intent, mode: modes.get(intent) ?? '', counts, changes: writesIn(counts) };
    });
}

/** `3 to create, 1 to update, 0 to delete` plus the non-zero report-only counts. */
export function describeCounts(counts: ActionCounts): string {
  const parts = [`${counts.create ?? 0} to create`, `${counts.update ?? 0} to update`, `${counts.delete ?? 0} to delete`];
  for (const [action, n] of Object.entries(counts)) if (!WRITES.has(action) && n > 0) parts.push(`${n} ${action}`);
  return parts.join(', ');
}
