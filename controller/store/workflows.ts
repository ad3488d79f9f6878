// SQL for the `workflows` table: one row per registered workflow, for the API's list and
// the processes' foreign key.
import type { Pool } from '../db/index.ts';
import type { JsonObject } from './records.ts';

/** What a `workflows` row says of a workflow. */
export interface WorkflowDraft {
  readonly name: string;
  readonly target: string;
  readonly description: string;
  readonly formSchema: JsonObject;
}

/** A `workflows` row. */
export interface WorkflowRowRecord extends WorkflowDraft {
  readonly id: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

interface WorkflowRow {
  id: string;
  name: string;
  target: string;
  description: string | null;
  form_schema: JsonObject;
  created_at: Date;
  updated_at: Date;
}

/** Upserts the `workflows` rows, writing only those that changed; safe to run from many replicas. */
export async function upsertWorkflows(pool: Pool, workflows: readonly WorkflowDraft[]): Promise<void> {
  const rows = workflows.map((w) => ({ name: w.name, target: w.target, description: w.description, form_schema: w.formSchema }));
  await pool.query(
    `INSERT INTO workflows (name, target, description, form_schema)
     SELECT name, target, description, form_schema FROM jsonb_to_recordset($1::jsonb) AS x(name text, target text, description text, form_schema jsonb)
     ON CONFLICT (name) DO UPDATE
       SET target = EXCLUDED.target, description = EXCLUDED.description, form_schema = EXCLUDED.form_schema, updated_at = now()
       WHERE (workflows.target, workflows.description, workflows.form_schema) IS DISTINCT FROM (EXCLUDED.target, EXCLUDED.description, EXCLUDED.form_schema)`,
    [JSON.stringify(rows)],
  );
}

/** The rows of the named workflows, by name. */
export async function selectWorkflows(pool: Pool, names: readonly string[]): Promise<WorkflowRowRecord[]> {
  const { rows } = await pool.query<WorkflowRow>('SELECT * FROM workflows WHERE name = ANY($1::text[]) ORDER BY name', [names]);
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    target: row.target,
    description: row.description ?? '',
    formSchema: row.form_schema,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }));
}
