export { loadConfig, databaseConnectionString, NOTIFICATION_EVENTS, NOTIFICATION_FORMATS } from './config.ts';
export type { AppConfig, NotificationEventType, NotificationFormat } from './config.ts';
export { Secret } from './secret.ts';
