// The intent page's drift as a readable diff: rows grouped by vendor and device (or module)
// type, filtered by text, vendor, action and object kind, flattened into one list of headers
// and operations for the virtualised view. Pure functions, so 25,000 rows are grouped once and
// filtered in a few milliseconds per keystroke.
import type { DriftRow, FieldChange } from '../api/types.ts';

/** A row with its grouping keys worked out once. */
export interface IndexedRow {
  readonly row: DriftRow;
  readonly vendor: string;
  /** `vendor/model` of the device or module type the row belongs to; null for vendor-level objects. */
  readonly type: string | null;
  /** Lower-case text the search looks in: identity, kind, field names, reason. */
  readonly haystack: string;
}

const TYPE_KINDS = new Set(['device-type', 'module-type']);

/** The vendor (manufacturer slug) of a drift row, from its identity. */
export function vendorOf(row: Pick<DriftRow, 'objectKind' | 'identity'>): string {
  if (row.objectKind === 'manufacturer') return row.identity;
  if (row.objectKind === 'tag') return '(tags)';
  const slash = row.identity.indexOf('/');
  return slash === -1 ? row.identity : row.identity.slice(0, slash);
}

/** `vendor/model` of the type a row belongs to: the type itself, or the parent of a template or image. */
export function typeOf(row: Pick<DriftRow, 'objectKind' | 'identity'>): string | null {
  if (row.objectKind === 'manufacturer' || row.objectKind === 'tag') return null;
  if (TYPE_KINDS.has(row.objectKind)) return row.identity;
  const parts = row.identity.split('/');
  return parts.length >= 3 ? `${parts[0]}/${parts.slice(1, -1).join('/')}` : row.identity;
}

export function isFieldChange(value: unknown): value is FieldChange {
  return value !== null && typeof value === 'object' && 'before' in value && 'after' in value;
}

export function indexRows(rows: readonly DriftRow[]): IndexedRow[] {
  return rows.map((row) => ({
    row,
    vendor: vendorOf(row),
    type: typeOf(row),
    haystack: `${row.identity}\n${row.objectKind}\n${Object.keys(row.diff).join('\n')}\n${row.reason ?? ''}`.toLowerCase(),
  }));
}

export interface DriftFilter {
  readonly search: string;
  readonly vendor: string;
  /** Empty: every action. */
  readonly actions: ReadonlySet<string>;
  readonly objectKind: string;
}

export const NO_FILTER: DriftFilter = { search: '', vendor: '', actions: new Set(), objectKind: '' };

export function matches(item: IndexedRow, filter: DriftFilter, needle = filter.search.trim().toLowerCase()): boolean {
  if (filter.vendor !== '' && item.vendor !== filter.vendor) return false;
  if (filter.actions.size > 0 && !filter.actions.has(item.row.action)) return false;
  if (filter.objectKind !== '' && item.row.objectKind !== filter.objectKind) return false;
  return needle === '' || item.haystack.includes(needle);
}

export type ListItem =
  | { readonly type: 'vendor'; readonly key: string; readonly vendor: string; readonly count: number; readonly collapsed: boolean }
  | { readonly type: 'type'; readonly key: string; readonly label: string; readonly count: number; readonly collapsed: boolean }
  | { readonly type: 'op'; readonly key: string; readonly row: DriftRow; readonly depth: number };

/** One collator for every comparison (creating one per localeCompare call is what makes sorting 25,000 rows slow). */
const names = new Intl.Collator('en', { numeric: true });

const KIND_ORDER = ['tag', 'manufacturer', 'device-type', 'module-type', 'image'];
function kindRank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i === -1 ? KIND_ORDER.length : i;
}

/**
 * Groups the matching rows by vendor, then type, sorted by name; a type's own row comes first,
 * then its templates and images. Collapsed groups keep their header (with the count) only.
 */
export function buildList(rows: readonly IndexedRow[], filter: DriftFilter, collapsed: ReadonlySet<string>): { items: ListItem[]; matched: number } {
  const needle = filter.search.trim().toLowerCase();
  const vendors = new Map<string, { own: IndexedRow[]; types: Map<string, IndexedRow[]> }>();
  let matched = 0;
  for (const item of rows) {
    if (!matches(item, filter, needle)) continue;
    matched += 1;
    let vendor = vendors.get(item.vendor);
    if (!vendor) {
      vendor = { own: [], types: new Map() };
      vendors.set(item.vendor, vendor);
    }
    if (item.type === null) vendor.own.push(item);
    else {
      const list = vendor.types.get(item.type);
      if (list) list.push(item);
      else vendor.types.set(item.type, [item]);
    }
  }
  const items: ListItem[] = [];
  const byIdentity = (a: IndexedRow, b: IndexedRow): number =>
    kindRank(a.row.objectKind) - kindRank(b.row.objectKind) ||
    names.compare(a.row.objectKind, b.row.objectKind) ||
    names.compare(a.row.identity, b.row.identity);
  for (const vendorName of [...vendors.keys()].sort(names.compare)) {
    const vendor = vendors.get(vendorName);
    if (!vendor) continue;
    const vendorKey = `v:${vendorName}`;
    const count = vendor.own.length + [...vendor.types.values()].reduce((n, l) => n + l.length, 0);
    const vendorCollapsed = collapsed.has(vendorKey);
    items.push({ type: 'vendor', key: vendorKey, vendor: vendorName, count, collapsed: vendorCollapsed });
    if (vendorCollapsed) continue;
    for (const own of vendor.own.sort(byIdentity)) items.push({ type: 'op', key: `o:${own.row.objectKind}:${own.row.identity}`, row: own.row, depth: 1 });
    for (const typeName of [...vendor.types.keys()].sort(names.compare)) {
      const list = vendor.types.get(typeName) ?? [];
      const typeKey = `t:${typeName}`;
      const typeCollapsed = collapsed.has(typeKey);
      items.push({ type: 'type', key: typeKey, label: typeName.slice(vendorName.length + 1) || typeName, count: list.length, collapsed: typeCollapsed });
      if (typeCollapsed) continue;
      for (const op of list.sort(byIdentity)) items.push({ type: 'op', key: `o:${op.row.objectKind}:${op.row.identity}`, row: op.row, depth: 2 });
    }
  }
  return { items, matched };
}

/** The filter options present in the rows: vendors, actions and object kinds, sorted. */
export function facets(rows: readonly IndexedRow[]): { vendors: string[]; actions: string[]; kinds: string[] } {
  const vendors = new Set<string>();
  const actions = new Set<string>();
  const kinds = new Set<string>();
  for (const item of rows) {
    vendors.add(item.vendor);
    actions.add(item.row.action);
    kinds.add(item.row.objectKind);
  }
  return {
    vendors: [...vendors].sort(names.compare),
    actions: [...actions],
    kinds: [...kinds].sort((a, b) => kindRank(a) - kindRank(b) || names.compare(a, b)),
  };
}

/** The part of an operation's name below its group: the template name, or the whole identity. */
export function shortName(row: DriftRow, depth: number): string {
  if (depth < 2 || TYPE_KINDS.has(row.objectKind)) return depth < 2 ? row.identity : row.identity.split('/').slice(1).join('/');
  const parts = row.identity.split('/');
  return parts[parts.length - 1] ?? row.identity;
}
