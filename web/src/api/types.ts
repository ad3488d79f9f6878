// The shapes the REST API returns (see /api/docs). Records the API passes through from the
// controller's store (processes, steps, audit rows, intents, drift) are imported from there as
// types only — erased at build, so no controller code reaches the bundle — rather than copied;
// the rest is declared here, with what the dashboard reads.
import type {
  AuditRecord,
  DriftHistoryPoint,
  IntentRef,
  IntentRevision,
  OutcomeBucket,
  Page,
  ProcessDetail as StoredProcessDetail,
  ProcessError,
  ProcessRecord,
  ProcessStatus,
  ReadyCondition,
  StepRecord,
  StepStatus,
  DriftRow as StoredDriftRow,
  IntentDetail as StoredIntentDetail,
  IntentSummary as StoredIntentSummary,
  IntentStatus,
} from '../../../controller/store/index.ts';
import type { FieldChange } from '../../../controller/reconcile/index.ts';

export type { AuditRecord, FieldChange, IntentRef, IntentRevision, Page, ProcessError, ProcessStatus, ReadyCondition, StepStatus };

export type Role = 'viewer' | 'operator' | 'admin';

export interface Principal {
  readonly name: string;
  readonly role: Role;
  readonly authDisabled: boolean;
  readonly permissions: { readonly read: boolean; readonly operate: boolean; readonly admin: boolean };
}

/** A process as the API lists it. */
export type Process = ProcessRecord;
/** One attempt of one step. */
export type Step = StepRecord;
/** A process with its step attempts and its audit row count. */
export type ProcessDetail = StoredProcessDetail;

export interface Workflow {
  readonly name: string;
  readonly target: string;
  readonly description: string;
  readonly formSchema: JsonSchema;
  readonly steps: readonly string[];
}

/** The subset of JSON Schema the workflow forms use (zod's toJSONSchema output). */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly title?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly enum?: readonly unknown[];
  readonly default?: unknown;
  readonly minItems?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly additionalProperties?: boolean | JsonSchema;
}

/** An intent as the API lists it: the store's summary, with the values its mode and status take and when it is next checked. */
export type IntentSummary = StoredIntentSummary & {
  readonly mode: 'observe' | 'enforce';
  readonly status: IntentStatus;
  readonly lastProcess: { readonly id: string; readonly status: ProcessStatus; readonly completedAt: string | null } | null;
  readonly nextCheckAt: string | null;
};

/** One intent with its spec, revisions, drift rows and the processes that ran for it lately. */
export type IntentDetail = StoredIntentDetail & IntentSummary & { readonly recentProcesses: readonly Process[] };

/** One drift row; `diff` holds a FieldChange per field for updates. */
export type DriftRow = StoredDriftRow;

export interface DriftPage extends Page<DriftRow> {
  readonly total: number;
}

export interface DriftHistory {
  readonly from: string;
  readonly to: string;
  readonly points: readonly DriftHistoryPoint[];
}

export interface ProcessOutcomes {
  readonly from: string;
  readonly to: string;
  readonly buckets: readonly OutcomeBucket[];
}

export interface LibraryVendor {
  readonly name: string;
  readonly slug: string;
  readonly deviceTypes: number;
  readonly moduleTypes: number;
}

export interface DeviceTypePreview {
  readonly revision: string;
  readonly vendor: { readonly name: string; readonly slug: string };
  readonly filter: string | null;
  readonly count: number;
  readonly moduleTypes: number;
  readonly items: readonly { readonly model: string; readonly slug: string; readonly partNumber: string | null }[];
  readonly truncated: boolean;
}

/** The API's error body. */
export interface ErrorBody {
  readonly error: string;
  readonly message: string;
  readonly details: Record<string, unknown> | null;
  readonly timestamp: string;
  readonly request_id: string;
}
