// SQL for processes and their steps. Every function takes a pool or client, so the
// service and the worker share them and tests can read what the engine wrote.
import { withTransaction } from '../db/index.ts';
import type { Pool, PoolClient } from '../db/index.ts';
import { EVENTS_COLUMN, eventsCte, eventsOf, stepEvent } from './process-events.ts';
import type { EventDraft, EventRow } from './process-events.ts';
import { intentOf } from './records.ts';
import type { JsonObject, ProcessError, ProcessRecord, ProcessStatus, StepRecord, StepStatus, WorkflowEvent, IntentRef } from './records.ts';

type Queryable = Pool | PoolClient;

export interface ProcessRow {
  id: string;
  workflow_id: string;
  workflow_name: string;
  status: ProcessStatus;
  intent_kind: string | null;
  intent_name: string | null;
  correlation_id: string | null;
  created_by: string | null;
  form_data: JsonObject;
  state: JsonObject;
  current_step: string | null;
  library_revision: string | null;
  intent_revision: string | null;
  error: ProcessError | null;
  attempts: number;
  event_seq: number;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
}

interface StepRow {
  id: string;
  process_id: string;
  step_name: string;
  position: number;
  status: StepStatus;
  attempt: number;
  input_data: JsonObject;
  output_data: JsonObject;
  error_message: string | null;
  error: ProcessError | null;
  started_at: Date | null;
  completed_at: Date | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toProcessRecord(row: ProcessRow): ProcessRecord {
  return {
    id: row.id,
    workflowId: row.workflow_id,
    workflowName: row.workflow_name,
    status: row.status,
    intent: intentOf(row.intent_kind, row.intent_name),
    correlationId: row.correlation_id,
    createdBy: row.created_by,
    form: row.form_data,
    state: row.state,
    currentStep: row.current_step,
    libraryRevision: row.library_revision,
    intentRevision: row.intent_revision,
    error: row.error,
    attempts: row.attempts,
    eventSeq: row.event_seq,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    startedAt: iso(row.started_at),
    completedAt: iso(row.completed_at),
  };
}

export function toStepRecord(row: StepRow): StepRecord {
  return {
    id: row.id,
    processId: row.process_id,
    name: row.step_name,
    position: row.position,
    status: row.status,
    attempt: row.attempt,
    input: row.input_data,
    output: row.output_data,
    errorMessage: row.error_message,
    error: row.error,
    startedAt: iso(row.started_at),
    completedAt: iso(row.completed_at),
  };
}

export async function selectProcess(db: Queryable, id: string, forUpdate = false): Promise<ProcessRow | undefined> {
  if (!isUuid(id)) return undefined;
  const { rows } = await db.query<ProcessRow>(`SELECT * FROM processes WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0];
}

export async function selectSteps(db: Queryable, processId: string): Promise<StepRecord[]> {
  const { rows } = await db.query<StepRow>('SELECT * FROM process_steps WHERE process_id = $1 ORDER BY position, attempt', [processId]);
  return rows.map(toStepRecord);
}

/** Step attempts of many processes in one query, by process id (every id present, maybe empty). */
export async function selectStepsOf(db: Queryable, processIds: readonly string[]): Promise<Map<string, StepRecord[]>> {
  const byProcess = new Map<string, StepRecord[]>(processIds.map((id) => [id, []]));
  if (processIds.length === 0) return byProcess;
  const { rows } = await db.query<StepRow>('SELECT * FROM process_steps WHERE process_id = ANY($1::uuid[]) ORDER BY process_id, position, attempt', [
    processIds,
  ]);
  for (const row of rows) byProcess.get(row.process_id)?.push(toStepRecord(row));
  return byProcess;
}

export interface NewProcess {
  readonly workflowName: string;
  readonly intent: IntentRef | undefined;
  readonly correlationId: string;
  readonly createdBy: string | null;
  readonly form: JsonObject;
  readonly state: JsonObject;
}

/**
 * Inserts a `created` process with its process.created event (seq 1); `state.jobId` is set to
 * its id, the BullMQ job id of its first run. Publish `events` once the statement is committed.
 */
export async function insertProcess(db: Queryable, p: NewProcess): Promise<ProcessRow & { events: EventRow[] }> {
  const values: unknown[] = [
    p.workflowName,
    p.intent?.kind ?? null,
    p.intent?.name ?? null,
    p.correlationId,
    p.createdBy,
    JSON.stringify(p.form),
    JSON.stringify(p.state),
  ];
  const { rows } = await db.query<ProcessRow & { events: EventRow[] }>(
    `WITH u AS (
       INSERT INTO processes (id, workflow_id, workflow_name, status, intent_kind, intent_name, correlation_id, created_by, form_data, state, event_seq)
       SELECT g.id, w.id, w.name, 'created', $2, $3, $4, $5, $6::jsonb, $7::jsonb || jsonb_build_object('jobId', g.id::text), 1
         FROM workflows w, (SELECT gen_random_uuid() AS id) g
        WHERE w.name = $1
       RETURNING *
     ), ${eventsCte('u', [{ type: 'process.created' }], values)}
     SELECT u.*, ${EVENTS_COLUMN} FROM u`,
    values,
  );
  const row = rows[0];
  if (!row) throw new Error(`workflow ${p.workflowName} has no row in the workflows table; the engine registers workflows before starting processes`);
  return row;
}

/**
 * Sets fields of a process and touches updated_at; returns the new row with the events it
 * recorded (`events`, to publish once the statement is committed).
 */
export async function updateProcess(
  db: Queryable,
  id: string,
  fields: {
    status?: ProcessStatus;
    currentStep?: string | null;
    error?: ProcessError | null;
    statePatch?: JsonObject;
    libraryRevision?: string | null;
    intentRevision?: string | null;
    completed?: boolean;
    clearCompleted?: boolean;
    /** Finishes a step attempt in the same statement (saves a round trip per step). */
    finish?: StepFinish;
    /** Also return the job ids of `created` processes of the same intent (to promote them). */
    withFollowers?: boolean;
    /** Events this change makes, recorded in the same statement, numbered in this order. */
    events?: readonly EventDraft[];
  },
): Promise<(ProcessRow & { followers?: string[]; events: EventRow[] }) | undefined> {
  const sets = ['updated_at = now()'];
  const values: unknown[] = [id];
  const add = (sql: string, value: unknown): void => {
    values.push(value);
    sets.push(sql.replace('?', `$${values.length}`));
  };
  if (fields.status !== undefined) add('status = ?', fields.status);
  if (fields.currentStep !== undefined) add('current_step = ?', fields.currentStep);
  if (fields.error !== undefined) add('error = ?::jsonb', fields.error === null ? null : JSON.stringify(fields.error));
  if (fields.statePatch !== undefined) add('state = state || ?::jsonb', JSON.stringify(fields.statePatch));
  if (fields.libraryRevision !== undefined) add('library_revision = ?', fields.libraryRevision);
  if (fields.intentRevision !== undefined) add('intent_revision = ?', fields.intentRevision);
  if (fields.completed) sets.push('completed_at = now()');
  if (fields.clearCompleted) sets.push('completed_at = NULL');
  const events = fields.events ?? [];
  if (events.length > 0) sets.push(`event_seq = event_seq + ${events.length}`);
  const ctes: string[] = [];
  if (fields.finish) ctes.push(finishCte(fields.finish, values));
  ctes.push(`u AS (UPDATE processes SET ${sets.join(', ')} WHERE id = $1 RETURNING *)`);
  if (events.length > 0) ctes.push(eventsCte('u', events, values));
  const followers = fields.withFollowers
    ? `, (SELECT coalesce(array_agg(coalesce(q.state ->> 'jobId', q.id::text) ORDER BY q.created_at), '{}') FROM processes q
          WHERE q.intent_kind = u.intent_kind AND q.intent_name = u.intent_name AND q.status = 'created' AND q.id <> u.id) AS followers`
    : '';
  const { rows } = await db.query<ProcessRow & { followers?: string[]; events: EventRow[] }>(
    `WITH ${ctes.join(', ')} SELECT u.*${followers}, ${events.length > 0 ? EVENTS_COLUMN : `'[]'::jsonb AS events`} FROM u`,
    values,
  );
  return rows[0];
}

/** Revisions a step found, written with the next statement. */
export interface Revisions {
  libraryRevision?: string | null;
  intentRevision?: string | null;
}

/** How a step attempt ended, to be written together with the next statement. */
export interface StepFinish {
  readonly stepId: string;
  readonly status: StepStatus;
  readonly output: JsonObject;
  readonly error: ProcessError | null;
}

/** The CTE `f AS (UPDATE process_steps ...)` for {@link StepFinish}, appending its parameters to `values`. */
function finishCte(finish: StepFinish, values: unknown[]): string {
  const at = values.length;
  values.push(
    finish.stepId,
    finish.status,
    JSON.stringify(finish.output),
    finish.error === null ? null : JSON.stringify(finish.error),
    finish.error?.message ?? null,
  );
  return `f AS (
       UPDATE process_steps
          SET status = $${at + 2}, output_data = $${at + 3}::jsonb, error = $${at + 4}::jsonb, error_message = $${at + 5}, completed_at = clock_timestamp()
        WHERE id = $${at + 1} RETURNING 1
     ) `;
}

/**
 * Starts a step attempt (status running) and makes it the process's current step, in one
 * statement that also finishes the previous attempt (`finish`), records `events` (the previous
 * attempt's end and whatever else is pending) followed by this attempt's step.updated (running),
 * and reads whether a cancel was requested (the runner checks at every step).
 */
export async function insertStep(
  db: Queryable,
  processId: string,
  step: { name: string; position: number; attempt: number; input: JsonObject },
  finish?: StepFinish,
  revisions: Revisions = {},
  events: readonly EventDraft[] = [],
): Promise<{ step: StepRecord; cancelRequested: JsonObject | null; events: WorkflowEvent[] }> {
  const values: unknown[] = [processId, step.name, step.position, step.attempt, JSON.stringify(step.input)];
  const drafts: EventDraft[] = [...events, stepEvent(step, 'running')];
  const ctes: string[] = [];
  if (finish) ctes.push(finishCte(finish, values));
  let setRevisions = '';
  for (const [column, value] of [
    ['library_revision', revisions.libraryRevision],
    ['intent_revision', revisions.intentRevision],
  ] as const) {
    if (value === undefined) continue;
    values.push(value);
    setRevisions += `, ${column} = $${values.length}`;
  }
  ctes.push(`u AS (
       UPDATE processes SET current_step = $2, updated_at = now(), event_seq = event_seq + ${drafts.length}${setRevisions} WHERE id = $1
       RETURNING *
     )`);
  ctes.push(`s AS (
       INSERT INTO process_steps (process_id, step_name, position, status, attempt, input_data, started_at)
       VALUES ($1, $2, $3, 'running', $4, $5::jsonb, clock_timestamp())
       RETURNING *
     )`);
  ctes.push(eventsCte('u', drafts, values));
  const { rows } = await db.query<
    StepRow & { cancel_requested: JsonObject | null; workflow_name: string; intent_kind: string | null; intent_name: string | null; events: EventRow[] }
  >(
    `WITH ${ctes.join(', ')}
     SELECT s.*, u.state -> 'cancelRequested' AS cancel_requested, u.workflow_name, u.intent_kind, u.intent_name, ${EVENTS_COLUMN} FROM s, u`,
    values,
  );
  const row = rows[0];
  if (!row) throw new Error(`process ${processId} does not exist; cannot start its step ${step.name}`);
  return { step: toStepRecord(row), cancelRequested: row.cancel_requested, events: eventsOf({ ...row, id: processId }) };
}

/** Finishes a step attempt. */
export async function finishStep(
  db: Queryable,
  stepId: string,
  status: StepStatus,
  output: JsonObject,
  error: ProcessError | null = null,
): Promise<StepRecord> {
  const { rows } = await db.query<StepRow>(
    `UPDATE process_steps
        SET status = $2, output_data = $3::jsonb, error = $4::jsonb, error_message = $5, completed_at = clock_timestamp()
      WHERE id = $1 RETURNING *`,
    [stepId, status, JSON.stringify(output), error === null ? null : JSON.stringify(error), error?.message ?? null],
  );
  return toStepRecord(rows[0] as StepRow);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are uuids; anything else cannot name a process (and would make Postgres raise). */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}

/** What the runner needs of an earlier step attempt. */
export interface StepHistoryEntry {
  readonly id: string;
  readonly position: number;
  readonly name: string;
  readonly status: StepStatus;
  readonly attempt: number;
  readonly output: JsonObject;
}

/** Marks the process running (with its process.updated event) and reads its step history, in one statement. */
export async function markRunning(pool: Pool, id: string): Promise<(ProcessRow & { history: StepHistoryEntry[]; events: EventRow[] }) | undefined> {
  const values: unknown[] = [id];
  const { rows } = await pool.query<ProcessRow & { history: StepHistoryEntry[]; events: EventRow[] }>(
    `WITH p AS (
       UPDATE processes
          SET status = 'running', started_at = coalesce(started_at, now()), attempts = attempts + 1, updated_at = now(),
              error = NULL, state = state - 'handedBack', event_seq = event_seq + 1
        WHERE id = $1 AND status IN ('created', 'running', 'waiting')
        RETURNING *
     ), ${eventsCte('p', [{ type: 'process.updated' }], values)}
     SELECT p.*, ${EVENTS_COLUMN}, coalesce((SELECT json_agg(json_build_object('id', s.id, 'position', s.position, 'name', s.step_name, 'status', s.status,
                                                           'attempt', s.attempt, 'output', s.output_data) ORDER BY s.position, s.attempt)
                             FROM process_steps s WHERE s.process_id = $1), '[]'::json) AS history
       FROM p`,
    values,
  );
  return rows[0];
}

/** Fails the process (with its process.finished event) unless it finished or moved on to another job. */
export async function failIfActive(
  db: Queryable,
  processId: string,
  jobId: string,
  error: ProcessError,
): Promise<(ProcessRow & { events: EventRow[] }) | undefined> {
  const values: unknown[] = [processId, jobId, JSON.stringify(error)];
  const { rows } = await db.query<ProcessRow & { events: EventRow[] }>(
    `WITH u AS (
       UPDATE processes SET status = 'failed', completed_at = now(), updated_at = now(), current_step = NULL, error = $3::jsonb, event_seq = event_seq + 1
        WHERE id = $1 AND status IN ('created', 'running', 'waiting') AND coalesce(state ->> 'jobId', id::text) = $2
        RETURNING *
     ), ${eventsCte('u', [{ type: 'process.finished' }], values)}
     SELECT u.*, ${EVENTS_COLUMN} FROM u`,
    values,
  );
  return rows[0];
}

/** Unfinished processes not updated for `staleMs` (at most 200, oldest first): candidates for a lost job. */
export async function selectStaleProcesses(db: Queryable, staleMs: number): Promise<ProcessRow[]> {
  const { rows } = await db.query<ProcessRow>(
    `SELECT * FROM processes WHERE status IN ('created', 'running', 'waiting') AND updated_at < now() - make_interval(secs => $1)
      ORDER BY created_at LIMIT 200`,
    [staleMs / 1000],
  );
  return rows;
}

/** A request for a process of one intent that merges with what is already queued. */
export interface ProcessRequest extends Omit<NewProcess, 'intent' | 'state'> {
  readonly intent: IntentRef;
  readonly reason?: string;
}

/**
 * Asks for a process of `request.workflowName` on one intent, merging with what is queued: a
 * process of it not started yet serves the request (its `mergedRequests` counts up); when one is
 * running or waiting, a follow-up is created (`followUpOf`). Requests for one intent are
 * serialised across replicas by a transaction-level advisory lock. `created` says whether a new
 * row (to enqueue) was written.
 */
export async function requestProcess(pool: Pool, request: ProcessRequest): Promise<{ row: ProcessRow & { events: EventRow[] }; created: boolean }> {
  const { intent } = request;
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`netbox-gitops:reconcile-request:${intent.kind}/${intent.name}`]);
    const { rows } = await client.query<ProcessRow>(
      `SELECT * FROM processes
        WHERE intent_kind = $1 AND intent_name = $2 AND workflow_name = $3 AND status IN ('created', 'running', 'waiting')
        ORDER BY created_at DESC, id DESC`,
      [intent.kind, intent.name, request.workflowName],
    );
    // Not started yet: it reads the intent when it starts, so it already serves this request.
    const queued = rows.find((r) => r.status === 'created' && r.started_at === null);
    if (queued) {
      const merged = await updateProcess(client, queued.id, { statePatch: { mergedRequests: Number(queued.state.mergedRequests ?? 0) + 1 } });
      return { row: merged ?? { ...queued, events: [] }, created: false };
    }
    const ahead = rows[0];
    const { reason, ...rest } = request;
    const row = await insertProcess(client, {
      ...rest,
      state: { ...(ahead ? { followUpOf: ahead.id } : {}), ...(reason ? { reason } : {}) },
    });
    return { row, created: true };
  });
}

/** Processes per status (served by idx_processes_status). */
export async function countProcessesByStatus(db: Queryable): Promise<{ status: string; count: number }[]> {
  const { rows } = await db.query<{ status: string; n: string }>('SELECT status, count(*) AS n FROM processes GROUP BY status');
  return rows.map((row) => ({ status: row.status, count: Number(row.n) }));
}

/** When each intent not removed last had a process complete, in Unix seconds (intents with none are left out). */
export async function lastCompletedPerIntent(db: Queryable): Promise<{ kind: string; name: string; at: number }[]> {
  // One index probe per intent on idx_processes_intent, newest first until a completed one.
  const { rows } = await db.query<{ kind: string; name: string; at: string }>(
    `SELECT i.kind, i.name, extract(epoch FROM p.completed_at)::float8 AS at
       FROM intents i
       CROSS JOIN LATERAL (
         SELECT completed_at FROM processes
          WHERE intent_kind IS NOT NULL AND intent_kind = i.kind AND intent_name = i.name AND status = 'completed'
          ORDER BY created_at DESC, id DESC LIMIT 1
       ) p
      WHERE i.status <> 'removed' AND p.completed_at IS NOT NULL`,
  );
  return rows.map((row) => ({ kind: row.kind, name: row.name, at: Number(row.at) }));
}
