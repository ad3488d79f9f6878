/**
 * The only folder that speaks SQL: one repository per aggregate, each a set of typed functions
 * taking a pool (or a transaction's client).
 * - intents with their revisions and drift: `intents.ts` (the API's reads), `intent-sync.ts`
 *   (what controller/sources writes under its advisory lock, suspend and resume, the scheduler's
 *   and controller's reads), `stored-intents.ts` (a run's read of one intent), `drift.ts`,
 *   `intent-states.ts`;
 * - processes with their steps and events: `processes.ts`, `process-events.ts`, `listing.ts`,
 *   `run-locks.ts` (per-intent advisory locks), `workflows.ts`;
 * - audit rows and the apply outbox: `audit.ts`, `outbox.ts`;
 * - library upgrades: `library-upgrades.ts`;
 * - API tokens (`api_tokens`): `tokens.ts`, for controller/auth;
 * - notification channels and the delivery log: `notifications.ts`, for controller/notify.
 * The records they return are in `records.ts`.
 */
export { getIntent, getIntentDocument, intentExists, listIntents, readyCondition, summariseDrift } from './intents.ts';
export type { DriftCounts, DriftRow, DriftSummary, IntentDetail, IntentFilter, IntentRevision, IntentSummary, ReadyCondition } from './intents.ts';
export { findActiveApiToken, insertApiToken, listApiTokens, markApiTokenUsed, revokeApiToken } from './tokens.ts';
export type { ActiveApiToken, ApiTokenRecord } from './tokens.ts';
export {
  claimDueDeliveries,
  enqueueDelivery,
  finishAttempt,
  listDeliveries,
  listNotificationChannels,
  pageDeliveries,
  saveNotificationChannels,
} from './notifications.ts';
export type {
  DeliveryChannel,
  DeliveryFilter,
  DeliveryPageFilter,
  DeliveryRecord,
  DeliveryStatus,
  EventIntent,
  NotificationEvent,
  NotifyEventType,
  StoredNotificationChannel,
} from './notifications.ts';
export {
  clearIntentConflictNotes,
  clearOperatorSuspension,
  getIntentStatus,
  insertIntent,
  insertInvalidIntent,
  listActiveIntentPins,
  listActiveIntents,
  listScheduledIntents,
  lockIntent,
  lockIntentsForSync,
  markIntentInvalid,
  markIntentRemoved,
  noteIntentConflict,
  recordIntentRevision,
  setIntentStatusMessage,
  setOperatorSuspension,
  updateIntent,
  withIntentSourceLock,
} from './intent-sync.ts';
export type { IntentStatus, IntentWrite, LockedIntent, OperatorSuspension, ScheduledIntent, SyncedIntentRow } from './intent-sync.ts';
export { listIntentModes, readStoredIntent } from './stored-intents.ts';
export type { StoredIntentRow } from './stored-intents.ts';
export { countDriftObjects, driftHistory, listDrift, MAX_DRIFT_PAGE, replaceDrift } from './drift.ts';
export type { DriftEntry, DriftHistoryPoint, DriftItem, DriftPageFilter, DriftResult, TimeSeriesQuery } from './drift.ts';
export { readDriftObjects, readIntentStates } from './intent-states.ts';
export type { IntentProcessSummary, IntentState } from './intent-states.ts';
export {
  countProcessesByStatus,
  failIfActive,
  finishStep,
  insertProcess,
  insertStep,
  isUuid,
  lastCompletedPerIntent,
  markRunning,
  requestProcess,
  selectProcess,
  selectStaleProcesses,
  selectSteps,
  selectStepsOf,
  toProcessRecord,
  toStepRecord,
  updateProcess,
} from './processes.ts';
export type { NewProcess, ProcessRequest, ProcessRow, Revisions, StepFinish, StepHistoryEntry } from './processes.ts';
export { eventsOf, readDatabaseClock, recordEvents, selectEvents, stepEvent, toWorkflowEvent } from './process-events.ts';
export type { EventDraft, EventProcess, EventQuery, EventRow } from './process-events.ts';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, listAudit, listProcesses, processOutcomes } from './listing.ts';
export type { OutcomeBucket } from './listing.ts';
export { acquireRunLock, findIntentHolder, lockName } from './run-locks.ts';
export type { LockHolder, RunLock } from './run-locks.ts';
export { selectWorkflows, upsertWorkflows } from './workflows.ts';
export type { WorkflowDraft, WorkflowRowRecord } from './workflows.ts';
export { countAudit, insertAudit, toAuditRecord } from './audit.ts';
export type { AuditChange, AuditContext } from './audit.ts';
export { listPendingWrites, recordWrite, settlePendingWrite, settleWrite } from './outbox.ts';
export type { OutboxChunk, PendingWrite } from './outbox.ts';
export { countAvailableUpgrades, listLibraryUpgrades, pageLibraryUpgrades, recordLibraryUpgrade } from './library-upgrades.ts';
export type { LibraryUpgradePageFilter, LibraryUpgradeRecord } from './library-upgrades.ts';
export { ACTIVE_STATUSES, PROCESS_STATUSES, STEP_STATUSES, TERMINAL_STATUSES, intentOf, toJson, toJsonObject } from './records.ts';
export type {
  AuditFilter,
  AuditRecord,
  HistoryFilter,
  IntentRef,
  JsonCompatible,
  JsonObject,
  JsonValue,
  Page,
  ProcessDetail,
  ProcessError,
  ProcessFilter,
  ProcessRecord,
  ProcessStatus,
  StepRecord,
  StepStatus,
  WorkflowEvent,
  WorkflowEventType,
} from './records.ts';
