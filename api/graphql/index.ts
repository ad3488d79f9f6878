import type { FastifyInstance } from 'fastify';
import mercurius from 'mercurius';
import type { MercuriusContext } from 'mercurius';
import type { ExecutionResult, FormattedExecutionResult, GraphQLError as GraphQLErrorType, GraphQLFormattedError } from 'graphql';
import { authenticate, bearerToken } from '../auth.ts';
import { GraphQLError, NoSchemaIntrospectionCustomRule } from './graphql-js.ts';
import type { RouteContext } from '../context.ts';
import { errorResponse } from '../errors.ts';
import { costLimitRule, nulCharacterRule } from './cost.ts';
import { checkDocumentLimits, withResolverTimeouts } from './limits.ts';
import { EventPubSub } from './pubsub.ts';
import { createLoaders, createResolvers } from './resolvers.ts';
import type { GraphqlContext } from './resolvers.ts';
import { SCHEMA } from './schema.ts';

export { EventPubSub } from './pubsub.ts';
export { SCHEMA } from './schema.ts';
export type { GraphqlContext } from './resolvers.ts';

/** The token a WebSocket client put in its connection_init payload, in any of the usual spellings. */
function payloadToken(payload: unknown): string | undefined {
  if (payload === null || typeof payload !== 'object') return undefined;
  const p = payload as Record<string, unknown>;
  const headers = (p.headers !== null && typeof p.headers === 'object' ? p.headers : {}) as Record<string, unknown>;
  const value = p.authorization ?? p.Authorization ?? headers.authorization ?? headers.Authorization;
  if (typeof value === 'string') return value;
  if (typeof p.token === 'string') return `Bearer ${p.token}`;
  return undefined;
}

/**
 * Formats GraphQL errors: errors thrown by our code get the REST API's code, a message safe to
 * show (5xx hidden) and the request id in `extensions`; graphql's own errors pass unchanged.
 */
function formatErrors(
  execution: ExecutionResult & { readonly errors: readonly GraphQLErrorType[]; readonly statusCode?: number },
  context: MercuriusContext,
): { statusCode: number; response: FormattedExecutionResult } {
  const request = (context as Partial<MercuriusContext>).reply?.request;
  const requestId = request?.id ?? (context as Partial<GraphqlContext>).correlationId ?? 'websocket';
  let firstStatus: number | undefined;
  const errors: GraphQLFormattedError[] = [];
  for (const error of execution.errors) {
    const original = error.originalError as (Error & { errors?: unknown }) | undefined;
    if (original && Array.isArray(original.errors)) {
      // mercurius wraps validation failures (depth, cost, unknown fields) in one error.
      for (const inner of original.errors as GraphQLErrorType[])
        errors.push(inner instanceof GraphQLError ? inner.toJSON() : { message: String((inner as Error).message) });
      firstStatus ??= 400;
      continue;
    }
    if (original && !(original instanceof GraphQLError)) {
      const { status, body } = errorResponse(original, requestId);
      if (status >= 500) (request?.log ?? context.app.log).error({ err: original, requestId }, 'GraphQL resolver failed');
      errors.push({ ...error.toJSON(), message: body.message, extensions: { code: body.error, details: body.details, request_id: requestId, status } });
      firstStatus ??= status;
      continue;
    }
    errors.push(error.toJSON());
  }
  const statusCode = execution.data ? 200 : (execution.statusCode ?? (execution.errors.length === 1 ? (firstStatus ?? 200) : 200));
  if (statusCode === 401) (context as Partial<MercuriusContext>).reply?.header('www-authenticate', 'Bearer realm="netbox-gitops"');
  return { statusCode, response: { data: execution.data ?? null, errors } };
}

/**
 * Registers /graphql (POST and GET, WebSocket subscriptions on the same path). Returns the
 * pubsub to feed with the engine's events.
 */
export async function registerGraphql(app: FastifyInstance, route: RouteContext): Promise<EventPubSub> {
  const pubsub = new EventPubSub();
  const maxDepth = route.options.graphql?.maxDepth ?? 10;
  const maxCost = route.options.graphql?.maxCost ?? 10_000;
  const limits = { maxAliases: route.options.graphql?.maxAliases ?? 30, maxFields: route.options.graphql?.maxFields ?? 1_000 };
  const introspection = route.options.graphql?.introspection ?? true;
  const resolverTimeoutMs = route.options.graphql?.resolverTimeoutMs ?? 10_000;
  const disabled = route.options.authDisabled === true;
  const options: mercurius.MercuriusOptions = {
    schema: SCHEMA,
    resolvers: withResolverTimeouts(createResolvers(route), resolverTimeoutMs),
    loaders: createLoaders(route),
    graphiql: false,
    path: '/graphql',
    queryDepth: maxDepth,
    // A function of the variables (limits may be variables); mercurius then cannot cache validation.
    cache: false,
    validationRules: ({ variables }) => [
      costLimitRule(maxCost, variables ?? {}),
      nulCharacterRule(variables ?? {}),
      ...(introspection ? [] : [NoSchemaIntrospectionCustomRule]),
    ],
    context: (request) => ({ principal: request.principal, correlationId: request.id }),
    errorFormatter: (execution, context) => formatErrors(execution, context),
    additionalRouteOptions: { config: { access: 'viewer' } },
    subscription: {
      pubsub,
      context: (_socket, request) => ({ principal: request.principal, correlationId: request.id }),
      // The token may come in connection_init instead of the upgrade request's header.
      onConnect: async (data) => {
        const header = payloadToken(data.payload);
        if (header === undefined || disabled) return true;
        if (bearerToken(header) === undefined) return false;
        try {
          return { principal: await authenticate(route.verifier, header, 'viewer') };
        } catch {
          return false;
        }
      },
      keepAlive: 30_000,
    },
  };
  await app.register(mercurius, options);
  // Before graphql-js validates: some of its rules grow with the square of repeated fields.
  app.graphql.addHook('preValidation', async (_schema, document) => checkDocumentLimits(document, limits));
  return pubsub;
}
