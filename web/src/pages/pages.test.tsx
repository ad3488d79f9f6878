// @vitest-environment happy-dom
// The app as a user meets it: sign-in (wrong, expired, valid token), and a workflow form
// generated from its JSON Schema with the vendor pickers and the live device-type preview.
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App, createQueryClient } from '../app.tsx';
import { errorBody, fakeApi, principal, SilentWebSocket } from '../test-support.tsx';
import type { FakeRoute } from '../test-support.tsx';

const NOW = new Date().toISOString();

const INTENT = {
  kind: 'DeviceTypeSet',
  name: 'datacenter-switches',
  source: 'folder:intents',
  revision: 'abc123',
  mode: 'observe',
  status: 'active',
  statusMessage: null,
  drift: { update: 2, unmanaged: 1 },
  driftTotal: 3,
  lastReconcileAt: NOW,
  lastProcess: { id: '11111111-1111-4111-8111-111111111111', status: 'completed', completedAt: NOW },
  ready: { status: 'True', reason: 'ReconcileSucceeded', message: 'the last reconcile succeeded; 3 objects differ' },
  interval: '1h',
  schedule: null,
  suspendedBy: null,
  suspendedAt: null,
  nextCheckAt: null,
  createdAt: NOW,
  updatedAt: NOW,
};

const WORKFLOWS = [
  {
    name: 'task_import_vendors',
    target: 'CREATE',
    description: 'Import vendors',
    steps: ['resolve'],
    formSchema: {
      type: 'object',
      title: 'Import Vendors to NetBox',
      properties: {
        selected_vendors: { default: ['all'], description: 'Select vendors to import', minItems: 1, type: 'array', items: { type: 'string', minLength: 1 } },
      },
    },
  },
  {
    name: 'task_import_device_types',
    target: 'CREATE',
    description: 'Import device types',
    steps: ['resolve'],
    formSchema: {
      type: 'object',
      title: 'Import Device Types to NetBox',
      properties: {
        selected_vendor: { type: 'string', minLength: 1, description: 'Select vendor' },
        device_type_filter: { description: 'Filter device types (regex pattern)', type: ['string', 'null'] },
      },
      required: ['selected_vendor'],
    },
  },
];

const VENDORS = {
  revision: 'lib-1',
  items: [
    { name: 'Arista', slug: 'arista', deviceTypes: 120, moduleTypes: 4 },
    { name: 'Cisco', slug: 'cisco', deviceTypes: 900, moduleTypes: 300 },
    { name: 'Juniper', slug: 'juniper', deviceTypes: 200, moduleTypes: 20 },
  ],
};

const MODELS = ['DCS-7050SX3-48YC8', 'DCS-7050TX-64', 'DCS-7280SR-48C6'];

function signedIn(token: string, role: 'viewer' | 'operator'): FakeRoute {
  return (r) =>
    r.headers.get('authorization') === `Bearer ${token}`
      ? { body: principal(role, `${role}-alice`) }
      : { status: 401, body: errorBody('unauthorized', 'The API token is unknown or revoked; ask an admin for a valid one.', 'req-wrong-token') };
}

function routes(role: 'viewer' | 'operator' = 'operator'): Record<string, FakeRoute> {
  return {
    'GET /api/v1/me': signedIn('good-token', role),
    'GET /api/v1/intents': () => ({ body: { items: [INTENT] } }),
    'GET /api/v1/drift/history': () => ({ body: { from: NOW, to: NOW, points: [] } }),
    'GET /api/v1/processes/outcomes': () => ({ body: { from: NOW, to: NOW, buckets: [] } }),
    'GET /api/v1/workflows': () => ({ body: { items: WORKFLOWS } }),
    'GET /api/v1/library/vendors': () => ({ body: VENDORS }),
    'GET /api/v1/library/device-types': (r) => {
      const filter = r.url.searchParams.get('filter') ?? '';
      if (filter === '(')
        return {
          status: 422,
          body: errorBody('validation_error', 'invalid import form', 'req-422', {
            issues: [{ path: 'device_type_filter', message: 'invalid regular expression "(": missing )' }],
          }),
        };
      const items = MODELS.filter((m) => new RegExp(filter).test(m)).map((m) => ({ model: m, slug: m.toLowerCase(), partNumber: null }));
      return {
        body: {
          revision: 'lib-1',
          vendor: { name: 'Arista', slug: 'arista' },
          filter: filter || null,
          count: items.length,
          moduleTypes: 0,
          items,
          truncated: false,
        },
      };
    },
  };
}

beforeEach(() => {
  vi.stubGlobal('WebSocket', SilentWebSocket);
  window.sessionStorage.clear();
  window.history.replaceState(null, '', '/');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('sign-in', () => {
  it('refuses a wrong token with the API’s message and correlation id, then signs in with a good one and keeps it in session storage only', async () => {
    const seen = fakeApi(routes());
    render(<App queryClient={createQueryClient()} />);
    const input = await screen.findByLabelText('API token');
    await userEvent.type(input, 'wrong-token');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const error = await screen.findByTestId('sign-in-error');
    expect(error.textContent).toContain('Wrong or expired token');
    expect(error.textContent).toContain('The API token is unknown or revoked');
    expect(error.textContent).toContain('req-wrong-token');
    expect(window.sessionStorage.getItem('netbox-gitops.token')).toBeNull();

    await userEvent.clear(input);
    await userEvent.type(input, 'good-token');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByTestId('principal')).textContent).toContain('operator-alice');
    expect(await screen.findByRole('link', { name: 'datacenter-switches' })).toBeTruthy();
    expect(window.sessionStorage.getItem('netbox-gitops.token')).toBe('good-token');
    expect(window.location.href).not.toContain('good-token');
    // Every API call after sign-in carries the token as a header, none in a URL.
    const after = seen.filter((r) => r.url.pathname !== '/api/v1/me');
    expect(after.length).toBeGreaterThan(0);
    for (const r of after) {
      expect(r.headers.get('authorization')).toBe('Bearer good-token');
      expect(r.url.search).not.toContain('good-token');
    }
  });

  it('shows the expired-token page when the stored token is refused', async () => {
    window.sessionStorage.setItem('netbox-gitops.token', 'revoked-token');
    fakeApi(routes());
    render(<App queryClient={createQueryClient()} />);
    const notice = await screen.findByTestId('token-rejected');
    expect(notice.textContent).toContain('Your token is no longer accepted');
    expect(notice.textContent).toContain('req-wrong-token');
    expect(window.sessionStorage.getItem('netbox-gitops.token')).toBeNull();
  });
});

describe('overview first load', () => {
  it('with a kept token, asks for the overview’s data beside the /me check instead of after it', async () => {
    window.sessionStorage.setItem('netbox-gitops.token', 'good-token');
    const seen = fakeApi(routes());
    render(<App queryClient={createQueryClient()} />);
    expect(await screen.findByRole('link', { name: 'datacenter-switches' })).toBeTruthy();
    const paths = seen.map((r) => r.url.pathname);
    // /me first, then the three overview calls at once, not after /me's answer and the page's render; each once.
    expect(paths.slice(0, 4)).toEqual(['/api/v1/me', '/api/v1/intents', '/api/v1/drift/history', '/api/v1/processes/outcomes']);
    expect(paths.filter((p) => p === '/api/v1/intents')).toHaveLength(1);
    expect(paths.filter((p) => p === '/api/v1/drift/history')).toHaveLength(1);
    for (const r of seen) expect(r.headers.get('authorization')).toBe('Bearer good-token');
  });

  it('an intent page asks for the intent and its drift beside the /me check', async () => {
    window.sessionStorage.setItem('netbox-gitops.token', 'good-token');
    window.history.replaceState(null, '', '/intents/DeviceTypeSet/datacenter-switches');
    const base = '/api/v1/intents/DeviceTypeSet/datacenter-switches';
    const seen = fakeApi({
      ...routes(),
      [`GET ${base}`]: () => ({ body: { ...INTENT, spec: {}, revisions: [], driftRows: [], driftTruncated: false, recentProcesses: [] } }),
      [`GET ${base}/drift`]: () => ({
        body: {
          items: [
            {
              objectKind: 'device-type',
              identity: 'arista/dcs-7050',
              action: 'update',
              diff: { u_height: { before: 1, after: 2 } },
              reason: null,
              firstSeen: NOW,
              lastSeen: NOW,
            },
          ],
          total: 1,
          nextCursor: null,
        },
      }),
    });
    // /me answers only when let go: the page's own requests must not wait for it.
    let letGo: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (letGo = resolve));
    const answer = globalThis.fetch;
    vi.stubGlobal('fetch', async (input: string, init?: RequestInit) => {
      if (input.endsWith('/api/v1/me')) await gate;
      return answer(input, init);
    });
    render(<App queryClient={createQueryClient()} />);
    await waitFor(() => expect(seen.map((r) => r.url.pathname)).toEqual([base, `${base}/drift`]));
    letGo();
    await screen.findByText('1 of 1 operations');
    const paths = seen.map((r) => r.url.pathname);
    expect(paths.slice(0, 3)).toEqual([base, `${base}/drift`, '/api/v1/me']);
    expect(paths.filter((p) => p === `${base}/drift`)).toHaveLength(1);
    expect(paths.filter((p) => p === base)).toHaveLength(1);
  });

  it('without a kept token or away from the overview, nothing is asked before signing in', async () => {
    window.history.replaceState(null, '', '/processes');
    window.sessionStorage.setItem('netbox-gitops.token', 'good-token');
    const elsewhere = fakeApi({ ...routes(), 'GET /api/v1/processes': () => ({ body: { items: [], nextCursor: null } }) });
    render(<App queryClient={createQueryClient()} />);
    await screen.findByTestId('principal');
    expect(elsewhere[0]?.url.pathname).toBe('/api/v1/me');
    expect(elsewhere.some((r) => r.url.pathname === '/api/v1/intents')).toBe(false);
    cleanup();

    window.sessionStorage.clear();
    window.history.replaceState(null, '', '/');
    const none = fakeApi(routes());
    render(<App queryClient={createQueryClient()} />);
    await screen.findByLabelText('API token');
    expect(none.map((r) => r.url.pathname)).toEqual(['/api/v1/me']);
  });
});

describe('workflow forms generated from JSON Schema', () => {
  it('vendor multi-select: "all" by default, or chosen vendors', async () => {
    window.sessionStorage.setItem('netbox-gitops.token', 'good-token');
    window.history.replaceState(null, '', '/workflows/task_import_vendors');
    const seen = fakeApi({
      ...routes(),
      'POST /api/v1/workflows/task_import_vendors': () => ({ status: 201, body: { id: '22222222-2222-4222-8222-222222222222' } }),
    });
    render(<App queryClient={createQueryClient()} />);
    const all = (await screen.findByRole('checkbox', { name: /All vendors/ })) as HTMLInputElement;
    expect(all.checked).toBe(true);
    expect(screen.queryByRole('group', { name: 'Vendors' })).toBeNull();
    await userEvent.click(all);
    const list = await screen.findByRole('group', { name: 'Vendors' });
    await userEvent.click(within(list).getByRole('checkbox', { name: /Juniper/ }));
    await userEvent.click(within(list).getByRole('checkbox', { name: /Arista/ }));
    expect(screen.getByText(/2 selected · 320 device types/)).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Start' }));
    await waitFor(() => expect(seen.some((r) => r.method === 'POST')).toBe(true));
    expect(seen.find((r) => r.method === 'POST')?.body).toEqual({ selected_vendors: ['Juniper', 'Arista'] });
  });

  it('vendor + regex with a live preview of the matching device types, and the server’s message for a bad regex', async () => {
    window.sessionStorage.setItem('netbox-gitops.token', 'good-token');
    window.history.replaceState(null, '', '/workflows/task_import_device_types');
    fakeApi(routes());
    render(<App queryClient={createQueryClient()} />);
    const vendor = await screen.findByLabelText(/Select vendor/);
    await waitFor(() => expect(within(vendor).getAllByRole('option').length).toBe(4));
    await userEvent.selectOptions(vendor, 'Arista');
    await waitFor(() => expect(screen.getByTestId('preview-count').textContent).toBe('3'));
    const filter = screen.getByLabelText(/Filter device types/);
    await userEvent.type(filter, '^DCS-7050');
    await waitFor(() => expect(screen.getByTestId('preview-count').textContent).toBe('2'));
    expect(
      within(screen.getByRole('list', { name: 'Matching device types' }))
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['DCS-7050SX3-48YC8', 'DCS-7050TX-64']);
    await userEvent.clear(filter);
    await userEvent.type(filter, '((');
    await userEvent.type(filter, '{backspace}');
    await waitFor(() => expect(screen.getByTestId('device-type-preview').textContent).toContain('invalid regular expression "(": missing )'));
  });

  it('a viewer sees the Start button disabled, with the reason', async () => {
    window.sessionStorage.setItem('netbox-gitops.token', 'good-token');
    window.history.replaceState(null, '', '/workflows/task_import_vendors');
    fakeApi(routes('viewer'));
    render(<App queryClient={createQueryClient()} />);
    const start = (await screen.findByRole('button', { name: 'Start' })) as HTMLButtonElement;
    expect(start.disabled).toBe(true);
    expect(screen.getByText('Needs the operator role; your token "viewer-alice" is a viewer.')).toBeTruthy();
  });
});
