// The one place the dashboard talks HTTP: the token goes in the Authorization header (never in
// a URL), every error becomes an ApiError with the API's message and correlation id.
import type { ErrorBody } from './types.ts';

/** An error answer of the API (or no answer at all: status 0). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
    /** The API's code: unauthorized, forbidden, validation_error, not_found, ... (network_error without an answer). */
    readonly code: string,
    /** The request's correlation id (request_id / X-Correlation-ID), to find it in the logs. */
    readonly correlationId: string | null,
    readonly details: Record<string, unknown> | null = null,
  ) {
    super(message);
  }

  /** Field issues of a 422: path -> message. */
  fieldIssues(): Record<string, string> {
    const issues = (this.details?.issues ?? []) as { path?: string; message: string }[];
    const out: Record<string, string> = {};
    for (const issue of issues) {
      const key = (issue.path ?? '').replace(/^(body|querystring)\./, '');
      out[key] ??= issue.message;
    }
    return out;
  }
}

/** Called on every 401, so the session can end and show the sign-in page. */
let onUnauthorized: ((error: ApiError) => void) | undefined;
export function setUnauthorizedHandler(handler: ((error: ApiError) => void) | undefined): void {
  onUnauthorized = handler;
}

let token: string | null = null;
/** The token sent with every request (the session keeps it in sessionStorage). */
export function setApiToken(value: string | null): void {
  token = value;
}

export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'DELETE';
  readonly body?: unknown;
  readonly signal?: AbortSignal;
  /** Use this token instead of the session's (sign-in checks a token before keeping it). */
  readonly token?: string | null;
}

/** Query string from an object, leaving out undefined, null and empty values. */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const bearer = options.token !== undefined ? options.token : token;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(`Cannot reach the API (${(error as Error).message}). Is netbox-gitops api running?`, 0, 'network_error', null);
  }
  if (response.ok) return response;
  const correlationId = response.headers.get('x-correlation-id');
  let body: Partial<ErrorBody> | undefined;
  try {
    body = (await response.json()) as Partial<ErrorBody>;
  } catch {
    body = undefined;
  }
  const error = new ApiError(
    body?.message ?? `The API answered ${response.status} ${response.statusText}`,
    response.status,
    body?.error ?? `http_${response.status}`,
    body?.request_id ?? correlationId,
    body?.details ?? null,
  );
  if (response.status === 401 && options.token === undefined) onUnauthorized?.(error);
  throw error;
}

/** A JSON request to the API. @throws ApiError */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  return (await response.json()) as T;
}

/** A file download (CSV export): the body as a Blob and the server's file name. @throws ApiError */
export async function download(path: string, options: RequestOptions = {}): Promise<{ blob: Blob; filename: string }> {
  const response = await send(path, options);
  const disposition = response.headers.get('content-disposition') ?? '';
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'download';
  return { blob: await response.blob(), filename };
}
