import type { ModelDef } from '../model/model-def.ts';
import { naturalKey } from '../model/text.ts';
import type { Row } from '../model/types.ts';
import type { Store } from '../store/store.ts';

/** Caches each endpoint's rows in default order until the tables that order depends on change. */
export class OrderCache {
  private readonly cache = new Map<string, { key: string; rows: Row[] }>();

  constructor(private readonly store: Store) {}

  /** Every row of the model's table, in NetBox's default ordering. */
  sorted(def: ModelDef): Row[] {
    const key = this.versionKey(def);
    const hit = this.cache.get(def.endpoint);
    if (hit && hit.key === key) return hit.rows;
    const rows = sortRows(def, [...this.store.table(def.endpoint).values()], this.store);
    this.cache.set(def.endpoint, { key, rows });
    return rows;
  }

  clear(): void {
    this.cache.clear();
  }

  private versionKey(def: ModelDef): string {
    return [def.endpoint, ...def.orderDeps].map((table) => this.store.table(table).version).join(':');
  }
}

/** Sorts rows by the model's default ordering. */
export function sortRows(def: ModelDef, rows: Row[], store: Store): Row[] {
  const keys = new Map<Row, string>();
  for (const row of rows) keys.set(row, def.sortKey(row, store));
  return rows.sort((a, b) => {
    const ka = keys.get(a) ?? '';
    const kb = keys.get(b) ?? '';
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/**
 * Applies an `ordering` parameter (`name`, `-id`, comma-separated). Unknown fields are dropped,
 * as DRF's OrderingFilter drops them; null when nothing usable is left.
 */
export function orderingComparator(ordering: string, fieldNames: ReadonlySet<string>): ((a: Row, b: Row) => number) | null {
  const terms = ordering
    .split(',')
    .map((term) => term.trim())
    .filter((term) => term !== '')
    .map((term) => ({ field: term.replace(/^-/, ''), descending: term.startsWith('-') }))
    .filter((term) => ['id', 'created', 'last_updated'].includes(term.field) || fieldNames.has(term.field));
  if (terms.length === 0) return null;
  return (a, b) => {
    for (const term of terms) {
      const va = orderValue(a, term.field);
      const vb = orderValue(b, term.field);
      if (va === vb) continue;
      const cmp = va === null ? 1 : vb === null ? -1 : va < vb ? -1 : 1;
      return term.descending ? -cmp : cmp;
    }
    return a.id - b.id;
  };
}

function orderValue(row: Row, field: string): string | number | null {
  if (field === 'id') return row.id;
  if (field === 'created') return row.created;
  if (field === 'last_updated') return row.last_updated;
  const value = row.f[field];
  if (typeof value === 'string') return naturalKey(value);
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return null;
}
