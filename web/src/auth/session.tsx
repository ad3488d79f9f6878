// The signed-in session: an API token kept in sessionStorage (gone when the tab closes, never in
// a URL), checked against GET /api/v1/me, which also says what the token's role may do.
import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { ApiError, api, setApiToken, setUnauthorizedHandler } from '../api/client.ts';
import { closeLive } from '../api/live.ts';
import type { Principal } from '../api/types.ts';

const STORAGE_KEY = 'netbox-gitops.token';

/** Why the sign-in page shows: no token yet, or the API refused the one we had. */
export type SignedOutReason = 'none' | 'rejected' | 'signed-out';

export type SessionState =
  | { readonly status: 'checking' }
  | { readonly status: 'signed-out'; readonly reason: SignedOutReason; readonly error?: ApiError }
  | { readonly status: 'signed-in'; readonly principal: Principal; readonly token: string | null };

interface SessionContextValue {
  readonly state: SessionState;
  /** Checks the token with /me and keeps it. @throws ApiError when the API refuses it. */
  signIn(token: string): Promise<void>;
  signOut(): void;
}

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

function readToken(): string | null {
  try {
    return window.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export interface SessionProviderProps {
  readonly children: ReactNode;
  /**
   * Called with the token kept from an earlier sign-in while /me checks it, so the landing page's
   * data can load beside the check instead of after it (first load is one round trip shorter).
   */
  readonly onStoredToken?: (token: string) => void;
}

export function SessionProvider({ children, onStoredToken }: SessionProviderProps): ReactNode {
  const queryClient = useQueryClient();
  const [state, setState] = useState<SessionState>({ status: 'checking' });
  // Read by the first visit's check only, so a new callback identity does not check again.
  const firstToken = useRef(onStoredToken);

  const end = useCallback(
    (reason: SignedOutReason, error?: ApiError) => {
      window.sessionStorage.removeItem(STORAGE_KEY);
      setApiToken(null);
      closeLive();
      queryClient.clear();
      setState({ status: 'signed-out', reason, ...(error ? { error } : {}) });
    },
    [queryClient],
  );

  // First visit in this tab: the stored token, or none (an API with AUTH_DISABLED answers /me without one).
  useEffect(() => {
    const stored = readToken();
    let cancelled = false;
    const check = api<Principal>('/api/v1/me', { token: stored });
    // After /me is sent: the API answers in arrival order under load, and the page waits for /me.
    if (stored) firstToken.current?.(stored);
    check
      .then((principal) => {
        if (cancelled) return;
        setApiToken(stored);
        setState({ status: 'signed-in', principal, token: stored });
      })
      .catch((error: unknown) => {
        if (cancelled) return;
        const apiError = error instanceof ApiError ? error : undefined;
        if (stored && apiError?.status === 401) end('rejected', apiError);
        else if (apiError && apiError.status !== 401) setState({ status: 'signed-out', reason: 'none', error: apiError });
        else setState({ status: 'signed-out', reason: 'none' });
      });
    return () => {
      cancelled = true;
    };
  }, [end]);

  // Any 401 later (token revoked or expired meanwhile) ends the session with a clear message.
  useEffect(() => {
    setUnauthorizedHandler((error) => end('rejected', error));
    return () => setUnauthorizedHandler(undefined);
  }, [end]);

  const signIn = useCallback(async (token: string) => {
    const trimmed = token.trim();
    const principal = await api<Principal>('/api/v1/me', { token: trimmed });
    window.sessionStorage.setItem(STORAGE_KEY, trimmed);
    setApiToken(trimmed);
    setState({ status: 'signed-in', principal, token: trimmed });
  }, []);

  const signOut = useCallback(() => end('signed-out'), [end]);
  const value = useMemo(() => ({ state, signIn, signOut }), [state, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession needs a SessionProvider');
  return value;
}

/** The signed-in principal and token (only under the signed-in part of the app). */
export function usePrincipal(): { principal: Principal; token: string | null } {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('usePrincipal outside a signed-in session');
  return { principal: state.principal, token: state.token };
}
