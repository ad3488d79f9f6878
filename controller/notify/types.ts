import type { NotificationEventType, NotificationFormat, Secret } from '../config/index.ts';

/** What a notification is about: the configured events, plus `test` from `notify test`. */
export type NotifyEventType = NotificationEventType | 'test';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The intent an event is about, with a link to its page in the dashboard when DASHBOARD_URL is set. */
export interface EventIntent {
  readonly kind: string;
  readonly name: string;
  readonly url?: string;
}

/**
 * One event, as stored in the delivery log and sent (as is) in the body of a JSON webhook.
 * Never holds secrets.
 */
export interface NotificationEvent {
  readonly type: NotifyEventType;
  /** ISO 8601 time the event happened. */
  readonly at: string;
  /** One line for people, e.g. `DeviceTypeSet/lab (observe): 3 objects newly differ from the intent`. */
  readonly summary: string;
  readonly intent: EventIntent | null;
  readonly processId: string | null;
  /** Counts, step and message, revisions: what the event type carries (see README). */
  readonly details: { readonly [key: string]: Json };
}

/** What a component reports; the notifier adds the time and the dashboard link. */
export interface EventInput {
  readonly type: NotifyEventType;
  readonly summary: string;
  readonly intent?: { readonly kind: string; readonly name: string } | null;
  readonly processId?: string | null;
  readonly details?: { readonly [key: string]: unknown };
}

/** An outgoing channel, with its secrets resolved. */
export interface Channel {
  /** `env` for NOTIFY_WEBHOOK_URL, else the Notification resource's metadata.name. */
  readonly name: string;
  readonly format: NotificationFormat;
  readonly url: Secret;
  /** HMAC-SHA256 key of the signature header; undefined sends no signature. */
  readonly signingSecret: Secret | undefined;
  readonly events: ReadonlySet<string>;
  /** Intent selectors (`Kind/name` with `*`); empty: every intent. */
  readonly intents: readonly RegExp[];
  readonly rateLimit: { readonly max: number; readonly windowMs: number };
}

/** The outcome of one HTTP delivery attempt. */
export interface SendResult {
  readonly ok: boolean;
  /** HTTP status, when the receiver answered. */
  readonly status?: number;
  /** Why it failed, without the URL (it may be a secret). */
  readonly error?: string;
  /** Whether trying again may help: network errors, timeouts, 408, 429 and 5xx. */
  readonly retryable: boolean;
  /** Retry-After of a 429/503, in milliseconds. */
  readonly retryAfterMs?: number;
}
