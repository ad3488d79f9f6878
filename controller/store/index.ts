/**
 * The repositories: one per aggregate, the only place that speaks SQL on its tables, with typed,
 * verb-first functions its callers use. The intents aggregate (intents, intent_revisions, drift):
 * the API's, GraphQL's and dashboard's reads (`intents.ts`), and what controller/sources writes
 * and reads (`intent-sync.ts`: syncIntents' writes under its advisory lock, suspend and resume,
 * the scheduler's and controller's reads). API tokens (`tokens.ts`, `api_tokens`) for
 * controller/auth; notification channels and the delivery log (`notifications.ts`,
 * `notification_channels`, `notification_deliveries`) for controller/notify. The engine's own
 * tables still keep their queries beside it in `controller/workflow` (processes, steps, audit,
 * events, outbox).
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
export type { IntentStatus, IntentWrite, LockedIntent, OperatorSuspension, ScheduledIntent, StoredIntent } from './intent-sync.ts';
