import type { FastifyInstance } from 'fastify';
import { INTENT_KINDS } from '../../controller/intents/index.ts';
import type { IntentKind } from '../../controller/intents/index.ts';
import { resumeIntent, suspendIntent } from '../../controller/sources/index.ts';
import { driftHistory, listDrift, MAX_DRIFT_PAGE, MAX_PAGE_SIZE } from '../../controller/workflow/index.ts';
import type { AuditFilter, DriftPageFilter } from '../../controller/workflow/index.ts';
import { auditCsv } from '../audit-csv.ts';
import { requireRole } from '../auth.ts';
import type { RouteContext } from '../context.ts';
import { HttpError, NotFoundError } from '../errors.ts';
import { getIntent, intentExists, listIntents, summariseDrift } from '../../controller/store/index.ts';
import { errorResponses, ref } from '../schemas.ts';
import { timeRange, timeSeriesQuerystring } from './time-series.ts';

const intentParams = {
  type: 'object',
  required: ['kind', 'name'],
  properties: { kind: { type: 'string', enum: [...INTENT_KINDS] }, name: { type: 'string', maxLength: 253 } },
} as const;

const auditFilterProperties = {
  processId: { type: 'string', maxLength: 64 },
  objectKind: { type: 'string', maxLength: 100 },
  objectIdentity: { type: 'string', maxLength: 1000, description: 'exact identity' },
  search: { type: 'string', maxLength: 200, description: 'part of the object identity, case-insensitive' },
  action: { type: 'string', maxLength: 50, description: 'create, update or delete' },
  intentKind: { type: 'string', maxLength: 100 },
  intentName: { type: 'string', maxLength: 253 },
  from: { type: 'string', format: 'date-time' },
  to: { type: 'string', format: 'date-time' },
} as const;

/** How long the intent listing waits for the schedule queue (Redis) before showing no next check. */
const NEXT_CHECK_WAIT_MS = 500;

/** Intents, drift and audit: the history views, under /api/v1. */
export async function intentRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const { pool, workflows } = ctx.deps;

  /** Next scheduled checks by `Kind/name`; empty when the schedule queue does not answer in time (the listing must not hang on Redis). */
  const nextChecks = async (): Promise<ReadonlyMap<string, Date>> => {
    if (!ctx.deps.nextChecks) return new Map();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ReadonlyMap<string, Date>>((resolve) => (timer = setTimeout(() => resolve(new Map()), NEXT_CHECK_WAIT_MS)));
    try {
      return await Promise.race([
        ctx.deps.nextChecks().catch((error: unknown) => {
          app.log.warn({ err: error }, 'could not read the intent schedules; next checks are left out');
          return new Map<string, Date>();
        }),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  };
  const nextCheckOf = (checks: ReadonlyMap<string, Date>, intent: { kind: string; name: string; status: string }): string | null =>
    intent.status === 'active' ? (checks.get(`${intent.kind}/${intent.name}`)?.toISOString() ?? null) : null;

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
        response: {
          200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('IntentSummary') } } },
          ...errorResponses(401, 403, 422, 429),
        },
      },
    },
    async (request) => {
      const [items, checks] = await Promise.all([listIntents(pool, request.query), nextChecks()]);
      return { items: items.map((i) => ({ ...i, nextCheckAt: nextCheckOf(checks, i) })) };
    },
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
          properties: {
            driftLimit: {
              type: 'integer',
              minimum: 0,
              maximum: 10_000,
              default: 1000,
              description: 'most drift rows returned (driftTruncated tells when there are more)',
            },
          },
        },
        response: { 200: ref('IntentDetail'), ...errorResponses(401, 403, 404, 422, 429) },
      },
    },
    async (request) => {
      const { kind, name } = request.params;
      const [intent, recent, checks] = await Promise.all([
        getIntent(pool, kind, name, request.query.driftLimit),
        workflows.listProcesses({ intentKind: kind, intentName: name, limit: 10 }),
        nextChecks(),
      ]);
      if (!intent) throw new NotFoundError(`There is no ${kind} named "${name}".`, { kind, name });
      return { ...intent, nextCheckAt: nextCheckOf(checks, intent), recentProcesses: recent.items };
    },
  );

  app.get<{ Params: { kind: IntentKind; name: string }; Querystring: DriftPageFilter }>(
    '/intents/:kind/:name/drift',
    {
      schema: {
        tags: ['intents'],
        summary: "An intent's drift rows (field diffs, reasons) by object kind and identity, in pages of up to 10,000",
        params: intentParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            action: { type: 'string', maxLength: 50 },
            objectKind: { type: 'string', maxLength: 100 },
            limit: { type: 'integer', minimum: 1, maximum: MAX_DRIFT_PAGE, default: 1000 },
            cursor: { type: 'string', maxLength: 2000 },
          },
        },
        response: { 200: ref('DriftPage'), ...errorResponses(401, 403, 404, 422, 429) },
      },
    },
    async (request) => {
      const { kind, name } = request.params;
      const page = await listDrift(pool, { kind, name }, request.query);
      if (!page) throw new NotFoundError(`There is no ${kind} named "${name}".`, { kind, name });
      return page;
    },
  );

  const suspension = { message: { type: 'string', maxLength: 500, description: 'why (shown with the intent)' } } as const;
  app.post<{ Params: { kind: IntentKind; name: string }; Body: { message?: string } | undefined }>(
    '/intents/:kind/:name/suspend',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['intents'],
        summary: 'Suspend an intent: no reconciles or scheduled drift checks until it is resumed, whatever its source says meanwhile',
        params: intentParams,
        body: { type: 'object', additionalProperties: false, properties: suspension },
        response: { 200: ref('IntentSummary'), ...errorResponses(401, 403, 404, 409, 422, 429) },
      },
    },
    async (request) => {
      const principal = requireRole(request, 'operator');
      const { kind, name } = request.params;
      const result = await suspendIntent(pool, { kind, name }, principal.name, request.body?.message ?? null);
      if (!result) throw new NotFoundError(`There is no ${kind} named "${name}".`, { kind, name });
      if (result.status === 'removed')
        throw new HttpError(409, 'conflict', `${kind}/${name} was removed from its source; there is nothing to suspend.`, {
          kind,
          name,
          status: result.status,
        });
      request.log.info({ intent: `${kind}/${name}`, by: principal.name }, 'intent suspended');
      return summaryOf(kind, name);
    },
  );

  app.post<{ Params: { kind: IntentKind; name: string } }>(
    '/intents/:kind/:name/resume',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['intents'],
        summary: "Lift an operator's suspension; when the intent is active again a reconcile is requested at once",
        params: intentParams,
        response: { 200: ref('IntentSummary'), ...errorResponses(401, 403, 404, 422, 429, 502) },
      },
    },
    async (request) => {
      const principal = requireRole(request, 'operator');
      const { kind, name } = request.params;
      const result = await resumeIntent(pool, { kind, name });
      if (!result) throw new NotFoundError(`There is no ${kind} named "${name}".`, { kind, name });
      request.log.info({ intent: `${kind}/${name}`, by: principal.name, status: result.status }, 'intent resumed');
      if (result.status === 'active' && result.previousStatus !== 'active') {
        await workflows.requestReconcile({ kind, name }, { correlationId: request.id, createdBy: principal.name, reason: `resumed by ${principal.name}` });
      }
      return summaryOf(kind, name);
    },
  );

  /** An intent's summary after a change, with its next check. */
  async function summaryOf(kind: IntentKind, name: string): Promise<Record<string, unknown>> {
    const [intent, checks] = await Promise.all([getIntent(pool, kind, name, 0), nextChecks()]);
    if (!intent) throw new NotFoundError(`There is no ${kind} named "${name}".`, { kind, name });
    return { ...intent, nextCheckAt: nextCheckOf(checks, intent) };
  }

  app.get<{ Querystring: { from?: string; to?: string; buckets: number; kind?: string; name?: string } }>(
    '/drift/history',
    {
      schema: {
        tags: ['intents'],
        summary:
          'Drift over time: for each time bucket, the sum of every intent’s drift counts by action at its end (default: the last 24 hours in 48 buckets)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...timeSeriesQuerystring,
            kind: { type: 'string', enum: [...INTENT_KINDS] },
            name: { type: 'string', maxLength: 253 },
          },
        },
        response: { 200: ref('DriftHistory'), ...errorResponses(401, 403, 422, 429) },
      },
    },
    async (request) => {
      const range = timeRange(request.query);
      const points = await driftHistory(pool, {
        ...range,
        ...(request.query.kind ? { kind: request.query.kind } : {}),
        ...(request.query.name ? { name: request.query.name } : {}),
      });
      return { from: range.from.toISOString(), to: range.to.toISOString(), points };
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
            ...auditFilterProperties,
            limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 },
            cursor: { type: 'string', maxLength: 200 },
          },
        },
        response: { 200: ref('AuditPage'), ...errorResponses(401, 403, 422, 429) },
      },
    },
    async (request) => workflows.listAudit(request.query),
  );

  app.get<{ Querystring: Omit<AuditFilter, 'limit' | 'cursor'> }>(
    '/audit/export',
    {
      schema: {
        tags: ['audit'],
        summary: 'Every audit row matching the filters as CSV (newest first, streamed), for spreadsheets and records',
        produces: ['text/csv'],
        querystring: { type: 'object', additionalProperties: false, properties: auditFilterProperties },
        response: {
          200: { description: 'CSV (RFC 4180) with a header row; before, after and details are JSON', content: { 'text/csv': { schema: { type: 'string' } } } },
          ...errorResponses(401, 403, 422, 429),
        },
      },
    },
    async (request, reply) => {
      // Validate the filters (cursor, time range) before the 200 goes out.
      await workflows.listAudit({ ...request.query, limit: 1 });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="netbox-gitops-audit-${stamp}.csv"`)
        .header('cache-control', 'no-store')
        .send(auditCsv((cursor) => workflows.listAudit({ ...request.query, limit: MAX_PAGE_SIZE, ...(cursor ? { cursor } : {}) })));
    },
  );
}
