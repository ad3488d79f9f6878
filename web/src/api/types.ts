// The shapes the REST API returns (see /api/docs); only what the dashboard reads.

export type Role = 'viewer' | 'operator' | 'admin';

export interface Principal {
  readonly name: string;
  readonly role: Role;
  readonly authDisabled: boolean;
  readonly permissions: { readonly read: boolean; readonly operate: boolean; readonly admin: boolean };
}

export type ProcessStatus = 'created' | 'running' | 'waiting' | 'completed' | 'failed' | 'cancelled';
export type StepStatus = ProcessStatus | 'skipped';

export interface IntentRef {
  readonly kind: string;
  readonly name: string;
}

export interface ProcessError {
  readonly type?: string;
  readonly code?: string | null;
  readonly message: string;
  readonly transient?: boolean;
  readonly step?: string | null;
  readonly details?: unknown;
}

export interface Process {
  readonly id: string;
  readonly workflowName: string;
  readonly status: ProcessStatus;
  readonly intent: IntentRef | null;
  readonly correlationId: string | null;
  readonly createdBy: string | null;
  readonly form: Record<string, unknown>;
  readonly state: Record<string, unknown>;
  readonly currentStep: string | null;
  readonly libraryRevision: string | null;
  readonly intentRevision: string | null;
  readonly error: ProcessError | null;
  readonly attempts: number;
  /** Number of the process's latest engine event: a live update with a higher one is newer. */
  readonly eventSeq: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
}

export interface Step {
  readonly id: string;
  readonly name: string;
  readonly position: number;
  readonly status: StepStatus;
  readonly attempt: number;
  readonly input: Record<string, unknown>;
  readonly output: Record<string, unknown>;
  readonly errorMessage: string | null;
  readonly error: ProcessError | null;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
}

export interface ProcessDetail extends Process {
  readonly steps: readonly Step[];
  readonly auditCount: number;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

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

export interface ReadyCondition {
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
}

export interface IntentSummary {
  readonly kind: string;
  readonly name: string;
  readonly source: string;
  readonly revision: string | null;
  readonly mode: 'observe' | 'enforce';
  readonly status: 'active' | 'removed' | 'suspended' | 'invalid';
  readonly statusMessage: string | null;
  readonly drift: Readonly<Record<string, number>>;
  readonly driftTotal: number;
  readonly lastReconcileAt: string | null;
  readonly lastProcess: { readonly id: string; readonly status: ProcessStatus; readonly completedAt: string | null } | null;
  readonly ready: ReadyCondition;
  readonly interval: string | null;
  readonly schedule: string | null;
  readonly suspendedBy: string | null;
  readonly suspendedAt: string | null;
  readonly nextCheckAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface IntentRevision {
  readonly revision: string;
  readonly source: string;
  readonly recordedAt: string;
  readonly spec: Record<string, unknown>;
}

export interface IntentDetail extends IntentSummary {
  readonly spec: Record<string, unknown>;
  readonly revisions: readonly IntentRevision[];
  readonly recentProcesses: readonly Process[];
}

export interface FieldChange {
  readonly before: unknown;
  readonly after: unknown;
}

export interface DriftRow {
  readonly objectKind: string;
  readonly identity: string;
  readonly action: string;
  readonly diff: Readonly<Record<string, FieldChange | unknown>>;
  readonly reason: string | null;
  readonly firstSeen: string;
  readonly lastSeen: string;
}

export interface DriftPage extends Page<DriftRow> {
  readonly total: number;
}

export interface DriftHistory {
  readonly from: string;
  readonly to: string;
  readonly points: readonly { readonly at: string; readonly total: number; readonly byAction: Readonly<Record<string, number>> }[];
}

export interface ProcessOutcomes {
  readonly from: string;
  readonly to: string;
  readonly buckets: readonly { readonly from: string; readonly to: string; readonly total: number; readonly byStatus: Readonly<Record<string, number>> }[];
}

export interface AuditRecord {
  readonly id: string;
  readonly processId: string | null;
  readonly action: string;
  readonly objectKind: string | null;
  readonly objectIdentity: string | null;
  readonly netboxId: number | null;
  readonly before: unknown;
  readonly after: unknown;
  readonly details: unknown;
  readonly intent: IntentRef | null;
  readonly correlationId: string | null;
  readonly userId: string | null;
  readonly timestamp: string;
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
