// Helpers for the component tests: a stand-in for the API's HTTP answers (the components'
// own fetch calls reach it unchanged) and a WebSocket that never connects.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { configure } from '@testing-library/react';
import type { ReactNode } from 'react';
import { vi } from 'vitest';

// Pages load lazily; on a busy CI machine the first render of a page can take seconds.
configure({ asyncUtilTimeout: 10_000 });

export interface FakeRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Headers;
  readonly body: unknown;
}

export type FakeRoute = (request: FakeRequest) => { status?: number; body: unknown; headers?: Record<string, string> } | undefined;

/** Answers fetch from `routes` (by "METHOD /path"); unknown routes get the API's 404 body. Returns the requests seen. */
export function fakeApi(routes: Record<string, FakeRoute>): FakeRequest[] {
  const seen: FakeRequest[] = [];
  vi.stubGlobal('fetch', async (input: string, init: RequestInit = {}) => {
    const url = new URL(input, 'http://dashboard.test');
    const request: FakeRequest = {
      method: init.method ?? 'GET',
      url,
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    seen.push(request);
    const route = routes[`${request.method} ${url.pathname}`];
    const answer = route?.(request) ?? {
      status: 404,
      body: {
        error: 'not_found',
        message: `There is no route ${request.method} ${url.pathname}`,
        details: null,
        timestamp: new Date().toISOString(),
        request_id: 'req-404',
      },
    };
    const status = answer.status ?? 200;
    return new Response(JSON.stringify(answer.body), {
      status,
      headers: { 'content-type': 'application/json', 'x-correlation-id': `corr-${seen.length}`, ...answer.headers },
    });
  });
  return seen;
}

/** The API's error body. */
export function errorBody(error: string, message: string, requestId: string, details: Record<string, unknown> | null = null): Record<string, unknown> {
  return { error, message, details, timestamp: '2026-01-01T00:00:00.000Z', request_id: requestId };
}

/** A WebSocket that stays "connecting": live updates are out of scope in component tests. */
export class SilentWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readonly readyState = 0;
  readonly protocol = '';
  onopen: unknown = null;
  onclose: unknown = null;
  onerror: unknown = null;
  onmessage: unknown = null;
  close(): void {}
  send(): void {}
  addEventListener(): void {}
  removeEventListener(): void {}
}

export function principal(role: 'viewer' | 'operator' | 'admin', name = `${role}-token`): Record<string, unknown> {
  return { name, role, authDisabled: false, permissions: { read: true, operate: role !== 'viewer', admin: role === 'admin' } };
}

export function withQueryClient(children: ReactNode): ReactNode {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
