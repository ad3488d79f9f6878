// The apply outbox: every bulk write is recorded before it is sent and removed with its audit
// rows, so a worker killed mid-apply leaves behind exactly the writes whose outcome it never
// saw. Those are resolved later by reading NetBox back (the read-back that also resolves writes
// whose answer was lost) and audited as confirmed after a restart.
import type { Pool } from '../db/index.ts';
import { readBackChunk, recordsOfLanded } from '../reconcile/index.ts';
import type { NetBoxPort, WriteChunk } from '../reconcile/index.ts';
import { listPendingWrites, settlePendingWrite } from '../store/index.ts';

/** What resolving left-over writes found. */
export interface ResolvedWrites {
  /** Writes resolved (read back). */
  readonly chunks: number;
  /** Changes found landed and audited as confirmed after a restart. */
  readonly records: number;
}

/**
 * Resolves writes nobody saw the end of: those of `processId` (resumed after its worker died or a
 * fault stopped it) and those of processes that have ended. Each is read back from NetBox; what
 * landed is audited under the process that wrote it (`confirmedBy: 'restart'`) in the statement
 * that removes the outbox row.
 */
export async function resolvePendingWrites(
  pool: Pool,
  processId: string,
  netbox: NetBoxPort,
  options: { readonly timeoutMs?: number } = {},
): Promise<ResolvedWrites> {
  let chunks = 0;
  let records = 0;
  for (const pending of await listPendingWrites(pool, processId)) {
    const found = await settlePendingWrite<WriteChunk>(pool, pending, async (chunk) => {
      const { landed } = await readBackChunk(netbox, chunk, options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {});
      return recordsOfLanded(landed, 'restart');
    });
    if (found === undefined) continue;
    chunks += 1;
    records += found;
  }
  return { chunks, records };
}
