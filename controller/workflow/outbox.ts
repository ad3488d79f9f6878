// The apply outbox: every bulk write is recorded before it is sent and removed with its audit
// rows, so a worker killed mid-apply leaves behind exactly the writes whose outcome it never
// saw. Those are resolved later by reading NetBox back (the read-back that also resolves writes
// whose answer was lost) and audited as confirmed after a restart.
import type { Pool } from '../db/index.ts';
import { withTransaction } from '../db/index.ts';
import { readBackChunk, recordsOfLanded } from '../reconcile/index.ts';
import type { NetBoxPort, WriteChunk } from '../reconcile/index.ts';
import { insertAudit } from './store.ts';
import type { IntentRef } from './types.ts';

type Queryable = Pick<Pool, 'query'>;

/** Records a write before it is sent. */
export async function recordWrite(db: Queryable, processId: string, chunk: WriteChunk): Promise<void> {
  await db.query(
    `INSERT INTO apply_outbox (chunk_id, process_id, object_kind, action, attempt, chunk)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT (chunk_id) DO NOTHING`,
    [chunk.id, processId, chunk.kind, chunk.action, chunk.attempt, JSON.stringify(chunk)],
  );
}

/** The write needs nothing more: its audit rows (if any) are written, or nothing of it landed. */
export async function settleWrite(db: Queryable, chunkId: string): Promise<void> {
  await db.query('DELETE FROM apply_outbox WHERE chunk_id = $1', [chunkId]);
}

/** What resolving left-over writes found. */
export interface ResolvedWrites {
  /** Writes resolved (read back). */
  readonly chunks: number;
  /** Changes found landed and audited as confirmed after a restart. */
  readonly records: number;
}

interface PendingRow {
  readonly chunk_id: string;
  readonly process_id: string;
  readonly intent_kind: string | null;
  readonly intent_name: string | null;
  readonly correlation_id: string | null;
  readonly created_by: string | null;
}

/**
 * Resolves writes nobody saw the end of: those of `processId` (resumed after its worker died or a
 * fault stopped it) and those of processes that have ended. Each is read back from NetBox; what
 * landed is audited under the process that wrote it (`confirmedBy: 'restart'`) in the statement
 * that removes the outbox row. Rows are taken with SKIP LOCKED, so two resolvers never audit one
 * write twice.
 */
export async function resolvePendingWrites(
  pool: Pool,
  processId: string,
  netbox: NetBoxPort,
  options: { readonly timeoutMs?: number } = {},
): Promise<ResolvedWrites> {
  const { rows } = await pool.query<PendingRow>(
    `SELECT o.chunk_id, o.process_id, p.intent_kind, p.intent_name, p.correlation_id, p.created_by
       FROM apply_outbox o JOIN processes p ON p.id = o.process_id
      WHERE o.process_id = $1 OR p.status IN ('completed', 'failed', 'cancelled')
      ORDER BY o.created_at`,
    [processId],
  );
  let chunks = 0;
  let records = 0;
  for (const row of rows) {
    const found = await withTransaction(pool, async (client) => {
      const locked = await client.query<{ chunk: WriteChunk }>('SELECT chunk FROM apply_outbox WHERE chunk_id = $1 FOR UPDATE SKIP LOCKED', [row.chunk_id]);
      const chunk = locked.rows[0]?.chunk;
      if (!chunk) return undefined;
      const { landed } = await readBackChunk(netbox, chunk, options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {});
      const audited = recordsOfLanded(landed, 'restart');
      const intent = row.intent_kind !== null && row.intent_name !== null ? ({ kind: row.intent_kind, name: row.intent_name } as IntentRef) : null;
      await insertAudit(client, { processId: row.process_id, intent, correlationId: row.correlation_id, userId: row.created_by }, audited, row.chunk_id);
      return audited.length;
    });
    if (found === undefined) continue;
    chunks += 1;
    records += found;
  }
  return { chunks, records };
}
