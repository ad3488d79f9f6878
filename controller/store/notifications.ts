// The notification tables: the channels stored from Notification resources
// (notification_channels) and the delivery log (notification_deliveries). The only place that
// speaks SQL on them; what to send, to whom and when is controller/notify's business.
import type { NotificationEventType } from '../config/index.ts';
import { decodeKeysetCursor, encodeKeysetCursor, keysetTimestampSql, withTransaction } from '../db/index.ts';
import type { Pool } from '../db/index.ts';
import { intentOf } from './records.ts';

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

/** What the delivery log needs of a channel: its name and rate limit. */
export interface DeliveryChannel {
  readonly name: string;
  readonly rateLimit: { readonly max: number; readonly windowMs: number };
}

/** A stored Notification resource: its name and its spec as stored (validated by the reader). */
export interface StoredNotificationChannel {
  readonly name: string;
  readonly spec: unknown;
}

/** Every stored Notification resource, by name. */
export async function listNotificationChannels(pool: Pool): Promise<StoredNotificationChannel[]> {
  const { rows } = await pool.query<{ name: string; spec: unknown }>('SELECT name, spec FROM notification_channels ORDER BY name');
  return rows.map((row) => ({ name: row.name, spec: row.spec }));
}

/**
 * Stores the Notification resources a source holds at `revision` (one transaction): new and
 * changed ones are upserted, the source's ones that are gone are deleted. A name another
 * source already uses keeps its first owner and is reported in `conflicts`.
 */
export async function saveNotificationChannels(
  pool: Pool,
  source: string,
  revision: string,
  channels: readonly StoredNotificationChannel[],
): Promise<{ readonly stored: number; readonly removed: number; readonly conflicts: readonly string[] }> {
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`netbox-gitops:notification-channels`]);
    const conflicts: string[] = [];
    let stored = 0;
    const names: string[] = [];
    for (const { name, spec } of channels) {
      names.push(name);
      const result = await client.query(
        `INSERT INTO notification_channels (name, source, revision, spec) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name) DO UPDATE SET spec = EXCLUDED.spec, revision = EXCLUDED.revision, updated_at = now()
          WHERE notification_channels.source = EXCLUDED.source`,
        [name, source, revision, JSON.stringify(spec)],
      );
      if (result.rowCount === 0) conflicts.push(name);
      else stored += 1;
    }
    const removed = await client.query('DELETE FROM notification_channels WHERE source = $1 AND NOT (name = ANY($2::text[]))', [source, names]);
    return { stored, removed: removed.rowCount ?? 0, conflicts };
  });
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'suppressed';

/** One row of the delivery log, as the API and `notify deliveries` show it. */
export interface DeliveryRecord {
  readonly id: string;
  readonly channel: string;
  readonly eventType: string;
  readonly intent: { readonly kind: string; readonly name: string } | null;
  readonly event: NotificationEvent;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly deliveredAt: string | null;
}

interface DeliveryRow {
  id: string;
  channel: string;
  event_type: string;
  intent_kind: string | null;
  intent_name: string | null;
  event: NotificationEvent;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date | null;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

function toRecord(row: DeliveryRow): DeliveryRecord {
  return {
    id: row.id,
    channel: row.channel,
    eventType: row.event_type,
    intent: intentOf(row.intent_kind, row.intent_name),
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
    lastStatus: row.last_status,
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
    deliveredAt: row.delivered_at?.toISOString() ?? null,
  };
}

/**
 * Logs an event for a channel: `pending` (due now), or `suppressed` when the channel already
 * sent `rateLimit.max` notifications of this event type for this intent within the window.
 * Serialised per channel, event and intent, so concurrent workers count each other.
 */
export async function enqueueDelivery(pool: Pool, channel: DeliveryChannel, event: NotificationEvent): Promise<{ id: string; status: DeliveryStatus }> {
  const kind = event.intent?.kind ?? null;
  const name = event.intent?.name ?? null;
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`netbox-gitops:notify:${channel.name}:${event.type}:${kind ?? ''}/${name ?? ''}`]);
    let suppressed = false;
    if (channel.rateLimit.max > 0 && event.type !== 'test') {
      const { rows } = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM notification_deliveries
          WHERE channel = $1 AND event_type = $2 AND intent_kind IS NOT DISTINCT FROM $3 AND intent_name IS NOT DISTINCT FROM $4
            AND status <> 'suppressed' AND created_at > now() - make_interval(secs => $5)`,
        [channel.name, event.type, kind, name, channel.rateLimit.windowMs / 1000],
      );
      suppressed = Number(rows[0]?.n ?? 0) >= channel.rateLimit.max;
    }
    const { rows } = await client.query<{ id: string; status: DeliveryStatus }>(
      `INSERT INTO notification_deliveries (channel, event_type, intent_kind, intent_name, event, status, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $6 = 'pending' THEN now() END)
       RETURNING id, status`,
      [channel.name, event.type, kind, name, JSON.stringify(event), suppressed ? 'suppressed' : 'pending'],
    );
    return rows[0] as { id: string; status: DeliveryStatus };
  });
}

/**
 * Takes up to `limit` due deliveries and leases them for `leaseMs` (their next attempt moves
 * out by that much, so another dispatcher skips them; one that dies mid-send is retried after
 * the lease). Counts the attempt.
 */
export async function claimDueDeliveries(pool: Pool, limit: number, leaseMs: number, exclude: readonly string[] = []): Promise<DeliveryRecord[]> {
  const { rows } = await pool.query<DeliveryRow>(
    `UPDATE notification_deliveries d
        SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $2), updated_at = now()
      WHERE d.id IN (SELECT id FROM notification_deliveries
                      WHERE status = 'pending' AND next_attempt_at <= now() AND NOT (id = ANY($3::uuid[]))
                      ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING d.*`,
    [limit, leaseMs / 1000, exclude],
  );
  return rows.map(toRecord);
}

/** Records the end of an attempt: delivered, failed for good, or pending again at `retryAt`. */
export async function finishAttempt(
  pool: Pool,
  id: string,
  outcome: { readonly status: 'delivered' | 'failed' | 'pending'; readonly httpStatus?: number; readonly error?: string; readonly retryAt?: Date },
): Promise<void> {
  await pool.query(
    `UPDATE notification_deliveries
        SET status = $2, last_status = $3, last_error = $4, updated_at = now(),
            next_attempt_at = CASE WHEN $2 = 'pending' THEN $5::timestamptz END,
            delivered_at = CASE WHEN $2 = 'delivered' THEN now() END
      WHERE id = $1`,
    [id, outcome.status, outcome.httpStatus ?? null, outcome.error ?? null, outcome.retryAt ?? null],
  );
}

/** A filter of the delivery log; newest first. */
export interface DeliveryFilter {
  readonly channel?: string;
  readonly status?: DeliveryStatus;
  readonly eventType?: string;
  readonly intent?: { readonly kind: string; readonly name: string };
  readonly limit?: number;
}

/** A page of the delivery log, newest first, for the API: a filter plus the cursor of the page before. */
export interface DeliveryPageFilter {
  readonly channel?: string;
  readonly status?: DeliveryStatus;
  readonly eventType?: string;
  readonly intentKind?: string;
  readonly intentName?: string;
  /** 1 to 500; default 50. */
  readonly limit?: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
}

/**
 * One page of the delivery log, newest first (keyset on created_at, id: the
 * idx_notification_deliveries_created order), with the cursor of the next page.
 */
export async function pageDeliveries(pool: Pool, filter: DeliveryPageFilter = {}): Promise<{ items: DeliveryRecord[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500);
  const after = filter.cursor !== undefined ? decodeKeysetCursor(filter.cursor) : null;
  const { rows } = await pool.query<DeliveryRow & { cursor_ts: string }>(
    `SELECT *, ${keysetTimestampSql('created_at')} AS cursor_ts FROM notification_deliveries
      WHERE ($1::text IS NULL OR channel = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR event_type = $3)
        AND ($4::text IS NULL OR intent_kind = $4) AND ($5::text IS NULL OR intent_name = $5)
        AND ($6::timestamptz IS NULL OR (created_at, id) < ($6::timestamptz, $7::uuid))
      ORDER BY created_at DESC, id DESC LIMIT $8`,
    [
      filter.channel ?? null,
      filter.status ?? null,
      filter.eventType ?? null,
      filter.intentKind ?? null,
      filter.intentName ?? null,
      after?.timestamp ?? null,
      after?.id ?? null,
      limit + 1,
    ],
  );
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  return { items: kept.map(toRecord), nextCursor: rows.length > limit && last ? encodeKeysetCursor(last.cursor_ts, last.id) : null };
}

/** The delivery log, newest first (`notify deliveries`): the first `limit` rows of a filter. */
export async function listDeliveries(pool: Pool, filter: DeliveryFilter = {}): Promise<DeliveryRecord[]> {
  const { rows } = await pool.query<DeliveryRow>(
    `SELECT * FROM notification_deliveries
      WHERE ($1::text IS NULL OR channel = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR event_type = $3)
        AND ($4::text IS NULL OR (intent_kind = $4 AND intent_name = $5))
      ORDER BY created_at DESC, id DESC LIMIT $6`,
    [
      filter.channel ?? null,
      filter.status ?? null,
      filter.eventType ?? null,
      filter.intent?.kind ?? null,
      filter.intent?.name ?? null,
      Math.min(Math.max(filter.limit ?? 50, 1), 500),
    ],
  );
  return rows.map(toRecord);
}
