// The records of the engine's tables (processes, steps, audit rows, events) as callers see
// them: what the repositories in this folder return.
import type { IntentRef } from '../intents/index.ts';

export type { IntentRef };

/** JSON as stored in the jsonb columns. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * `T` when it is plain JSON data (strings, numbers, booleans, null, arrays and objects of them;
 * optional fields may be undefined, which JSON leaves out; `unknown` fields are taken as they
 * come), `never` otherwise: {@link toJson} accepts a typed record only when it is.
 */
export type JsonCompatible<T> = unknown extends T
  ? T
  : T extends string | number | boolean | null | undefined
    ? T
    : T extends readonly (infer U)[]
      ? readonly JsonCompatible<U>[]
      : T extends (...args: never[]) => unknown
        ? never
        : T extends object
          ? { readonly [K in keyof T]: JsonCompatible<T[K]> }
          : never;

/** A typed record as the JSON a jsonb column or a step output holds, checked at compile time by {@link JsonCompatible}. */
export function toJson<T>(value: T & JsonCompatible<T>): JsonValue {
  return value as JsonValue;
}

/** A typed object record as a JSON object, checked like {@link toJson}. */
export function toJsonObject<T extends object>(value: T & JsonCompatible<T>): JsonObject {
  return value as JsonObject;
}

export const PROCESS_STATUSES = ['created', 'running', 'waiting', 'completed', 'failed', 'cancelled'] as const;
/**
 * created: queued, not started (or queued again by a retry); running: a worker runs its steps;
 * waiting: a transient fault failed a step attempt and a retry is scheduled (or a worker shut
 * down and handed it back); completed / failed / cancelled: finished.
 */
export type ProcessStatus = (typeof PROCESS_STATUSES)[number];
export const TERMINAL_STATUSES: readonly ProcessStatus[] = ['completed', 'failed', 'cancelled'];
export const ACTIVE_STATUSES: readonly ProcessStatus[] = ['created', 'running', 'waiting'];

export const STEP_STATUSES = ['created', 'running', 'waiting', 'completed', 'failed', 'cancelled', 'skipped'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** The error a failed step or process records (also the shape of `processes.error`). */
export interface ProcessError extends JsonObject {
  /** The error class, e.g. NetBoxError, ValidationError. */
  readonly type: string;
  /** The AppError code (e.g. netbox_error, validation_error, apply_rejected), when there is one. */
  readonly code: string | null;
  readonly message: string;
  /** Whether a later attempt may succeed (transient NetBox fault). */
  readonly transient: boolean;
  /** The step that failed. */
  readonly step: string | null;
  /** NetBox's field messages, validation issues, ... */
  readonly details: JsonValue;
}

/** A process as the API returns it. Timestamps are ISO 8601 strings. */
export interface ProcessRecord {
  readonly id: string;
  readonly workflowId: string;
  readonly workflowName: string;
  readonly status: ProcessStatus;
  readonly intent: IntentRef | null;
  readonly correlationId: string | null;
  readonly createdBy: string | null;
  /** The validated form (defaults applied). */
  readonly form: JsonObject;
  /**
   * Engine bookkeeping: `jobId`, `reason`, `retries`, `retriedBy`, `cancelRequested` `{by, at}`,
   * `cancelledBy`, `followUpOf` (the process this one follows), `mergedRequests`, `handedBack`.
   */
  readonly state: JsonObject;
  readonly currentStep: string | null;
  readonly libraryRevision: string | null;
  readonly intentRevision: string | null;
  readonly error: ProcessError | null;
  /** Times a worker started (or resumed) the process. */
  readonly attempts: number;
  /** The number of the process's latest event: events with a higher `seq` are newer than this record. */
  readonly eventSeq: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
}

/** One attempt of one step: a `process_steps` row. */
export interface StepRecord {
  readonly id: string;
  readonly processId: string;
  readonly name: string;
  /** Position of the step in its workflow, from 0. */
  readonly position: number;
  readonly status: StepStatus;
  /** 1 for the first attempt; a retried step gets a new row with the next number. */
  readonly attempt: number;
  readonly input: JsonObject;
  readonly output: JsonObject;
  readonly errorMessage: string | null;
  readonly error: ProcessError | null;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
}

/** A process with its step attempts (ordered by position, then attempt) and its audit row count. */
export interface ProcessDetail extends ProcessRecord {
  readonly steps: readonly StepRecord[];
  readonly auditCount: number;
}

/** One NetBox change: an `audit_log` row. */
export interface AuditRecord {
  readonly id: string;
  readonly processId: string | null;
  /** create, update or delete. */
  readonly action: string;
  readonly objectKind: string | null;
  readonly objectIdentity: string | null;
  readonly netboxId: number | null;
  readonly before: JsonValue;
  readonly after: JsonValue;
  readonly details: JsonValue;
  readonly intent: IntentRef | null;
  readonly correlationId: string | null;
  readonly userId: string | null;
  readonly timestamp: string;
}

/** A page of a newest-first listing; pass `nextCursor` back as `cursor` for the next page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

/** What listings of processes and audit rows share: intent, time range and keyset page. */
export interface HistoryFilter {
  readonly intentKind?: string;
  readonly intentName?: string;
  /** Row time (processes: created_at, audit: timestamp) >= from. */
  readonly from?: Date | string;
  /** Row time < to. */
  readonly to?: Date | string;
  /** 1..500; default 50. */
  readonly limit?: number;
  readonly cursor?: string;
}

export interface ProcessFilter extends HistoryFilter {
  readonly status?: ProcessStatus;
  readonly workflow?: string;
}

export interface AuditFilter extends HistoryFilter {
  readonly processId?: string;
  readonly objectKind?: string;
  readonly objectIdentity?: string;
  /** create, update or delete. */
  readonly action?: string;
  /** Case-insensitive part of the object identity. */
  readonly search?: string;
}

export type WorkflowEventType = 'process.created' | 'process.updated' | 'process.finished' | 'step.updated' | 'drift.changed';

/**
 * A message on the events channel (`<queue>:events`): one change of one process, recorded in
 * Postgres (`process_events`) by the statement that made it.
 */
export interface WorkflowEvent {
  readonly type: WorkflowEventType;
  /**
   * The event's number in its process: 1 (process.created), 2, 3... without gaps, in the order
   * the changes were committed. A subscriber that sees a number jump knows it missed events and
   * can read them (`listEvents`, GET /processes/{id}/events) or re-read the process.
   */
  readonly seq: number;
  readonly processId?: string;
  readonly workflow?: string;
  /** The process status (process.*), or the step status (step.updated). */
  readonly status?: string;
  readonly step?: { readonly name: string; readonly position: number; readonly attempt: number; readonly status: StepStatus };
  readonly intent?: IntentRef;
  /** ISO 8601. */
  readonly at: string;
}

/** The intent of a row's intent_kind/intent_name columns, when it has one. */
export function intentOf(kind: string | null, name: string | null): IntentRef | null {
  return kind !== null && name !== null ? ({ kind, name } as IntentRef) : null;
}
