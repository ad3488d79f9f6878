import type { ReactNode } from 'react';
import type { ReadyCondition } from '../api/types.ts';
import { formatCount } from '../format.ts';

/** Statuses as words with a colour (colour never carries meaning alone). */
export function StatusBadge({ status }: { readonly status: string }): ReactNode {
  const s = status.toLowerCase();
  return <span className={`badge status-${s}`}>{s}</span>;
}

export function ReadyBadge({ ready }: { readonly ready: ReadyCondition }): ReactNode {
  const label = ready.status === 'True' ? 'Ready' : ready.status === 'False' ? 'Not ready' : 'Unknown';
  return (
    <span className={`badge ready-${ready.status.toLowerCase()}`} title={`${ready.reason}: ${ready.message}`}>
      {label}
      <span className="visually-hidden"> ({ready.reason})</span>
    </span>
  );
}

export function ModeBadge({ mode }: { readonly mode: string }): ReactNode {
  return <span className={`badge mode-${mode}`}>{mode}</span>;
}

/** The order drift actions appear in; actions the engine adds later follow in name order. */
export const ACTION_ORDER = ['create', 'update', 'delete', 'extra', 'unmanaged', 'blocked'];
export const ACTION_SYMBOL: Record<string, string> = { create: '+', update: '~', delete: '−', extra: '?', unmanaged: '?', blocked: '!' };

export function sortActions(actions: Iterable<string>): string[] {
  return [...new Set(actions)].sort((a, b) => {
    const ia = ACTION_ORDER.indexOf(a);
    const ib = ACTION_ORDER.indexOf(b);
    return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib) || a.localeCompare(b);
  });
}

/** Drift counts by action, e.g. "+3 ~2 ?1"; "in sync" when there is none. */
export function DriftCounts({ drift, total }: { readonly drift: Readonly<Record<string, number>>; readonly total: number }): ReactNode {
  if (total === 0) return <span className="in-sync">in sync</span>;
  return (
    <span className="drift-counts">
      {sortActions(Object.keys(drift))
        .filter((a) => (drift[a] ?? 0) > 0)
        .map((action) => (
          <span key={action} className={`chip action-${action}`} title={`${drift[action]} ${action}`}>
            <span aria-hidden="true">{ACTION_SYMBOL[action] ?? '·'}</span>
            {formatCount(drift[action] ?? 0)}
            <span className="visually-hidden"> {action}</span>
          </span>
        ))}
    </span>
  );
}
