import type { Catalogue } from '../catalogue/index.ts';
import { formatIssue } from '../errors/index.ts';
import { buildPlan, hashLocalImages, scopeOf, takeSnapshot } from '../reconcile/index.ts';
import type { NetBoxPort, Plan, PlanOperation } from '../reconcile/index.ts';
import { countActions } from '../report/index.ts';
import type { LibraryChanges, LibraryUpgradeReport, UpgradeEffect } from '../report/index.ts';
import { resolveIntents } from '../resolve/index.ts';
import type { DesiredIntent } from '../resolve/index.ts';
import { diffCatalogues } from './library-diff.ts';

type ResolverInput = Parameters<typeof resolveIntents>[0][number];

/** One intent to preview, and the library revision it uses today (its pin, or the current one). */
export interface UpgradeTarget {
  readonly input: ResolverInput;
  readonly from: Catalogue;
}

export interface UpgradePreview {
  readonly report: LibraryUpgradeReport;
  /** The library's own changes from each revision the intents use today to `to`, by that revision. */
  readonly changesByFrom: ReadonlyMap<string, LibraryChanges>;
  /** The plan of every previewed intent at the new revision (those that resolve there). */
  readonly plan: Plan;
}

const SAMPLE = 10;

/** What makes two operations the same change: action, object and the values written. */
function changeKey(op: PlanOperation): string {
  return `${op.action}\0${op.kind}\0${op.identity}\0${JSON.stringify(op.changes ?? op.desired ?? null)}`;
}

/**
 * Plans intents against NetBox as if the library were at `to`, and says per intent what the
 * upgrade changes: the operations its plan at `to` has and its plan at today's revision does
 * not (what taking the upgrade would write), and those that go away. NetBox is read once, for
 * the union of both revisions' scope. `base` is the revision whose own changes are listed
 * (the installation's current one).
 */
export async function previewLibraryUpgrade(
  api: NetBoxPort,
  targets: readonly UpgradeTarget[],
  base: Catalogue,
  to: Catalogue,
  options: { readonly concurrency?: number } = {},
): Promise<UpgradePreview> {
  const resolved = targets.map((target) => {
    const before = resolveIntents([target.input], target.from);
    const after = resolveIntents([target.input], to);
    const errors = after.issues.filter((i) => i.severity === 'error');
    return {
      from: target.from.revision,
      before: before.intents[0] as DesiredIntent,
      after: errors.length === 0 ? (after.intents[0] as DesiredIntent) : undefined,
      error:
        errors.length > 0
          ? errors
              .slice(0, 3)
              .map((e) => e.message)
              .join('; ')
          : undefined,
      warnings: after.issues.filter((i) => i.severity === 'warning').map(formatIssue),
    };
  });
  const all = resolved.flatMap((r) => (r.after ? [r.before, r.after] : [r.before]));
  const [snapshot, localImageHashes] = await Promise.all([
    takeSnapshot(api, { ...scopeOf(all), ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}) }),
    hashLocalImages(all),
  ]);
  const planOf = (intents: readonly DesiredIntent[]): Plan => buildPlan(intents, snapshot, { localImageHashes });

  const effects: UpgradeEffect[] = resolved.map((r) => {
    const intent = `${r.before.ref.kind}/${r.before.ref.name}`;
    if (!r.after) return { intent, from: r.from, planAtNew: {}, introduced: {}, resolved: 0, sample: [], error: r.error ?? 'does not resolve' };
    const now = planOf([r.before]);
    const next = planOf([r.after]);
    const nowKeys = new Set(now.operations.map(changeKey));
    const nextKeys = new Set(next.operations.map(changeKey));
    const introduced = next.operations.filter((op) => !nowKeys.has(changeKey(op)));
    return {
      intent,
      from: r.from,
      planAtNew: countActions(next.operations),
      introduced: countActions(introduced),
      resolved: now.operations.filter((op) => !nextKeys.has(changeKey(op))).length,
      sample: introduced.slice(0, SAMPLE).map((op) => `${op.action} ${op.kind} ${op.identity}`),
    };
  });
  const plan = planOf(resolved.flatMap((r) => (r.after ? [r.after] : [])));
  const warnings = resolved.flatMap((r) => r.warnings);
  const changesByFrom = new Map<string, LibraryChanges>([[base.revision, diffCatalogues(base, to)]]);
  for (const target of targets) if (!changesByFrom.has(target.from.revision)) changesByFrom.set(target.from.revision, diffCatalogues(target.from, to));
  return {
    changesByFrom,
    report: { from: base.revision, to: to.revision, changes: changesByFrom.get(base.revision) as LibraryChanges, effects },
    plan: warnings.length > 0 ? { ...plan, warnings: [...plan.warnings, ...warnings] } : plan,
  };
}
