// The application's types: what the reconcile and import workflows' steps get from the engine
// besides its own context (ReconcileServices), what a process kind wires them from
// (WorkflowDeps), and the service as the API, the CLI and the controller use it.
import type { LibraryProvider } from '../catalogue/index.ts';
import type { EngineDeps, EngineTuning, StartOptions, WorkflowService as EngineWorkflowService } from '../engine/index.ts';
import type { Intent, IntentKind, IntentRef } from '../intents/index.ts';
import type { ChangeRecord, NetBoxPort, WriteChunk } from '../reconcile/index.ts';
import type { ProcessRecord } from '../store/index.ts';

/** An intent as the store holds it, validated for a run. */
export interface StoredIntent {
  readonly intent: Intent;
  /** The source revision the intent was loaded at (commit SHA, resourceVersion...). */
  readonly revision: string | null;
  /** The `intents.status` column: active, removed, suspended or invalid. */
  readonly status: string;
  /** Why the intent is invalid or suspended. */
  readonly statusMessage?: string | null;
}

/** Where the steps read intents from. The default reads the `intents` table. */
export interface IntentStore {
  get(kind: IntentKind, name: string): Promise<StoredIntent | undefined>;
}

/** Knobs of the reconcile steps; every field has a default. */
export interface ReconcileTuning {
  /** Plans with more operations than this keep only their summary in the step output; default 5,000. */
  readonly maxStoredOperations?: number;
  /** Largest bulk write of the apply step (chunks are sized below it from measured speed); default 500. */
  readonly applyChunkSize?: number;
  /** Bulk writes in flight in the apply step; default 2 (keep it below NetBox's worker count). */
  readonly applyConcurrency?: number;
  /** Pages in flight when reading NetBox; default 4. */
  readonly readConcurrency?: number;
  /** NetBox request timeout (NETBOX_TIMEOUT); a bulk write's grows with its chunk. Default 30,000 ms. */
  readonly requestTimeoutMs?: number;
}

/** The engine's knobs and the reconcile steps' (NETBOX_OUTAGE_BUDGET is the engine's `outageBudgetMs`). */
export type WorkflowTuning = EngineTuning & ReconcileTuning;

/**
 * Everything a process kind wires the workflows from: the engine's needs and the reconcile
 * steps' (`netbox()` is a factory so a worker creates one client and shares it).
 */
export interface WorkflowDeps extends Omit<EngineDeps, 'tuning'> {
  netbox(): NetBoxPort;
  readonly library: LibraryProvider;
  readonly intents: IntentStore;
  readonly tuning?: WorkflowTuning;
}

/** What the reconcile and import steps use besides the engine's context. */
export interface ReconcileServices {
  readonly netbox: NetBoxPort;
  readonly library: LibraryProvider;
  readonly intents: IntentStore;
  readonly tuning: Required<ReconcileTuning>;
  /**
   * Writes audit rows for changes NetBox accepted (call as soon as each chunk lands); with the
   * chunk, in the statement that settles its outbox row.
   */
  recordChanges(records: readonly ChangeRecord[], chunk?: WriteChunk): Promise<void>;
  /** Records a bulk write in the outbox before it is sent. */
  recordWrite(chunk: WriteChunk): Promise<void>;
  /** Settles a write's outbox row: nothing more is needed of it. */
  settleWrite(chunk: WriteChunk): Promise<void>;
  /**
   * Resolves writes left in the outbox by a killed or stopped run (this process's, and those of
   * processes that ended): read back from NetBox, what landed audited as confirmed after a restart.
   */
  resolvePendingWrites(): Promise<{ readonly chunks: number; readonly records: number }>;
}

/** What the API, the CLI and the controller use to run and inspect workflows. */
export interface WorkflowService extends EngineWorkflowService {
  /**
   * Asks for a reconcile of one intent, merging with what is already queued: returns the
   * queued process when one has not started yet; when one is running or waiting, returns a
   * follow-up process that runs once after it (one follow-up, however many requests).
   */
  requestReconcile(intent: IntentRef, options?: StartOptions): Promise<ProcessRecord>;
}
