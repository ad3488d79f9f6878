// @vitest-environment happy-dom
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client.ts';
import type { DriftRow } from '../api/types.ts';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { SessionProvider, useSession } from '../auth/session.tsx';
import { DriftList } from '../drift/drift-list.tsx';
import { buildList, indexRows, NO_FILTER } from '../drift/group.ts';
import { errorBody, fakeApi, principal, SilentWebSocket, withQueryClient } from '../test-support.tsx';
import { ThemeProvider, useTheme } from '../theme.tsx';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { ErrorPanel } from './error-panel.tsx';
import { OperatorButton } from './operator-button.tsx';

beforeEach(() => {
  vi.stubGlobal('WebSocket', SilentWebSocket);
  window.sessionStorage.clear();
  window.localStorage.clear();
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('ErrorPanel', () => {
  it("shows the API's message, status, code and correlation id", () => {
    render(<ErrorPanel error={new ApiError('There is no process with id 42.', 404, 'not_found', 'trace-abc')} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Not found');
    expect(alert.textContent).toContain('There is no process with id 42.');
    expect(alert.textContent).toContain('HTTP 404 · not_found');
    expect(screen.getByTestId('correlation-id').textContent).toBe('trace-abc');
  });

  it('says when the API cannot be reached', () => {
    render(<ErrorPanel error={new ApiError('Cannot reach the API (Failed to fetch).', 0, 'network_error', null)} />);
    expect(screen.getByRole('alert').textContent).toContain('The API cannot be reached');
  });
});

describe('role-aware controls', () => {
  async function renderButton(role: 'viewer' | 'operator'): Promise<HTMLButtonElement> {
    window.sessionStorage.setItem('netbox-gitops.token', 'tok');
    fakeApi({
      'GET /api/v1/me': (r) =>
        r.headers.get('authorization') === 'Bearer tok' ? { body: principal(role, 'alice') } : { status: 401, body: errorBody('unauthorized', 'no', 'r1') },
    });
    render(
      withQueryClient(
        <SessionProvider>
          <SessionGate>
            <OperatorButton onClick={() => undefined}>Cancel</OperatorButton>
          </SessionGate>
        </SessionProvider>,
      ),
    );
    return (await screen.findByRole('button', { name: 'Cancel' })) as HTMLButtonElement;
  }

  it('disables operator actions for a viewer and says why', async () => {
    const button = await renderButton('viewer');
    expect(button.disabled).toBe(true);
    const reason = document.getElementById(button.getAttribute('aria-describedby') ?? '');
    expect(reason?.textContent).toBe('Needs the operator role; your token "alice" is a viewer.');
  });

  it('enables them for an operator', async () => {
    const button = await renderButton('operator');
    expect(button.disabled).toBe(false);
    expect(button.getAttribute('aria-describedby')).toBeNull();
  });
});

function SessionGate({ children }: { readonly children: ReactNode }): ReactNode {
  const { state } = useSession();
  return state.status === 'signed-in' ? children : <p>{state.status}</p>;
}

describe('themes', () => {
  function Toggle(): ReactNode {
    const { theme, toggle } = useTheme();
    return (
      <button type="button" onClick={toggle}>
        theme {theme}
      </button>
    );
  }

  it('switches between light and dark, sets data-theme and remembers the choice', async () => {
    render(
      <ThemeProvider>
        <Toggle />
      </ThemeProvider>,
    );
    const first = document.documentElement.dataset.theme;
    expect(first === 'light' || first === 'dark').toBe(true);
    await userEvent.click(screen.getByRole('button'));
    const second = first === 'light' ? 'dark' : 'light';
    expect(document.documentElement.dataset.theme).toBe(second);
    expect(window.localStorage.getItem('netbox-gitops.theme')).toBe(second);
  });
});

describe('DriftList', () => {
  const rows: DriftRow[] = [
    {
      objectKind: 'device-type',
      identity: 'arista/DCS-7050',
      action: 'update',
      diff: { part_number: { before: 'EDITED-BY-HAND', after: 'DCS-7050' } },
      reason: null,
      firstSeen: '',
      lastSeen: '',
    },
    {
      objectKind: 'manufacturer',
      identity: 'juniper',
      action: 'unmanaged',
      diff: {},
      reason: 'not tagged netbox-gitops; adopt: true manages it',
      firstSeen: '',
      lastSeen: '',
    },
  ];

  beforeEach(() => {
    // happy-dom lays nothing out; the virtualiser needs a viewport size to render rows into.
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(800);
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1000);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('shows each field as before → after, the reason of unmanaged objects, and collapses a vendor', async () => {
    const indexed = indexRows(rows);
    let collapsed = new Set<string>();
    const view = (): ReactNode => <DriftList items={buildList(indexed, NO_FILTER, collapsed).items} onToggle={toggle} />;
    const toggle = (key: string): void => {
      collapsed = new Set(collapsed.has(key) ? [] : [key]);
      rerender(view());
    };
    const { rerender } = render(view());
    const list = screen.getByTestId('drift-list');
    expect(list.textContent).toContain('part_number: "EDITED-BY-HAND" → "DCS-7050"');
    expect(list.textContent).toContain('not tagged netbox-gitops; adopt: true manages it');
    const arista = screen.getByRole('button', { name: /arista/ });
    expect(arista.getAttribute('aria-expanded')).toBe('true');
    await userEvent.click(arista);
    await waitFor(() => expect(screen.getByTestId('drift-list').textContent).not.toContain('part_number'));
    expect(screen.getByRole('button', { name: /arista/ }).getAttribute('aria-expanded')).toBe('false');
  });
});

describe('ConfirmDialog', () => {
  function Harness({ onConfirm }: { readonly onConfirm: (reason: string) => void }): ReactNode {
    const [open, setOpen] = useState(false);
    const [reason, setReason] = useState('');
    return (
      <>
        <button type="button" onClick={() => setOpen(true)}>
          Suspend…
        </button>
        <ConfirmDialog
          open={open}
          title="Suspend it?"
          confirmLabel="Suspend"
          onClose={() => setOpen(false)}
          onConfirm={() => (onConfirm(reason), setOpen(false))}
        >
          <label>
            Reason
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
        </ConfirmDialog>
      </>
    );
  }

  it('opens with focus on its field, closes (Escape, Back) with focus back on the opener, and confirms with the typed value', async () => {
    const confirmed: string[] = [];
    render(<Harness onConfirm={(r) => confirmed.push(r)} />);
    const opener = screen.getByRole('button', { name: 'Suspend…' });
    await userEvent.click(opener);
    const dialog = screen.getByRole('dialog', { name: 'Suspend it?' }) as HTMLDialogElement;
    expect(dialog.open).toBe(true);
    expect(document.activeElement).toBe(screen.getByLabelText('Reason'));

    // Escape: the browser closes the modal itself (happy-dom does not, so close it as the browser
    // would); the component follows with onClose and puts focus back. Chromium's Escape is in the e2e suite.
    act(() => dialog.close());
    await waitFor(() => expect(document.activeElement).toBe(opener));
    await userEvent.click(opener);
    expect(dialog.open).toBe(true);

    await userEvent.click(screen.getByRole('button', { name: 'Back' }));
    await waitFor(() => expect(dialog.open).toBe(false));
    expect(confirmed).toEqual([]);

    await userEvent.click(opener);
    await userEvent.type(screen.getByLabelText('Reason'), 'change freeze');
    await userEvent.click(screen.getByRole('button', { name: 'Suspend' }));
    await waitFor(() => expect(dialog.open).toBe(false));
    expect(confirmed).toEqual(['change freeze']);
    await waitFor(() => expect(document.activeElement).toBe(opener));
  });
});
