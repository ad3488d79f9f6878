import type { TemplateKind } from '../catalogue/index.ts';
import type { IntentRef } from '../resolve/index.ts';

/** Kinds of NetBox object the engine reconciles. */
export type ObjectKind = 'tag' | 'manufacturer' | 'device-type' | 'module-type' | `${TemplateKind}-template` | 'image';

/**
 * create / update / delete change NetBox; `unmanaged` is an existing object that matches an
 * intent but was not created by us (and the intent does not adopt); `blocked` is a delete NetBox
 * would refuse (the object is still in use); `extra` is a template on an owned type that the
 * intent does not define (drift shown, deleted only with prune).
 */
export type PlanAction = 'create' | 'update' | 'delete' | 'unmanaged' | 'blocked' | 'extra';

export interface FieldChange {
  readonly before: unknown;
  readonly after: unknown;
}

/** The parent of a component template, by identity (it may not exist yet when planned). */
export interface ParentRef {
  readonly kind: 'device-type' | 'module-type';
  /** `manufacturer-slug/model`. */
  readonly identity: string;
}

/** One step of a plan. Plain data: serialisable, stable, and all that apply needs. */
export interface PlanOperation {
  readonly kind: ObjectKind;
  readonly action: PlanAction;
  /** Object identity: `slug` (manufacturer), `mfr/model` (types), `mfr/model/name` (templates), `mfr/model/front|rear` (images). */
  readonly identity: string;
  /** Manufacturer slug the object belongs to (for grouping and scoping). */
  readonly vendor: string;
  /** Intents that want this object (or, for deletes, that owned it), as `Kind/name`. */
  readonly intents: readonly string[];
  /** True when at least one of those intents is in enforce mode: apply executes only these. */
  readonly enforce: boolean;
  readonly parent?: ParentRef;
  /** NetBox id of the existing object (update, delete, unmanaged, blocked, extra). */
  readonly netboxId?: number;
  /** Field-level before → after for updates (normalised values). */
  readonly changes?: Readonly<Record<string, FieldChange>>;
  /** Full desired fields for creates (references by name / identity, resolved to ids at apply). */
  readonly desired?: Readonly<Record<string, unknown>>;
  /** Normalised fields of the existing object, for deletes and the audit trail. */
  readonly before?: Readonly<Record<string, unknown>>;
  /** Why an object is unmanaged, blocked or extra. */
  readonly reason?: string;
}

export interface PlanSummary {
  /** Count per object kind and action. */
  readonly byKind: Readonly<Record<string, Readonly<Partial<Record<PlanAction, number>>>>>;
  readonly total: Readonly<Record<PlanAction, number>>;
  /** Number of objects compared and found equal. */
  readonly unchanged: number;
  /** create + update + delete: what apply would write. */
  readonly changes: number;
}

/** The result of diffing desired against actual: what `plan` prints and `apply` executes. */
export interface Plan {
  readonly formatVersion: 1;
  readonly netboxVersion: string;
  readonly intents: readonly { readonly ref: IntentRef; readonly mode: 'observe' | 'enforce'; readonly prune: boolean; readonly adopt: boolean }[];
  readonly operations: readonly PlanOperation[];
  /**
   * NetBox ids of existing objects that operations refer to by identity (parents of new
   * templates, rear ports of new front ports, power ports of new outlets), keyed
   * `kind:identity`. Objects created during apply add theirs as they are created.
   */
  readonly references: Readonly<Record<string, number>>;
  readonly summary: PlanSummary;
  readonly warnings: readonly string[];
}

/**
 * How a change is known to have landed: NetBox answered the write (`response`), or the answer
 * was lost (timeout, broken connection, 5xx, "already exists") and reading NetBox back found the
 * object as written (`read-back`).
 */
/** How a change was known to have landed: NetBox's answer, a read-back after a lost answer, or a read-back of a write recorded before a restart. */
export type Confirmation = 'response' | 'read-back' | 'restart';

/** One change applied to NetBox: what the audit log records. */
export interface ChangeRecord {
  readonly kind: ObjectKind;
  readonly identity: string;
  readonly action: 'create' | 'update' | 'delete';
  readonly netboxId: number | undefined;
  readonly before: Readonly<Record<string, unknown>> | null;
  readonly after: Readonly<Record<string, unknown>> | null;
  readonly intents: readonly string[];
  readonly confirmedBy: Confirmation;
}

/**
 * Why an operation did not land: NetBox `refused` it (400 with its messages), it failed with a
 * NetBox `server-error` (500), its outcome stayed `unconfirmed` after every attempt, or it
 * `depends` on an object whose write failed.
 */
export type FailureCause = 'refused' | 'server-error' | 'unconfirmed' | 'depends';

/** An operation that did not land, with NetBox's own messages. */
export interface OperationFailure {
  readonly kind: ObjectKind;
  readonly identity: string;
  readonly action: PlanAction;
  readonly cause: FailureCause;
  readonly message: string;
  /** NetBox's field messages for this object, when it gave any. */
  readonly errors?: unknown;
}

/** One operation of a {@link WriteChunk}: the plan's operation and the body sent for it. */
export interface ChunkItem {
  readonly op: PlanOperation;
  /** What was sent to NetBox (identities resolved to ids); `{}` for images. */
  readonly body: Readonly<Record<string, unknown>>;
  /** NetBox id of the parent (templates and images), to read the chunk back by. */
  readonly parentId?: number;
}

/**
 * One bulk write as it is about to be sent: plain data, so that it can be recorded before it
 * goes out (an outbox) and resolved later by reading NetBox back ({@link readBackChunk}).
 */
export interface WriteChunk {
  readonly id: string;
  readonly kind: ObjectKind;
  readonly action: 'create' | 'update' | 'delete';
  /** 1 for the first send of these objects; a re-send after a read-back counts up. */
  readonly attempt: number;
  readonly items: readonly ChunkItem[];
}

export interface ApplyResult {
  readonly records: readonly ChangeRecord[];
  readonly failures: readonly OperationFailure[];
  /** Operations skipped because their intents only observe. */
  readonly skipped: number;
  readonly cancelled: boolean;
  /** Write requests sent. */
  readonly requests: number;
  /** Writes whose outcome was unknown (timeout, lost connection, 5xx) and were read back. */
  readonly unknownOutcomes: number;
  /** Read-backs made: one per unknown outcome and per "already exists" refusal. */
  readonly readBacks: number;
}
