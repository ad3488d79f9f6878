import type { FastifyInstance } from 'fastify';
import { INTENT_KINDS } from '../../controller/intents/index.ts';
import type { IntentKind } from '../../controller/intents/index.ts';
import { MAX_PAGE_SIZE } from '../../controller/workflow/index.ts';
import type { AuditFilter } from '../../controller/workflow/index.ts';
import { requireRole } from '../auth.ts';
import type { RouteContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { getIntent, intentExists, listIntents, summariseDrift } from '../intent-queries.ts';
import { errorResponses, ref } from '../schemas.ts';

const intentParams = {
  type: 'object',
  required: ['kind', 'name'],
  properties: { kind: { type: 'string', enum: [...INTENT_KINDS] }, name: { type: 'string', maxLength: 253 } },
} as const;

/** Intents, drift and audit: the history views, under /api/v1. */
export async function intentRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const { pool, workflows } = ctx.deps;

  app.get<{ Querystring: { kind?: string; status?: string; mode?: string; source?: string } }>(
    '/intents',
    {
      schema: {
        tags: ['intents'],
        summary: 'Intents with source, revision, mode, status, drift counts by action and last reconcile',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            kind: { type: 'string', enum: [...INTENT_KINDS] },
            status: { type: 'string', enum: ['active', 'removed', 'suspended', 'invalid'] },
            mode: { type: 'string', enum: ['observe', 'enforce'] },
            source: { type: 'string', maxLength: 2000 },
          },
        },
        response: { 200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('IntentSummary') } } }, ...errorResponses(401, 403, 422, 429) },
      },
    },
    async (request) => ({ items: await listIntents(pool, request.query) }),
  );

  app.get<{ Params: { kind: IntentKind; name: string }; Querystring: { driftLimit: number } }>(
    '/intents/:kind/:name',
    {
      schema: {
        tags: ['intents'],
        summary: 'One intent: spec, last 20 revisions, current drift rows with field diffs, 10 most recent processes',
        params: intentParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { driftLimit: { type: 'integer', minimum: 0, maximum: 10_000, default: 1000, description: 'most drift rows returned (driftTruncated tells when there are more)' } },
        },
        response: { 200: ref('IntentDetail'), ...errorResponses(401, 403, 404, 422, 429) },
      },
    },
    async (request) => {
      const { kind, name } = request.params;
      const [intent, recent] = await Promise.all([
        getIntent(pool, kind, name, request.query.driftLimit),
        workflows.listProcesses({ intentKind: kind, intentName: name, limit: 10 }),
      ]);
      if (!intent) throw new NotFoundError(`There is no ${kind} named "${name}".`, { kind, name });
      return { ...intent, recentProcesses: recent.items };
    },
  );

  app.post<{ Params: { kind: IntentKind; name: string } }>(
    '/intents/:kind/:name/reconcile',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['intents'],
        summary: 'Reconcile now: queues a reconcile_intent process, or returns the one already queued for this intent',
        params: intentParams,
        response: { 202: ref('Process'), ...errorResponses(401, 403, 404, 422, 429, 502) },
      },
    },
    async (request, reply) => {
      const principal = requireRole(request, 'operator');
      const { kind, name } = request.params;
      if (!(await intentExists(pool, kind, name))) throw new NotFoundError(`There is no ${kind} named "${name}".`, { kind, name });
      const process = await workflows.requestReconcile({ kind, name }, { correlationId: request.id, createdBy: principal.name });
      return reply.code(202).header('location', `/api/v1/processes/${process.id}`).send(process);
    },
  );

  app.get<{ Querystring: { kind?: string } }>(
    '/drift',
    {
      schema: {
        tags: ['intents'],
        summary: 'Drift across intents: totals by action and object kind, and per intent (removed intents left out)',
        querystring: { type: 'object', additionalProperties: false, properties: { kind: { type: 'string', enum: [...INTENT_KINDS] } } },
        response: { 200: ref('DriftSummary'), ...errorResponses(401, 403, 422, 429) },
      },
    },
    async (request) => summariseDrift(pool, request.query),
  );

  app.get<{ Querystring: AuditFilter }>(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit rows (NetBox changes), newest first, in pages',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            processId: { type: 'string', maxLength: 64 },
            objectKind: { type: 'string', maxLength: 100 },
            objectIdentity: { type: 'string', maxLength: 1000 },
            intentKind: { type: 'string', maxLength: 100 },
            intentName: { type: 'string', maxLength: 253 },
            from: { type: 'string', format: 'date-time' },
            to: { type: 'string', format: 'date-time' },
            limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 },
            cursor: { type: 'string', maxLength: 200 },
          },
        },
        response: { 200: ref('AuditPage'), ...errorResponses(401, 403, 422, 429) },
      },
    },
    async (request) => workflows.listAudit(request.query),
  );
}
