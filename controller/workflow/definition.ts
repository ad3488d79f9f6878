import type { z } from 'zod';
import type { Pool } from '../db/index.ts';
import type { Logger } from '../logging/index.ts';
import type { ChangeRecord, NetBoxPort, WriteChunk } from '../reconcile/index.ts';
import type { IntentStore, JsonObject, LibraryProvider, ProcessRecord, StepNotice, IntentRef } from './types.ts';

/** Resolved tuning values (defaults applied). */
export interface Tuning {
  readonly attempts: number;
  readonly backoffMs: number;
  readonly busyRetryMs: number;
  readonly maxStoredOperations: number;
  readonly applyChunkSize: number;
  readonly applyConcurrency: number;
  readonly readConcurrency: number;
  readonly requestTimeoutMs: number;
  readonly enqueueTimeoutMs: number;
  readonly outageBudgetMs: number;
  readonly outageMaxDelayMs: number;
}

/** What a step sees. Shared things (NetBox client, catalogue, pool) belong to the worker. */
export interface StepContext {
  readonly process: ProcessRecord;
  /** The validated form. */
  readonly form: unknown;
  /** Attempt number of this step (1 first; a retried or resumed step counts up). */
  readonly attempt: number;
  /**
   * Outputs of the steps completed before this one, by step name — from this run, or from
   * process_steps when the process resumed on another worker.
   */
  readonly outputs: ReadonlyMap<string, JsonObject>;
  /**
   * Objects the earlier steps of this run kept in memory (desired state, snapshot, plan).
   * Empty after a resume: a step must be able to rebuild what it needs.
   */
  readonly memory: Map<string, unknown>;
  /** Aborted on a cancel request or a worker shutdown; apply passes it on between chunks. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /**
   * The engine's Postgres pool, for steps that record beyond audit rows (drift, upgrades).
   * @throws NoDatabaseError where the steps run without a database (`netbox-gitops apply` with
   * no DATABASE_URL), so only steps that need it call it.
   */
  db(): Pool;
  readonly netbox: NetBoxPort;
  readonly library: LibraryProvider;
  readonly intents: IntentStore;
  readonly tuning: Tuning;
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
  /** Records revisions on the process row. */
  setRevisions(revisions: { libraryRevision?: string | null; intentRevision?: string | null }): Promise<void>;
  /** Publishes a drift.changed event for the process's intent. */
  driftChanged(intent: IntentRef): void;
  /** Reports something people should hear about (drift found or gone, an upgrade available); never throws. */
  notice(notice: Omit<StepNotice, 'processId'>): Promise<void>;
}

/**
 * A step returns its output (stored in process_steps.output_data; keep it bounded). Returning
 * {@link skipped} records the step as `skipped`.
 */
export interface StepDefinition {
  readonly name: string;
  run(ctx: StepContext): Promise<JsonObject>;
}

export interface WorkflowDefinition<Form = unknown> {
  readonly name: string;
  /** What the workflow does to NetBox, as orchestrator-core's targets: CREATE, MODIFY, RECONCILE, SYSTEM... (at most 50 characters). */
  readonly target: string;
  readonly description: string;
  readonly form: z.ZodType<Form>;
  readonly steps: readonly StepDefinition[];
  /** The intent a process of this workflow works on, from its form; such processes never overlap per intent. */
  intentOf?(form: Form): IntentRef | undefined;
  /**
   * Every intent the process holds the run lock of, when it works on several at once (default:
   * `intentOf`'s). No process of any of them runs beside it.
   */
  intentsOf?(form: Form): readonly IntentRef[];
}

const SKIPPED = '__skipped';

/** The output of a step that did not need to run, with the reason. */
export function skipped(reason: string, extra: JsonObject = {}): JsonObject {
  return { ...extra, [SKIPPED]: true, reason };
}

/** Whether an output came from {@link skipped}; returns the output without the marker. */
export function unwrapSkipped(output: JsonObject): { skipped: boolean; output: JsonObject } {
  if (output[SKIPPED] !== true) return { skipped: false, output };
  const { [SKIPPED]: _marker, ...rest } = output;
  return { skipped: true, output: rest };
}
