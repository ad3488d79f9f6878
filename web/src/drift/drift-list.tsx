import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { ReactNode } from 'react';
import type { DriftRow } from '../api/types.ts';
import { ACTION_SYMBOL } from '../components/badges.tsx';
import { formatCount, formatValue } from '../format.ts';
import { isFieldChange, shortName } from './group.ts';
import type { ListItem } from './group.ts';

/** Fields of a create or delete: key=value pairs on one wrapped line. */
function FieldList({ diff, side }: { readonly diff: DriftRow['diff']; readonly side: 'before' | 'after' }): ReactNode {
  const parts = Object.entries(diff).map(([field, change]) => `${field}=${formatValue(isFieldChange(change) ? change[side] : change)}`);
  if (parts.length === 0) return null;
  return <div className="op-fields mono small">{parts.join('  ')}</div>;
}

function Operation({ row, depth }: { readonly row: DriftRow; readonly depth: number }): ReactNode {
  const changes = Object.entries(row.diff).filter(([, c]) => isFieldChange(c));
  return (
    <div className={`op op-${row.action}`} style={{ paddingLeft: `${depth * 1.25}rem` }}>
      <div className="op-head">
        <span className={`op-symbol action-${row.action}`} aria-hidden="true">
          {ACTION_SYMBOL[row.action] ?? '·'}
        </span>
        <span className={`badge action-${row.action}`}>{row.action}</span>
        <span className="muted small">{row.objectKind}</span>
        <span className="op-name mono" title={row.identity}>
          {shortName(row, depth)}
        </span>
      </div>
      {row.action === 'update' ? (
        <ul className="field-diffs" aria-label={`Changed fields of ${row.identity}`}>
          {changes.map(([field, change]) =>
            isFieldChange(change) ? (
              <li key={field} className="mono small">
                <span className="field-name">{field}</span>: <del>{formatValue(change.before)}</del> <span aria-label="becomes">→</span>{' '}
                <ins>{formatValue(change.after)}</ins>
              </li>
            ) : null,
          )}
        </ul>
      ) : row.action === 'create' ? (
        <FieldList diff={row.diff} side="after" />
      ) : row.action === 'delete' ? (
        <FieldList diff={row.diff} side="before" />
      ) : null}
      {row.reason ? <div className="op-reason small">{row.reason}</div> : null}
    </div>
  );
}

function estimate(item: ListItem | undefined): number {
  if (!item || item.type !== 'op') return 36;
  if (item.row.action === 'update') return 34 + 22 * Object.keys(item.row.diff).length;
  return Object.keys(item.row.diff).length > 0 || item.row.reason ? 56 : 34;
}

/**
 * The grouped drift as a virtualised list: only the rows in view (plus a few) are in the DOM,
 * so 25,000 operations scroll and filter without freezing the page.
 */
export function DriftList({
  items,
  onToggle,
  height = '70vh',
}: {
  readonly items: readonly ListItem[];
  readonly onToggle: (key: string) => void;
  readonly height?: string;
}): ReactNode {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => estimate(items[index]),
    getItemKey: (index) => items[index]?.key ?? index,
    overscan: 12,
  });
  return (
    <div ref={scroller} className="drift-scroller" style={{ height }} tabIndex={0} aria-label="Drift operations" data-testid="drift-list">
      <div role="list" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((virtual) => {
          const item = items[virtual.index];
          if (!item) return null;
          return (
            <div
              key={virtual.key}
              role="listitem"
              aria-setsize={items.length}
              aria-posinset={virtual.index + 1}
              data-index={virtual.index}
              ref={virtualizer.measureElement}
              className={`drift-item drift-${item.type}`}
              style={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${virtual.start}px)` }}
            >
              {item.type === 'op' ? (
                <Operation row={item.row} depth={item.depth} />
              ) : (
                <button type="button" className={`group-toggle group-${item.type}`} aria-expanded={!item.collapsed} onClick={() => onToggle(item.key)}>
                  <span aria-hidden="true">{item.collapsed ? '▸' : '▾'}</span> {item.type === 'vendor' ? item.vendor : item.label}{' '}
                  <span className="muted small">
                    {formatCount(item.count)} {item.count === 1 ? 'change' : 'changes'}
                  </span>
                </button>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
