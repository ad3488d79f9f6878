// The status subresource of a VendorSet/DeviceTypeSet, computed from what the controller knows
// (the object, our validation of it, its row, drift and processes in Postgres), the Flux way:
// Ready always; Reconciling and Stalled only while true (kstatus); a condition's
// lastTransitionTime moves only when its status does; observedGeneration is the generation
// the result describes. Pure: the same inputs give the same status, so an unchanged status is
// never written again.
import type { Condition, IntentStatus } from '../intents/index.ts';
import { conflictingSourceOf } from '../sources/index.ts';
import { describeReadiness } from '../workflow/index.ts';
import type { IntentReadiness, IntentState } from '../workflow/index.ts';
import { generationOfRevision } from './resources.ts';
import type { IntentResource } from './resources.ts';

export const READY = 'Ready';
export const RECONCILING = 'Reconciling';
export const STALLED = 'Stalled';

/** While a deleted object's intent is being removed (and pruned). */
export interface Finalizing {
  readonly reason: 'Finalizing' | 'Pruning' | 'PruneFailed' | 'PruneBlocked';
  readonly message: string;
  readonly processId?: string;
}

export interface StatusInputs {
  readonly resource: IntentResource;
  readonly now: Date;
  /** Our validation's errors (`path: message`); non-empty means the spec never reaches NetBox. */
  readonly problems: readonly string[];
  /** The stored intent when this object's source owns it. */
  readonly state: IntentState | undefined;
  /** The other source that defines the same kind/name and owns the stored intent. */
  readonly definedElsewhere?: string;
  readonly finalizing?: Finalizing;
  /** The reconcile-requested-at value acted on (carried over from the old status otherwise). */
  readonly handledReconcileAt?: string;
  /** A reconcile was asked for and is not visible in the state yet. */
  readonly requested?: boolean;
}

interface Verdict extends IntentReadiness {
  /** The generation this verdict is about; undefined keeps the previous observedGeneration. */
  readonly observed: number | undefined;
}

const MAX_MESSAGE = 4_096;

function clip(text: string): string {
  return text.length <= MAX_MESSAGE ? text : `${text.slice(0, MAX_MESSAGE - 1)}…`;
}

function verdictOf(inputs: StatusInputs): Verdict {
  const generation = inputs.resource.metadata.generation ?? 0;
  const { state } = inputs;
  if (inputs.finalizing) {
    const failed = inputs.finalizing.reason === 'PruneFailed';
    return {
      ready: failed ? 'False' : 'Unknown',
      reason: inputs.finalizing.reason,
      message: inputs.finalizing.message,
      reconciling: inputs.finalizing.reason === 'Pruning' || inputs.finalizing.reason === 'Finalizing',
      stalled: false,
      observed: generation,
    };
  }
  if (inputs.problems.length > 0) {
    return {
      ready: 'False',
      reason: 'InvalidSpec',
      message: `the spec is invalid and is not reconciled: ${inputs.problems.join('; ')}`,
      reconciling: false,
      stalled: true,
      observed: generation,
    };
  }
  if (inputs.definedElsewhere !== undefined) {
    return {
      ready: 'False',
      reason: 'DuplicateIntent',
      message: `${inputs.resource.kind}/${inputs.resource.metadata.name} is also defined by ${inputs.definedElsewhere}, which holds it: this object is ignored until that one is removed (one kind/name from two sources is an error)`,
      reconciling: false,
      stalled: true,
      observed: generation,
    };
  }
  if (state === undefined) {
    return { ready: 'Unknown', reason: 'Progressing', message: 'storing the intent', reconciling: true, stalled: false, observed: undefined };
  }
  const readiness = describeReadiness(state);
  const noted = conflictingSourceOf(state.statusMessage);
  const withNote = (message: string): string => (noted === undefined ? message : `${message}; warning: also defined by ${noted}, whose copy is ignored`);
  if (state.status === 'suspended' || state.status === 'invalid') return { ...readiness, message: withNote(readiness.message), observed: generation };
  // A result counts for this generation when it ran on the spec as it is now (the spec may be
  // unchanged across generations: the stored intent only records a revision when it changes).
  const specGeneration = generationOfRevision(state.specRevision) ?? 0;
  const finishedGeneration = generationOfRevision(state.lastFinished?.intentRevision);
  const current = state.lastFinished !== null && finishedGeneration !== undefined && finishedGeneration >= specGeneration;
  const reconciling = readiness.reconciling || inputs.requested === true;
  if (!current) {
    const active = state.active;
    return {
      ready: 'Unknown',
      reason: 'Progressing',
      message: active ? `reconciling generation ${generation}: process ${active.id} is ${active.status}` : `reconcile of generation ${generation} requested`,
      reconciling: true,
      stalled: false,
      observed: undefined,
    };
  }
  return { ...readiness, reconciling, message: withNote(readiness.message), observed: generation };
}

function condition(
  type: string,
  status: Condition['status'],
  reason: string,
  message: string,
  observed: number | undefined,
  previous: readonly Condition[],
  now: Date,
): Condition {
  const before = previous.find((c) => c.type === type);
  const lastTransitionTime = before !== undefined && before.status === status ? before.lastTransitionTime : now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { type, status, ...(observed !== undefined ? { observedGeneration: observed } : {}), lastTransitionTime, reason, message: clip(message) };
}

/** The status the object should have now. */
export function computeStatus(inputs: StatusInputs): IntentStatus {
  const previous = inputs.resource.status ?? {};
  const before = previous.conditions ?? [];
  const verdict = verdictOf(inputs);
  const observed = verdict.observed ?? previous.observedGeneration;
  const conditions: Condition[] = [condition(READY, verdict.ready, verdict.reason, verdict.message, observed, before, inputs.now)];
  if (verdict.reconciling) {
    const active = inputs.state?.active;
    const message = inputs.finalizing?.processId
      ? `pruning: process ${inputs.finalizing.processId}`
      : active
        ? `process ${active.id} is ${active.status}${active.currentStep ? ` (step ${active.currentStep})` : ''}`
        : verdict.message;
    conditions.push(condition(RECONCILING, 'True', 'Progressing', message, observed, before, inputs.now));
  }
  if (verdict.stalled) conditions.push(condition(STALLED, 'True', verdict.reason, verdict.message, observed, before, inputs.now));
  const state = inputs.state;
  const status: IntentStatus = { ...(observed !== undefined ? { observedGeneration: observed } : {}), conditions };
  if (state !== undefined) {
    const count = (action: string): number => state.drift[action] ?? 0;
    status.drift = {
      total: state.driftTotal,
      create: count('create'),
      update: count('update'),
      delete: count('delete'),
      unmanaged: count('unmanaged'),
      blocked: count('blocked'),
    };
    if (state.lastFinished?.completedAt) status.lastReconcileTime = state.lastFinished.completedAt.replace(/\.\d{3}Z$/, 'Z');
    const processId = inputs.finalizing?.processId ?? state.active?.id ?? state.lastFinished?.id;
    if (processId !== undefined) status.lastProcessId = processId;
    if (state.lastCompleted?.libraryRevision) status.lastAppliedLibraryRevision = state.lastCompleted.libraryRevision;
  } else {
    // Not stored (invalid from the start, or held by another source): keep what was reported before.
    if (previous.drift) status.drift = previous.drift;
    if (previous.lastReconcileTime) status.lastReconcileTime = previous.lastReconcileTime;
    if (previous.lastProcessId) status.lastProcessId = previous.lastProcessId;
    if (previous.lastAppliedLibraryRevision) status.lastAppliedLibraryRevision = previous.lastAppliedLibraryRevision;
  }
  const handled = inputs.handledReconcileAt ?? previous.lastHandledReconcileAt;
  if (handled !== undefined) status.lastHandledReconcileAt = handled;
  return status;
}

/** Deep equality of two statuses regardless of key order, so an unchanged status is not written. */
export function sameStatus(a: IntentStatus | undefined, b: IntentStatus | undefined): boolean {
  return canonical(a ?? {}) === canonical(b ?? {});
}

function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

/** The Ready condition of a status, if any. */
export function readyOf(status: IntentStatus | undefined): Condition | undefined {
  return status?.conditions?.find((c) => c.type === READY);
}
