import { useMemo } from 'react';
import type { ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useIntents, useProcesses, useWorkflows } from '../api/hooks.ts';
import type { ProcessFilter } from '../api/hooks.ts';
import { StatusBadge } from '../components/badges.tsx';
import { ErrorPanel } from '../components/error-panel.tsx';
import { fromLocalInput, Pager, toLocalInput, useCursorPager } from '../components/pager.tsx';
import { useNow } from '../components/use-now.ts';
import { durationBetween, formatDateTime, formatDuration, formatRelative, shortId } from '../format.ts';

const STATUSES = ['created', 'running', 'waiting', 'completed', 'failed', 'cancelled'];

/** Filters live in the URL, so a filtered list can be linked and survives a reload. */
function useFilter(): [ProcessFilter, (patch: Record<string, string | undefined>) => void, string] {
  const [params, setParams] = useSearchParams();
  const intent = params.get('intent') ?? '';
  const [intentKind, ...rest] = intent.split('/');
  const filter: ProcessFilter = {
    ...(params.get('status') ? { status: params.get('status') ?? '' } : {}),
    ...(params.get('workflow') ? { workflow: params.get('workflow') ?? '' } : {}),
    ...(intent && intentKind && rest.length > 0 ? { intentKind, intentName: rest.join('/') } : {}),
    ...(params.get('from') ? { from: params.get('from') ?? '' } : {}),
    ...(params.get('to') ? { to: params.get('to') ?? '' } : {}),
  };
  const set = (patch: Record<string, string | undefined>): void => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };
  return [filter, set, params.toString()];
}

export default function ProcessesPage(): ReactNode {
  const [filter, setFilter, filterKey] = useFilter();
  const pager = useCursorPager(filterKey);
  const processes = useProcesses(filter, pager.cursor);
  const workflows = useWorkflows();
  const intents = useIntents();
  const intentOptions = useMemo(() => (intents.data ?? []).map((i) => `${i.kind}/${i.name}`).sort(), [intents.data]);
  const now = useNow(15_000);
  return (
    <section>
      <div className="page-head">
        <h1>Processes</h1>
      </div>
      <form className="filters" role="search" aria-label="Filter processes" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select value={filter.status ?? ''} onChange={(e) => setFilter({ status: e.target.value })}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Workflow
          <select value={filter.workflow ?? ''} onChange={(e) => setFilter({ workflow: e.target.value })}>
            <option value="">any</option>
            {(workflows.data ?? []).map((w) => (
              <option key={w.name}>{w.name}</option>
            ))}
          </select>
        </label>
        <label>
          Intent
          <select value={filter.intentKind ? `${filter.intentKind}/${filter.intentName ?? ''}` : ''} onChange={(e) => setFilter({ intent: e.target.value })}>
            <option value="">any</option>
            {intentOptions.map((i) => (
              <option key={i}>{i}</option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="datetime-local" value={toLocalInput(filter.from)} onChange={(e) => setFilter({ from: fromLocalInput(e.target.value) })} />
        </label>
        <label>
          To
          <input type="datetime-local" value={toLocalInput(filter.to)} onChange={(e) => setFilter({ to: fromLocalInput(e.target.value) })} />
        </label>
      </form>
      {processes.error ? <ErrorPanel error={processes.error} /> : null}
      {processes.data ? (
        <>
          <div className="table-wrap">
            <table className="data" aria-label="Processes" aria-busy={processes.isFetching}>
              <thead>
                <tr>
                  <th scope="col">Process</th>
                  <th scope="col">Workflow</th>
                  <th scope="col">Intent</th>
                  <th scope="col">Status</th>
                  <th scope="col">Step</th>
                  <th scope="col">Started by</th>
                  <th scope="col">Created</th>
                  <th scope="col">Duration</th>
                </tr>
              </thead>
              <tbody>
                {processes.data.items.map((p) => (
                  <tr key={p.id}>
                    <th scope="row">
                      <Link to={`/processes/${p.id}`} className="mono">
                        {shortId(p.id)}
                      </Link>
                    </th>
                    <td>{p.workflowName}</td>
                    <td>
                      {p.intent ? (
                        <Link
                          to={`/intents/${encodeURIComponent(p.intent.kind)}/${encodeURIComponent(p.intent.name)}`}
                        >{`${p.intent.kind}/${p.intent.name}`}</Link>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>
                      <StatusBadge status={p.status} />
                    </td>
                    <td className="small">{p.currentStep ?? '—'}</td>
                    <td>{p.createdBy ?? '—'}</td>
                    <td title={formatDateTime(p.createdAt)}>{formatRelative(p.createdAt, now)}</td>
                    <td>{formatDuration(durationBetween(p.startedAt, p.completedAt, now))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {processes.data.items.length === 0 ? <p className="muted">No processes match.</p> : null}
          <Pager label="Process pages" page={pager.page} nextCursor={processes.data.nextCursor} onOlder={pager.older} onNewer={pager.newer} />
        </>
      ) : processes.isPending ? (
        <p className="loading">Loading processes…</p>
      ) : null}
    </section>
  );
}
