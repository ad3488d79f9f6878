// The engine's public types: what a process, a step and a worker are, and what an application
// gives the engine (its workflows, the services its steps use, how its errors read). Nothing
// here knows what the workflows do.
import type { AppConfig } from '../config/index.ts';
import type { Pool } from '../db/index.ts';
import type { Logger } from '../logging/index.ts';

export { PROCESS_STATUSES, TERMINAL_STATUSES, ACTIVE_STATUSES, STEP_STATUSES } from '../store/index.ts';
export type {
  JsonValue,
  JsonObject,
  ProcessStatus,
  StepStatus,
  ProcessError,
  ProcessRecord,
  StepRecord,
  ProcessDetail,
  AuditRecord,
  Page,
  HistoryFilter,
  ProcessFilter,
  AuditFilter,
  WorkflowEventType,
  WorkflowEvent,
} from '../store/index.ts';
import type {
  IntentRef,
  JsonObject,
  ProcessRecord,
  ProcessDetail,
  ProcessFilter,
  Page,
  AuditFilter,
  AuditRecord,
  WorkflowEvent,
  StepRecord,
} from '../store/index.ts';

export type { IntentRef } from '../store/index.ts';

/** Knobs of the engine; every field has a default. */
export interface EngineTuning {
  /** Job attempts for transient faults (BullMQ `attempts`); default 5. */
  readonly attempts?: number;
  /** First backoff delay between attempts, doubled each time (BullMQ exponential backoff); default 2,000 ms. */
  readonly backoffMs?: number;
  /** How long a job waits before trying again while another process holds its intent; default 1,000 ms. */
  readonly busyRetryMs?: number;
  /**
   * How long starting or retrying a process waits for Redis to take its job; after it the
   * process is marked failed and the caller gets an error saying to check Redis. Default 10,000 ms.
   */
  readonly enqueueTimeoutMs?: number;
  /**
   * How long a process waits (`waiting`, retried with backoff) while the system its steps talk
   * to is down (the application's {@link OutagePolicy}) before it fails; default 15 minutes.
   */
  readonly outageBudgetMs?: number;
  /** Longest pause between tries while waiting out an outage; default 60,000 ms (the first is `backoffMs`). */
  readonly outageMaxDelayMs?: number;
}

/**
 * What a step reports for people to hear about (drift found or gone, a library upgrade
 * available): the application's notifier turns it into notifications. Plain JSON.
 */
export interface StepNotice {
  /** e.g. `drift.detected`; the observer decides what it means. */
  readonly type: string;
  readonly intent?: IntentRef;
  /** One line for people. */
  readonly summary: string;
  readonly details: JsonObject;
  readonly processId: string;
}

/**
 * Told when processes finish and when steps report notices; its failures are logged, never
 * fail a process. The application's notifier implements it (controller/notify).
 */
export interface ProcessObserver {
  processFinished?(process: ProcessRecord): Promise<void>;
  notice?(notice: StepNotice): Promise<void>;
}

/** What the engine itself needs: the service and the worker are built from one of these and an {@link Application}. */
export interface EngineDeps {
  /** Told about finished processes and step notices (notifications); optional. */
  readonly observer?: ProcessObserver;
  readonly pool: Pool;
  readonly redis: AppConfig['redis'];
  /** BullMQ queue name; default 'netbox-gitops'. Tests use a unique one. */
  readonly queueName?: string;
  readonly logger: Logger;
  readonly tuning?: EngineTuning;
}

/** A registered workflow as listed for the API and the dashboard. */
export interface WorkflowInfo {
  readonly id: string;
  readonly name: string;
  readonly target: string;
  readonly description: string;
  /** JSON Schema (draft 2020-12, input side) of the form, for the dashboard's forms. */
  readonly formSchema: JsonObject;
  readonly steps: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface StartOptions {
  /** Carried to the audit rows and log lines; a new one when absent. */
  readonly correlationId?: string;
  /** The audit user: an API token's name, or the component (e.g. `controller`, `cli`). */
  readonly createdBy?: string;
  /** Why the process was started (e.g. `intent changed at abc123`); kept as `state.reason`. */
  readonly reason?: string;
}

/** What the API, the CLI and the controller use to run and inspect workflows. */
export interface WorkflowService {
  listWorkflows(): Promise<WorkflowInfo[]>;
  /**
   * Validates the form, creates a process (`created`) and enqueues it.
   * @throws WorkflowNotFoundError for an unknown workflow; ValidationError (with field issues) for an invalid form.
   */
  startWorkflow(name: string, form: unknown, options?: StartOptions): Promise<ProcessRecord>;
  /**
   * Asks for a process of `workflow` on one intent (its form `{kind, name}`), merging with what
   * is already queued: returns the queued process when one has not started yet; when one is
   * running or waiting, returns a follow-up process that runs once after it (one follow-up,
   * however many requests).
   */
  requestRun(workflow: string, intent: IntentRef, options?: StartOptions): Promise<ProcessRecord>;
  getProcess(id: string): Promise<ProcessDetail | undefined>;
  /** Step attempts of several processes in one query (for list views), by process id. */
  getSteps(processIds: readonly string[]): Promise<Map<string, StepRecord[]>>;
  listProcesses(filter?: ProcessFilter): Promise<Page<ProcessRecord>>;
  listAudit(filter?: AuditFilter): Promise<Page<AuditRecord>>;
  /**
   * The recorded events of one process after `afterSeq` (default 0: all), oldest first, at most
   * `limit` (1..1,000, default 100): what a subscriber that saw a gap in `seq` reads.
   */
  listEvents(processId: string, options?: { readonly afterSeq?: number; readonly limit?: number }): Promise<WorkflowEvent[]>;
  /**
   * Cancels a created, waiting or running process. A running one is cancelled cooperatively
   * (between apply chunks or steps); the returned record may still say `running` with
   * `state.cancelRequested`. The request's correlation id is kept in the process state.
   * @throws ProcessNotFoundError; ProcessStateError when the process has finished.
   */
  cancelProcess(id: string, by: string, options?: { readonly correlationId?: string }): Promise<ProcessRecord>;
  /**
   * Queues a failed process again; it resumes at its failed step (completed steps are not re-run).
   * @throws ProcessNotFoundError; ProcessStateError when the process is not failed.
   */
  retryProcess(id: string, by: string, options?: { readonly correlationId?: string }): Promise<ProcessRecord>;
  close(): Promise<void>;
}

/** A running worker. */
export interface WorkerHandle {
  /** `hostname:pid:n`, also recorded in each step's input as `worker`. */
  readonly id: string;
  /** Process ids this worker is running now. */
  activeProcesses(): string[];
  /**
   * Stops taking jobs; each running process finishes its current step and is handed back to
   * the queue (status waiting). A step still running after `graceMs` (default: the worker's
   * shutdownGraceMs) is asked to stop at its next apply chunk and handed back too.
   */
  close(options?: { readonly graceMs?: number }): Promise<void>;
}

export interface WorkerOptions {
  /** Jobs run at once by this worker; default 4. Keep DATABASE_POOL_SIZE above it. */
  readonly concurrency?: number;
  /** BullMQ lock duration; default 30,000 ms (WORKFLOW_LOCK_DURATION_MS). */
  readonly lockDurationMs?: number;
  /** BullMQ stalled-job check interval; default 30,000 ms (WORKFLOW_STALLED_INTERVAL_MS). */
  readonly stalledIntervalMs?: number;
  /** How long close() lets a step run before asking it to stop; default 10,000 ms. */
  readonly shutdownGraceMs?: number;
  /** How often to look for processes whose job was lost; default 60,000 ms (0 turns it off). */
  readonly recoveryIntervalMs?: number;
}
