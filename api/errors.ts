import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TokenNameTakenError, TokenNotFoundError } from '../controller/auth/index.ts';
import { isConnectionError } from '../controller/connectivity/index.ts';
import { AppError, ConfigurationError, IntegrationError, ResourceError, ValidationError, WorkflowError } from '../controller/errors/index.ts';
import type { ValidationIssue } from '../controller/errors/index.ts';
import { ProcessNotFoundError, ProcessStateError, WorkflowNotFoundError } from '../controller/workflow/index.ts';

/** The error body `{error, message, details, timestamp, request_id}`, returned for every error of the REST API. */
export interface ErrorBody {
  /** Machine-readable code, e.g. validation_error, not_found, unauthorized. */
  readonly error: string;
  readonly message: string;
  readonly details: Record<string, unknown> | null;
  /** ISO 8601 */
  readonly timestamp: string;
  /** The request's correlation id (also the X-Correlation-ID response header). */
  readonly request_id: string;
}

/** An error the API answers with a given status and code. */
export class HttpError extends AppError {
  override readonly code: string;
  constructor(
    readonly statusCode: number,
    code: string,
    message: string,
    readonly details: Record<string, unknown> | null = null,
  ) {
    super(message);
    this.code = code;
  }
}

/** No or an unknown token: 401. */
export class AuthenticationError extends HttpError {
  constructor(message: string) {
    super(401, 'unauthorized', message);
  }
}

/** A valid token whose role is too weak: 403. */
export class ForbiddenError extends HttpError {
  constructor(role: string, required: string) {
    super(403, 'forbidden', `This token's role "${role}" may not do this; it needs the "${required}" role or a stronger one.`, { role, required });
  }
}

/** A resource the API looked up does not exist: 404. */
export class NotFoundError extends HttpError {
  constructor(message: string, details: Record<string, unknown> | null = null) {
    super(404, 'not_found', message, details);
  }
}

interface Mapped {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly details: Record<string, unknown> | null;
}

function issuesDetails(issues: readonly ValidationIssue[]): Record<string, unknown> {
  return { issues: issues.map((i) => ({ ...(i.path !== undefined ? { path: i.path } : {}), message: i.message, severity: i.severity })) };
}

/** ajv's errors of fastify's schema validation, as our issues. */
function schemaIssues(error: FastifyError): ValidationIssue[] {
  const context = error.validationContext ?? 'request';
  return (error.validation ?? []).map((v) => {
    const missing = v.keyword === 'required' ? String((v.params as { missingProperty?: unknown }).missingProperty ?? '') : '';
    const extra = v.keyword === 'additionalProperties' ? String((v.params as { additionalProperty?: unknown }).additionalProperty ?? '') : '';
    const field = [v.instancePath.replace(/^\//, '').replace(/\//g, '.'), missing || extra].filter(Boolean).join('.');
    return { path: field ? `${context}.${field}` : context, message: v.message ?? 'is invalid', severity: 'error' as const };
  });
}

/** Maps any thrown value to a status, code and a message safe to show. */
function mapError(error: unknown, requestId: string): Mapped {
  const hidden = `internal error; see the logs with request_id ${requestId}`;
  if (error instanceof HttpError) return { status: error.statusCode, code: error.code, message: error.message, details: error.details };
  if (error instanceof ValidationError) return { status: 422, code: error.code, message: error.message, details: issuesDetails(error.issues) };
  if (error instanceof WorkflowNotFoundError)
    return { status: 404, code: 'not_found', message: error.message, details: { workflow: error.workflowName, known: [...error.known] } };
  if (error instanceof ProcessNotFoundError) return { status: 404, code: 'not_found', message: error.message, details: { process_id: error.processId } };
  if (error instanceof TokenNotFoundError) return { status: 404, code: 'not_found', message: error.message, details: { name: error.tokenName } };
  if (error instanceof ProcessStateError) {
    return {
      status: 409,
      code: 'conflict',
      message: error.message,
      details: { process_id: error.processId, status: error.status, operation: error.operation },
    };
  }
  if (error instanceof TokenNameTakenError) return { status: 409, code: 'conflict', message: error.message, details: { name: error.tokenName } };
  if (error instanceof WorkflowError)
    return { status: 409, code: error.code, message: error.message, details: error.workflow ? { workflow: error.workflow } : null };
  if (error instanceof IntegrationError) {
    return {
      status: 502,
      code: 'integration_error',
      message: `${error.context.system} failed; see the logs with request_id ${requestId}`,
      details: { system: error.context.system },
    };
  }
  if (error instanceof ResourceError) {
    return {
      status: 503,
      code: 'resource_unavailable',
      message: `${error.resource} is not available; see the logs with request_id ${requestId}`,
      details: null,
    };
  }
  if (error instanceof ConfigurationError) return { status: 500, code: 'internal_error', message: hidden, details: null };
  const fastifyError = error as Partial<FastifyError>;
  if (Array.isArray(fastifyError.validation)) {
    const issues = schemaIssues(error as FastifyError);
    return {
      status: 422,
      code: 'validation_error',
      message: `invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      details: issuesDetails(issues),
    };
  }
  const status = typeof fastifyError.statusCode === 'number' ? fastifyError.statusCode : 500;
  if (status === 413) return { status, code: 'payload_too_large', message: fastifyError.message ?? 'request body is too large', details: null };
  if (status === 429) return { status, code: 'rate_limited', message: fastifyError.message ?? 'too many requests', details: null };
  if (isConnectionError(error)) {
    // Postgres or Redis went away under the request (restart, pg_terminate_backend, failover): the
    // pool drops that connection and the next request gets a new one, so the client may retry.
    return {
      status: 503,
      code: 'service_unavailable',
      message: `a connection to the database or queue was lost; try again (request_id ${requestId})`,
      details: null,
    };
  }
  if (status >= 400 && status < 500) {
    // fastify's own client errors (bad JSON, unsupported media type...): their messages describe the request only.
    return { status, code: status === 415 ? 'unsupported_media_type' : 'bad_request', message: fastifyError.message ?? 'bad request', details: null };
  }
  return { status: 500, code: 'internal_error', message: hidden, details: null };
}

/** The error body and status for `error` (also used by the GraphQL error formatter). */
export function errorResponse(error: unknown, requestId: string): { readonly status: number; readonly body: ErrorBody } {
  const mapped = mapError(error, requestId);
  return {
    status: mapped.status,
    body: { error: mapped.code, message: mapped.message, details: mapped.details, timestamp: new Date().toISOString(), request_id: requestId },
  };
}

/** The JSON schema of {@link ErrorBody}, for route responses and the OpenAPI document. */
export const errorSchema = {
  $id: 'Error',
  type: 'object',
  description: 'The error format of every 4xx/5xx answer of the REST API',
  required: ['error', 'message', 'details', 'timestamp', 'request_id'],
  properties: {
    error: { type: 'string', description: 'machine-readable code: validation_error, not_found, unauthorized, forbidden, conflict, rate_limited, ...' },
    message: { type: 'string' },
    details: { type: ['object', 'null'], additionalProperties: true },
    timestamp: { type: 'string', format: 'date-time' },
    request_id: { type: 'string' },
  },
} as const;

/** Sends the error body; logs server-side failures with the whole error, client errors at debug. */
export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body } = errorResponse(error, request.id);
  if (status >= 500) request.log.error({ err: error, status }, 'request failed');
  else request.log.debug({ status, code: body.error, message: body.message }, 'request refused');
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="netbox-gitops"');
  if (typeof (error as { headers?: unknown }).headers === 'object' && status === 429) {
    for (const [name, value] of Object.entries((error as { headers: Record<string, string | number> }).headers)) reply.header(name, value);
  }
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/** Answers a request no route matched, when it can (the dashboard's client-side routes); false leaves it to the JSON 404. */
export type NotFoundFallback = (request: FastifyRequest, reply: FastifyReply) => Promise<boolean>;

/** Installs the one error handler and the not-found handler of the app; `fallback()` returns the current fallback, if any. */
export function installErrorHandlers(app: FastifyInstance, fallback: () => NotFoundFallback | undefined = () => undefined): void {
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler(async (request, reply) => {
    const answer = fallback();
    if (answer && (await answer(request, reply))) return reply;
    return sendError(new NotFoundError(`There is no route ${request.method} ${request.url.split('?')[0]}; see /api/docs.`), request, reply);
  });
}
