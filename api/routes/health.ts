import type { FastifyInstance } from 'fastify';
import { renderMetrics } from '../../controller/metrics/index.ts';
import type { RouteContext } from '../context.ts';

const check = {
  type: 'object',
  required: ['status', 'response_time_ms'],
  properties: {
    status: { type: 'string', enum: ['healthy', 'unhealthy'] },
    response_time_ms: { type: 'number' },
    error: { type: 'string' },
    version: { type: 'string' },
  },
} as const;

const healthBody = {
  type: 'object',
  required: ['status', 'timestamp', 'version', 'checks'],
  properties: {
    status: { type: 'string', enum: ['healthy', 'unhealthy'] },
    timestamp: { type: 'string', format: 'date-time' },
    version: { type: 'string' },
    checks: {
      type: 'object',
      required: ['database', 'redis', 'netbox'],
      properties: { database: check, redis: check, netbox: check },
    },
  },
} as const;

const readyBody = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { type: 'string', enum: ['ready', 'not_ready'] },
    checks: { type: 'object', required: ['migrations', 'database', 'redis'], properties: { migrations: check, database: check, redis: check } },
  },
} as const;

/** Probes that must answer without a token and without counting against the rate limit. */
const PROBE = { access: 'public', rateLimit: false } as const;

/** GET /health, /livez, /readyz and /metrics: public, not rate limited. */
export async function healthRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  app.get(
    '/health',
    {
      config: PROBE,
      schema: {
        tags: ['health'],
        summary: 'System health (seed 12.2): Postgres, Redis and NetBox with response times; results are reused for up to ~1.5 s',
        security: [],
        response: { 200: healthBody, 503: healthBody },
      },
    },
    async (_request, reply) => {
      const report = await ctx.health.health();
      return reply.code(report.status === 'healthy' ? 200 : 503).send(report);
    },
  );

  app.get(
    '/livez',
    {
      config: PROBE,
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process serves requests',
        security: [],
        response: { 200: { type: 'object', properties: { status: { type: 'string' } } } },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      config: PROBE,
      schema: {
        tags: ['health'],
        summary: 'Readiness: migrations applied, Postgres and Redis reachable',
        security: [],
        response: { 200: readyBody, 503: readyBody },
      },
    },
    async (_request, reply) => {
      const report = await ctx.health.ready();
      return reply.code(report.status === 'ready' ? 200 : 503).send(report);
    },
  );

  app.get(
    '/metrics',
    { config: PROBE, schema: { tags: ['health'], summary: 'Prometheus metrics (text exposition format)', security: [], produces: ['text/plain'] } },
    async (_request, reply) => {
      const { contentType, body } = await renderMetrics();
      return reply.type(contentType).send(body);
    },
  );
}
