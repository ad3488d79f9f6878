// The apply outbox's SQL: a bulk write is recorded before it is sent and removed by the
// statement that writes its audit rows (`insertAudit` with `settles`), so a run killed mid-apply
// leaves exactly the writes whose outcome it never saw.
import type { Pool } from '../db/index.ts';
import { withTransaction } from '../db/index.ts';
import { insertAudit } from './audit.ts';
import type { AuditChange, AuditContext } from './audit.ts';
import { intentOf } from './records.ts';

type Queryable = Pick<Pool, 'query'>;

/** What the outbox keeps of a write besides the write itself (stored whole, as JSON). */
export interface OutboxChunk {
  readonly id: string;
  readonly kind: string;
  readonly action: string;
  readonly attempt: number;
}

/** Records a write before it is sent. */
export async function recordWrite(db: Queryable, processId: string, chunk: OutboxChunk): Promise<void> {
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

/** A write left in the outbox, with the audit context of the process that sent it. */
export interface PendingWrite {
  readonly chunkId: string;
  readonly audit: AuditContext;
}

interface PendingRow {
  readonly chunk_id: string;
  readonly process_id: string;
  readonly intent_kind: string | null;
  readonly intent_name: string | null;
  readonly correlation_id: string | null;
  readonly created_by: string | null;
}

/** Writes nobody saw the end of: those of `processId`, and those of processes that have ended. Oldest first. */
export async function listPendingWrites(db: Queryable, processId: string): Promise<PendingWrite[]> {
  const { rows } = await db.query<PendingRow>(
    `SELECT o.chunk_id, o.process_id, p.intent_kind, p.intent_name, p.correlation_id, p.created_by
       FROM apply_outbox o JOIN processes p ON p.id = o.process_id
      WHERE o.process_id = $1 OR p.status IN ('completed', 'failed', 'cancelled')
      ORDER BY o.created_at`,
    [processId],
  );
  return rows.map((row) => ({
    chunkId: row.chunk_id,
    audit: { processId: row.process_id, intent: intentOf(row.intent_kind, row.intent_name), correlationId: row.correlation_id, userId: row.created_by },
  }));
}

/**
 * Settles one pending write: takes its row (FOR UPDATE SKIP LOCKED, so two resolvers never
 * audit one write twice), asks `landed` what of it reached NetBox, and writes those changes'
 * audit rows in the statement that removes the row. Returns the number of changes audited, or
 * undefined when another resolver holds the write or it is already settled.
 */
export async function settlePendingWrite<C extends OutboxChunk>(
  pool: Pool,
  pending: PendingWrite,
  landed: (chunk: C) => Promise<readonly AuditChange[]>,
): Promise<number | undefined> {
  return withTransaction(pool, async (client) => {
    const locked = await client.query<{ chunk: C }>('SELECT chunk FROM apply_outbox WHERE chunk_id = $1 FOR UPDATE SKIP LOCKED', [pending.chunkId]);
    const chunk = locked.rows[0]?.chunk;
    if (!chunk) return undefined;
    const changes = await landed(chunk);
    await insertAudit(client, pending.audit, changes, pending.chunkId);
    return changes.length;
  });
}
