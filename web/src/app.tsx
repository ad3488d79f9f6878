import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import type { ReactNode } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { ApiError } from './api/client.ts';
import { intentQueries } from './api/hooks.ts';
import { SessionProvider, useSession } from './auth/session.tsx';
import { Layout } from './components/layout.tsx';
import OverviewPage, { prefetchOverview } from './pages/overview.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { ThemeProvider } from './theme.tsx';

// The overview is the landing page: it comes with the entry script (its charts load lazily), so its
// table needs no second script round trip and no Suspense reveal (React holds a revealed
// boundary back up to 300 ms). The other pages load on first visit.
const IntentPage = lazy(() => import('./pages/intent.tsx'));
const ProcessesPage = lazy(() => import('./pages/processes.tsx'));
const ProcessPage = lazy(() => import('./pages/process.tsx'));
const WorkflowsPage = lazy(() => import('./pages/workflows.tsx'));
const WorkflowStartPage = lazy(() => import('./pages/workflow-start.tsx'));
const AuditPage = lazy(() => import('./pages/audit.tsx'));
const NotFoundPage = lazy(() => import('./pages/not-found.tsx'));

function page(element: ReactNode): ReactNode {
  return <Suspense fallback={<p className="loading">Loading…</p>}>{element}</Suspense>;
}

/**
 * With a token kept from an earlier visit, the page asked for starts its data beside the /me
 * check: the overview's three calls, or an intent's detail and drift (25,000 rows take a few
 * requests; they overlap the page's script and the check instead of following them).
 */
function prefetchLanding(client: QueryClient, token: string): void {
  const path = window.location.pathname;
  if (path === '/') return prefetchOverview(client, token);
  const intent = /^\/intents\/([^/]+)\/([^/]+)$/.exec(path);
  if (intent) {
    const [kind, name] = [decodeURIComponent(intent[1] ?? ''), decodeURIComponent(intent[2] ?? '')];
    void client.prefetchQuery(intentQueries.intent(kind, name, token));
    void client.prefetchQuery(intentQueries.drift(kind, name, token));
  }
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        // A 4xx will not change by asking again; network trouble and 5xx may.
        retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      },
    },
  });
}

const ROUTES = [
  {
    element: <Layout />,
    children: [
      { index: true, element: <OverviewPage /> },
      { path: 'intents/:kind/:name', element: page(<IntentPage />) },
      { path: 'processes', element: page(<ProcessesPage />) },
      { path: 'processes/:id', element: page(<ProcessPage />) },
      { path: 'workflows', element: page(<WorkflowsPage />) },
      { path: 'workflows/:name', element: page(<WorkflowStartPage />) },
      { path: 'audit', element: page(<AuditPage />) },
      { path: '*', element: page(<NotFoundPage />) },
    ],
  },
];

/** The router starts at the URL of the moment the user is signed in (the sign-in page keeps the URL asked for). */
function Routed(): ReactNode {
  const [router] = useState(() => createBrowserRouter(ROUTES));
  return <RouterProvider router={router} />;
}

/** Signed in: the app; otherwise the sign-in page at whatever URL was asked for (it stays, so signing in lands there). */
function Gate(): ReactNode {
  const { state } = useSession();
  if (state.status === 'checking') return <p className="loading">Checking the session…</p>;
  if (state.status === 'signed-out') return <SignInPage />;
  return <Routed />;
}

export function App({ queryClient }: { readonly queryClient: QueryClient }): ReactNode {
  return (
    <ThemeProvider>
      <QueryClientProvider client={queryClient}>
        <SessionProvider onStoredToken={(token) => prefetchLanding(queryClient, token)}>
          <Gate />
        </SessionProvider>
      </QueryClientProvider>
    </ThemeProvider>
  );
}
