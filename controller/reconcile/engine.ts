import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { DesiredIntent } from '../resolve/index.ts';
import { applyPlan } from './apply.ts';
import type { ApplyOptions } from './apply.ts';
import { intentTag, typeIdentity } from './identity.ts';
import type { NetBoxPort } from './netbox-port.ts';
import { buildPlan } from './plan.ts';
import { takeSnapshot } from './snapshot.ts';
import type { NetBoxState, SnapshotScope } from './snapshot.ts';
import type { ApplyResult, ChangeRecord, Plan } from './types.ts';
import { WriteGovernor } from './write-governor.ts';

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
  await Promise.all(
    [...files].map(async (f) =>
      hashes.set(
        f,
        createHash('sha256')
          .update(await readFile(f))
          .digest('hex'),
      ),
    ),
  );
  return hashes;
}

export interface PlanResult {
  readonly plan: Plan;
  readonly snapshot: NetBoxState;
  /** sha256 of the local images the intents upload, by file (what the plan compared). */
  readonly imageHashes: Map<string, string>;
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
  return { plan, snapshot, imageHashes: localImageHashes, planCpuMs: (used.user + used.system) / 1000 };
}

export interface ReconcileResult {
  readonly plan: Plan;
  /** Every round's records together; the failures of the last round (what is still refused). */
  readonly apply: ApplyResult;
  /** Apply rounds run (a round re-plans and sends what is still missing). */
  readonly rounds: number;
  /** The plan after applying: no enforce changes left when NetBox converged. */
  readonly verify: Plan;
}

export interface RoundsOptions extends ApplyOptions {
  /** Apply rounds at most (default 4); rounds also stop as soon as one makes no progress. */
  readonly maxRounds?: number;
  /** Pages in flight when re-reading NetBox between rounds. */
  readonly readConcurrency?: number;
}

/** Whether a plan still holds writes of enforcing intents. */
export function pendingWrites(plan: Plan): number {
  return plan.operations.filter((op) => op.enforce && WRITES.has(op.action)).length;
}

const WRITES: ReadonlySet<string> = new Set(['create', 'update', 'delete']);

/**
 * Applies a plan, then re-reads NetBox and re-plans; while enforce changes remain and the last
 * round made progress, applies what is left (bounded rounds): a parent whose write failed in
 * one round lets its templates through in the next, a shared object another writer created
 * meanwhile is found instead of refused. The last re-plan is the verification.
 */
export async function applyAndVerify(api: NetBoxPort, intents: readonly DesiredIntent[], plan: Plan, options: RoundsOptions = {}): Promise<ReconcileResult> {
  const governor = options.governor ?? new WriteGovernor(options.tuning);
  // Nothing to write: the plan is its own verification (NetBox was read for it just now).
  const maxRounds = pendingWrites(plan) === 0 ? 0 : Math.max(1, options.maxRounds ?? 4);
  const records: ChangeRecord[] = [];
  let totals = { requests: 0, unknownOutcomes: 0, readBacks: 0 };
  let current = plan;
  let last: ApplyResult | undefined;
  let rounds = 0;
  let verify: Plan = plan;
  const replanOptions = options.readConcurrency !== undefined ? { concurrency: options.readConcurrency } : {};
  while (rounds < maxRounds) {
    rounds += 1;
    last = await applyPlan(api, current, { ...options, governor });
    // Not push(...records): a whole-library import has more records than a call has arguments.
    for (const record of last.records) records.push(record);
    totals = {
      requests: totals.requests + last.requests,
      unknownOutcomes: totals.unknownOutcomes + last.unknownOutcomes,
      readBacks: totals.readBacks + last.readBacks,
    };
    if (last.cancelled) break;
    verify = (await planIntents(api, intents, replanOptions)).plan;
    if (pendingWrites(verify) === 0 || last.records.length === 0) break;
    current = verify;
  }
  // What still fails is what the last plan still wants written: an "already exists" from someone
  // else's object, for one, turns into an unmanaged object in the re-plan, not a failure.
  const pending = new Set(verify.operations.filter((op) => op.enforce && WRITES.has(op.action)).map((op) => `${op.kind}:${op.identity}`));
  const apply: ApplyResult = {
    records,
    failures: (last?.failures ?? []).filter((f) => pending.has(`${f.kind}:${f.identity}`)),
    skipped: plan.operations.filter((op) => !op.enforce && WRITES.has(op.action)).length,
    cancelled: last?.cancelled ?? false,
    ...totals,
  };
  return { plan, apply, rounds, verify };
}

/** Drift a plan shows for enforcing and observing intents alike: what differs from intent. */
export function driftCount(plan: Plan): number {
  return plan.summary.changes + plan.summary.total.unmanaged + plan.summary.total.extra;
}
