// The engine's reads of the `intents` table: an intent's stored document for a run, and the
// intents' modes for the metrics.
import type { Pool } from '../db/index.ts';

/** An intent's row as a run reads it: the stored document (not validated here) and its status. */
export interface StoredIntentRow {
  readonly spec: unknown;
  readonly revision: string | null;
  readonly status: string;
  readonly statusMessage: string | null;
}

/** The stored intent `kind/name`, or undefined when there is none. */
export async function readStoredIntent(pool: Pool, kind: string, name: string): Promise<StoredIntentRow | undefined> {
  const { rows } = await pool.query<{ spec: unknown; revision: string | null; status: string; status_message: string | null }>(
    'SELECT spec, revision, status, status_message FROM intents WHERE kind = $1 AND name = $2',
    [kind, name],
  );
  const row = rows[0];
  return row ? { spec: row.spec, revision: row.revision, status: row.status, statusMessage: row.status_message } : undefined;
}

/** Mode and status of every intent not removed. */
export async function listIntentModes(pool: Pool): Promise<{ kind: string; name: string; mode: string; status: string }[]> {
  const { rows } = await pool.query<{ kind: string; name: string; mode: string; status: string }>(
    `SELECT kind, name, mode, status FROM intents WHERE status <> 'removed'`,
  );
  return rows;
}
