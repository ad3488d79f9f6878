import type { FilterSpec } from '../model/filter-spec.ts';
import type { ModelDef } from '../model/model-def.ts';
import { str } from '../model/nested.ts';
import type { ErrorDict, Row, TableName } from '../model/types.ts';
import type { Store } from '../store/store.ts';
import type { VersionProfile } from '../version.ts';
import type { QueryPairs } from './query.ts';

/** Query parameters that steer the list itself rather than filter it. */
const RESERVED = new Set(['limit', 'offset', 'brief', 'fields', 'ordering', 'format', 'omit', 'exclude', 'export']);

const CHAR_LOOKUPS = new Set(['n', 'ic', 'nic', 'ie', 'nie', 'isw', 'nisw', 'iew', 'niew', 'empty']);
const NUMBER_LOOKUPS = new Set(['n', 'gt', 'gte', 'lt', 'lte', 'empty']);

/** The outcome of reading a list request's filters. */
export interface FilterPlan {
  /** Rows to start from when an indexed filter narrows them (already intersected). */
  readonly candidates: ReadonlySet<number> | null;
  readonly predicates: ReadonlyArray<(row: Row) => boolean>;
  readonly errors: ErrorDict | null;
}

interface Clause {
  readonly param: string;
  readonly spec: FilterSpec;
  readonly lookup: string;
  readonly values: string[];
}

/**
 * Turns the query into filter clauses the way django-filter does: repeated parameters are
 * OR-ed, different parameters AND-ed, and parameters the endpoint does not know are ignored
 * silently (so a misspelt or renamed filter returns everything).
 */
export function planFilters(def: ModelDef, query: QueryPairs, store: Store, profile: VersionProfile): FilterPlan {
  const filters = def.filters(profile);
  const clauses = new Map<string, Clause>();
  for (const [param, value] of query) {
    if (RESERVED.has(param)) continue;
    const resolved = resolveParam(filters, param);
    if (!resolved) continue;
    const clause = clauses.get(param) ?? { param, spec: resolved.spec, lookup: resolved.lookup, values: [] };
    clause.values.push(value);
    clauses.set(param, clause);
  }
  const errors: ErrorDict = {};
  const predicates: Array<(row: Row) => boolean> = [];
  let candidates: Set<number> | null = null;
  const narrow = (ids: Set<number>): void => {
    candidates = candidates === null ? ids : new Set([...candidates].filter((id) => ids.has(id)));
  };
  for (const clause of clauses.values()) {
    const built = buildClause(clause, def, store, profile);
    if (typeof built === 'string') {
      errors[clause.param] = [built];
      continue;
    }
    if (built.candidates) narrow(built.candidates);
    else if (built.predicate) predicates.push(built.predicate);
  }
  return { candidates, predicates, errors: Object.keys(errors).length > 0 ? errors : null };
}

function resolveParam(filters: Readonly<Record<string, FilterSpec>>, param: string): { spec: FilterSpec; lookup: string } | null {
  const direct = filters[param];
  if (direct) return { spec: direct, lookup: 'exact' };
  const split = param.lastIndexOf('__');
  if (split <= 0) return null;
  const spec = filters[param.slice(0, split)];
  const lookup = param.slice(split + 2);
  if (!spec) return null;
  const allowed =
    spec.kind === 'char'
      ? CHAR_LOOKUPS
      : spec.kind === 'number'
        ? NUMBER_LOOKUPS
        : spec.kind === 'search' || spec.kind === 'flag'
          ? new Set<string>()
          : new Set(['n']);
  return allowed.has(lookup) ? { spec, lookup } : null;
}

type Built = { candidates?: Set<number>; predicate?: (row: Row) => boolean } | string;

function buildClause(clause: Clause, def: ModelDef, store: Store, profile: VersionProfile): Built {
  const { spec, lookup, values } = clause;
  const negate = lookup === 'n';
  switch (spec.kind) {
    case 'search': {
      const needle = (values[values.length - 1] ?? '').trim().toLowerCase();
      if (!needle) return {};
      return { predicate: (row) => def.search(row, needle, store, profile) };
    }
    case 'flag': {
      const value = parseBoolean(values[values.length - 1] ?? '');
      return value === null ? {} : { predicate: (row) => spec.test(row, value, store) };
    }
    case 'bool': {
      const value = parseBoolean(values[values.length - 1] ?? '');
      return value === null ? {} : { predicate: (row) => spec.get(row) === value };
    }
    case 'number':
      return numberClause(spec, lookup, values);
    case 'char':
      return charClause(spec.get, lookup, values);
    case 'choice': {
      for (const value of values) if (!spec.set.labels.has(value)) return `Select a valid choice. ${value} is not one of the available choices.`;
      const wanted = new Set(values);
      return { predicate: (row) => wanted.has(spec.get(row) ?? '') !== negate };
    }
    case 'ref':
      return refClause(spec, lookup, values, store, def);
    case 'tags':
      return tagClause(spec.by, lookup, values, store);
  }
}

function numberClause(spec: Extract<FilterSpec, { kind: 'number' }>, lookup: string, values: string[]): Built {
  if (lookup === 'empty') {
    const value = parseBoolean(values[values.length - 1] ?? '');
    return value === null ? {} : { predicate: (row) => (spec.get(row) === null) === value };
  }
  const numbers: number[] = [];
  for (const value of values) {
    const n = Number(value.trim());
    if (value.trim() === '' || !Number.isFinite(n)) return 'Enter a number.';
    numbers.push(n);
  }
  if (lookup === 'exact' && spec.primaryKey) return { candidates: new Set(numbers) };
  const test: (v: number, n: number) => boolean =
    lookup === 'gt'
      ? (v, n) => v > n
      : lookup === 'gte'
        ? (v, n) => v >= n
        : lookup === 'lt'
          ? (v, n) => v < n
          : lookup === 'lte'
            ? (v, n) => v <= n
            : (v, n) => v === n;
  const negate = lookup === 'n';
  return {
    predicate: (row) => {
      const v = spec.get(row);
      const hit = v !== null && numbers.some((n) => test(v, n));
      return negate ? !hit : hit;
    },
  };
}

function charClause(get: (row: Row) => string, lookup: string, values: string[]): Built {
  if (lookup === 'empty') {
    const value = parseBoolean(values[values.length - 1] ?? '');
    return value === null ? {} : { predicate: (row) => (get(row) === '') === value };
  }
  const base = lookup.startsWith('n') && lookup !== 'n' ? lookup.slice(1) : lookup === 'n' ? 'exact' : lookup;
  const negate = lookup.startsWith('n');
  const lowered = values.map((v) => v.toLowerCase());
  const test: (text: string) => boolean =
    base === 'ic'
      ? (text) => lowered.some((v) => text.toLowerCase().includes(v))
      : base === 'ie'
        ? (text) => lowered.includes(text.toLowerCase())
        : base === 'isw'
          ? (text) => lowered.some((v) => text.toLowerCase().startsWith(v))
          : base === 'iew'
            ? (text) => lowered.some((v) => text.toLowerCase().endsWith(v))
            : (text) => values.includes(text);
  return { predicate: (row) => test(get(row)) !== negate };
}

function refClause(spec: Extract<FilterSpec, { kind: 'ref' }>, lookup: string, values: string[], store: Store, def: ModelDef): Built {
  const wanted = new Set<number>();
  let wantNull = false;
  for (const value of values) {
    if (value === 'null') {
      wantNull = true;
      continue;
    }
    const found = findTarget(store, spec.target, spec.by, value);
    if (found === 'invalid') return `“${value}” is not a valid value.`;
    if (found === null) return `Select a valid choice. ${value} is not one of the available choices.`;
    wanted.add(found);
  }
  if (lookup === 'exact' && !wantNull && spec.index && store.table(def.endpoint).hasIndex(spec.index)) {
    const ids = new Set<number>();
    for (const id of wanted) for (const rowId of store.table(def.endpoint).lookup(spec.index, id)) ids.add(rowId);
    return { candidates: ids };
  }
  const negate = lookup === 'n';
  return {
    predicate: (row) => {
      const value = spec.get(row, store);
      const hit = value === null ? wantNull : wanted.has(value);
      return hit !== negate;
    },
  };
}

function findTarget(store: Store, table: TableName, by: 'id' | 'slug' | 'name', value: string): number | null | 'invalid' {
  if (by === 'id') {
    if (!/^\s*\d+\s*$/.test(value)) return 'invalid';
    const id = Number(value);
    return store.table(table).get(id) ? id : null;
  }
  for (const id of store.table(table).lookup(by, value)) return id;
  for (const row of store.table(table).values()) if (str(row, by) === value) return row.id;
  return null;
}

function tagClause(by: 'slug' | 'id', lookup: string, values: string[], store: Store): Built {
  const tagIds: number[] = [];
  for (const value of values) {
    const found = findTarget(store, 'tags', by, value);
    if (found === 'invalid') return `“${value}” is not a valid value.`;
    if (found === null) return `Select a valid choice. ${value} is not one of the available choices.`;
    tagIds.push(found);
  }
  const negate = lookup === 'n';
  return {
    predicate: (row) => {
      const tags = Array.isArray(row.f.tags) ? (row.f.tags as number[]) : [];
      return negate ? !tagIds.some((t) => tags.includes(t)) : tagIds.every((t) => tags.includes(t));
    },
  };
}

function parseBoolean(value: string): boolean | null {
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return null;
}
