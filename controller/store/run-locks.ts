import type { Pool } from '../db/index.ts';
import type { ProcessRow } from './processes.ts';
import type { IntentRef } from './records.ts';

/** A process that holds an intent another run needs. */
export interface LockHolder {
  readonly processId: string;
  readonly workflow: string;
  readonly intent: string;
}

/**
 * The oldest other process running or waiting for a retry on one of `intents` (as
 * {@link lockName} writes them): a process keeps its intents from its first step to its end.
 */
export async function findIntentHolder(db: Pick<Pool, 'query'>, processId: string, intents: readonly string[]): Promise<LockHolder | undefined> {
  const { rows } = await db.query<{ id: string; workflow_name: string; intent: string | null }>(
    `SELECT id, workflow_name, coalesce(intent_kind || '/' || intent_name, state->'lockedIntents'->>0) AS intent
       FROM processes
      WHERE id <> $1 AND status IN ('running', 'waiting')
        AND (intent_kind || '/' || intent_name = ANY($2::text[]) OR state->'lockedIntents' ?| $2::text[])
      ORDER BY created_at LIMIT 1`,
    [processId, intents],
  );
  const row = rows[0];
  return row ? { processId: row.id, workflow: row.workflow_name, intent: row.intent ?? '' } : undefined;
}

/** Held while a process runs; release() when the run ends (it also ends with the connection). */
export interface RunLock {
  release(): Promise<void>;
}

/** How a process names the intents it holds, in `processes.state.lockedIntents`. */
export function lockName(intent: IntentRef): string {
  return `${intent.kind}/${intent.name}`;
}

/**
 * Takes the right to run a process. For a process bound to intents: a session-level Postgres
 * advisory lock per intent (held on one connection for the whole run, so a dead worker's locks go
 * with its connection), and no other process of any of those intents may be running or waiting
 * for a retry — a process keeps its intents from its first step to its end, so runs of one
 * intent never overlap, even across a retry's backoff, and a CLI apply of a folder never runs
 * beside a scheduled reconcile of one of its intents. Returns undefined when busy.
 */
export async function acquireRunLock(pool: Pool, row: ProcessRow, intents: readonly IntentRef[]): Promise<RunLock | undefined> {
  const names = [...new Set(intents.map(lockName))].sort();
  const keys = names.length > 0 ? names.map((n) => `netbox-gitops:intent:${n}`) : [`netbox-gitops:process:${row.id}`];
  const client = await pool.connect();
  const held: string[] = [];
  const unlockHeld = async (): Promise<void> => {
    for (const key of held.splice(0)) await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
  };
  try {
    for (const key of keys) {
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [key]);
      if (rows[0]?.ok !== true) break;
      held.push(key);
    }
    if (held.length === keys.length && names.length > 0) {
      // A run in a CLI holds its locks from its first step to its end, so one still `running` on
      // these intents while we hold them was killed: end it, and its unconfirmed writes are
      // resolved by the next apply step (the outbox).
      await client.query(
        `UPDATE processes
            SET status = 'failed', completed_at = now(), updated_at = now(), current_step = NULL,
                error = jsonb_build_object('type', 'ProcessLost', 'code', 'process_lost', 'transient', false, 'step', current_step, 'details', NULL,
                                           'message', 'the netbox-gitops command running this process stopped (killed?) before it ended; NetBox is re-read by the next run and writes it left unconfirmed are read back')
          WHERE id <> $1 AND status = 'running' AND state->>'origin' = 'local'
            AND (intent_kind || '/' || intent_name = ANY($2::text[]) OR state->'lockedIntents' ?| $2::text[])`,
        [row.id, names],
      );
      // A separate statement, so its snapshot is taken after the locks: whoever held them before
      // has committed its status by then.
      if (await findIntentHolder(client, row.id, names)) await unlockHeld();
    } else if (held.length < keys.length) {
      await unlockHeld();
    }
  } catch (error) {
    // Dropping the connection releases the locks taken on it.
    client.release(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
  if (held.length === 0) {
    client.release();
    return undefined;
  }
  return {
    async release(): Promise<void> {
      try {
        await unlockHeld();
        client.release();
      } catch (error) {
        client.release(error instanceof Error ? error : new Error(String(error)));
      }
    },
  };
}
