// The process event log (`process_events`): each event is written by the statement that makes
// the change it describes, numbered from processes.event_seq. That statement holds the process
// row's lock until it commits, so sequence numbers follow commit order, whichever component
// (worker, API replica, controller) wrote them; the events are published on Redis after commit.
import type { Pool, PoolClient } from '../db/index.ts';
import { intentOf } from './records.ts';
import type { StepStatus, WorkflowEvent, WorkflowEventType, IntentRef } from './records.ts';

type Queryable = Pool | PoolClient;

/** An event to record with a statement; its number and time are given by Postgres. */
export interface EventDraft {
  readonly type: WorkflowEventType;
  /** step.updated: the step's status. Process events take the process's new status. */
  readonly status?: StepStatus;
  readonly step?: NonNullable<WorkflowEvent['step']>;
  /** drift.changed: the intent whose drift changed (default: the process's). */
  readonly intent?: IntentRef;
}

/** A `process_events` row as `to_jsonb` renders it inside a statement's result. */
export interface EventRow {
  readonly process_id: string;
  readonly seq: number;
  readonly type: WorkflowEventType;
  readonly status: string | null;
  readonly step: WorkflowEvent['step'] | null;
  readonly intent: IntentRef | null;
  readonly at: string | Date;
}

/** What an event takes from its process (the same for all its events). */
export interface EventProcess {
  readonly id: string;
  readonly workflow_name: string;
  readonly intent_kind: string | null;
  readonly intent_name: string | null;
}

/** The step.updated draft of a step attempt's new status. */
export function stepEvent(step: { readonly name: string; readonly position: number; readonly attempt: number }, status: StepStatus): EventDraft {
  return { type: 'step.updated', status, step: { name: step.name, position: step.position, attempt: step.attempt, status } };
}

/**
 * A CTE `ev AS (INSERT INTO process_events ...)` that records `drafts` for the process row the
 * CTE `source` returns (after its `event_seq` was raised by `drafts.length`). Appends its one
 * parameter to `values`.
 */
export function eventsCte(source: string, drafts: readonly EventDraft[], values: unknown[]): string {
  values.push(JSON.stringify(drafts.map((d, i) => ({ n: i + 1, type: d.type, status: d.status ?? null, step: d.step ?? null, intent: d.intent ?? null }))));
  return `ev AS (
       INSERT INTO process_events (process_id, seq, type, status, step, intent, at)
       SELECT s.id, s.event_seq - ${drafts.length} + x.n, x.type, coalesce(x.status, s.status), x.step, x.intent, clock_timestamp()
         FROM ${source} s, jsonb_to_recordset($${values.length}::jsonb) AS x(n integer, type text, status text, step jsonb, intent jsonb)
       RETURNING *
     )`;
}

/** The select-list item returning the events the `ev` CTE wrote, in order. */
export const EVENTS_COLUMN = `(SELECT coalesce(jsonb_agg(to_jsonb(ev) ORDER BY ev.seq), '[]'::jsonb) FROM ev) AS events`;

export function toWorkflowEvent(process: EventProcess, row: EventRow): WorkflowEvent {
  const intent = row.intent ?? intentOf(process.intent_kind, process.intent_name);
  return {
    type: row.type,
    seq: row.seq,
    processId: process.id,
    workflow: process.workflow_name,
    ...(row.status !== null ? { status: row.status } : {}),
    ...(row.step ? { step: row.step } : {}),
    ...(intent ? { intent } : {}),
    at: new Date(row.at).toISOString(),
  };
}

/** The events a statement recorded (its `events` column), as published. */
export function eventsOf(row: (EventProcess & { events?: readonly EventRow[] | null }) | undefined): WorkflowEvent[] {
  return row?.events ? row.events.map((e) => toWorkflowEvent(row, e)) : [];
}

/**
 * Records events for a process in one statement of their own (no other change). Returns them
 * numbered, or nothing when the process does not exist.
 */
export async function recordEvents(db: Queryable, processId: string, drafts: readonly EventDraft[]): Promise<WorkflowEvent[]> {
  if (drafts.length === 0) return [];
  const values: unknown[] = [processId];
  const { rows } = await db.query<EventProcess & { events: EventRow[] }>(
    `WITH u AS (UPDATE processes SET event_seq = event_seq + ${drafts.length} WHERE id = $1 RETURNING *), ${eventsCte('u', drafts, values)}
     SELECT u.id, u.workflow_name, u.intent_kind, u.intent_name, ${EVENTS_COLUMN} FROM u`,
    values,
  );
  return eventsOf(rows[0]);
}

/** What {@link selectEvents} reads. */
export interface EventQuery {
  /** Events of this process only. */
  readonly processId?: string;
  /** Sequence numbers after this one (with processId). */
  readonly afterSeq?: number;
  /** Sequence numbers before this one (with processId). */
  readonly beforeSeq?: number;
  /** Written at or after this time. */
  readonly since?: Date;
  /** At most this many (default 1,000). */
  readonly limit?: number;
}

/** Recorded events, oldest first (by process, then number); for gap filling, catch-up and the API. */
export async function selectEvents(db: Queryable, query: EventQuery): Promise<WorkflowEvent[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (sql: string, value: unknown): void => {
    values.push(value);
    where.push(sql.replace('?', `$${values.length}`));
  };
  if (query.processId !== undefined) add('e.process_id = ?', query.processId);
  if (query.afterSeq !== undefined) add('e.seq > ?', query.afterSeq);
  if (query.beforeSeq !== undefined) add('e.seq < ?', query.beforeSeq);
  if (query.since !== undefined) add('e.at >= ?', query.since);
  values.push(query.limit ?? 1_000);
  const { rows } = await db.query<EventRow & EventProcess>(
    `SELECT e.*, p.id, p.workflow_name, p.intent_kind, p.intent_name
       FROM process_events e JOIN processes p ON p.id = e.process_id
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${query.processId !== undefined ? 'e.seq' : 'e.at, e.process_id, e.seq'}
      LIMIT $${values.length}`,
    values,
  );
  return rows.map((r) => toWorkflowEvent(r, r));
}

/** Postgres's clock (events carry its timestamps); the local clock when Postgres does not answer. */
export async function readDatabaseClock(pool: Pool): Promise<Date> {
  try {
    const { rows } = await pool.query<{ now: Date }>('SELECT clock_timestamp() AS now');
    return rows[0]?.now ?? new Date();
  } catch {
    return new Date();
  }
}
