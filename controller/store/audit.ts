// SQL for audit rows: one per NetBox change, written by the statement that settles the
// write's outbox row.
import type { Pool, PoolClient } from '../db/index.ts';
import { intentOf } from './records.ts';
import type { AuditRecord, IntentRef, JsonValue } from './records.ts';

type Queryable = Pool | PoolClient;

/** One change NetBox accepted, as its audit row records it (the engine's `ChangeRecord` is one). */
export interface AuditChange {
  readonly action: string;
  readonly kind: string;
  readonly identity: string;
  readonly netboxId?: number | null;
  readonly before: unknown;
  readonly after: unknown;
  readonly intents?: readonly string[];
  readonly confirmedBy?: string;
}

export interface AuditRow {
  id: string;
  process_id: string | null;
  action: string;
  object_kind: string | null;
  object_identity: string | null;
  netbox_id: string | null;
  before: JsonValue;
  after: JsonValue;
  details: JsonValue;
  intent_kind: string | null;
  intent_name: string | null;
  correlation_id: string | null;
  user_id: string | null;
  timestamp: Date;
}

export function toAuditRecord(row: AuditRow): AuditRecord {
  return {
    id: row.id,
    processId: row.process_id,
    action: row.action,
    objectKind: row.object_kind,
    objectIdentity: row.object_identity,
    netboxId: row.netbox_id === null ? null : Number(row.netbox_id),
    before: row.before,
    after: row.after,
    details: row.details,
    intent: intentOf(row.intent_kind, row.intent_name),
    correlationId: row.correlation_id,
    userId: row.user_id,
    timestamp: row.timestamp.toISOString(),
  };
}

export async function countAudit(db: Queryable, processId: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM audit_log WHERE process_id = $1', [processId]);
  return Number(rows[0]?.n ?? 0);
}

/** The audit context of one process: who and why, copied onto each change row. */
export interface AuditContext {
  readonly processId: string;
  readonly intent: IntentRef | null;
  readonly correlationId: string | null;
  readonly userId: string | null;
}

/**
 * Writes one audit row per NetBox change, in one statement (a chunk of apply). With `settles`,
 * the same statement removes that write's outbox row: a write is either still in the outbox or
 * audited, never both and never neither.
 */
export async function insertAudit(db: Queryable, context: AuditContext, records: readonly AuditChange[], settles?: string): Promise<void> {
  if (records.length === 0) {
    if (settles !== undefined) await db.query('DELETE FROM apply_outbox WHERE chunk_id = $1', [settles]);
    return;
  }
  const payload = records.map((r) => ({
    action: r.action,
    object_kind: r.kind,
    object_identity: r.identity,
    netbox_id: r.netboxId ?? null,
    before: r.before,
    after: r.after,
    details: { intents: r.intents, confirmedBy: r.confirmedBy },
  }));
  await db.query(
    `WITH settled AS (DELETE FROM apply_outbox WHERE chunk_id = $7::uuid)
     INSERT INTO audit_log (process_id, action, object_kind, object_identity, netbox_id, before, after, details,
                            intent_kind, intent_name, correlation_id, user_id, timestamp)
     SELECT $1, x.action, x.object_kind, x.object_identity, x.netbox_id, x.before, x.after, x.details,
            $3, $4, $5, $6, clock_timestamp()
       FROM jsonb_to_recordset($2::jsonb) AS x(action text, object_kind text, object_identity text, netbox_id bigint,
                                                before jsonb, after jsonb, details jsonb)`,
    [
      context.processId,
      JSON.stringify(payload),
      context.intent?.kind ?? null,
      context.intent?.name ?? null,
      context.correlationId,
      context.userId,
      settles ?? null,
    ],
  );
}
