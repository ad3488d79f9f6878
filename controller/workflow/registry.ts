import { z } from 'zod';
import type { Pool } from '../db/index.ts';
import { ValidationError } from '../errors/index.ts';
import { formatFieldPath } from '../intents/index.ts';
import type { PathSegment } from '../intents/index.ts';
import type { WorkflowDefinition } from './definition.ts';
import { WorkflowNotFoundError } from './errors.ts';
import { selectWorkflows, upsertWorkflows } from '../store/index.ts';
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

/** Upserts the `workflows` rows (name, target, description, form schema); safe to run from many replicas. */
export async function registerWorkflows(pool: Pool): Promise<void> {
  await upsertWorkflows(
    pool,
    [...WORKFLOWS.values()].map((w) => ({ name: w.name, target: w.target, description: w.description, formSchema: formSchemaOf(w) })),
  );
}

/** The registered workflows with their rows' ids and timestamps. */
export async function readWorkflows(pool: Pool): Promise<WorkflowInfo[]> {
  const rows = await selectWorkflows(pool, [...WORKFLOWS.keys()]);
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    target: row.target,
    description: row.description,
    formSchema: row.formSchema,
    steps: (WORKFLOWS.get(row.name) as WorkflowDefinition).steps.map((s) => s.name),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }));
}
