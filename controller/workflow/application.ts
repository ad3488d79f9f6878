// The reconcile application as the engine sees it: its workflows, the services their steps use
// (NetBox, the library, the intent store, audit rows and the apply outbox), how NetBox's errors
// read (transient? details?), and NetBox outages waited out under NETBOX_OUTAGE_BUDGET. Each
// process kind builds one from its dependencies at start-up (its composition root).
import type { Application, ErrorReading, OutagePolicy, RunScope } from '../engine/index.ts';
import { NoDatabaseError } from '../engine/index.ts';
import { CircuitOpenError, NetBoxError } from '../netbox/index.ts';
import type { NetBoxPort } from '../reconcile/index.ts';
import { insertAudit, recordWrite, settleWrite, toJson } from '../store/index.ts';
import type { JsonValue } from '../store/index.ts';
import { ApplyRejectedError, NotConvergedError } from './errors.ts';
import { resolvePendingWrites } from './outbox.ts';
import { WORKFLOWS } from './registry.ts';
import type { IntentStore, ReconcileServices, ReconcileTuning, WorkflowDeps } from './types.ts';

const MAX_DETAIL_ITEMS = 100;

/**
 * Whether `error` says NetBox is down or unreachable (as opposed to refusing a request or failing
 * in its own code): an open circuit, a connection that failed or timed out, 502/503/504. A 500
 * (a NetBox bug) and a 429 (NetBox said when to come back) are not outages.
 */
export function isNetBoxOutage(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e instanceof CircuitOpenError) return true;
    if (e instanceof NetBoxError) {
      if (e.status === 429 || e.status === 500) return false;
      return e.transient || e.kind === 'connection' || (e.kind === 'timeout' && !e.outcomeUnknown) || e.status === 502 || e.status === 503 || e.status === 504;
    }
  }
  return false;
}

/** A worker's process waits out a NetBox outage (`waiting`) for up to NETBOX_OUTAGE_BUDGET. */
export const NETBOX_OUTAGE: OutagePolicy = {
  system: 'NetBox',
  budgetSetting: 'NETBOX_OUTAGE_BUDGET',
  stateKey: 'netboxOutage',
  code: 'netbox_outage',
  isOutage: isNetBoxOutage,
};

/** How the reconcile steps' errors read: NetBox timeouts, resets, 429 and 5xx and an open circuit are transient. */
export function readReconcileError(error: unknown): ErrorReading | undefined {
  if (error instanceof ApplyRejectedError) return { details: toJson(error.failures.slice(0, MAX_DETAIL_ITEMS)) };
  if (error instanceof NotConvergedError)
    return { details: error.remaining.slice(0, MAX_DETAIL_ITEMS).map((op) => ({ action: op.action, kind: op.kind, identity: op.identity })) };
  if (error instanceof NetBoxError)
    return {
      transient: error.transient,
      details: { status: error.status ?? null, method: error.method, path: error.path, body: (error.body ?? null) as JsonValue },
    };
  if (error instanceof CircuitOpenError) return { transient: true };
  return undefined;
}

/** The reconcile tuning with its defaults. */
export function resolveReconcileTuning(t: ReconcileTuning | undefined): Required<ReconcileTuning> {
  return {
    maxStoredOperations: t?.maxStoredOperations ?? 5_000,
    applyChunkSize: t?.applyChunkSize ?? 500,
    applyConcurrency: t?.applyConcurrency ?? 2,
    readConcurrency: t?.readConcurrency ?? 4,
    requestTimeoutMs: t?.requestTimeoutMs ?? 30_000,
  };
}

const NO_INTENT_STORE: IntentStore = {
  get: () => Promise.reject(new NoDatabaseError('reading the intent store')),
};

/** What the reconcile application is built from: one NetBox port shared by all processes. */
export interface ReconcileAppParts {
  readonly netbox: NetBoxPort;
  readonly library: WorkflowDeps['library'];
  /** Absent where the steps run without a database. */
  readonly intents?: IntentStore;
  readonly tuning?: ReconcileTuning;
}

/**
 * The reconcile application. With a pool (a recorded run), changes are audited and writes go
 * through the apply outbox; without one (`netbox-gitops apply` with no database), nothing is
 * recorded and the intent store answers NoDatabaseError.
 */
export function createReconcileApplication(parts: ReconcileAppParts): Application<ReconcileServices> {
  const tuning = resolveReconcileTuning(parts.tuning);
  const { netbox, library } = parts;
  const unrecorded: Omit<ReconcileServices, 'netbox' | 'library' | 'tuning'> = {
    intents: NO_INTENT_STORE,
    recordChanges: () => Promise.resolve(),
    recordWrite: () => Promise.resolve(),
    settleWrite: () => Promise.resolve(),
    resolvePendingWrites: () => Promise.resolve({ chunks: 0, records: 0 }),
  };
  return {
    workflows: WORKFLOWS,
    readError: readReconcileError,
    outage: NETBOX_OUTAGE,
    services({ process, pool }: RunScope): ReconcileServices {
      if (!pool) return { netbox, library, tuning, ...unrecorded };
      const audit = { processId: process.id, intent: process.intent, correlationId: process.correlationId, userId: process.createdBy };
      return {
        netbox,
        library,
        tuning,
        intents: parts.intents ?? NO_INTENT_STORE,
        recordChanges: (records, chunk) => insertAudit(pool, audit, records, chunk?.id),
        recordWrite: (chunk) => recordWrite(pool, process.id, chunk),
        settleWrite: (chunk) => settleWrite(pool, chunk.id),
        resolvePendingWrites: () => resolvePendingWrites(pool, process.id, netbox, { timeoutMs: tuning.requestTimeoutMs }),
      };
    },
  };
}
