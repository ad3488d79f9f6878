import type { ReactNode } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { useLiveInvalidation } from '../api/hooks.ts';
import { useLiveState } from '../api/live.ts';
import { usePrincipal, useSession } from '../auth/session.tsx';
import { useTheme } from '../theme.tsx';
import { ErrorBoundary } from './error-boundary.tsx';

const NAV = [
  { to: '/', label: 'Overview', end: true },
  { to: '/processes', label: 'Processes', end: false },
  { to: '/workflows', label: 'Workflows', end: false },
  { to: '/audit', label: 'Audit log', end: false },
];

function LiveIndicator(): ReactNode {
  const state = useLiveState();
  const text = state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Offline';
  return (
    <span
      className={`live live-${state}`}
      role="status"
      title={state === 'live' ? 'Live updates over GraphQL subscriptions' : 'Live updates paused; views refresh when reconnected'}
    >
      <span aria-hidden="true" className="dot" />
      {text}
    </span>
  );
}

/** The frame of every signed-in page: navigation, live status, who is signed in, theme, sign out. */
export function Layout(): ReactNode {
  const { principal, token } = usePrincipal();
  const { signOut } = useSession();
  const { theme, toggle } = useTheme();
  const location = useLocation();
  useLiveInvalidation(token);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <div className="brand">
          <img src="/favicon.svg" alt="" width="24" height="24" />
          <span>netbox-gitops</span>
        </div>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.end}>
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="header-tools">
          <LiveIndicator />
          <span className="who" data-testid="principal">
            {principal.name} <span className="badge role">{principal.role}</span>
          </span>
          <button type="button" className="ghost" onClick={toggle} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
            {theme === 'dark' ? '☀ Light' : '☾ Dark'}
          </button>
          {principal.authDisabled ? null : (
            <button type="button" className="ghost" onClick={signOut}>
              Sign out
            </button>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <ErrorBoundary resetKey={location.pathname}>
          <Outlet />
        </ErrorBoundary>
      </main>
    </>
  );
}
