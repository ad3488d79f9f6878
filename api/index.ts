/**
 * The HTTP API of netbox-gitops: REST under /api/v1 with OpenAPI at /api/docs, GraphQL with
 * subscriptions at /graphql, health and metrics, the Git webhook. Importing it starts nothing;
 * `netbox-gitops api` (cli/commands/api.ts) calls startApiServer.
 */
export { buildApp, API_VERSION } from './app.ts';
export { createApiDeps, apiOptionsFromConfig } from './deps.ts';
export type { ApiDepsHandle, ApiDepsOverrides } from './deps.ts';
export { startApiServer } from './server.ts';
export type { ApiServer, StartApiOptions } from './server.ts';
export type { ApiDeps, ApiOptions } from './types.ts';
export { ANONYMOUS, bearerToken } from './auth.ts';
export { CORRELATION_HEADER, isValidCorrelationId } from './correlation.ts';
export { AuthenticationError, ForbiddenError, HttpError, NotFoundError, errorResponse } from './errors.ts';
export type { ErrorBody } from './errors.ts';
export { checkWebhook, readPush, safeEqual } from './webhook.ts';
export type { GitProvider, PushInfo, WebhookCheck } from './webhook.ts';
export { SCHEMA as GRAPHQL_SCHEMA } from './graphql/index.ts';
