import type { NotificationFormat, Secret } from '../config/index.ts';
import type { NotifyEventType } from '../store/index.ts';

// The event as stored in the delivery log is the store's record type; notify's callers keep importing it from here.
export type { EventIntent, NotificationEvent, NotifyEventType } from '../store/index.ts';

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
