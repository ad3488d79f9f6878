/**
 * The repositories: one per aggregate, the only place that speaks SQL on its tables, with typed,
 * verb-first functions its callers use. The intent store (intents, their revisions and drift) for
 * the API, GraphQL and dashboard reads; API tokens (`api_tokens`) for controller/auth; the
 * notification channels and delivery log (`notification_channels`, `notification_deliveries`) for
 * controller/notify. The engine's own tables still keep their queries beside it in
 * `controller/workflow` (processes, steps, audit, events, outbox).
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
