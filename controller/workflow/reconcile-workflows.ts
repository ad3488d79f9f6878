// The reconcile workflows: reconcile_intent (an intent from the store) and the seed's two
// import forms (an intent generated from the form), sharing the steps
// resolve → snapshot → diff → apply (enforce only) → verify → record.
import { z } from 'zod';
import { ResourceError, ValidationError, formatIssue } from '../errors/index.ts';
import {
  DeviceTypeImportForm,
  INTENT_KINDS,
  VendorImportForm,
  intentFromDeviceTypeImportForm,
  intentFromVendorImportForm,
  intentKey,
  validateIntentObject,
} from '../intents/index.ts';
import type { DeviceTypeImportFormInput, Intent, VendorImportFormInput } from '../intents/index.ts';
import { applyAndVerify, buildPlan, driftCount, hashLocalImages, planIntents, scopeOf, takeSnapshot } from '../reconcile/index.ts';
import type { ChangeRecord, Plan, Snapshot } from '../reconcile/index.ts';
import { resolveIntents } from '../resolve/index.ts';
import type { DesiredIntent } from '../resolve/index.ts';
import { skipped } from './definition.ts';
import type { StepContext, StepDefinition, WorkflowDefinition } from './definition.ts';
import { replaceDrift } from './drift.ts';
import { driftNotices } from './drift-notices.ts';
import { catalogueFor } from './library-pin.ts';
import { ApplyRejectedError, NotConvergedError, StepCancelledError } from './errors.ts';
import type { JsonObject, JsonValue, WorkflowIntentRef } from './types.ts';

/** Where a reconcile's intent comes from: the store, or a form. */
interface IntentSource {
  readonly intent: Intent;
  readonly revision: string | null;
  /** active, removed, suspended or invalid. */
  readonly status: string;
  readonly statusMessage?: string | null;
  /** Whether the intent has a row in `intents` (drift is recorded only then). */
  readonly stored: boolean;
}

type LoadIntent = (ctx: StepContext) => Promise<IntentSource>;

const DESIRED = 'desired';
const SNAPSHOT = 'snapshot';
const IMAGE_HASHES = 'imageHashes';
const PLAN = 'plan';
const VERIFY_PLAN = 'verifyPlan';
const WRITES = new Set(['create', 'update', 'delete']);
const MAX_WARNINGS = 50;

const json = (value: unknown): JsonValue => value as JsonValue;

function refOf(intent: Intent): WorkflowIntentRef {
  return { kind: intent.kind, name: intent.metadata.name };
}

/** The resolve step's output, which later steps (and resumed attempts) read. */
interface ResolveOutput {
  readonly suspended: boolean;
  readonly mode: 'observe' | 'enforce';
  readonly stored: boolean;
  readonly intent: WorkflowIntentRef;
}

function resolveOutput(ctx: StepContext): ResolveOutput {
  const out = ctx.outputs.get('resolve');
  if (!out) throw new Error('the resolve step has no output; steps run in order');
  return out as unknown as ResolveOutput;
}

/** Resolves one intent; a removed intent wants nothing (its owned objects go only if it said prune). */
function resolveOne(source: IntentSource, catalogue: Parameters<typeof resolveIntents>[1]): { desired: DesiredIntent; warnings: string[] } {
  const state = resolveIntents([{ intent: source.intent }], catalogue);
  const desired = state.intents[0] as DesiredIntent;
  if (source.status === 'removed') return { desired: { ...desired, manufacturers: [], deviceTypes: [], moduleTypes: [] }, warnings: [] };
  const errors = state.issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) {
    throw new ValidationError(
      `intent ${intentKey(source.intent)} does not resolve against the devicetype-library at ${catalogue.revision}: ${errors.slice(0, 5).map(formatIssue).join('; ')}`,
      errors,
    );
  }
  return { desired, warnings: state.issues.filter((i) => i.severity === 'warning').map(formatIssue) };
}

/** The desired state, from this run's memory or rebuilt from the resolve step's stored intent. */
async function desiredOf(ctx: StepContext): Promise<DesiredIntent> {
  const kept = ctx.memory.get(DESIRED) as DesiredIntent | undefined;
  if (kept) return kept;
  const out = ctx.outputs.get('resolve') ?? {};
  const { intent } = validateIntentObject(out.document);
  if (!intent) throw new Error('the resolve step output holds no valid intent document');
  const catalogue = await catalogueFor(ctx.library, intent);
  const { desired } = resolveOne({ intent, revision: null, status: String(out.intentStatus ?? 'active'), stored: false }, catalogue);
  ctx.memory.set(DESIRED, desired);
  return desired;
}

async function freshPlan(ctx: StepContext): Promise<Plan> {
  const { plan } = await planIntents(ctx.netbox, [await desiredOf(ctx)], { concurrency: ctx.tuning.readConcurrency });
  return plan;
}

/** A plan as a step output: summary always, operations only under the size cap. */
function planOutput(plan: Plan, cap: number): JsonObject {
  const stored = plan.operations.length <= cap;
  return {
    netboxVersion: plan.netboxVersion,
    drift: driftCount(plan),
    changes: plan.summary.changes,
    summary: json(plan.summary),
    warnings: plan.warnings.slice(0, MAX_WARNINGS),
    operationCount: plan.operations.length,
    operationsStored: stored,
    ...(stored ? { operations: json(plan.operations) } : {}),
  };
}

function countBy<T>(items: readonly T[], key: (item: T) => string): JsonObject {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

function stopReason(ctx: StepContext): Error {
  const reason: unknown = ctx.signal.reason;
  return reason instanceof Error ? reason : new StepCancelledError(null);
}

function reconcileSteps(load: LoadIntent): StepDefinition[] {
  const skipIf = (ctx: StepContext): JsonObject | undefined => {
    const r = resolveOutput(ctx);
    return r.suspended ? skipped('the intent is suspended') : undefined;
  };
  return [
    {
      name: 'resolve',
      async run(ctx): Promise<JsonObject> {
        const source = await load(ctx);
        const ref = refOf(source.intent);
        if (source.status === 'invalid') {
          throw new ValidationError(`intent ${ref.kind}/${ref.name} is invalid: ${source.statusMessage ?? 'see its source'}`);
        }
        const catalogue = await catalogueFor(ctx.library, source.intent);
        await ctx.setRevisions({ libraryRevision: catalogue.revision, intentRevision: source.revision });
        const suspended = source.status === 'suspended' || source.intent.spec.suspend;
        const base: JsonObject = {
          intent: { kind: ref.kind, name: ref.name },
          intentRevision: source.revision,
          intentStatus: source.status,
          stored: source.stored,
          suspended,
          mode: source.intent.spec.mode,
          prune: source.intent.spec.prune,
          libraryRevision: catalogue.revision,
          // Kept so that a resumed process works on the same version of the intent.
          document: json(source.intent),
        };
        if (suspended) return base;
        const { desired, warnings } = resolveOne(source, catalogue);
        ctx.memory.set(DESIRED, desired);
        return {
          ...base,
          manufacturers: desired.manufacturers.length,
          deviceTypes: desired.deviceTypes.length,
          moduleTypes: desired.moduleTypes.length,
          warnings: warnings.slice(0, MAX_WARNINGS),
        };
      },
    },
    {
      name: 'snapshot',
      async run(ctx): Promise<JsonObject> {
        const skip = skipIf(ctx);
        if (skip) return skip;
        const desired = await desiredOf(ctx);
        const [snapshot, hashes] = await Promise.all([
          takeSnapshot(ctx.netbox, { ...scopeOf([desired]), concurrency: ctx.tuning.readConcurrency }),
          hashLocalImages([desired]),
        ]);
        ctx.memory.set(SNAPSHOT, snapshot);
        ctx.memory.set(IMAGE_HASHES, hashes);
        let templates = 0;
        for (const byKind of snapshot.templates.values()) for (const byName of byKind.values()) templates += byName.size;
        return {
          netboxVersion: snapshot.netboxVersion,
          tags: snapshot.tags.size,
          manufacturers: snapshot.manufacturers.size,
          deviceTypes: snapshot.deviceTypes.size,
          moduleTypes: snapshot.moduleTypes.size,
          templates,
        };
      },
    },
    {
      name: 'diff',
      async run(ctx): Promise<JsonObject> {
        const skip = skipIf(ctx);
        if (skip) return skip;
        const desired = await desiredOf(ctx);
        const snapshot = ctx.memory.get(SNAPSHOT) as Snapshot | undefined;
        const plan = snapshot
          ? buildPlan([desired], snapshot, { localImageHashes: (ctx.memory.get(IMAGE_HASHES) as Map<string, string> | undefined) ?? new Map() })
          : await freshPlan(ctx);
        ctx.memory.set(PLAN, plan);
        return planOutput(plan, ctx.tuning.maxStoredOperations);
      },
    },
    {
      name: 'apply',
      async run(ctx): Promise<JsonObject> {
        const skip = skipIf(ctx);
        if (skip) return skip;
        if (resolveOutput(ctx).mode !== 'enforce') return skipped('observe mode: drift is reported, NetBox is not changed');
        // A resumed attempt (after a fault, a crash or on another worker) re-reads NetBox first:
        // what an earlier attempt created is found and not created twice.
        const replanned = ctx.attempt > 1 || !ctx.memory.has(PLAN);
        const plan = replanned ? await freshPlan(ctx) : (ctx.memory.get(PLAN) as Plan);
        ctx.memory.set(PLAN, plan);
        const planned = plan.operations.filter((op) => op.enforce && WRITES.has(op.action)).length;
        if (planned === 0) return { applied: 0, planned, replanned, requests: 0 };
        // Rounds: after the plan, NetBox is re-read and what is still missing is applied again
        // (a shared object another reconcile created meanwhile is found instead of refused).
        const result = await applyAndVerify(ctx.netbox, [await desiredOf(ctx)], plan, {
          signal: ctx.signal,
          onRecords: (records: readonly ChangeRecord[]) => ctx.recordChanges(records),
          tuning: { maxChunk: ctx.tuning.applyChunkSize, concurrency: ctx.tuning.applyConcurrency, baseTimeoutMs: ctx.tuning.requestTimeoutMs },
          readConcurrency: ctx.tuning.readConcurrency,
        });
        const records = result.apply.records;
        if (result.apply.cancelled) throw stopReason(ctx);
        // The last round's re-plan is what verify checks (this run wrote and read it).
        ctx.memory.set(VERIFY_PLAN, result.verify);
        if (result.apply.failures.length > 0) throw new ApplyRejectedError(result.apply.failures, records.length);
        return {
          applied: records.length,
          planned,
          replanned,
          requests: result.apply.requests,
          rounds: result.rounds,
          unknownOutcomes: result.apply.unknownOutcomes,
          readBacks: result.apply.readBacks,
          byAction: countBy(records, (r) => r.action),
          byKind: countBy(records, (r) => r.kind),
          byConfirmation: countBy(records, (r) => r.confirmedBy),
        };
      },
    },
    {
      name: 'verify',
      async run(ctx): Promise<JsonObject> {
        const skip = skipIf(ctx);
        if (skip) return skip;
        if (resolveOutput(ctx).mode !== 'enforce') return skipped('observe mode: nothing was applied, so the diff is the drift');
        const applied = Number(ctx.outputs.get('apply')?.applied ?? 0);
        // The apply step's last re-plan, or (nothing written in this run) the plan just made, is
        // the proof: no second read needed. A resumed run reads NetBox again.
        const afterApply = ctx.memory.get(VERIFY_PLAN) as Plan | undefined;
        const reused = afterApply !== undefined || (applied === 0 && ctx.memory.has(PLAN));
        const plan = afterApply ?? (reused ? (ctx.memory.get(PLAN) as Plan) : await freshPlan(ctx));
        ctx.memory.set(VERIFY_PLAN, plan);
        const remaining = plan.operations.filter((op) => op.enforce && WRITES.has(op.action));
        if (remaining.length > 0) {
          await recordDrift(ctx, plan);
          throw new NotConvergedError(remaining);
        }
        return { ...planOutput(plan, ctx.tuning.maxStoredOperations), reused, converged: true };
      },
    },
    {
      name: 'record',
      async run(ctx): Promise<JsonObject> {
        const skip = skipIf(ctx);
        if (skip) return skip;
        const plan = (ctx.memory.get(VERIFY_PLAN) as Plan | undefined) ?? (ctx.memory.get(PLAN) as Plan | undefined) ?? (await freshPlan(ctx));
        return recordDrift(ctx, plan);
      },
    },
  ];
}

async function recordDrift(ctx: StepContext, plan: Plan): Promise<JsonObject> {
  const r = resolveOutput(ctx);
  if (!r.stored) return { recorded: false, reason: 'the intent is not in the intent store (generated from a form)', drift: driftCount(plan) };
  const result = await replaceDrift(ctx.pool, r.intent, plan, ctx.process.id);
  if (result.added + result.removed + result.modified > 0) ctx.driftChanged(r.intent);
  for (const notice of driftNotices(r.intent, r.mode, plan, result)) await ctx.notice(notice);
  return { ...result, drift: driftCount(plan) };
}

const IntentRefForm = z
  .strictObject({
    kind: z.enum(INTENT_KINDS).describe('Intent kind'),
    name: z.string().min(1, { error: 'must not be empty' }).max(253).describe('metadata.name of the intent'),
  })
  .meta({ title: 'Reconcile an intent', description: 'Diff one intent against NetBox and, in enforce mode, apply the changes' });
type IntentRefFormValue = z.output<typeof IntentRefForm>;

function fromStore(ctx: StepContext): Promise<IntentSource> {
  const ref = ctx.form as IntentRefFormValue;
  return ctx.intents.get(ref.kind, ref.name).then((found) => {
    if (!found) {
      throw new ResourceError(`intent ${ref.kind}/${ref.name} is not in the intent store; check its source (Git, folder) and the controller's log`, `${ref.kind}/${ref.name}`);
    }
    return { ...found, stored: true };
  });
}

export const reconcileIntentWorkflow: WorkflowDefinition<IntentRefFormValue> = {
  name: 'reconcile_intent',
  target: 'RECONCILE',
  description: 'Resolve an intent against the devicetype-library, diff it against NetBox, apply the changes when it enforces, verify and record drift',
  form: IntentRefForm,
  steps: reconcileSteps(fromStore),
  intentOf: (form) => ({ kind: form.kind, name: form.name }),
};

export const importVendorsWorkflow: WorkflowDefinition<z.output<typeof VendorImportForm>> = {
  name: 'task_import_vendors',
  target: 'CREATE',
  description: 'Import vendors from the devicetype-library into NetBox as manufacturers (an enforce VendorSet)',
  form: VendorImportForm,
  steps: reconcileSteps((ctx) =>
    Promise.resolve({ intent: intentFromVendorImportForm(ctx.form as VendorImportFormInput), revision: null, status: 'active', stored: false }),
  ),
  intentOf: (form) => refOf(intentFromVendorImportForm(form)),
};

export const importDeviceTypesWorkflow: WorkflowDefinition<z.output<typeof DeviceTypeImportForm>> = {
  name: 'task_import_device_types',
  target: 'CREATE',
  description: "Import a vendor's device types from the devicetype-library into NetBox, filtered by a regular expression (an enforce DeviceTypeSet)",
  form: DeviceTypeImportForm,
  steps: reconcileSteps((ctx) =>
    Promise.resolve({ intent: intentFromDeviceTypeImportForm(ctx.form as DeviceTypeImportFormInput), revision: null, status: 'active', stored: false }),
  ),
  intentOf: (form) => refOf(intentFromDeviceTypeImportForm(form)),
};
