// "Upgrade available" entries (library_upgrades): the only place that speaks SQL on that table.
import { decodeKeysetCursor, encodeKeysetCursor, keysetTimestampSql, withTransaction } from '../db/index.ts';
import type { Pool } from '../db/index.ts';
import type { LibraryChanges, UpgradeEffect } from '../report/index.ts';

/** One library revision an intent could move to, previewed and not taken. */
export interface LibraryUpgradeRecord {
  readonly id: string;
  readonly intent: { readonly kind: string; readonly name: string };
  readonly fromRevision: string;
  readonly toRevision: string;
  readonly status: 'available' | 'superseded';
  readonly effect: UpgradeEffect;
  readonly changes: LibraryChanges;
  readonly processId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

interface UpgradeRow {
  id: string;
  kind: string;
  name: string;
  from_revision: string;
  to_revision: string;
  status: 'available' | 'superseded';
  effect: UpgradeEffect;
  changes: LibraryChanges;
  process_id: string | null;
  created_at: Date;
  updated_at: Date;
}

function toRecord(row: UpgradeRow): LibraryUpgradeRecord {
  return {
    id: row.id,
    intent: { kind: row.kind, name: row.name },
    fromRevision: row.from_revision,
    toRevision: row.to_revision,
    status: row.status,
    effect: row.effect,
    changes: row.changes,
    processId: row.process_id,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/**
 * Records that `intent` could move from its revision to `to` with this effect. A preview of
 * the same revision again refreshes the entry; earlier available entries of the intent become
 * superseded. `created` is true only for a revision not recorded before (worth a notification).
 * Intents not in the intent store are skipped (`recorded: false`).
 */
export async function recordLibraryUpgrade(
  pool: Pool,
  entry: { intent: { kind: string; name: string }; from: string; to: string; effect: UpgradeEffect; changes: LibraryChanges; processId: string | null },
): Promise<{ recorded: boolean; created: boolean }> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ id: string }>('SELECT id FROM intents WHERE kind = $1 AND name = $2', [entry.intent.kind, entry.intent.name]);
    const intentId = rows[0]?.id;
    if (intentId === undefined) return { recorded: false, created: false };
    const upsert = await client.query<{ created: boolean }>(
      `INSERT INTO library_upgrades (intent_id, from_revision, to_revision, effect, changes, process_id)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (intent_id, to_revision) DO UPDATE
         SET from_revision = EXCLUDED.from_revision, effect = EXCLUDED.effect, changes = EXCLUDED.changes,
             process_id = EXCLUDED.process_id, status = 'available', updated_at = now()
       RETURNING (xmax = 0) AS created`,
      [intentId, entry.from, entry.to, JSON.stringify(entry.effect), JSON.stringify(entry.changes), entry.processId],
    );
    await client.query(
      `UPDATE library_upgrades SET status = 'superseded', updated_at = now() WHERE intent_id = $1 AND to_revision <> $2 AND status = 'available'`,
      [intentId, entry.to],
    );
    return { recorded: true, created: upsert.rows[0]?.created === true };
  });
}

/** Entries, newest first; by default only those still available. */
export async function listLibraryUpgrades(
  pool: Pool,
  filter: { readonly status?: 'available' | 'superseded' | 'all'; readonly intent?: { kind: string; name: string }; readonly limit?: number } = {},
): Promise<LibraryUpgradeRecord[]> {
  const status = filter.status ?? 'available';
  const { rows } = await pool.query<UpgradeRow>(
    `SELECT u.*, i.kind, i.name FROM library_upgrades u JOIN intents i ON i.id = u.intent_id
      WHERE ($1 = 'all' OR u.status = $1) AND ($2::text IS NULL OR (i.kind = $2 AND i.name = $3))
      ORDER BY u.created_at DESC, u.id DESC LIMIT $4`,
    [status, filter.intent?.kind ?? null, filter.intent?.name ?? null, Math.min(Math.max(filter.limit ?? 100, 1), 500)],
  );
  return rows.map(toRecord);
}

/** A page of "upgrade available" entries for the API. */
export interface LibraryUpgradePageFilter {
  /** Default `available`. */
  readonly status?: 'available' | 'superseded' | 'all';
  readonly intentKind?: string;
  readonly intentName?: string;
  /** 1 to 500; default 50. */
  readonly limit?: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
}

/** One page of entries, newest first (keyset on created_at, id), with the cursor of the next page. */
export async function pageLibraryUpgrades(
  pool: Pool,
  filter: LibraryUpgradePageFilter = {},
): Promise<{ items: LibraryUpgradeRecord[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500);
  const after = filter.cursor !== undefined ? decodeKeysetCursor(filter.cursor) : null;
  const { rows } = await pool.query<UpgradeRow & { cursor_ts: string }>(
    `SELECT u.*, i.kind, i.name, ${keysetTimestampSql('u.created_at')} AS cursor_ts
       FROM library_upgrades u JOIN intents i ON i.id = u.intent_id
      WHERE ($1 = 'all' OR u.status = $1) AND ($2::text IS NULL OR i.kind = $2) AND ($3::text IS NULL OR i.name = $3)
        AND ($4::timestamptz IS NULL OR (u.created_at, u.id) < ($4::timestamptz, $5::uuid))
      ORDER BY u.created_at DESC, u.id DESC LIMIT $6`,
    [filter.status ?? 'available', filter.intentKind ?? null, filter.intentName ?? null, after?.timestamp ?? null, after?.id ?? null, limit + 1],
  );
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  return { items: kept.map(toRecord), nextCursor: rows.length > limit && last ? encodeKeysetCursor(last.cursor_ts, last.id) : null };
}

/** Available library upgrades per intent (not removed). */
export async function countAvailableUpgrades(pool: Pool): Promise<{ kind: string; name: string; count: number }[]> {
  const { rows } = await pool.query<{ kind: string; name: string; n: string }>(
    `SELECT i.kind, i.name, count(*) AS n FROM library_upgrades u JOIN intents i ON i.id = u.intent_id
      WHERE u.status = 'available' AND i.status <> 'removed' GROUP BY i.kind, i.name`,
  );
  return rows.map((row) => ({ kind: row.kind, name: row.name, count: Number(row.n) }));
}
