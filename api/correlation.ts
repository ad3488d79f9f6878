import type { IncomingMessage } from 'node:http';
import { newCorrelationId } from '../controller/logging/index.ts';

/** The header a client may send and every response carries. */
export const CORRELATION_HEADER = 'x-correlation-id';
const VALID = /^[A-Za-z0-9._-]{1,128}$/;

/** Whether a client-supplied correlation id is acceptable: 1-128 characters of [A-Za-z0-9._-]. */
export function isValidCorrelationId(value: string): boolean {
  return VALID.test(value);
}

/**
 * The request's correlation id: the client's X-Correlation-ID when it is valid, a new UUID
 * otherwise (an invalid one is not echoed: it could carry log-injection text). Used as
 * fastify's request id, so it is also the error body's request_id.
 */
export function correlationIdOf(req: IncomingMessage): string {
  const header = req.headers[CORRELATION_HEADER];
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && isValidCorrelationId(value) ? value : newCorrelationId();
}
