import { usePrefetchQuery } from '@tanstack/react-query';
import { useDeferredValue, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { stringify } from 'yaml';
import { intentQueries, useActions, useDrift, useIntent } from '../api/hooks.ts';
import type { IntentDetail } from '../api/types.ts';
import { DriftCounts, ModeBadge, ReadyBadge, StatusBadge } from '../components/badges.tsx';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { ErrorPanel } from '../components/error-panel.tsx';
import { OperatorButton } from '../components/operator-button.tsx';
import { Tabs } from '../components/tabs.tsx';
import { DriftList } from '../drift/drift-list.tsx';
import { buildList, facets, indexRows } from '../drift/group.ts';
import { formatCount, formatDateTime, formatRelative, shortId } from '../format.ts';

function Facts({ intent }: { readonly intent: IntentDetail }): ReactNode {
  return (
    <dl className="facts">
      <div>
        <dt>Ready</dt>
        <dd>
          <ReadyBadge ready={intent.ready} /> <span className="small">{intent.ready.message}</span>
        </dd>
      </div>
      <div>
        <dt>Mode</dt>
        <dd>
          <ModeBadge mode={intent.mode} />
        </dd>
      </div>
      <div>
        <dt>Status</dt>
        <dd>
          {intent.status}
          {intent.statusMessage && intent.status !== 'active' ? <span className="small block">{intent.statusMessage}</span> : null}
        </dd>
      </div>
      <div>
        <dt>Source</dt>
        <dd className="mono small">
          {intent.source}
          {intent.revision ? <span className="block">revision {intent.revision}</span> : null}
        </dd>
      </div>
      <div>
        <dt>Last reconcile</dt>
        <dd>
          {intent.lastProcess ? (
            <>
              <Link to={`/processes/${intent.lastProcess.id}`}>
                <StatusBadge status={intent.lastProcess.status} />
              </Link>{' '}
              <span title={formatDateTime(intent.lastReconcileAt)}>{formatRelative(intent.lastReconcileAt)}</span>
            </>
          ) : (
            'never'
          )}
        </dd>
      </div>
      <div>
        <dt>Next check</dt>
        <dd title={formatDateTime(intent.nextCheckAt)}>
          {intent.nextCheckAt ? formatRelative(intent.nextCheckAt) : intent.schedule ? `cron ${intent.schedule} (UTC)` : `every ${intent.interval ?? '1h'}`}
        </dd>
      </div>
      <div>
        <dt>Drift</dt>
        <dd>
          <DriftCounts drift={intent.drift} total={intent.driftTotal} />
        </dd>
      </div>
    </dl>
  );
}

function Controls({ intent }: { readonly intent: IntentDetail }): ReactNode {
  const actions = useActions();
  const navigate = useNavigate();
  const ref = { kind: intent.kind, name: intent.name };
  const busy = actions.reconcile.isPending || actions.suspend.isPending || actions.resume.isPending;
  const error = actions.reconcile.error ?? actions.suspend.error ?? actions.resume.error;
  const operatorSuspended = intent.status === 'suspended' && intent.suspendedBy !== null;
  const [suspending, setSuspending] = useState(false);
  const [reason, setReason] = useState('');
  return (
    <div className="controls">
      <OperatorButton
        className="primary"
        disabled={busy}
        disabledReason={
          intent.status === 'removed'
            ? 'The intent was removed from its source.'
            : intent.status === 'invalid'
              ? 'The intent is invalid; fix its source first.'
              : undefined
        }
        onClick={() => actions.reconcile.mutate(ref, { onSuccess: (p) => void navigate(`/processes/${p.id}`) })}
      >
        Reconcile now
      </OperatorButton>
      {intent.status === 'suspended' ? (
        <OperatorButton
          disabled={busy}
          disabledReason={operatorSuspended ? undefined : 'Suspended by spec.suspend in its source; set it to false there.'}
          onClick={() => actions.resume.mutate(ref)}
        >
          Resume
        </OperatorButton>
      ) : (
        <OperatorButton
          disabled={busy}
          disabledReason={intent.status === 'removed' ? 'The intent was removed from its source.' : undefined}
          aria-haspopup="dialog"
          onClick={() => setSuspending(true)}
        >
          Suspend…
        </OperatorButton>
      )}
      {error ? <ErrorPanel error={error} /> : null}
      <ConfirmDialog
        open={suspending}
        title={`Suspend ${intent.name}?`}
        confirmLabel="Suspend"
        busy={actions.suspend.isPending}
        onClose={() => setSuspending(false)}
        onConfirm={() => {
          const message = reason.trim();
          actions.suspend.mutate({ ...ref, ...(message ? { message } : {}) }, { onSettled: () => setReason('') });
          setSuspending(false);
        }}
      >
        <p>No reconciles or scheduled checks until it is resumed (it stays suspended across source syncs); NetBox is left as it is.</p>
        <label className="block-label">
          Reason (optional, shown with the intent)
          <textarea rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
      </ConfirmDialog>
    </div>
  );
}

function DriftView({ kind, name }: { readonly kind: string; readonly name: string }): ReactNode {
  const drift = useDrift(kind, name);
  const [search, setSearch] = useState('');
  const [vendor, setVendor] = useState('');
  const [objectKind, setObjectKind] = useState('');
  const [actions, setActions] = useState<ReadonlySet<string>>(new Set());
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const deferredSearch = useDeferredValue(search);
  const indexed = useMemo(() => indexRows(drift.data?.rows ?? []), [drift.data]);
  const options = useMemo(() => facets(indexed), [indexed]);
  const list = useMemo(
    () => buildList(indexed, { search: deferredSearch, vendor, actions, objectKind }, collapsed),
    [indexed, deferredSearch, vendor, actions, objectKind, collapsed],
  );

  if (drift.error) return <ErrorPanel error={drift.error} />;
  if (!drift.data) return <p className="loading">Loading drift…</p>;
  if (drift.data.rows.length === 0) return <p className="in-sync-note">NetBox matches this intent: no drift.</p>;
  const toggleAction = (action: string): void =>
    setActions((current) => {
      const next = new Set(current);
      if (next.has(action)) next.delete(action);
      else next.add(action);
      return next;
    });
  const toggleGroup = (key: string): void =>
    setCollapsed((current) => {
      const next = new Set(current);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  return (
    <div className="drift-view">
      <div className="filters" role="search" aria-label="Filter drift">
        <label>
          Search
          <input type="search" value={search} placeholder="identity, field, reason" onChange={(e) => setSearch(e.target.value)} />
        </label>
        <label>
          Vendor
          <select value={vendor} onChange={(e) => setVendor(e.target.value)}>
            <option value="">all vendors</option>
            {options.vendors.map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
        </label>
        <label>
          Object kind
          <select value={objectKind} onChange={(e) => setObjectKind(e.target.value)}>
            <option value="">all kinds</option>
            {options.kinds.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <fieldset className="checks">
          <legend>Action</legend>
          {options.actions.map((a) => (
            <label key={a} className={`check action-${a}`}>
              <input type="checkbox" checked={actions.has(a)} onChange={() => toggleAction(a)} /> {a}
            </label>
          ))}
        </fieldset>
        <button type="button" className="ghost" onClick={() => setCollapsed(new Set(list.items.filter((i) => i.type === 'vendor').map((i) => i.key)))}>
          Collapse all
        </button>
        <button type="button" className="ghost" onClick={() => setCollapsed(new Set())}>
          Expand all
        </button>
      </div>
      <p className="muted small" role="status" data-testid="drift-count">
        {formatCount(list.matched)} of {formatCount(drift.data.rows.length)} operations
      </p>
      <DriftList items={list.items} onToggle={toggleGroup} />
    </div>
  );
}

function History({ intent }: { readonly intent: IntentDetail }): ReactNode {
  return (
    <div className="history">
      <h3>Reconciles</h3>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Process</th>
            <th scope="col">Status</th>
            <th scope="col">Started by</th>
            <th scope="col">Created</th>
            <th scope="col">Finished</th>
          </tr>
        </thead>
        <tbody>
          {intent.recentProcesses.map((p) => (
            <tr key={p.id}>
              <td>
                <Link to={`/processes/${p.id}`} className="mono">
                  {shortId(p.id)}
                </Link>{' '}
                <span className="small muted">{p.workflowName}</span>
              </td>
              <td>
                <StatusBadge status={p.status} />
              </td>
              <td>{p.createdBy ?? '—'}</td>
              <td>{formatDateTime(p.createdAt)}</td>
              <td>{formatDateTime(p.completedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <Link to={`/processes?intent=${encodeURIComponent(`${intent.kind}/${intent.name}`)}`}>All processes of this intent</Link>
      </p>
      <h3>Revisions</h3>
      <ul className="plain">
        {intent.revisions.map((r) => (
          <li key={r.revision}>
            <span className="mono">{r.revision}</span> <span className="muted small">recorded {formatDateTime(r.recordedAt)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export default function IntentPage(): ReactNode {
  const { kind = '', name = '' } = useParams();
  const intent = useIntent(kind, name);
  // The drift download (the page's largest) starts with the detail, not after it has rendered.
  usePrefetchQuery(intentQueries.drift(kind, name));
  const [tab, setTab] = useState('drift');
  const yaml = useMemo(() => (intent.data ? stringify(intent.data.spec) : ''), [intent.data]);
  if (intent.error) return <ErrorPanel error={intent.error} />;
  if (!intent.data) return <p className="loading">Loading {name}…</p>;
  const data = intent.data;
  return (
    <section>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/">Overview</Link> › {data.kind}
      </nav>
      <div className="page-head">
        <h1>{data.name}</h1>
        <Controls intent={data} />
      </div>
      <Facts intent={data} />
      <Tabs
        label="Intent views"
        selected={tab}
        onSelect={setTab}
        tabs={[
          { id: 'drift', label: `Drift (${formatCount(data.driftTotal)})` },
          { id: 'yaml', label: 'Definition' },
          { id: 'history', label: 'History' },
        ]}
      >
        {tab === 'drift' ? <DriftView kind={kind} name={name} /> : null}
        {tab === 'yaml' ? (
          <pre className="yaml" tabIndex={0} aria-label={`${data.kind} ${data.name} as YAML`}>
            {yaml}
          </pre>
        ) : null}
        {tab === 'history' ? <History intent={data} /> : null}
      </Tabs>
    </section>
  );
}
