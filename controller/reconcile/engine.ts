import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { DesiredIntent } from '../resolve/index.ts';
import { applyPlan } from './apply.ts';
import type { ApplyOptions } from './apply.ts';
import { intentTag, typeIdentity } from './identity.ts';
import type { NetBoxPort } from './netbox-port.ts';
import { buildPlan } from './plan.ts';
import { takeSnapshot } from './snapshot.ts';
import type { Snapshot, SnapshotScope } from './snapshot.ts';
import type { ApplyResult, Plan } from './types.ts';

/** The part of NetBox a set of intents covers. */
export function scopeOf(intents: readonly DesiredIntent[]): SnapshotScope {
  const manufacturers = new Set<string>();
  const imageIdentities = new Set<string>();
  for (const i of intents) {
    for (const m of i.manufacturers) manufacturers.add(m.slug.toLowerCase());
    for (const d of i.deviceTypes) {
      manufacturers.add(d.manufacturer.toLowerCase());
      if (i.policy.images && (d.images.front || d.images.rear)) imageIdentities.add(typeIdentity(d.manufacturer.toLowerCase(), d.model));
    }
    for (const d of i.moduleTypes) manufacturers.add(d.manufacturer.toLowerCase());
  }
  return {
    manufacturers,
    ownerTags: intents.filter((i) => i.policy.prune).map((i) => intentTag(i.ref).slug),
    components: intents.some((i) => i.policy.components),
    imageIdentities,
  };
}

/** sha256 of every local image the intents want uploaded. */
export async function hashLocalImages(intents: readonly DesiredIntent[]): Promise<Map<string, string>> {
  const files = new Set<string>();
  for (const i of intents) {
    if (!i.policy.images) continue;
    for (const d of i.deviceTypes) for (const f of [d.images.front, d.images.rear]) if (f) files.add(f);
  }
  const hashes = new Map<string, string>();
  await Promise.all([...files].map(async (f) => hashes.set(f, createHash('sha256').update(await readFile(f)).digest('hex'))));
  return hashes;
}

export interface PlanResult {
  readonly plan: Plan;
  readonly snapshot: Snapshot;
  /** CPU time spent diffing and planning, in milliseconds. */
  readonly planCpuMs: number;
}

/** Snapshot NetBox for the intents and diff: the `plan` command and the drift view. */
export async function planIntents(api: NetBoxPort, intents: readonly DesiredIntent[], options: { concurrency?: number } = {}): Promise<PlanResult> {
  const scope = scopeOf(intents);
  const [snapshot, localImageHashes] = await Promise.all([
    takeSnapshot(api, { ...scope, ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}) }),
    hashLocalImages(intents),
  ]);
  const cpu = process.cpuUsage();
  const plan = buildPlan(intents, snapshot, { localImageHashes });
  const used = process.cpuUsage(cpu);
  return { plan, snapshot, planCpuMs: (used.user + used.system) / 1000 };
}

export interface ReconcileResult {
  readonly plan: Plan;
  readonly apply: ApplyResult;
  /** The plan after applying: zero changes when NetBox converged. */
  readonly verify: Plan;
}

/** Applies a plan, then re-snapshots and re-plans to prove (or show) convergence. */
export async function applyAndVerify(
  api: NetBoxPort,
  intents: readonly DesiredIntent[],
  plan: Plan,
  options: ApplyOptions = {},
): Promise<ReconcileResult> {
  const apply = await applyPlan(api, plan, options);
  const { plan: verify } = await planIntents(api, intents, options.concurrency !== undefined ? { concurrency: options.concurrency } : {});
  return { plan, apply, verify };
}

/** Drift a plan shows for enforcing and observing intents alike: what differs from intent. */
export function driftCount(plan: Plan): number {
  return plan.summary.changes + plan.summary.total.unmanaged;
}
