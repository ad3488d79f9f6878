/**
 * Outgoing notifications: drift detected and resolved, reconcile failed, prune blocked and
 * library upgrades available, sent to generic JSON webhooks (HMAC-SHA256 signed), Slack and
 * Microsoft Teams, with per-channel event and intent filters, a rate limit, retries with
 * backoff and a delivery log in Postgres. Channels come from NOTIFY_WEBHOOK_URL and from
 * Notification resources beside the intents.
 */
export { ENV_CHANNEL, channelFromEnv, channelFromSpec, channelWants, channelsFromResources, loadChannels, syncNotificationChannels } from './channels.ts';
export type { ChannelLoad } from './channels.ts';
// The delivery log's SQL lives in controller/store; re-exported so the API and CLI keep their imports.
export { claimDueDeliveries, enqueueDelivery, finishAttempt, listDeliveries, pageDeliveries } from '../store/index.ts';
export type { DeliveryFilter, DeliveryPageFilter, DeliveryRecord, DeliveryStatus } from '../store/index.ts';
export { createDispatcher, retryDelayMs } from './dispatcher.ts';
export type { Dispatcher, DispatcherOptions } from './dispatcher.ts';
export { buildEvent, createNotifier, intentLink } from './notifier.ts';
export type { FinishedProcessInfo, Notifier, NotifierOptions } from './notifier.ts';
export { HEADERS, jsonBody, renderBody, signBody, slackBody, teamsBody } from './payload.ts';
export { sendToChannel } from './send.ts';
export type { Channel, EventInput, EventIntent, NotificationEvent, NotifyEventType, SendResult } from './types.ts';
