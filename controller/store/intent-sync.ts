// The intent sources' side of the intents aggregate (controller/sources): the writes of
// syncIntents and of the operator's suspend and resume to intents and intent_revisions, which
// run inside its transactions on the client they are given, and the reads of the scheduler
// and the controller. What to write and why stays in controller/sources.
import { withTransaction } from '../db/index.ts';
import type { Pool, PoolClient } from '../db/index.ts';
import type { IntentKind, IntentRef } from '../intents/index.ts';

/** The statuses an intent row takes. */
export type IntentStatus = 'active' | 'removed' | 'suspended' | 'invalid';

/** An intent row as a sync reads it (locked for the rest of the transaction). */
export interface SyncedIntentRow {
  readonly id: string;
  readonly kind: IntentKind;
  readonly name: string;
  readonly source: string;
  readonly status: IntentStatus;
  readonly spec: unknown;
  readonly revision: string | null;
  /** Whether a valid version was ever stored (the intent has a revision row). */
  readonly wasValid: boolean;
  /** Set while an operator has suspended the intent (API / dashboard). */
  readonly suspendedAt: Date | null;
  readonly suspendedBy: string | null;
  readonly suspendMessage: string | null;
}

/** The operator's suspension of an intent, as stored. */
export interface OperatorSuspension {
  readonly suspendedBy: string | null;
  readonly suspendedAt: Date | null;
  readonly suspendMessage: string | null;
}

/** The fields of an intent row a sync writes from a valid intent. */
export interface IntentWrite {
  readonly source: string;
  readonly revision: string;
  /** The intent document, as JSON text. */
  readonly spec: string;
  readonly status: IntentStatus;
  readonly statusMessage: string | null;
  readonly mode: string;
}

/**
 * Runs `work` in one transaction that holds the source's advisory lock: two controllers that
 * both believe they lead (a lock that expired mid-sync) still write one after the other.
 */
export async function withIntentSourceLock<T>(pool: Pool, source: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`netbox-gitops:intent-source:${source}`]);
    return work(client);
  });
}

/** The intents of `source` and those named by `keys` (`Kind/name`), by key, locked FOR UPDATE. */
export async function lockIntentsForSync(client: PoolClient, source: string, keys: readonly string[]): Promise<Map<string, SyncedIntentRow>> {
  const result = await client.query<{
    id: string;
    kind: IntentKind;
    name: string;
    source: string;
    status: IntentStatus;
    spec: unknown;
    revision: string | null;
    suspended_at: Date | null;
    suspended_by: string | null;
    suspend_message: string | null;
    was_valid: boolean;
  }>(
    `SELECT i.id, i.kind, i.name, i.source, i.status, i.spec, i.revision, i.suspended_at, i.suspended_by, i.suspend_message,
            EXISTS (SELECT 1 FROM intent_revisions r WHERE r.intent_id = i.id) AS was_valid
       FROM intents i
      WHERE i.source = $1 OR (i.kind || '/' || i.name) = ANY($2::text[])
      FOR UPDATE OF i`,
    [source, keys],
  );
  return new Map(
    result.rows.map((row) => [
      `${row.kind}/${row.name}`,
      {
        id: row.id,
        kind: row.kind,
        name: row.name,
        source: row.source,
        status: row.status,
        spec: row.spec,
        revision: row.revision,
        wasValid: row.was_valid,
        suspendedAt: row.suspended_at,
        suspendedBy: row.suspended_by,
        suspendMessage: row.suspend_message,
      },
    ]),
  );
}

/**
 * Puts `note` in the status message of an active or suspended intent, unless its message is
 * something other than a note of this family (one starting with `notePrefix`) or already `note`.
 */
export async function noteIntentConflict(client: PoolClient, id: string, note: string, notePrefix: string): Promise<void> {
  await client.query(
    `UPDATE intents SET status_message = $2, updated_at = now()
      WHERE id = $1 AND status IN ('active', 'suspended') AND (status_message IS NULL OR left(status_message, $3) = $4)
        AND status_message IS DISTINCT FROM $2`,
    [id, note, notePrefix.length, notePrefix],
  );
}

/** Clears `note` from the status message of other sources' intents, except those named by `keys` (`Kind/name`). */
export async function clearIntentConflictNotes(client: PoolClient, source: string, note: string, keys: readonly string[]): Promise<void> {
  await client.query(
    `UPDATE intents SET status_message = NULL, updated_at = now()
      WHERE source <> $1 AND status_message = $2 AND NOT ((kind || '/' || name) = ANY($3::text[]))`,
    [source, note, keys],
  );
}

/** Inserts a new intent row; returns its id. */
export async function insertIntent(client: PoolClient, ref: IntentRef, write: IntentWrite): Promise<string> {
  const inserted = await client.query<{ id: string }>(
    `INSERT INTO intents (kind, name, source, revision, spec, status, status_message, mode)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8) RETURNING id`,
    [ref.kind, ref.name, write.source, write.revision, write.spec, write.status, write.statusMessage, write.mode],
  );
  return inserted.rows[0]?.id ?? '';
}

/** Overwrites an intent row with a valid version (clearing removed_at). */
export async function updateIntent(client: PoolClient, id: string, write: IntentWrite): Promise<void> {
  await client.query(
    `UPDATE intents
        SET source = $2, revision = $3, spec = $4::jsonb, status = $5, status_message = $6, mode = $7,
            removed_at = NULL, updated_at = now()
      WHERE id = $1`,
    [id, write.source, write.revision, write.spec, write.status, write.statusMessage, write.mode],
  );
}

/** Records a version of an intent (`spec` as JSON text) in intent_revisions; the same revision again overwrites it. */
export async function recordIntentRevision(client: PoolClient, intentId: string, revision: string, spec: string, source: string): Promise<void> {
  await client.query(
    `INSERT INTO intent_revisions (intent_id, revision, spec, source) VALUES ($1, $2, $3::jsonb, $4)
     ON CONFLICT (intent_id, revision) DO UPDATE SET spec = EXCLUDED.spec, recorded_at = now()`,
    [intentId, revision, spec, source],
  );
}

/** Inserts an intent that never validated, with its raw document (`document` as JSON text) and status 'invalid'. */
export async function insertInvalidIntent(
  client: PoolClient,
  ref: IntentRef,
  write: { readonly source: string; readonly revision: string; readonly document: string; readonly message: string },
): Promise<void> {
  await client.query(
    `INSERT INTO intents (kind, name, source, revision, spec, status, status_message)
     VALUES ($1, $2, $3, $4, $5::jsonb, 'invalid', $6)`,
    [ref.kind, ref.name, write.source, write.revision, write.document, write.message],
  );
}

/** Marks a stored intent invalid with `message`, keeping its last spec; no write when nothing changes. */
export async function markIntentInvalid(client: PoolClient, id: string, source: string, message: string): Promise<void> {
  await client.query(
    `UPDATE intents SET source = $2, status = 'invalid', status_message = $3, removed_at = NULL, updated_at = now()
      WHERE id = $1 AND (status <> 'invalid' OR status_message IS DISTINCT FROM $3 OR source <> $2)`,
    [id, source, message],
  );
}

/** Marks an intent removed (removed_at now) with `message`. */
export async function markIntentRemoved(client: PoolClient, id: string, message: string): Promise<void> {
  await client.query(`UPDATE intents SET status = 'removed', removed_at = now(), updated_at = now(), status_message = $2 WHERE id = $1`, [id, message]);
}

/** An intent row locked for a suspend or resume: its status and whether its spec says `suspend: true`. */
export interface LockedIntent {
  readonly id: string;
  readonly status: IntentStatus;
  readonly specSuspends: boolean;
}

/** The intent `ref`, locked FOR UPDATE for the rest of the transaction; undefined when unknown. */
export async function lockIntent(client: PoolClient, ref: IntentRef): Promise<LockedIntent | undefined> {
  const { rows } = await client.query<{ id: string; status: IntentStatus; suspend: boolean }>(
    `SELECT id, status, coalesce(spec->'spec'->>'suspend', 'false') = 'true' AS suspend FROM intents WHERE kind = $1 AND name = $2 FOR UPDATE`,
    [ref.kind, ref.name],
  );
  const row = rows[0];
  return row ? { id: row.id, status: row.status, specSuspends: row.suspend } : undefined;
}

/**
 * Records an operator's suspension (by, now, message); an active intent becomes suspended.
 * Returns the row's status, message and suspension after the write.
 */
export async function setOperatorSuspension(
  client: PoolClient,
  id: string,
  by: string,
  message: string | null,
): Promise<({ readonly status: IntentStatus; readonly statusMessage: string | null } & OperatorSuspension) | undefined> {
  const { rows } = await client.query<{
    status: IntentStatus;
    status_message: string | null;
    suspended_by: string;
    suspended_at: Date;
    suspend_message: string | null;
  }>(
    `UPDATE intents SET suspended_by = $2, suspended_at = now(), suspend_message = $3, updated_at = now(),
            status = CASE WHEN status = 'active' THEN 'suspended' ELSE status END
      WHERE id = $1
      RETURNING status, status_message, suspended_by, suspended_at, suspend_message`,
    [id, by, message],
  );
  const row = rows[0];
  return row
    ? {
        status: row.status,
        statusMessage: row.status_message,
        suspendedBy: row.suspended_by,
        suspendedAt: row.suspended_at,
        suspendMessage: row.suspend_message,
      }
    : undefined;
}

/** Sets an intent's status message (nothing else). */
export async function setIntentStatusMessage(client: PoolClient, id: string, message: string | null): Promise<void> {
  await client.query('UPDATE intents SET status_message = $2 WHERE id = $1', [id, message]);
}

/**
 * Clears an operator's suspension; with `activate`, the intent also becomes active with no
 * status message. Returns the row's status and message after the write.
 */
export async function clearOperatorSuspension(
  client: PoolClient,
  id: string,
  activate: boolean,
): Promise<{ readonly status: IntentStatus; readonly statusMessage: string | null } | undefined> {
  const { rows } = await client.query<{ status: IntentStatus; status_message: string | null }>(
    `UPDATE intents SET suspended_by = NULL, suspended_at = NULL, suspend_message = NULL, updated_at = now(),
            status = CASE WHEN $2 THEN 'active' ELSE status END,
            status_message = CASE WHEN $2 THEN NULL ELSE status_message END
      WHERE id = $1 RETURNING status, status_message`,
    [id, activate],
  );
  const row = rows[0];
  return row ? { status: row.status, statusMessage: row.status_message } : undefined;
}

/** The intent's status, or undefined when no intent has this kind and name. */
export async function getIntentStatus(pool: Pool, ref: IntentRef): Promise<IntentStatus | undefined> {
  const { rows } = await pool.query<{ status: IntentStatus }>('SELECT status FROM intents WHERE kind = $1 AND name = $2', [ref.kind, ref.name]);
  return rows[0]?.status;
}

/** An intent that keeps a schedule, with the interval or cron schedule its spec sets. */
export interface ScheduledIntent {
  readonly kind: IntentKind;
  readonly name: string;
  readonly interval: string | null;
  readonly schedule: string | null;
}

/**
 * The intents that keep a schedule: the active ones, and those an operator suspended while
 * their spec does not (their jobs skip them, so a resume needs no source sync).
 */
export async function listScheduledIntents(pool: Pool): Promise<ScheduledIntent[]> {
  const { rows } = await pool.query<{ kind: IntentKind; name: string; interval: string | null; schedule: string | null }>(
    `SELECT kind, name, spec->'spec'->>'interval' AS interval, spec->'spec'->>'schedule' AS schedule
       FROM intents
      -- An operator's suspension keeps the schedule (its jobs skip the intent) so resume needs no source sync.
      WHERE status = 'active' OR (status = 'suspended' AND suspended_at IS NOT NULL AND coalesce(spec->'spec'->>'suspend', 'false') <> 'true')`,
  );
  return rows.map((row) => ({ kind: row.kind, name: row.name, interval: row.interval, schedule: row.schedule }));
}

/** The active intents, by kind and name. */
export async function listActiveIntents(pool: Pool): Promise<IntentRef[]> {
  const { rows } = await pool.query<{ kind: IntentKind; name: string }>(`SELECT kind, name FROM intents WHERE status = 'active' ORDER BY kind, name`);
  return rows.map((row) => ({ kind: row.kind, name: row.name }));
}

/** The active intents, by kind and name, each with the library ref it pins (spec.library.ref), if any. */
export async function listActiveIntentPins(pool: Pool): Promise<{ readonly kind: IntentKind; readonly name: string; readonly pin: string | null }[]> {
  const { rows } = await pool.query<{ kind: IntentKind; name: string; pin: string | null }>(
    `SELECT kind, name, spec->'spec'->'library'->>'ref' AS pin FROM intents WHERE status = 'active' ORDER BY kind, name`,
  );
  return rows.map((row) => ({ kind: row.kind, name: row.name, pin: row.pin }));
}
