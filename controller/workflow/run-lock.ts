import type { Pool } from '../db/index.ts';
import type { ProcessRow } from './store.ts';

/** Held while a worker runs a process; release() when the run ends (it also ends with the connection). */
export interface RunLock {
  release(): Promise<void>;
}

/**
 * Takes the right to run a process. For a process bound to an intent: a session-level Postgres
 * advisory lock keyed by the intent (held on its own connection for the whole run, so a dead
 * worker's lock goes with its connection), and no other process of that intent may be running
 * or waiting for a retry — a process keeps its intent from its first step to its end, so runs
 * of one intent never overlap, even across a retry's backoff. Returns undefined when busy.
 */
export async function acquireRunLock(pool: Pool, row: ProcessRow): Promise<RunLock | undefined> {
  const key = row.intent_kind !== null ? `netbox-gitops:intent:${row.intent_kind}/${row.intent_name ?? ''}` : `netbox-gitops:process:${row.id}`;
  const client = await pool.connect();
  let locked = false;
  try {
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [key]);
    locked = rows[0]?.ok === true;
    if (locked && row.intent_kind !== null) {
      // A separate statement, so its snapshot is taken after the lock: whoever held the lock before
      // has committed its status by then.
      const other = await client.query(
        `SELECT 1 FROM processes
          WHERE intent_kind = $1 AND intent_name = $2 AND status IN ('running', 'waiting') AND id <> $3
          LIMIT 1`,
        [row.intent_kind, row.intent_name, row.id],
      );
      if ((other.rowCount ?? 0) > 0) {
        await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
        locked = false;
      }
    }
  } catch (error) {
    // Dropping the connection releases a lock taken on it.
    client.release(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
  if (!locked) {
    client.release();
    return undefined;
  }
  return {
    async release(): Promise<void> {
      try {
        await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
        client.release();
      } catch (error) {
        client.release(error instanceof Error ? error : new Error(String(error)));
      }
    },
  };
}
