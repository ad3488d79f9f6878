import type { QueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { overviewQueries, useDriftHistory, useIntents, useOutcomes } from '../api/hooks.ts';
import type { IntentSummary } from '../api/types.ts';
import { ACTION_ORDER, DriftCounts, ModeBadge, ReadyBadge, sortActions, StatusBadge } from '../components/badges.tsx';
import { ErrorPanel } from '../components/error-panel.tsx';
import { DEFAULT_WINDOW, timeWindow, TimeWindowSelect, useTimeWindow } from '../components/time-window.tsx';
import type { WindowId } from '../components/time-window.tsx';
import { formatCount, formatDateTime, formatRelative } from '../format.ts';

const DriftChart = lazy(() => import('../components/charts.tsx').then((m) => ({ default: m.DriftChart })));
const OutcomeChart = lazy(() => import('../components/charts.tsx').then((m) => ({ default: m.OutcomeChart })));

function intentPath(i: { kind: string; name: string }): string {
  return `/intents/${encodeURIComponent(i.kind)}/${encodeURIComponent(i.name)}`;
}

function Totals({ intents }: { readonly intents: readonly IntentSummary[] }): ReactNode {
  const byAction: Record<string, number> = {};
  let drift = 0;
  for (const i of intents) {
    if (i.status === 'removed') continue;
    drift += i.driftTotal;
    for (const [action, n] of Object.entries(i.drift)) byAction[action] = (byAction[action] ?? 0) + n;
  }
  const live = intents.filter((i) => i.status !== 'removed');
  const ready = live.filter((i) => i.ready.status === 'True').length;
  const failing = live.filter((i) => i.ready.status === 'False').length;
  const suspended = live.filter((i) => i.status === 'suspended').length;
  const outOfSync = live.filter((i) => i.driftTotal > 0).length;
  return (
    <section aria-label="Totals" className="cards">
      <div className="card">
        <span className="card-value" data-testid="total-intents">
          {formatCount(live.length)}
        </span>
        <span className="card-label">intents</span>
      </div>
      <div className="card">
        <span className="card-value">{formatCount(ready)}</span>
        <span className="card-label">ready</span>
      </div>
      <div className={`card ${failing > 0 ? 'card-bad' : ''}`}>
        <span className="card-value">{formatCount(failing)}</span>
        <span className="card-label">not ready</span>
      </div>
      <div className="card">
        <span className="card-value">{formatCount(suspended)}</span>
        <span className="card-label">suspended</span>
      </div>
      <div className={`card ${outOfSync > 0 ? 'card-warn' : ''}`}>
        <span className="card-value">{formatCount(outOfSync)}</span>
        <span className="card-label">out of sync</span>
      </div>
      <div className="card card-wide">
        <span className="card-value" data-testid="total-drift">
          {formatCount(drift)}
        </span>
        <span className="card-label">objects differ</span>
        <DriftCounts drift={byAction} total={drift} />
      </div>
    </section>
  );
}

function IntentTable({ intents }: { readonly intents: readonly IntentSummary[] }): ReactNode {
  const actions = sortActions([...ACTION_ORDER.filter((a) => a !== 'extra'), ...intents.flatMap((i) => Object.keys(i.drift))]);
  return (
    <div className="table-wrap">
      <table className="data" aria-label="Intents">
        <thead>
          <tr>
            <th scope="col">Intent</th>
            <th scope="col">Source</th>
            <th scope="col">Ready</th>
            <th scope="col">Mode</th>
            <th scope="col">Suspended</th>
            {actions.map((a) => (
              <th key={a} scope="col" className="num">
                {a}
              </th>
            ))}
            <th scope="col">Last reconcile</th>
            <th scope="col">Next check</th>
          </tr>
        </thead>
        <tbody>
          {intents.map((i) => (
            <tr key={`${i.kind}/${i.name}`} className={i.status === 'removed' ? 'removed' : undefined}>
              <th scope="row">
                <Link to={intentPath(i)}>{i.name}</Link>
                <span className="muted small block">{i.kind}</span>
              </th>
              <td className="truncate" title={`${i.source}${i.revision ? ` @ ${i.revision}` : ''}`}>
                {i.source}
                {i.revision ? <span className="muted small block mono">{i.revision.slice(0, 12)}</span> : null}
              </td>
              <td>
                <ReadyBadge ready={i.ready} />
              </td>
              <td>
                <ModeBadge mode={i.mode} />
              </td>
              <td>{i.status === 'suspended' ? <span className="badge status-waiting">suspended</span> : i.status === 'removed' ? 'removed' : 'no'}</td>
              {actions.map((a) => (
                <td key={a} className={`num ${(i.drift[a] ?? 0) > 0 ? `action-${a}` : 'muted'}`}>
                  {formatCount(i.drift[a] ?? 0)}
                </td>
              ))}
              <td>
                {i.lastProcess ? (
                  <>
                    <Link to={`/processes/${i.lastProcess.id}`}>
                      <StatusBadge status={i.lastProcess.status} />
                    </Link>{' '}
                    <span title={formatDateTime(i.lastReconcileAt)}>{formatRelative(i.lastReconcileAt)}</span>
                  </>
                ) : (
                  <span className="muted">never</span>
                )}
              </td>
              <td
                title={i.nextCheckAt ? formatDateTime(i.nextCheckAt) : i.schedule ? `cron ${i.schedule} (UTC)` : i.interval ? `every ${i.interval}` : undefined}
              >
                {i.nextCheckAt ? (
                  formatRelative(i.nextCheckAt)
                ) : (
                  <span className="muted">{i.status === 'active' ? (i.schedule ? `cron ${i.schedule}` : `every ${i.interval ?? '1h'}`) : '—'}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Starts the overview's three API calls with a token not yet checked (beside the session's /me),
 * so the table does not wait for the check, the page's render and then its own requests in turn.
 * A refused token leaves failed entries that the page, once signed in, fetches again.
 */
export function prefetchOverview(client: QueryClient, token: string): void {
  const window = timeWindow(DEFAULT_WINDOW);
  void client.prefetchQuery(overviewQueries.intents(token));
  void client.prefetchQuery(overviewQueries.driftHistory(window, token));
  void client.prefetchQuery(overviewQueries.outcomes(window, token));
}

export default function OverviewPage(): ReactNode {
  const intents = useIntents();
  const [windowId, setWindowId] = useState<WindowId>(DEFAULT_WINDOW);
  const window = useTimeWindow(windowId);
  const history = useDriftHistory(window);
  const outcomes = useOutcomes(window);
  // The charts' script (the largest chunk) loads once the intents table is settled, so parsing it
  // never holds back the rows, which are what the first load is for.
  const tableFirst = !intents.isPending;
  const sorted = useMemo(
    () =>
      [...(intents.data ?? [])].sort(
        (a, b) =>
          Number(a.status === 'removed') - Number(b.status === 'removed') ||
          b.driftTotal - a.driftTotal ||
          a.kind.localeCompare(b.kind) ||
          a.name.localeCompare(b.name),
      ),
    [intents.data],
  );
  return (
    <section className="overview">
      <div className="page-head">
        <h1>Overview</h1>
        <TimeWindowSelect value={windowId} onChange={setWindowId} />
      </div>
      {intents.error ? <ErrorPanel error={intents.error} /> : null}
      {intents.data ? <Totals intents={intents.data} /> : intents.isPending ? <p className="loading">Loading intents…</p> : null}
      <div className="chart-grid">
        <section aria-labelledby="drift-chart-title" className="panel">
          <h2 id="drift-chart-title">Drift over time</h2>
          {history.error ? <ErrorPanel error={history.error} /> : null}
          <Suspense fallback={<p className="loading">Loading chart…</p>}>{history.data && tableFirst ? <DriftChart history={history.data} /> : null}</Suspense>
        </section>
        <section aria-labelledby="outcome-chart-title" className="panel">
          <h2 id="outcome-chart-title">Reconcile outcomes</h2>
          {outcomes.error ? <ErrorPanel error={outcomes.error} /> : null}
          <Suspense fallback={<p className="loading">Loading chart…</p>}>
            {outcomes.data && tableFirst ? <OutcomeChart outcomes={outcomes.data} /> : null}
          </Suspense>
        </section>
      </div>
      <section aria-labelledby="intents-title">
        <h2 id="intents-title">Intents</h2>
        {intents.data && intents.data.length === 0 ? (
          <p className="muted">No intents yet. Point the controller at a folder or Git repository of intent files (`netbox-gitops controller`).</p>
        ) : null}
        {sorted.length > 0 ? <IntentTable intents={sorted} /> : null}
      </section>
    </section>
  );
}
