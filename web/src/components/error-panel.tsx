import type { ReactNode } from 'react';
import { ApiError } from '../api/client.ts';

function titleOf(error: ApiError): string {
  if (error.status === 0) return 'The API cannot be reached';
  if (error.status === 401) return 'Not signed in';
  if (error.status === 403) return 'Not allowed';
  if (error.status === 404) return 'Not found';
  if (error.status === 409) return 'Conflict';
  if (error.status === 422) return 'Invalid input';
  if (error.status === 429) return 'Too many requests';
  if (error.status >= 500) return 'The API failed';
  return 'Request failed';
}

/**
 * An error from the API, never a blank page: what went wrong in the API's words, and the
 * correlation id to find the request in the logs (and processes, audit rows).
 */
export function ErrorPanel({ error, title }: { readonly error: unknown; readonly title?: string }): ReactNode {
  const apiError = error instanceof ApiError ? error : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="error-panel" role="alert">
      <strong>{title ?? (apiError ? titleOf(apiError) : 'Something went wrong')}</strong>
      <p>{message}</p>
      {apiError ? (
        <p className="muted small">
          {apiError.status > 0 ? `HTTP ${apiError.status} · ${apiError.code}` : apiError.code}
          {apiError.correlationId ? (
            <>
              {' · correlation id '}
              <code data-testid="correlation-id">{apiError.correlationId}</code>
            </>
          ) : null}
        </p>
      ) : null}
    </div>
  );
}
