import type { FastifyInstance } from 'fastify';
import { MAX_PAGE_SIZE, PROCESS_STATUSES, processOutcomes } from '../../controller/workflow/index.ts';
import type { ProcessFilter } from '../../controller/workflow/index.ts';
import { requireRole } from '../auth.ts';
import type { RouteContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { errorResponses, ref } from '../schemas.ts';
import { timeRange, timeSeriesQuerystring } from './time-series.ts';

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64, description: 'process id (UUID)' } },
} as const;

const OPERATOR = { access: 'operator' } as const;

/** Workflows and processes (list, start, read, cancel, retry, steps, events), under /api/v1. */
export async function workflowRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const { workflows } = ctx.deps;

  app.get(
    '/workflows',
    {
      schema: {
        tags: ['workflows'],
        summary: 'Registered workflows with the JSON Schema of their forms',
        response: {
          200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('Workflow') } } },
          ...errorResponses(401, 403, 429),
        },
      },
    },
    async () => ({ items: await workflows.listWorkflows() }),
  );

  app.post<{ Params: { name: string }; Body: Record<string, unknown> | undefined }>(
    '/workflows/:name',
    {
      config: OPERATOR,
      schema: {
        tags: ['workflows'],
        summary: 'Start a workflow with form data (validated against its form schema)',
        params: { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 200 } } },
        body: { type: 'object', additionalProperties: true, description: "The form; see the workflow's formSchema" },
        response: { 201: ref('Process'), ...errorResponses(401, 403, 404, 413, 422, 429, 502) },
      },
    },
    async (request, reply) => {
      const principal = requireRole(request, 'operator');
      const process = await workflows.startWorkflow(request.params.name, request.body ?? {}, { correlationId: request.id, createdBy: principal.name });
      return reply.code(201).header('location', `/api/v1/processes/${process.id}`).send(process);
    },
  );

  app.get<{ Querystring: ProcessFilter }>(
    '/processes',
    {
      schema: {
        tags: ['processes'],
        summary: 'Processes, newest first, in pages (pass nextCursor back as cursor)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: [...PROCESS_STATUSES] },
            workflow: { type: 'string', maxLength: 200 },
            intentKind: { type: 'string', maxLength: 100 },
            intentName: { type: 'string', maxLength: 253 },
            from: { type: 'string', format: 'date-time', description: 'created at or after' },
            to: { type: 'string', format: 'date-time', description: 'created before' },
            limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 },
            cursor: { type: 'string', maxLength: 200 },
          },
        },
        response: { 200: ref('ProcessPage'), ...errorResponses(401, 403, 422, 429) },
      },
    },
    async (request) => workflows.listProcesses(request.query),
  );

  app.get<{ Querystring: { from?: string; to?: string; buckets: number; workflow?: string } }>(
    '/processes/outcomes',
    {
      schema: {
        tags: ['processes'],
        summary: 'Processes created per time bucket by status (default: the last 24 hours in 48 buckets): the reconcile-outcome chart',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...timeSeriesQuerystring, workflow: { type: 'string', maxLength: 200, description: 'only this workflow, e.g. reconcile_intent' } },
        },
        response: { 200: ref('ProcessOutcomes'), ...errorResponses(401, 403, 422, 429) },
      },
    },
    async (request) => {
      const range = timeRange(request.query);
      const buckets = await processOutcomes(ctx.deps.pool, { ...range, ...(request.query.workflow ? { workflow: request.query.workflow } : {}) });
      return { from: range.from.toISOString(), to: range.to.toISOString(), buckets };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/processes/:id',
    {
      schema: {
        tags: ['processes'],
        summary: 'A process with its steps',
        params: idParams,
        response: { 200: ref('ProcessDetail'), ...errorResponses(401, 403, 404, 429) },
      },
    },
    async (request) => {
      const process = await workflows.getProcess(request.params.id);
      if (!process) throw new NotFoundError(`There is no process with id ${request.params.id}.`, { process_id: request.params.id });
      return process;
    },
  );

  app.get<{ Params: { id: string }; Querystring: { after: number; limit: number } }>(
    '/processes/:id/events',
    {
      schema: {
        tags: ['processes'],
        summary: 'The recorded events of a process after seq `after`, oldest first: what a live subscriber that saw a gap in seq reads',
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            after: { type: 'integer', minimum: 0, default: 0, description: 'return events with a higher seq' },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
        response: {
          200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('WorkflowEvent') } } },
          ...errorResponses(401, 403, 404, 422, 429),
        },
      },
    },
    async (request) => {
      const items = await workflows.listEvents(request.params.id, { afterSeq: request.query.after, limit: request.query.limit });
      if (items.length === 0 && !(await workflows.getProcess(request.params.id)))
        throw new NotFoundError(`There is no process with id ${request.params.id}.`, { process_id: request.params.id });
      return { items };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/processes/:id',
    {
      config: OPERATOR,
      schema: {
        tags: ['processes'],
        summary: 'Cancel a created, waiting or running process (a running one stops at its next step or apply chunk: state.cancelRequested)',
        params: idParams,
        response: { 200: ref('Process'), ...errorResponses(401, 403, 404, 409, 429) },
      },
    },
    async (request) => workflows.cancelProcess(request.params.id, requireRole(request, 'operator').name, { correlationId: request.id }),
  );

  app.post<{ Params: { id: string } }>(
    '/processes/:id/retry',
    {
      config: OPERATOR,
      schema: {
        tags: ['processes'],
        summary: 'Retry a failed process from its failed step',
        params: idParams,
        response: { 200: ref('Process'), ...errorResponses(401, 403, 404, 409, 429, 502) },
      },
    },
    async (request) => workflows.retryProcess(request.params.id, requireRole(request, 'operator').name, { correlationId: request.id }),
  );
}
