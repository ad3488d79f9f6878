import { AppError } from '../errors/index.ts';
import { applyPlan, formatIntentRef, formatPlan, OWNER_TAG, planIntents } from '../reconcile/index.ts';
import type { ApplyOptions, ApplyResult, NetBoxPort, Plan, PlanOperation } from '../reconcile/index.ts';
import type { DesiredIntent } from '../resolve/index.ts';
import { compare } from './inventory.ts';

/** One object the intents would take ownership of: the tags it gains. */
export interface Adoption {
  readonly kind: 'manufacturer' | 'device-type' | 'module-type';
  readonly identity: string;
  readonly netboxId: number;
  /** Intents (`Kind/name`) that want the object. */
  readonly intents: readonly string[];
  readonly tagsBefore: readonly string[];
  readonly tagsAdded: readonly string[];
  /** It already carries the controller's tag: another intent joins its owners. */
  readonly alreadyOwned: boolean;
}

/** An object no intent owns yet that two or more intents would adopt. */
export interface AdoptionConflict {
  readonly kind: Adoption['kind'];
  readonly identity: string;
  readonly netboxId: number;
  readonly intents: readonly string[];
}

export interface AdoptionPlan {
  /** The plan with every intent adopting: what the engine would do once the objects are owned. */
  readonly plan: Plan;
  readonly adoptions: readonly Adoption[];
  readonly conflicts: readonly AdoptionConflict[];
  /** Field, template and image changes `mode: enforce` intents would apply after adoption (tags left out). */
  readonly enforceChanges: readonly PlanOperation[];
  /** Differences `mode: observe` intents would report (and never apply). */
  readonly observeDrift: readonly PlanOperation[];
  /** What adopting writes: the ownership tags NetBox lacks, then the tag updates. Nothing else. */
  readonly writes: Plan;
}

const TYPE_KINDS = new Set(['manufacturer', 'device-type', 'module-type']);

/**
 * Works out what taking ownership means for these intents: plans them as if each said
 * `adopt: true` (the engine's own ownership rules: the controller's tag plus one tag per
 * owning intent), and splits the plan into the tags to add — the only thing `adopt` writes —
 * and what enforcing would change afterwards. An object no intent owns that two intents
 * manage is a conflict: adopting it would make both its owners.
 */
export async function planAdoption(api: NetBoxPort, intents: readonly DesiredIntent[], options: { concurrency?: number } = {}): Promise<AdoptionPlan> {
  const adopting = intents.map((i) => ({ ...i, policy: { ...i.policy, adopt: true } }));
  const { plan } = await planIntents(api, adopting, options);
  return splitAdoption(plan, intents);
}

/** The pure part of {@link planAdoption}: splits an adopting plan. */
export function splitAdoption(plan: Plan, intents: readonly DesiredIntent[]): AdoptionPlan {
  // Who manages each manufacturer: a VendorSet does; a DeviceTypeSet only needs it to exist.
  const managers = new Map<string, string[]>();
  for (const i of intents) {
    for (const m of i.manufacturers) {
      if (!m.managed) continue;
      const key = m.slug.toLowerCase();
      const list = managers.get(key) ?? [];
      list.push(formatIntentRef(i.ref));
      managers.set(key, list);
    }
  }
  const adoptions: Adoption[] = [];
  const conflicts: AdoptionConflict[] = [];
  const tagUpdates: PlanOperation[] = [];
  const enforceChanges: PlanOperation[] = [];
  const observeDrift: PlanOperation[] = [];
  for (const op of plan.operations) {
    const tags = op.changes?.tags;
    if (TYPE_KINDS.has(op.kind) && op.action === 'update' && tags && op.netboxId !== undefined) {
      const before = (tags.before as string[]) ?? [];
      const after = (tags.after as string[]) ?? [];
      const added = after.filter((t) => !before.includes(t));
      if (added.length > 0) {
        const alreadyOwned = before.includes(OWNER_TAG.slug);
        const adoption: Adoption = {
          kind: op.kind as Adoption['kind'],
          identity: op.identity,
          netboxId: op.netboxId,
          intents: op.intents,
          tagsBefore: before,
          tagsAdded: added,
          alreadyOwned,
        };
        adoptions.push(adoption);
        const owners = op.kind === 'manufacturer' ? (managers.get(op.identity) ?? []) : op.intents;
        if (!alreadyOwned && owners.length > 1)
          conflicts.push({ kind: adoption.kind, identity: op.identity, netboxId: op.netboxId, intents: [...owners].sort() });
        tagUpdates.push({ ...op, enforce: true, changes: { tags } });
      }
      const { tags: _tags, ...rest } = op.changes ?? {};
      if (Object.keys(rest).length === 0) continue;
      (op.enforce ? enforceChanges : observeDrift).push({ ...op, changes: rest });
      continue;
    }
    if (op.kind === 'tag' || op.action === 'unmanaged') continue;
    (op.enforce ? enforceChanges : observeDrift).push(op);
  }
  const neededTags = new Set(tagUpdates.flatMap((op) => (op.changes?.tags?.after as string[] | undefined) ?? []));
  const tagCreates = plan.operations
    .filter((op) => op.kind === 'tag' && op.action === 'create' && neededTags.has(op.identity))
    .map((op) => ({ ...op, enforce: true }));
  const writes: Plan = {
    ...plan,
    operations: [...tagCreates, ...tagUpdates],
    references: {},
    summary: {
      byKind: {},
      total: { create: tagCreates.length, update: tagUpdates.length, delete: 0, unmanaged: 0, blocked: 0, extra: 0 },
      unchanged: 0,
      changes: tagCreates.length + tagUpdates.length,
    },
    warnings: [],
  };
  adoptions.sort((a, b) => compare(a.kind, b.kind) || compare(a.identity, b.identity));
  conflicts.sort((a, b) => compare(a.kind, b.kind) || compare(a.identity, b.identity));
  return { plan, adoptions, conflicts, enforceChanges, observeDrift, writes };
}

/** Writes the adoption: creates missing ownership tags, then tags the objects in bulk. Nothing else. */
export async function applyAdoption(api: NetBoxPort, adoption: AdoptionPlan, options: ApplyOptions = {}): Promise<ApplyResult> {
  if (adoption.conflicts.length > 0) throw new AdoptionConflictError(adoption.conflicts);
  return applyPlan(api, adoption.writes, options);
}

/** Two intents would adopt one object; adopting is refused until one of them lets go. */
export class AdoptionConflictError extends AppError {
  override readonly code = 'adoption_conflict';
  constructor(readonly conflicts: readonly AdoptionConflict[]) {
    super(`${conflicts.length} objects would be adopted by more than one intent: ${conflicts.map(formatConflict).join('; ')}`);
  }
}

export function formatConflict(c: AdoptionConflict): string {
  return `${c.kind} ${c.identity} (NetBox id ${c.netboxId}) is wanted by ${c.intents.join(' and ')}`;
}

/**
 * What adopting does, for people: the tags each object gains, grouped by intent; the changes
 * enforcing intents would make afterwards; the drift observing ones would report; the writes.
 */
export function formatAdoption(adoption: AdoptionPlan): string {
  const lines: string[] = [];
  const modes = new Map(adoption.plan.intents.map((i) => [formatIntentRef(i.ref), i.mode]));
  if (adoption.conflicts.length > 0) {
    lines.push(`Refusing to adopt: ${adoption.conflicts.length} objects would be adopted by more than one intent (remove them from all but one):`);
    for (const c of adoption.conflicts) lines.push(`  ! ${formatConflict(c)}`);
    lines.push('');
  }
  const byIntent = new Map<string, Adoption[]>();
  for (const a of adoption.adoptions) {
    const key = a.intents.join(', ');
    let list = byIntent.get(key);
    if (!list) byIntent.set(key, (list = []));
    list.push(a);
  }
  const fresh = adoption.adoptions.filter((a) => !a.alreadyOwned).length;
  lines.push(
    `Taking ownership: ${adoption.adoptions.length} objects gain tags (${fresh} not owned by any intent yet, ${adoption.adoptions.length - fresh} already owned by another intent).`,
  );
  for (const [intents, list] of [...byIntent.entries()].sort((a, b) => compare(a[0], b[0]))) {
    lines.push(`  ${intents}${intents.includes(',') ? '' : ` (${modes.get(intents) ?? 'observe'})`}`);
    for (const a of list) lines.push(`    + tags ${a.kind} ${a.identity}: ${a.tagsAdded.join(', ')}`);
  }
  lines.push('');
  if (adoption.enforceChanges.length > 0) {
    lines.push('Once adopted, the intents in enforce mode would change (not done by adopt; the next reconcile or `apply` does it):');
    lines.push(indent(formatPlan({ ...adoption.plan, operations: adoption.enforceChanges, warnings: [] }).split('\nPlan:')[0] ?? ''));
  } else {
    lines.push('Once adopted, no intent in enforce mode would change anything: NetBox matches them.');
  }
  if (adoption.observeDrift.length > 0) {
    const creates = adoption.observeDrift.filter((op) => op.action === 'create').length;
    lines.push(`Intents in observe mode would report ${adoption.observeDrift.length} differences (${creates} objects missing from NetBox) and change nothing.`);
  }
  const w = adoption.writes.summary.total;
  lines.push('', `Writes: ${w.create} ownership tags created, ${w.update} objects tagged (bulk PATCH). Nothing else is written.`);
  return lines.join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n')
    .trimEnd();
}
