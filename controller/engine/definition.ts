import type { z } from 'zod';
import { StepOutputError } from './errors.ts';
import type { Pool } from '../db/index.ts';
import type { Logger } from '../logging/index.ts';
import type { IntentRef, JsonObject, JsonValue, ProcessRecord } from '../store/index.ts';
import type { StepNotice } from './types.ts';

/** The engine's tuning with defaults applied. */
export interface Tuning {
  readonly attempts: number;
  readonly backoffMs: number;
  readonly busyRetryMs: number;
  readonly enqueueTimeoutMs: number;
  readonly outageBudgetMs: number;
  readonly outageMaxDelayMs: number;
}

/**
 * What the engine gives every step. A workflow's steps see this and the application's services
 * (`S` of {@link StepContext}): the engine knows nothing of what those are.
 */
export interface EngineStepContext {
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
  /** Records revisions on the process row. */
  setRevisions(revisions: { libraryRevision?: string | null; intentRevision?: string | null }): Promise<void>;
  /** Publishes a drift.changed event for the process's intent. */
  driftChanged(intent: IntentRef): void;
  /** Reports something people should hear about (drift found or gone, an upgrade available); never throws. */
  notice(notice: Omit<StepNotice, 'processId'>): Promise<void>;
}

/** What a step sees: the engine's context and the application's services. */
export type StepContext<S extends object = object> = EngineStepContext & S;

/**
 * A step returns its output (stored in process_steps.output_data; keep it bounded). Returning
 * {@link skipped} records the step as `skipped`.
 */
export interface StepDefinition<S extends object = object> {
  readonly name: string;
  run(ctx: StepContext<S>): Promise<JsonObject>;
}

export interface WorkflowDefinition<Form = unknown, S extends object = object> {
  readonly name: string;
  /** What the workflow does, as orchestrator-core's targets: CREATE, MODIFY, RECONCILE, SYSTEM... (at most 50 characters). */
  readonly target: string;
  readonly description: string;
  readonly form: z.ZodType<Form>;
  readonly steps: readonly StepDefinition<S>[];
  /** The intent a process of this workflow works on, from its form; such processes never overlap per intent. */
  intentOf?(form: Form): IntentRef | undefined;
  /**
   * Every intent the process holds the run lock of, when it works on several at once (default:
   * `intentOf`'s). No process of any of them runs beside it.
   */
  intentsOf?(form: Form): readonly IntentRef[];
}

/**
 * The output of an earlier step, checked against `schema`: the step ran in this run, or was
 * recorded by another worker (maybe another version) before a resume, so its JSON is checked
 * like any input. Returns undefined when the step has no output and `optional` is set.
 * @throws StepOutputError when the output is missing (and not optional) or does not match.
 */
export function readStepOutput<T>(ctx: Pick<EngineStepContext, 'outputs'>, step: string, schema: z.ZodType<T>): T;
export function readStepOutput<T>(
  ctx: Pick<EngineStepContext, 'outputs'>,
  step: string,
  schema: z.ZodType<T>,
  options: { readonly optional: true },
): T | undefined;
export function readStepOutput<T>(
  ctx: Pick<EngineStepContext, 'outputs'>,
  step: string,
  schema: z.ZodType<T>,
  options: { readonly optional?: boolean } = {},
): T | undefined {
  const output = ctx.outputs.get(step);
  if (output === undefined) {
    if (options.optional) return undefined;
    throw new StepOutputError(step, 'is missing (steps run in order)');
  }
  const parsed = schema.safeParse(output);
  if (!parsed.success) throw new StepOutputError(step, `does not match this version of the workflow: ${parsed.error.message}`);
  return parsed.data;
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

/** What the application says of an error a step threw, beyond what the engine reads itself. */
export interface ErrorReading {
  /** Whether a later attempt may succeed. */
  readonly transient?: boolean;
  /** What the process records as the error's details (bounded). */
  readonly details?: JsonValue;
}

/**
 * How processes wait out an outage of the system their steps talk to instead of failing: the
 * step attempt ends, the process goes `waiting` with a message naming the system, and the job
 * runs again after a backoff, until the outage budget is spent.
 */
export interface OutagePolicy {
  /** The system, as messages name it (e.g. `NetBox`). */
  readonly system: string;
  /** The setting that sets the budget, as messages name it. */
  readonly budgetSetting: string;
  /** The `processes.state` key that keeps the outage being waited out. */
  readonly stateKey: string;
  /** The error code of a process waiting for, or given up on, the system. */
  readonly code: string;
  /** Whether `error` says the system is down or unreachable (as opposed to refusing a request). */
  isOutage(error: unknown): boolean;
}

/** The process a step runs in, as the application's services see it. */
export interface RunScope {
  readonly process: ProcessRecord;
  /** The engine's pool; undefined where the steps run without a database. */
  readonly pool: Pool | undefined;
}

/**
 * What an application gives the engine: its workflows by name, the services its steps use
 * (`S`, merged into each step's context) and how its errors read. One per process kind (API,
 * worker, controller, CLI), built by that process's composition root.
 */
export interface Application<S extends object = object> {
  readonly workflows: ReadonlyMap<string, WorkflowDefinition<unknown, S>>;
  /** The services the steps of one process get. Called once per step attempt; keep it cheap. */
  services(scope: RunScope): S;
  /** Reads application errors (transient? details?); undefined leaves the engine's reading. */
  readError?(error: unknown): ErrorReading | undefined;
  /** Outages waited out instead of failing; without one, outage errors are plain transient faults. */
  readonly outage?: OutagePolicy;
}
