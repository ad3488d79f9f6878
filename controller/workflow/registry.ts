import { z } from 'zod';
import type { Pool } from '../db/index.ts';
import { ValidationError } from '../errors/index.ts';
import { formatFieldPath } from '../intents/index.ts';
import type { PathSegment } from '../intents/index.ts';
import type { WorkflowDefinition } from './definition.ts';
import { WorkflowNotFoundError } from './errors.ts';
import { applyIntentsWorkflow, importDeviceTypesWorkflow, importVendorsWorkflow, reconcileIntentWorkflow } from './reconcile-workflows.ts';
import type { JsonObject, WorkflowInfo } from './types.ts';
import { previewLibraryUpgradeWorkflow } from './upgrade-workflow.ts';

const RefreshLibraryForm = z
  .strictObject({})
  .meta({ title: 'Refresh the devicetype-library', description: 'Fetch the library source and load it at its new revision' });

export const refreshLibraryWorkflow: WorkflowDefinition<z.output<typeof RefreshLibraryForm>> = {
  name: 'task_refresh_library',
  target: 'SYSTEM',
  description: 'Fetch the devicetype-library source (folder or Git) to a new revision and load it',
  form: RefreshLibraryForm,
  steps: [
    {
      name: 'refresh',
      async run(ctx) {
        const result = await ctx.library.refresh();
        await ctx.setRevisions({ libraryRevision: result.revision });
        return { revision: result.revision, changed: result.changed };
      },
    },
  ],
};

/** The workflow requestReconcile starts. */
export const RECONCILE_WORKFLOW = reconcileIntentWorkflow.name;

/** Every workflow the engine runs, by name. */
export const WORKFLOWS: ReadonlyMap<string, WorkflowDefinition> = new Map(
  (
    [
      reconcileIntentWorkflow,
      importVendorsWorkflow,
      importDeviceTypesWorkflow,
      applyIntentsWorkflow,
      refreshLibraryWorkflow,
      previewLibraryUpgradeWorkflow,
    ] as WorkflowDefinition[]
  ).map((w) => [w.name, w]),
);

/** @throws WorkflowNotFoundError */
export function workflowNamed(name: string): WorkflowDefinition {
  const found = WORKFLOWS.get(name);
  if (!found) throw new WorkflowNotFoundError(name, [...WORKFLOWS.keys()]);
  return found;
}

/** The form's JSON Schema (input side: defaults are optional) for the dashboard. */
export function formSchemaOf(workflow: WorkflowDefinition): JsonObject {
  return z.toJSONSchema(workflow.form, { io: 'input' }) as JsonObject;
}

/**
 * Validates a form against the workflow's schema.
 * @throws ValidationError with one issue per field problem (the API answers 422).
 */
export function parseForm(workflow: WorkflowDefinition, form: unknown): unknown {
  const parsed = workflow.form.safeParse(form ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    path: formatFieldPath(issue.path as PathSegment[]),
    message: issue.message,
    severity: 'error' as const,
  }));
  throw new ValidationError(`invalid form for workflow ${workflow.name}: ${issues.map((i) => `${i.path || 'form'}: ${i.message}`).join('; ')}`, issues);
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

/** Upserts the `workflows` rows (name, target, description, form schema); safe to run from many replicas. */
export async function registerWorkflows(pool: Pool): Promise<void> {
  const rows = [...WORKFLOWS.values()].map((w) => ({ name: w.name, target: w.target, description: w.description, form_schema: formSchemaOf(w) }));
  await pool.query(
    `INSERT INTO workflows (name, target, description, form_schema)
     SELECT name, target, description, form_schema FROM jsonb_to_recordset($1::jsonb) AS x(name text, target text, description text, form_schema jsonb)
     ON CONFLICT (name) DO UPDATE
       SET target = EXCLUDED.target, description = EXCLUDED.description, form_schema = EXCLUDED.form_schema, updated_at = now()
       WHERE (workflows.target, workflows.description, workflows.form_schema) IS DISTINCT FROM (EXCLUDED.target, EXCLUDED.description, EXCLUDED.form_schema)`,
    [JSON.stringify(rows)],
  );
}

/** The registered workflows with their rows' ids and timestamps. */
export async function readWorkflows(pool: Pool): Promise<WorkflowInfo[]> {
  const { rows } = await pool.query<WorkflowRow>('SELECT * FROM workflows WHERE name = ANY($1::text[]) ORDER BY name', [[...WORKFLOWS.keys()]]);
  return rows.map((row) => {
    const definition = WORKFLOWS.get(row.name) as WorkflowDefinition;
    return {
      id: row.id,
      name: row.name,
      target: row.target,
      description: row.description ?? '',
      formSchema: row.form_schema,
      steps: definition.steps.map((s) => s.name),
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
  });
}
