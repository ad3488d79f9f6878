// How ready an intent is, in the terms Kubernetes conditions and `netbox-gitops get` use,
// from its stored state.
import type { Pool } from '../db/index.ts';
import { readIntentStates as readStates } from '../store/index.ts';
import type { IntentRef, IntentState } from '../store/index.ts';
import { RECONCILE_WORKFLOW } from './registry.ts';

/**
 * Where the given intents stand (all of them when `refs` is undefined), with their reconcile
 * processes; ordered by kind and name.
 */
export function readIntentStates(pool: Pool, refs?: readonly IntentRef[]): Promise<IntentState[]> {
  return readStates(pool, RECONCILE_WORKFLOW, refs);
}

/** How an intent stands, for a Ready column: the same reading for every source. */
export interface IntentReadiness {
  readonly ready: 'True' | 'False' | 'Unknown';
  /** CamelCase, as Kubernetes condition reasons. */
  readonly reason: string;
  readonly message: string;
  /** A reconcile is queued or running. */
  readonly reconciling: boolean;
  /** Retrying will not help until the intent (or the library) changes. */
  readonly stalled: boolean;
}

/** Error codes that only a change of the intent or the library can fix. */
const STALLING_CODES = new Set(['validation_error', 'resource_error']);

/** Reads readiness from the stored state; sources add their own reasons (Kubernetes: InvalidSpec before storing, finalizing). */
export function describeReadiness(state: IntentState): IntentReadiness {
  const reconciling = state.active !== null;
  if (state.status === 'invalid') {
    return { ready: 'False', reason: 'InvalidSpec', message: state.statusMessage ?? 'the intent is invalid', reconciling: false, stalled: true };
  }
  if (state.status === 'removed') {
    return { ready: 'Unknown', reason: 'Removed', message: state.statusMessage ?? 'removed from its source', reconciling, stalled: false };
  }
  if (state.status === 'suspended') {
    return {
      ready: state.lastFinished?.status === 'completed' ? 'True' : 'Unknown',
      reason: 'Suspended',
      // spec.suspend, or an operator's suspension (the API) with who and why.
      message: state.statusMessage ?? 'spec.suspend is true: not reconciled and not scheduled until it is set back to false',
      reconciling: false,
      stalled: false,
    };
  }
  const last = state.lastFinished;
  if (last === null) {
    return {
      ready: 'Unknown',
      reason: 'Progressing',
      message: reconciling ? `reconcile ${state.active?.id} is ${state.active?.status}` : 'waiting for the first reconcile',
      reconciling,
      stalled: false,
    };
  }
  if (last.status === 'completed') {
    const drift = state.driftTotal;
    const observe = state.mode === 'observe';
    const message =
      drift === 0
        ? `NetBox matches the intent (library ${last.libraryRevision ?? 'unknown'}); no drift`
        : `${drift} object${drift === 1 ? '' : 's'} differ from the intent${observe ? ' (mode observe: reported, not changed)' : ''}`;
    return { ready: 'True', reason: 'ReconciliationSucceeded', message, reconciling, stalled: false };
  }
  if (last.status === 'cancelled') {
    return {
      ready: 'False',
      reason: 'ReconciliationCancelled',
      message: last.error?.message ?? `reconcile ${last.id} was cancelled`,
      reconciling,
      stalled: false,
    };
  }
  const code = last.error?.code ?? '';
  const stalled = STALLING_CODES.has(code);
  return {
    ready: 'False',
    reason: stalled && code === 'validation_error' ? 'InvalidSpec' : reasonOf(code),
    message: last.error?.message ?? `reconcile ${last.id} failed`,
    reconciling,
    stalled,
  };
}

/** `apply_rejected` → `ApplyRejected`; ReconciliationFailed when there is no code. */
function reasonOf(code: string): string {
  const words = code.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.length === 0 ? 'ReconciliationFailed' : words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
}
