import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { withCorrelationId } from '../controller/logging/index.ts';
import { addScrapeCollector, recordHttpRequest, registerDatabaseCollectors, registerQueueCollector } from '../controller/metrics/index.ts';
import { createTokenVerifier, installAuth } from './auth.ts';
import type { RouteContext } from './context.ts';
import { CORRELATION_HEADER, correlationIdOf } from './correlation.ts';
import { HttpError, installErrorHandlers } from './errors.ts';
import type { NotFoundFallback } from './errors.ts';
import { registerGraphql } from './graphql/index.ts';
import { createHealthMonitor } from './health.ts';
import { gitopsLoopRoutes } from './routes/gitops-loop.ts';
import { healthRoutes } from './routes/health.ts';
import { hookRoutes } from './routes/hooks.ts';
import { intentRoutes } from './routes/intents.ts';
import { libraryRoutes } from './routes/library.ts';
import { meRoutes } from './routes/me.ts';
import { onboardingRoutes } from './routes/onboarding.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { workflowRoutes } from './routes/workflows.ts';
import { SHARED_SCHEMAS } from './schemas.ts';
import type { ApiDeps, ApiOptions } from './types.ts';
import { registerDashboard } from './web.ts';

/** Where in a parsed request value a NUL character sits (`query.intentName`), if anywhere. */
function nulPath(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (key.includes('\u0000')) return path;
    const found = nulPath(item, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The version /health and the OpenAPI document report. */
export const API_VERSION = '0.1.0';

/** How long startup waits for the event subscription before going on without it. */
const EVENTS_WAIT_MS = 3_000;

/** Paths that answer without a token and without rate limit (also left out of the request histogram's cardinality). */
const PROBES = new Set(['/health', '/livez', '/readyz', '/metrics']);

/**
 * Builds the API: REST under /api/v1 (OpenAPI at /api/docs), GraphQL at /graphql with
 * subscriptions, /health /livez /readyz /metrics, the Git webhook at /hooks/git. Does not
 * listen; call `app.listen()` (startApiServer does) or `app.inject()`. `app.close()` stops the
 * event subscription and the metric collectors, not the deps (their owner closes them).
 */
export async function buildApp(deps: ApiDeps, options: ApiOptions = {}): Promise<FastifyInstance> {
  const apiLogger = deps.logger.child({ component: 'api' });
  const logger: FastifyBaseLogger = apiLogger;
  const app = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: correlationIdOf,
    requestIdHeader: false,
    bodyLimit: options.bodyLimit ?? 1_048_576,
    trustProxy: options.trustProxy ?? false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: true } },
  });
  const verifier = createTokenVerifier(deps.pool, options.tokenCacheMs ?? 5_000);
  const health = createHealthMonitor(deps, {
    cacheMs: options.healthCacheMs ?? 1_500,
    timeoutMs: options.healthTimeoutMs ?? 2_000,
    version: options.version ?? API_VERSION,
    logger: apiLogger,
  });
  const ctx: RouteContext = { deps, options, health, verifier };

  if (options.authDisabled) {
    app.log.warn('AUTH IS DISABLED (AUTH_DISABLED=true): every request acts as admin "anonymous" without a token. Never run like this outside a local demo.');
  }

  // Correlation id first: every later hook, log line and error carries it.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(CORRELATION_HEADER, request.id);
    withCorrelationId(request.id, done);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    recordHttpRequest({ method: request.method, route, statusCode: reply.statusCode, durationMs: reply.elapsedTime });
    if (!PROBES.has(route)) request.log.debug({ method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    done();
  });
  let dashboard: NotFoundFallback | undefined;
  installErrorHandlers(app, () => dashboard);
  // Postgres cannot store NUL in text and refuses it with an error that would surface as 500:
  // a NUL anywhere in the query string, path or a JSON body is the client's mistake (400).
  app.addHook('preValidation', async (request) => {
    const where =
      nulPath(request.query, 'query') ?? nulPath(request.params, 'path') ?? nulPath(Buffer.isBuffer(request.body) ? undefined : request.body, 'body');
    if (where !== undefined) throw new HttpError(400, 'bad_request', `The request holds a NUL character (\\u0000) in ${where}; remove it.`, { field: where });
  });

  await app.register(helmet, {
    // Seed 9.2: nosniff, DENY framing, HSTS one year with subdomains.
    frameguard: { action: 'deny' },
    hsts: { maxAge: 31_536_000, includeSubDomains: true },
    // Swagger UI (its own inline scripts and styles) needs a looser policy; the JSON API needs none.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        // The API is often reached over plain HTTP (port-forward, in-cluster); upgrading would break the docs there.
        upgradeInsecureRequests: null,
      },
    },
  });
  const origins = options.corsOrigins ?? [];
  await app.register(cors, {
    origin: origins.length > 0 ? [...origins] : false,
    methods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['authorization', 'content-type', CORRELATION_HEADER],
    exposedHeaders: [CORRELATION_HEADER, 'location', 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
    maxAge: 600,
  });
  const limit = options.rateLimit ?? { max: 600, windowMs: 60_000 };
  if (limit.max > 0) {
    await app.register(rateLimit, {
      global: true,
      max: limit.max,
      timeWindow: limit.windowMs,
      errorResponseBuilder: (_request, context) =>
        new HttpError(
          429,
          'rate_limited',
          `Too many requests: at most ${context.max} per ${context.after} per client; retry after ${Math.ceil(context.ttl / 1000)} s.`,
          {
            limit: context.max,
            retry_after_seconds: Math.ceil(context.ttl / 1000),
          },
        ),
    });
  }
  installAuth(app, verifier, { disabled: options.authDisabled === true });

  await app.register(swagger, {
    // Components keep the names of the shared schemas (Process, Error...) instead of def-N.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'netbox-gitops API',
        version: options.version ?? API_VERSION,
        description:
          'Workflows, processes, intents, drift and audit of netbox-gitops. Every route but /health, /livez, /readyz, /metrics, /hooks/git and these docs needs ' +
          '`Authorization: Bearer <token>` (roles: viewer reads, operator starts/cancels/retries/reconciles, admin manages tokens). Errors use one format: ' +
          '{error, message, details, timestamp, request_id}. Send X-Correlation-ID to trace a request into processes, audit rows and logs.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'an API token, nbg_...' } } },
      security: [{ bearerAuth: [] }],
      tags: [
        { name: 'workflows', description: 'workflows, their forms and the devicetype-library the forms pick from' },
        { name: 'processes' },
        { name: 'intents', description: 'intents, drift' },
        { name: 'audit' },
        { name: 'onboarding', description: 'NetBox against the devicetype-library' },
        { name: 'notifications', description: 'the notification delivery log' },
        { name: 'tokens', description: 'admin only' },
        { name: 'hooks' },
        { name: 'health' },
      ],
    },
  });
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  // The docs are public: they describe the same API as the repository and hold no data; the UI asks for a token to try calls.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/docs')) route.config = { ...(route.config as object), access: 'public', rateLimit: false };
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { persistAuthorization: false }, staticCSP: false });

  await app.register(async (scope) => healthRoutes(scope, ctx));
  await app.register(async (scope) => hookRoutes(scope, ctx));
  await app.register(
    async (scope) => {
      await workflowRoutes(scope, ctx);
      await intentRoutes(scope, ctx);
      await onboardingRoutes(scope, ctx);
      await tokenRoutes(scope, ctx);
      await meRoutes(scope, ctx);
      await libraryRoutes(scope, ctx);
      await gitopsLoopRoutes(scope, ctx);
    },
    { prefix: '/api/v1' },
  );
  if (options.webRoot !== undefined) dashboard = await registerDashboard(app, options.webRoot);
  const pubsub = await registerGraphql(app, ctx);

  const removeCollectors: (() => void)[] = [
    addScrapeCollector('graphqlSubscriptions', 'api:graphql', async (metrics) => {
      metrics.graphqlSubscriptions.inc(pubsub.listenerCount());
    }),
  ];
  if (options.scrapeCollectors !== false) {
    removeCollectors.push(registerDatabaseCollectors(deps.pool));
    if (deps.queue) removeCollectors.push(registerQueueCollector(deps.queue));
  }

  // Engine events from Redis feed the GraphQL subscriptions of this replica.
  let unsubscribe: Promise<(() => Promise<void>) | undefined> | undefined;
  app.addHook('onReady', async () => {
    unsubscribe = deps
      .subscribeEvents((event) => pubsub.feed(event))
      .catch((error: unknown) => {
        app.log.error({ err: error }, 'could not subscribe to workflow events; GraphQL subscriptions get no updates');
        return undefined;
      });
    // A Redis that is down must not keep the API from starting (and /health from saying so);
    // the subscription completes when Redis answers.
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([
      unsubscribe.then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), EVENTS_WAIT_MS))),
    ]);
    clearTimeout(timer);
    if (!waited) app.log.warn('not yet subscribed to workflow events (Redis not answering); GraphQL subscriptions start receiving once it does');
  });
  app.addHook('onClose', async () => {
    for (const remove of removeCollectors) remove();
    // Still connecting (Redis down): nothing to unsubscribe from yet; do not wait for it.
    let timer: NodeJS.Timeout | undefined;
    const stop = await Promise.race([unsubscribe, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 1_000)))]);
    clearTimeout(timer);
    await stop?.();
  });
  return app;
}
