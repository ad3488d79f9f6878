/**
 * The reconcile application on the workflow engine (controller/engine): its workflows (reconcile,
 * import, apply, library refresh and upgrade preview), the services their steps use, and the
 * engine wired with them for each process kind (`createWorkflowService`, `startWorker`,
 * `runWorkflowHere`, `runWorkflowInMemory`, dependencies from the configuration in
 * `createDefaultDeps`). What API, CLI and controller need of the engine and the store is
 * re-exported here, so they import one surface.
 */
export { createWorkflowService, runWorkflowHere, runWorkflowInMemory, startWorker } from './run.ts';
export type { InMemoryDeps } from './run.ts';
export { createDefaultDeps } from './deps.ts';
export type { DefaultDeps } from './deps.ts';
export { createDbIntentStore, createFolderLibraryProvider } from './providers.ts';
export { isNetBoxOutage, NETBOX_OUTAGE, resolveReconcileTuning } from './application.ts';
export { RECONCILE_WORKFLOW, WORKFLOWS } from './registry.ts';
export { APPLY_INTENTS_WORKFLOW, reconcileMemory } from './reconcile-workflows.ts';
export type { ReconcileMemory } from './reconcile-workflows.ts';
export { describeReadiness, readIntentStates } from './intent-readiness.ts';
export type { IntentReadiness } from './intent-readiness.ts';
export { ApplyRejectedError, NotConvergedError } from './errors.ts';
export type { StepContext, StepDefinition, WorkflowDefinition } from './definition.ts';
export type { IntentStore, ReconcileServices, ReconcileTuning, StoredIntent, WorkflowDeps, WorkflowService, WorkflowTuning } from './types.ts';
export type { LibraryProvider } from '../catalogue/index.ts';
export {
  createOrderedEventStream,
  DEFAULT_QUEUE,
  EVENTS_CHANNEL,
  eventsChannel,
  formSchemaOf,
  NoDatabaseError,
  ProcessNotFoundError,
  ProcessStateError,
  skipped,
  subscribeEvents,
  subscribeOrderedEvents,
  WorkflowNotFoundError,
} from '../engine/index.ts';
export type {
  EngineTuning,
  InMemoryRunResult,
  LocalRunOptions,
  LocalRunResult,
  OrderedEventStream,
  OrderedEventsOptions,
  ProcessObserver,
  StartOptions,
  StepNotice,
  WorkerHandle,
  WorkerOptions,
  WorkflowInfo,
} from '../engine/index.ts';
export {
  ACTIVE_STATUSES,
  DEFAULT_PAGE_SIZE,
  driftHistory,
  isUuid,
  listDrift,
  listLibraryUpgrades,
  MAX_DRIFT_PAGE,
  MAX_PAGE_SIZE,
  pageLibraryUpgrades,
  PROCESS_STATUSES,
  processOutcomes,
  readDriftObjects,
  recordLibraryUpgrade,
  STEP_STATUSES,
  TERMINAL_STATUSES,
} from '../store/index.ts';
export type {
  AuditFilter,
  AuditRecord,
  DriftEntry,
  DriftHistoryPoint,
  DriftPageFilter,
  HistoryFilter,
  IntentProcessSummary,
  IntentRef,
  IntentState,
  JsonObject,
  JsonValue,
  LibraryUpgradePageFilter,
  LibraryUpgradeRecord,
  LockHolder,
  OutcomeBucket,
  Page,
  ProcessDetail,
  ProcessError,
  ProcessFilter,
  ProcessRecord,
  ProcessStatus,
  StepRecord,
  StepStatus,
  TimeSeriesQuery,
  WorkflowEvent,
  WorkflowEventType,
} from '../store/index.ts';
