import { Fragment, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { download, query } from '../api/client.ts';
import { useAudit, useIntents } from '../api/hooks.ts';
import type { AuditFilter } from '../api/hooks.ts';
import type { AuditRecord } from '../api/types.ts';
import { ErrorPanel } from '../components/error-panel.tsx';
import { fromLocalInput, Pager, toLocalInput, useCursorPager } from '../components/pager.tsx';
import { formatDateTime, formatValue, shortId } from '../format.ts';

const OBJECT_KINDS = [
  'tag',
  'manufacturer',
  'device-type',
  'module-type',
  'interface-template',
  'console-port-template',
  'console-server-port-template',
  'power-port-template',
  'power-outlet-template',
  'rear-port-template',
  'front-port-template',
  'device-bay-template',
  'module-bay-template',
  'image',
];

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Before → after of one change, field by field (only changed fields for updates). */
export function ChangeDiff({ row }: { readonly row: AuditRecord }): ReactNode {
  const before = asObject(row.before);
  const after = asObject(row.after);
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
  if (fields.length === 0) return <p className="muted small">No field values recorded.</p>;
  return (
    <ul className="field-diffs">
      {fields.map((field) => (
        <li key={field} className="mono small">
          <span className="field-name">{field}</span>: {field in before ? <del>{formatValue(before[field])}</del> : null}
          {field in before && field in after ? <span aria-label="becomes"> → </span> : null}
          {field in after ? <ins>{formatValue(after[field])}</ins> : null}
        </li>
      ))}
    </ul>
  );
}

export function AuditTable({ rows }: { readonly rows: readonly AuditRecord[] }): ReactNode {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  if (rows.length === 0) return <p className="muted">No changes.</p>;
  const toggle = (id: string): void =>
    setOpen((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return (
    <div className="table-wrap">
      <table className="data" aria-label="Audit rows">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Action</th>
            <th scope="col">Object</th>
            <th scope="col">NetBox id</th>
            <th scope="col">Intent</th>
            <th scope="col">Process</th>
            <th scope="col">User</th>
            <th scope="col">
              <span className="visually-hidden">Details</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <Fragment key={row.id}>
              <tr>
                <td>{formatDateTime(row.timestamp)}</td>
                <td>
                  <span className={`badge action-${row.action}`}>{row.action}</span>
                </td>
                <td>
                  <span className="muted small block">{row.objectKind}</span>
                  <span className="mono">{row.objectIdentity}</span>
                </td>
                <td className="num">{row.netboxId ?? '—'}</td>
                <td>{row.intent ? `${row.intent.kind}/${row.intent.name}` : '—'}</td>
                <td>
                  {row.processId ? (
                    <Link to={`/processes/${row.processId}`} className="mono">
                      {shortId(row.processId)}
                    </Link>
                  ) : (
                    '—'
                  )}
                </td>
                <td>{row.userId ?? '—'}</td>
                <td>
                  <button type="button" className="ghost small" aria-expanded={open.has(row.id)} onClick={() => toggle(row.id)}>
                    {open.has(row.id) ? 'Hide' : 'Before/after'}
                    <span className="visually-hidden"> of {row.objectIdentity}</span>
                  </button>
                </td>
              </tr>
              {open.has(row.id) ? (
                <tr className="detail-row">
                  <td colSpan={8}>
                    <ChangeDiff row={row} />
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const FILTER_KEYS = ['processId', 'intent', 'objectKind', 'search', 'action', 'from', 'to'] as const;

/** The audit filter the URL holds (so a filtered view can be linked, e.g. from a process). */
function filterOf(params: URLSearchParams): AuditFilter {
  const value = (key: string): string | undefined => params.get(key) || undefined;
  const [intentKind, ...rest] = (params.get('intent') ?? '').split('/');
  return {
    ...(value('processId') ? { processId: value('processId') } : {}),
    ...(intentKind && rest.length > 0 ? { intentKind, intentName: rest.join('/') } : {}),
    ...(value('objectKind') ? { objectKind: value('objectKind') } : {}),
    ...(value('search') ? { search: value('search') } : {}),
    ...(value('action') ? { action: value('action') } : {}),
    ...(value('from') ? { from: value('from') } : {}),
    ...(value('to') ? { to: value('to') } : {}),
  };
}

export default function AuditPage(): ReactNode {
  const [params, setParams] = useSearchParams();
  const intent = params.get('intent') ?? '';
  const paramsKey = params.toString();
  const filter = useMemo(() => filterOf(new URLSearchParams(paramsKey)), [paramsKey]);
  const pager = useCursorPager(FILTER_KEYS.map((k) => params.get(k) ?? '').join('\n'));
  const audit = useAudit(filter, pager.cursor);
  const intents = useIntents();
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(undefined);
  const set = (patch: Record<string, string | undefined>): void => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };

  // The export goes through fetch with the token header (never a token in a link), then is saved from a blob URL.
  const exportCsv = async (): Promise<void> => {
    setExporting(true);
    setExportError(undefined);
    try {
      const { blob, filename } = await download(`/api/v1/audit/export${query({ ...filter })}`, {});
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = filename;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      setExportError(error);
    } finally {
      setExporting(false);
    }
  };

  return (
    <section>
      <div className="page-head">
        <h1>Audit log</h1>
        <button type="button" className="primary" onClick={() => void exportCsv()} disabled={exporting}>
          {exporting ? 'Exporting…' : 'Export CSV'}
        </button>
      </div>
      <p className="muted">Every change netbox-gitops made in NetBox, newest first. The export holds every row matching the filters.</p>
      <form className="filters" role="search" aria-label="Filter audit rows" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input type="search" defaultValue={filter.search ?? ''} placeholder="object identity" onChange={(e) => set({ search: e.target.value })} />
        </label>
        <label>
          Intent
          <select value={intent} onChange={(e) => set({ intent: e.target.value })}>
            <option value="">any</option>
            {(intents.data ?? []).map((i) => (
              <option key={`${i.kind}/${i.name}`}>{`${i.kind}/${i.name}`}</option>
            ))}
          </select>
        </label>
        <label>
          Object kind
          <select value={filter.objectKind ?? ''} onChange={(e) => set({ objectKind: e.target.value })}>
            <option value="">any</option>
            {OBJECT_KINDS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <label>
          Action
          <select value={filter.action ?? ''} onChange={(e) => set({ action: e.target.value })}>
            <option value="">any</option>
            <option>create</option>
            <option>update</option>
            <option>delete</option>
          </select>
        </label>
        <label>
          From
          <input type="datetime-local" value={toLocalInput(filter.from)} onChange={(e) => set({ from: fromLocalInput(e.target.value) })} />
        </label>
        <label>
          To
          <input type="datetime-local" value={toLocalInput(filter.to)} onChange={(e) => set({ to: fromLocalInput(e.target.value) })} />
        </label>
        {filter.processId ? (
          <span className="chip">
            process <span className="mono">{shortId(filter.processId)}</span>{' '}
            <button type="button" className="ghost small" onClick={() => set({ processId: undefined })} aria-label="Remove the process filter">
              ×
            </button>
          </span>
        ) : null}
      </form>
      {exportError ? <ErrorPanel error={exportError} title="The export failed" /> : null}
      {audit.error ? <ErrorPanel error={audit.error} /> : null}
      {audit.data ? (
        <>
          <AuditTable rows={audit.data.items} />
          <Pager label="Audit pages" page={pager.page} nextCursor={audit.data.nextCursor} onOlder={pager.older} onNewer={pager.newer} />
        </>
      ) : audit.isPending ? (
        <p className="loading">Loading the audit log…</p>
      ) : null}
    </section>
  );
}
