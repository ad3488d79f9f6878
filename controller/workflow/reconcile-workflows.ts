// The reconcile pipeline — resolve → snapshot → diff → apply (enforce only) → verify → record —
// as one set of typed steps, for every way into NetBox: reconcile_intent (an intent from the
// store, what the controller schedules), the two import forms (an intent generated from
// the form), and apply_intents (`netbox-gitops apply`: the intents of a folder, recorded like any
// other process). The step outputs are the checkpoint a resumed process continues from; what a
// run keeps in memory (desired state, NetBox state, plans) is rebuilt from them when needed.
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
import type { ChangeRecord, Plan, ReconcileResult, NetBoxState } from '../reconcile/index.ts';
import type { Catalogue } from '../catalogue/index.ts';
import { resolvePinned } from '../resolve/index.ts';
import type { DesiredIntent } from '../resolve/index.ts';
import { readStepOutput, skipped, StepCancelledError } from '../engine/index.ts';
import type { StepContext, StepDefinition, WorkflowDefinition } from './definition.ts';
import { replaceDrift } from '../store/index.ts';
import { driftItemsOf, driftNotices } from './drift-notices.ts';
import { catalogueAt, catalogueFor } from './library-pin.ts';
import { ApplyRejectedError, NotConvergedError } from './errors.ts';
import type { IntentRef, JsonObject, JsonValue } from '../store/index.ts';

/** Where a reconcile's intents come from: the store, a form, or the CLI's folder. */
interface IntentSource {
  readonly intent: Intent;
  readonly revision: string | null;
  /** active, removed, suspended or invalid. */
  readonly status: string;
  readonly statusMessage?: string | null;
  /** Whether the intent has a row in `intents` (drift is recorded only then). */
  readonly stored: boolean;
}

type LoadIntents = (ctx: StepContext) => Promise<readonly IntentSource[]>;

const WRITES = new Set(['create', 'update', 'delete']);
const MAX_WARNINGS = 50;

const json = (value: unknown): JsonValue => value as JsonValue;

function refOf(intent: Pick<Intent, 'kind' | 'metadata'>): IntentRef {
  return { kind: intent.kind, name: intent.metadata.name };
}

/**
 * What one run of the pipeline keeps in memory between its steps. Empty after a resume (another
 * worker, a restart): every step can rebuild what it needs from the step outputs. The CLI seeds
 * it with what it already read for the plan it showed, and reads the result from it afterwards.
 */
export interface ReconcileMemory {
  desired?: readonly DesiredIntent[];
  /** NetBox's state for the intents' scope, as the snapshot step read it. */
  netboxState?: NetBoxState;
  imageHashes?: Map<string, string>;
  plan?: Plan;
  /** The plan after applying (the apply step's last re-plan), which verify checks. */
  verifyPlan?: Plan;
  /** Every apply round's records and the failures left, for the caller to report. */
  result?: ReconcileResult;
  /** Told how many of the plan's writes are done. */
  onProgress?: (done: number, total: number) => void;
  /** Told of every change NetBox accepted, after its audit rows are written. */
  onRecords?: (records: readonly ChangeRecord[]) => void;
}

const MEMORY = 'reconcile';

/** The pipeline's typed view of a run's memory (the runner's map holds it under one key). */
export function reconcileMemory(memory: Map<string, unknown>): ReconcileMemory {
  let found = memory.get(MEMORY) as ReconcileMemory | undefined;
  if (!found) {
    found = {};
    memory.set(MEMORY, found);
  }
  return found;
}

const IntentOutline = z.object({
  kind: z.enum(INTENT_KINDS),
  name: z.string(),
  revision: z.string().nullable(),
  status: z.string(),
  stored: z.boolean(),
  mode: z.enum(['observe', 'enforce']),
  prune: z.boolean(),
});

/**
 * The resolve step's output: the checkpoint later steps (and resumed attempts, zod-checked when
 * read back from Postgres) work from — the intent documents exactly as resolved.
 */
const ResolveOutput = z.looseObject({
  intents: z.array(IntentOutline).min(1),
  documents: z.array(z.unknown()),
  suspended: z.boolean(),
  /** Whether any intent enforces (only then does apply write). */
  enforce: z.boolean(),
  libraryRevision: z.string(),
});
type ResolveOutput = z.output<typeof ResolveOutput>;

/** A resolve output recorded before the step held a list of intents (one `document`), read as today's. */
function upgradeLegacyResolve(recorded: unknown): unknown {
  if (typeof recorded !== 'object' || recorded === null) return recorded;
  const out = recorded as JsonObject;
  if (out.document === undefined || out.intents !== undefined) return recorded;
  return {
    ...out,
    intents: [
      {
        ...(out.intent as JsonObject),
        revision: out.intentRevision ?? null,
        status: out.intentStatus ?? 'active',
        stored: out.stored,
        mode: out.mode,
        prune: out.prune ?? false,
      },
    ],
    documents: [out.document],
    enforce: out.mode === 'enforce',
  };
}

/** The resolve step's checkpoint as a resumed process reads it, also from processes recorded before it held a list. */
export const ResolveCheckpoint = z.preprocess(upgradeLegacyResolve, ResolveOutput);

function resolveOutput(ctx: StepContext): ResolveOutput {
  return readStepOutput(ctx, 'resolve', ResolveCheckpoint);
}

/**
 * Resolves the intents together, each at the library revision it pins. A removed intent wants
 * nothing (its owned objects go only if it said prune), so its resolve problems do not matter.
 */
async function resolveSources(
  ctx: StepContext,
  sources: readonly IntentSource[],
): Promise<{ desired: DesiredIntent[]; warnings: string[]; libraryRevision: string }> {
  const current = await ctx.library.current();
  const at = (ref: string): Promise<Catalogue> => catalogueAt(ctx.library, ref, 'these intents');
  const live = sources.filter((s) => s.status !== 'removed');
  const removed = sources.filter((s) => s.status === 'removed');
  const state = await resolvePinned(
    live.map((s) => ({ intent: s.intent })),
    current,
    at,
  );
  const errors = state.issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) {
    const names = live.map((s) => intentKey(s.intent)).join(', ');
    throw new ValidationError(
      `intent ${names} does not resolve against the devicetype-library at ${current.revision}: ${errors.slice(0, 5).map(formatIssue).join('; ')}`,
      errors,
    );
  }
  const gone =
    removed.length > 0
      ? (
          await resolvePinned(
            removed.map((s) => ({ intent: s.intent })),
            current,
            at,
          )
        ).intents
      : [];
  const desired = [...state.intents, ...gone.map((d) => ({ ...d, manufacturers: [], deviceTypes: [], moduleTypes: [] }))];
  // One pinning intent reports the revision it was resolved at; a set reports the current one.
  const only = sources.length === 1 ? (sources[0] as IntentSource).intent : undefined;
  const libraryRevision = only ? (await catalogueFor(ctx.library, only)).revision : current.revision;
  return { desired, warnings: state.issues.filter((i) => i.severity === 'warning').map(formatIssue), libraryRevision };
}

/** The desired state, from this run's memory or rebuilt from the resolve step's checkpoint. */
async function desiredOf(ctx: StepContext): Promise<readonly DesiredIntent[]> {
  const memory = reconcileMemory(ctx.memory);
  if (memory.desired) return memory.desired;
  const out = resolveOutput(ctx);
  const sources = out.documents.map((document, index): IntentSource => {
    const { intent } = validateIntentObject(document);
    if (!intent) throw new Error('the resolve step output holds an intent document that no longer validates');
    const outline = out.intents[index];
    return { intent, revision: outline?.revision ?? null, status: outline?.status ?? 'active', stored: outline?.stored ?? false };
  });
  const { desired } = await resolveSources(ctx, sources);
  memory.desired = desired;
  return desired;
}

async function freshPlan(ctx: StepContext): Promise<Plan> {
  const { plan } = await planIntents(ctx.netbox, await desiredOf(ctx), { concurrency: ctx.tuning.readConcurrency });
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

function skipIf(ctx: StepContext): JsonObject | undefined {
  return resolveOutput(ctx).suspended ? skipped('the intent is suspended') : undefined;
}

function resolveStep(load: LoadIntents): StepDefinition {
  return {
    name: 'resolve',
    async run(ctx): Promise<JsonObject> {
      const sources = await load(ctx);
      const invalid = sources.find((s) => s.status === 'invalid');
      if (invalid) throw new ValidationError(`intent ${intentKey(invalid.intent)} is invalid: ${invalid.statusMessage ?? 'see its source'}`);
      const first = sources[0] as IntentSource;
      const single = sources.length === 1;
      const suspended = sources.every((s) => s.status === 'suspended' || s.intent.spec.suspend);
      const outlines = sources.map((s) => ({
        ...refOf(s.intent),
        revision: s.revision,
        status: s.status,
        stored: s.stored,
        mode: s.intent.spec.mode,
        prune: s.intent.spec.prune,
      }));
      const base: JsonObject = {
        intents: outlines,
        suspended,
        enforce: sources.some((s) => s.intent.spec.mode === 'enforce'),
        // Kept so that a resumed process works on the same version of the intents.
        documents: json(sources.map((s) => s.intent)),
        // The single intent's fields at the top, as people read a process of one intent.
        ...(single ? { intent: { ...refOf(first.intent) }, intentRevision: first.revision, mode: first.intent.spec.mode, prune: first.intent.spec.prune } : {}),
      };
      if (suspended) {
        const revision = (await catalogueFor(ctx.library, first.intent)).revision;
        await ctx.setRevisions({ libraryRevision: revision, intentRevision: single ? first.revision : null });
        return { ...base, libraryRevision: revision };
      }
      const active = sources.filter((s) => !(s.status === 'suspended' || s.intent.spec.suspend));
      const { desired, warnings, libraryRevision } = await resolveSources(ctx, active);
      await ctx.setRevisions({ libraryRevision, intentRevision: single ? first.revision : null });
      reconcileMemory(ctx.memory).desired = desired;
      return {
        ...base,
        // Suspended intents of a set are left out, as `plan` leaves them out.
        documents: json(active.map((s) => s.intent)),
        intents: outlines.filter((o) => active.some((s) => s.intent.kind === o.kind && s.intent.metadata.name === o.name)),
        libraryRevision,
        manufacturers: desired.reduce((n, d) => n + d.manufacturers.length, 0),
        deviceTypes: desired.reduce((n, d) => n + d.deviceTypes.length, 0),
        moduleTypes: desired.reduce((n, d) => n + d.moduleTypes.length, 0),
        warnings: warnings.slice(0, MAX_WARNINGS),
      };
    },
  };
}

const snapshotStep: StepDefinition = {
  name: 'snapshot',
  async run(ctx): Promise<JsonObject> {
    const skip = skipIf(ctx);
    if (skip) return skip;
    const memory = reconcileMemory(ctx.memory);
    const desired = await desiredOf(ctx);
    if (!memory.netboxState || !memory.imageHashes) {
      const [state, hashes] = await Promise.all([
        takeSnapshot(ctx.netbox, { ...scopeOf(desired), concurrency: ctx.tuning.readConcurrency }),
        hashLocalImages(desired),
      ]);
      memory.netboxState = state;
      memory.imageHashes = hashes;
    }
    const state = memory.netboxState;
    let templates = 0;
    for (const byKind of state.templates.values()) for (const byName of byKind.values()) templates += byName.size;
    return {
      netboxVersion: state.netboxVersion,
      tags: state.tags.size,
      manufacturers: state.manufacturers.size,
      deviceTypes: state.deviceTypes.size,
      moduleTypes: state.moduleTypes.size,
      templates,
    };
  },
};

const diffStep: StepDefinition = {
  name: 'diff',
  async run(ctx): Promise<JsonObject> {
    const skip = skipIf(ctx);
    if (skip) return skip;
    const memory = reconcileMemory(ctx.memory);
    const desired = await desiredOf(ctx);
    const plan = memory.netboxState ? buildPlan(desired, memory.netboxState, { localImageHashes: memory.imageHashes ?? new Map() }) : await freshPlan(ctx);
    memory.plan = plan;
    return planOutput(plan, ctx.tuning.maxStoredOperations);
  },
};

const applyStep: StepDefinition = {
  name: 'apply',
  async run(ctx): Promise<JsonObject> {
    const skip = skipIf(ctx);
    if (skip) return skip;
    if (!resolveOutput(ctx).enforce) return skipped('observe mode: drift is reported, NetBox is not changed');
    const memory = reconcileMemory(ctx.memory);
    // Writes an earlier attempt (or a killed run) sent without seeing the answer are read back
    // and audited first, so that audit rows match what NetBox holds.
    const resolved = await ctx.resolvePendingWrites();
    // A resumed attempt (after a fault, a crash or on another worker) re-reads NetBox first:
    // what an earlier attempt created is found and not created twice.
    const replanned = ctx.attempt > 1 || !memory.plan || resolved.chunks > 0;
    const plan = replanned || !memory.plan ? await freshPlan(ctx) : memory.plan;
    memory.plan = plan;
    const planned = plan.operations.filter((op) => op.enforce && WRITES.has(op.action)).length;
    const restart: JsonObject = resolved.chunks > 0 ? { resolvedAfterRestart: { writes: resolved.chunks, changes: resolved.records } } : {};
    if (planned === 0) return { applied: 0, planned, replanned, requests: 0, ...restart };
    // Rounds: after the plan, NetBox is re-read and what is still missing is applied again
    // (a shared object another reconcile created meanwhile is found instead of refused).
    const result = await applyAndVerify(ctx.netbox, await desiredOf(ctx), plan, {
      signal: ctx.signal,
      onWrite: (chunk) => ctx.recordWrite(chunk),
      onRecords: async (records: readonly ChangeRecord[], chunk) => {
        await ctx.recordChanges(records, chunk);
        memory.onRecords?.(records);
      },
      onSettled: (chunk) => ctx.settleWrite(chunk),
      ...(memory.onProgress ? { onProgress: memory.onProgress } : {}),
      tuning: { maxChunk: ctx.tuning.applyChunkSize, concurrency: ctx.tuning.applyConcurrency, baseTimeoutMs: ctx.tuning.requestTimeoutMs },
      readConcurrency: ctx.tuning.readConcurrency,
    });
    memory.result = result;
    const records = result.apply.records;
    if (result.apply.cancelled) throw stopReason(ctx);
    // The last round's re-plan is what verify checks (this run wrote and read it).
    memory.verifyPlan = result.verify;
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
      ...restart,
    };
  },
};

/** What verify reads of the apply step's output: how many changes it wrote (none when it was skipped). */
const ApplyOutput = z.looseObject({ applied: z.number().default(0) });

const verifyStep: StepDefinition = {
  name: 'verify',
  async run(ctx): Promise<JsonObject> {
    const skip = skipIf(ctx);
    if (skip) return skip;
    if (!resolveOutput(ctx).enforce) return skipped('observe mode: nothing was applied, so the diff is the drift');
    const memory = reconcileMemory(ctx.memory);
    const { applied } = readStepOutput(ctx, 'apply', ApplyOutput);
    // The apply step's last re-plan, or (nothing written in this run) the plan just made, is
    // the proof: no second read needed. A resumed run reads NetBox again.
    const reused = memory.verifyPlan !== undefined || (applied === 0 && memory.plan !== undefined);
    const plan = memory.verifyPlan ?? (applied === 0 ? memory.plan : undefined) ?? (await freshPlan(ctx));
    memory.verifyPlan = plan;
    const remaining = plan.operations.filter((op) => op.enforce && WRITES.has(op.action));
    if (remaining.length > 0) {
      await recordDrift(ctx, plan);
      throw new NotConvergedError(remaining);
    }
    return { ...planOutput(plan, ctx.tuning.maxStoredOperations), reused, converged: true };
  },
};

const recordStep: StepDefinition = {
  name: 'record',
  async run(ctx): Promise<JsonObject> {
    const skip = skipIf(ctx);
    if (skip) return skip;
    const memory = reconcileMemory(ctx.memory);
    const plan = memory.verifyPlan ?? memory.plan ?? (await freshPlan(ctx));
    return recordDrift(ctx, plan);
  },
};

/** The pipeline's steps, reading their intents with `load`. */
function reconcileSteps(load: LoadIntents): StepDefinition[] {
  return [resolveStep(load), snapshotStep, diffStep, applyStep, verifyStep, recordStep];
}

/** Drift is kept per stored intent: a process of one intent from the store records it. */
async function recordDrift(ctx: StepContext, plan: Plan): Promise<JsonObject> {
  const out = resolveOutput(ctx);
  const only = out.intents.length === 1 ? out.intents[0] : undefined;
  if (!only?.stored) {
    return {
      recorded: false,
      reason: out.intents.length === 1 ? 'the intent is not in the intent store (generated from a form)' : 'drift is recorded per intent by its reconcile',
      drift: driftCount(plan),
    };
  }
  const ref: IntentRef = { kind: only.kind, name: only.name };
  const result = await replaceDrift(ctx.db(), ref, driftItemsOf(plan), ctx.process.id);
  if (result.added + result.removed + result.modified > 0) ctx.driftChanged(ref);
  for (const notice of driftNotices(ref, only.mode, plan, result)) await ctx.notice(notice);
  return { ...result, drift: driftCount(plan) };
}

const IntentRefForm = z
  .strictObject({
    kind: z.enum(INTENT_KINDS).describe('Intent kind'),
    name: z.string().min(1, { error: 'must not be empty' }).max(253).describe('metadata.name of the intent'),
  })
  .meta({ title: 'Reconcile an intent', description: 'Diff one intent against NetBox and, in enforce mode, apply the changes' });
type IntentRefFormValue = z.output<typeof IntentRefForm>;

async function fromStore(ctx: StepContext): Promise<readonly IntentSource[]> {
  const ref = ctx.form as IntentRefFormValue;
  const found = await ctx.intents.get(ref.kind, ref.name);
  if (!found) {
    throw new ResourceError(
      `intent ${ref.kind}/${ref.name} is not in the intent store; check its source (Git, folder) and the controller's log`,
      `${ref.kind}/${ref.name}`,
    );
  }
  return [{ ...found, stored: true }];
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
    Promise.resolve([{ intent: intentFromVendorImportForm(ctx.form as VendorImportFormInput), revision: null, status: 'active', stored: false }]),
  ),
  intentOf: (form) => refOf(intentFromVendorImportForm(form)),
};

export const importDeviceTypesWorkflow: WorkflowDefinition<z.output<typeof DeviceTypeImportForm>> = {
  name: 'task_import_device_types',
  target: 'CREATE',
  description: "Import a vendor's device types from the devicetype-library into NetBox, filtered by a regular expression (an enforce DeviceTypeSet)",
  form: DeviceTypeImportForm,
  steps: reconcileSteps((ctx) =>
    Promise.resolve([{ intent: intentFromDeviceTypeImportForm(ctx.form as DeviceTypeImportFormInput), revision: null, status: 'active', stored: false }]),
  ),
  intentOf: (form) => refOf(intentFromDeviceTypeImportForm(form)),
};

/** The documents of an apply_intents form, validated (the form keeps them as plain JSON). */
function intentsOfDocuments(documents: readonly unknown[]): Intent[] {
  return documents.map((document, index) => {
    const { intent, issues } = validateIntentObject(document);
    if (!intent) {
      throw new ValidationError(
        `intents[${index}] is not a valid intent: ${issues.slice(0, 3).map(formatIssue).join('; ')}`,
        issues.map((i) => ({ ...i, path: `intents[${index}]${i.path ? `.${i.path}` : ''}` })),
      );
    }
    return intent;
  });
}

const ApplyIntentsForm = z
  .strictObject({
    intents: z
      .array(z.record(z.string(), z.unknown()))
      .min(1, { error: 'list at least one intent document' })
      .max(1000)
      .describe('Intent documents (VendorSet, DeviceTypeSet), applied together as `netbox-gitops apply` applies a folder')
      .refine(
        (documents) => {
          try {
            const keys = intentsOfDocuments(documents).map(intentKey);
            return new Set(keys).size === keys.length;
          } catch {
            return false;
          }
        },
        { error: 'every document must be a valid VendorSet or DeviceTypeSet, each kind/name once' },
      ),
    origin: z.string().max(200).default('api').describe('Who applies: `cli` for `netbox-gitops apply`'),
  })
  .meta({ title: 'Apply intents', description: 'Resolve the given intents together, diff them against NetBox, apply, verify' });
type ApplyIntentsFormValue = z.output<typeof ApplyIntentsForm>;

/**
 * `netbox-gitops apply` as a recorded process: the intents of a folder, resolved together, through
 * the same steps as a scheduled reconcile, holding every intent's run lock so that it never runs
 * beside a reconcile of one of them.
 */
export const applyIntentsWorkflow: WorkflowDefinition<ApplyIntentsFormValue> = {
  name: 'apply_intents',
  target: 'RECONCILE',
  description: 'Resolve a set of intents against the devicetype-library, diff them against NetBox, apply, verify (what `netbox-gitops apply` records)',
  form: ApplyIntentsForm,
  steps: reconcileSteps((ctx) =>
    Promise.resolve(
      intentsOfDocuments((ctx.form as ApplyIntentsFormValue).intents).map((intent) => ({ intent, revision: null, status: 'active', stored: false })),
    ),
  ),
  intentOf: (form) => {
    const intents = intentsOfDocuments(form.intents);
    return intents.length === 1 ? refOf(intents[0] as Intent) : undefined;
  },
  intentsOf: (form) => intentsOfDocuments(form.intents).map(refOf),
};

/** The workflow `netbox-gitops apply` runs. */
export const APPLY_INTENTS_WORKFLOW = applyIntentsWorkflow.name;
