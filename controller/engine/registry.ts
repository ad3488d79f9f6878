// An application's workflows as the engine looks them up: by name, with their forms checked
// against their zod schemas, and their rows in the `workflows` table.
import { z } from 'zod';
import type { Pool } from '../db/index.ts';
import { ValidationError } from '../errors/index.ts';
import { formatFieldPath } from '../intents/index.ts';
import type { PathSegment } from '../intents/index.ts';
import { selectWorkflows, upsertWorkflows } from '../store/index.ts';
import type { JsonObject } from '../store/index.ts';
import type { WorkflowDefinition } from './definition.ts';
import { WorkflowNotFoundError } from './errors.ts';
import type { WorkflowInfo } from './types.ts';

/** An application's workflows by name. */
export type Workflows<S extends object = object> = ReadonlyMap<string, WorkflowDefinition<unknown, S>>;

/** @throws WorkflowNotFoundError */
export function workflowNamed<S extends object>(workflows: Workflows<S>, name: string): WorkflowDefinition<unknown, S> {
  const found = workflows.get(name);
  if (!found) throw new WorkflowNotFoundError(name, [...workflows.keys()]);
  return found;
}

/** The form's JSON Schema (input side: defaults are optional) for the dashboard. */
export function formSchemaOf(workflow: Pick<WorkflowDefinition, 'form'>): JsonObject {
  return z.toJSONSchema(workflow.form, { io: 'input' }) as JsonObject;
}

/**
 * Validates a form against the workflow's schema.
 * @throws ValidationError with one issue per field problem (the API answers 422).
 */
export function parseForm(workflow: Pick<WorkflowDefinition, 'form' | 'name'>, form: unknown): unknown {
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
export async function registerWorkflows(pool: Pool, workflows: Workflows): Promise<void> {
  await upsertWorkflows(
    pool,
    [...workflows.values()].map((w) => ({ name: w.name, target: w.target, description: w.description, formSchema: formSchemaOf(w) })),
  );
}

/** The registered workflows with their rows' ids and timestamps. */
export async function readWorkflows(pool: Pool, workflows: Workflows): Promise<WorkflowInfo[]> {
  const rows = await selectWorkflows(pool, [...workflows.keys()]);
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    target: row.target,
    description: row.description,
    formSchema: row.formSchema,
    steps: workflowNamed(workflows, row.name).steps.map((s) => s.name),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }));
}
