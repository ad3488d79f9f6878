import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { ApiError } from '../api/client.ts';
import { useSession } from '../auth/session.tsx';
import { ErrorPanel } from '../components/error-panel.tsx';
import { useTheme } from '../theme.tsx';

/**
 * Sign-in with an API token. Shown at the URL the user asked for; also the "wrong or expired
 * token" page when the API refused the session's token.
 */
export function SignInPage(): ReactNode {
  const { state, signIn } = useSession();
  const { theme, toggle } = useTheme();
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const rejected = state.status === 'signed-out' && state.reason === 'rejected';
  const startupError = state.status === 'signed-out' && state.reason === 'none' ? state.error : undefined;

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(token);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const refused = error instanceof ApiError && error.status === 401;
  return (
    <main id="main" className="sign-in">
      <div className="sign-in-card">
        <h1>netbox-gitops</h1>
        {rejected ? (
          <div className="notice warning" role="alert" data-testid="token-rejected">
            <strong>Your token is no longer accepted.</strong>
            <p>The API refused it: it is wrong, was revoked or has expired. Sign in again with a valid token.</p>
            {state.error?.correlationId ? (
              <p className="muted small">
                correlation id <code>{state.error.correlationId}</code>
              </p>
            ) : null}
          </div>
        ) : null}
        {startupError ? <ErrorPanel error={startupError} /> : null}
        <form onSubmit={(e) => void submit(e)}>
          <label htmlFor="token">API token</label>
          <input
            id="token"
            name="token"
            type="password"
            autoComplete="off"
            spellCheck={false}
            required
            value={token}
            onChange={(e) => setToken(e.target.value)}
            aria-invalid={refused}
            aria-describedby="token-help"
          />
          <p id="token-help" className="muted small">
            An admin creates one with <code>netbox-gitops token create --name NAME --role viewer|operator|admin</code>. It is kept in this browser tab only
            (session storage) and sent as a header, never in a URL.
          </p>
          <button type="submit" className="primary" disabled={busy || token.trim() === ''}>
            {busy ? 'Checking…' : 'Sign in'}
          </button>
        </form>
        {refused ? (
          <div className="error-panel" role="alert" data-testid="sign-in-error">
            <strong>Wrong or expired token</strong>
            <p>{error.message}</p>
            {error.correlationId ? (
              <p className="muted small">
                correlation id <code>{error.correlationId}</code>
              </p>
            ) : null}
          </div>
        ) : error !== undefined ? (
          <ErrorPanel error={error} />
        ) : null}
        <button type="button" className="ghost theme-toggle" onClick={toggle} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
          {theme === 'dark' ? '☀ Light' : '☾ Dark'}
        </button>
      </div>
    </main>
  );
}
