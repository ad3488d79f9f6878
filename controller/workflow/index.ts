/**
 * The workflow engine (orchestrator-core's model on BullMQ + Postgres): workflows registered
 * by name with a zod form and ordered steps; processes recorded with their steps and audit
 * rows; workers that run them with retries, cancellation, crash takeover and per-intent
 * serialisation; events recorded per process in commit order and published on Redis pub/sub.
 */
export { createWorkflowService } from './service.ts';
export { startWorker } from './worker.ts';
export { createDefaultDeps } from './deps.ts';
export type { DefaultDeps } from './deps.ts';
export { createDbIntentStore, createFolderLibraryProvider } from './providers.ts';
export { EVENTS_CHANNEL, eventsChannel, subscribeEvents } from './events.ts';
export { createOrderedEventStream, subscribeOrderedEvents } from './ordered-events.ts';
export type { OrderedEventStream, OrderedEventsOptions } from './ordered-events.ts';
export { DEFAULT_QUEUE } from './queue.ts';
export { RECONCILE_WORKFLOW, WORKFLOWS, formSchemaOf } from './registry.ts';
export { skipped } from './definition.ts';
export { isUuid } from '../store/index.ts';
export { runWorkflowHere, runWorkflowInMemory } from './local-run.ts';
export type { InMemoryDeps, InMemoryRunResult, LocalRunOptions, LocalRunResult } from './local-run.ts';
export type { LockHolder } from '../store/index.ts';
export { APPLY_INTENTS_WORKFLOW, reconcileMemory } from './reconcile-workflows.ts';
export type { ReconcileMemory } from './reconcile-workflows.ts';
export { listLibraryUpgrades, pageLibraryUpgrades, recordLibraryUpgrade, readDriftObjects } from '../store/index.ts';
export type { LibraryUpgradePageFilter, LibraryUpgradeRecord, IntentProcessSummary, IntentState } from '../store/index.ts';
export { describeReadiness, readIntentStates } from './intent-readiness.ts';
export type { IntentReadiness } from './intent-readiness.ts';
export type { StepContext, StepDefinition, WorkflowDefinition } from './definition.ts';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, processOutcomes, driftHistory, listDrift, MAX_DRIFT_PAGE } from '../store/index.ts';
export type { OutcomeBucket, DriftEntry, DriftHistoryPoint, DriftPageFilter, TimeSeriesQuery } from '../store/index.ts';
export { ApplyRejectedError, NoDatabaseError, NotConvergedError, ProcessNotFoundError, ProcessStateError, WorkflowNotFoundError } from './errors.ts';
export { ACTIVE_STATUSES, PROCESS_STATUSES, STEP_STATUSES, TERMINAL_STATUSES } from './types.ts';
export type {
  AuditFilter,
  AuditRecord,
  HistoryFilter,
  EngineDeps,
  EngineTuning,
  IntentStore,
  JsonObject,
  JsonValue,
  LibraryProvider,
  Page,
  ProcessDetail,
  ProcessError,
  ProcessFilter,
  ProcessObserver,
  StepNotice,
  ProcessRecord,
  ProcessStatus,
  StartOptions,
  StepRecord,
  StepStatus,
  StoredIntent,
  WorkerHandle,
  WorkerOptions,
  WorkflowEvent,
  WorkflowEventType,
  WorkflowInfo,
  IntentRef,
  WorkflowService,
} from './types.ts';
