import { FilterIgnoredError } from './errors.ts';
import { DEVICE_TYPE_ONLY_TEMPLATE_ENDPOINTS, listPath } from './endpoints.ts';
import { serverFilterName } from './version.ts';
import type { Endpoint, FilterValue, Filters, NetBoxVersion } from './types.ts';

/**
 * How to read back, from a returned object, the value a filter selects on. `all` means every
 * requested value must be present (NetBox's `tag` filter is conjunctive); otherwise the
 * object's single value must be one of those requested.
 */
interface FilterCheck {
  /** The object field that holds the value (requested via `fields=` when a brief read lacks it). */
  readonly field: string;
  readonly read: (obj: Readonly<Record<string, unknown>>) => readonly string[] | undefined;
  readonly all?: boolean;
}

const scalar =
  (field: string) =>
  (obj: Readonly<Record<string, unknown>>): readonly string[] | undefined =>
    field in obj ? [String(obj[field])] : undefined;

const nested =
  (field: string, key: string) =>
  (obj: Readonly<Record<string, unknown>>): readonly string[] | undefined => {
    if (!(field in obj)) return undefined;
    const ref = obj[field];
    if (ref === null) return ['null'];
    if (typeof ref === 'number') return key === 'id' ? [String(ref)] : undefined;
    if (typeof ref === 'object') {
      const value = (ref as Record<string, unknown>)[key];
      return value === undefined ? undefined : [String(value)];
    }
    return undefined;
  };

/** The filters the client can verify on what comes back; others (e.g. `q`) are passed through unchecked. */
const CHECKS: Readonly<Record<string, FilterCheck>> = {
  id: { field: 'id', read: scalar('id') },
  name: { field: 'name', read: scalar('name') },
  slug: { field: 'slug', read: scalar('slug') },
  model: { field: 'model', read: scalar('model') },
  manufacturer_id: { field: 'manufacturer', read: nested('manufacturer', 'id') },
  manufacturer: { field: 'manufacturer', read: nested('manufacturer', 'slug') },
  device_type_id: { field: 'device_type', read: nested('device_type', 'id') },
  module_type_id: { field: 'module_type', read: nested('module_type', 'id') },
  tag: {
    field: 'tags',
    all: true,
    read: (obj) => (Array.isArray(obj.tags) ? obj.tags.map((t: unknown) => String((t as Record<string, unknown> | null)?.slug)) : undefined),
  },
};

/** Whether the client verifies this (canonical) filter on every returned object. */
export function isVerifiableFilter(name: string): boolean {
  return name in CHECKS;
}

/** Object fields a read must include so that the given filters can be verified. */
export function fieldsNeededFor(filters: Filters): string[] {
  const out = new Set<string>();
  for (const [name, value] of Object.entries(filters)) {
    const check = CHECKS[name];
    if (check && value !== undefined) out.add(check.field);
  }
  return [...out];
}

/** The values of a filter as query-parameter strings. */
export function filterStrings(value: FilterValue): string[] {
  if (Array.isArray(value)) return value.map((v) => String(v));
  return [String(value)];
}

/** Query parameters for canonical filters, renamed for the server's version. */
export function serverParams(endpoint: Endpoint, filters: Filters, version: NetBoxVersion): [string, string][] {
  const params: [string, string][] = [];
  for (const [name, value] of Object.entries(filters)) {
    if (value === undefined) continue;
    const sent = serverFilterName(endpoint, name, version);
    for (const v of filterStrings(value)) params.push([sent, v]);
  }
  return params;
}

/**
 * Splits filters whose URL would grow past `maxUrlLength` (proxies and NetBox's gunicorn refuse
 * long request lines; ~4 KB is safe everywhere) into several filter sets. The longest list is
 * cut into slices that fill the URL; when the other lists are too long as well (a read-back of
 * templates under hundreds of device types: long `device_type_id` and `name` lists), they are
 * split first and the longest list is sliced within each of their parts. A value repeated in a
 * list is sent once. Each set selects a disjoint part of the whole result.
 */
export function splitFilters(endpoint: Endpoint, filters: Filters, reserve: number, maxUrlLength: number): Filters[] {
  // The path, its '?', and the room the caller keeps for paging and view parameters.
  const base = listPath(endpoint).length + 1 + reserve;
  const length = (f: Filters): number => base + new URLSearchParams(stringPairs(f)).toString().length;
  const unique: Filters = Object.fromEntries(
    Object.entries(filters).map(([name, value]): [string, FilterValue | undefined] => [name, Array.isArray(value) ? distinct(value) : value]),
  );
  return splitToFit(unique, length, maxUrlLength);
}

type FilterList = [string, readonly (string | number)[]];

function splitToFit(filters: Filters, length: (f: Filters) => number, max: number): Filters[] {
  if (length(filters) <= max) return [filters];
  const lists = Object.entries(filters).filter((e): e is FilterList => Array.isArray(e[1]) && e[1].length > 1);
  if (lists.length === 0) return [filters];
  const [name, values] = lists.reduce((a, b) => (encodedLength(b) > encodedLength(a) ? b : a));
  const others: Filters = { ...filters, [name]: [] };
  const widest = values.reduce<number>((most, v) => Math.max(most, valueCost(name, v)), 0);
  // This list keeps at least half of the URL: squeezed beside long other lists it would be cut
  // into many small slices, where splitting those lists too asks for fewer URLs in all.
  const room = Math.max(widest, Math.floor((max - length({})) / 2));
  const parts = length(others) + room <= max ? [others] : splitToFit(others, length, max - room);
  return parts.flatMap((part) => sliceToFit(values, name, max - length(part)).map((slice) => ({ ...part, [name]: slice })));
}

/** Cuts `values` into consecutive slices whose query parameters fit in `budget` characters. */
function sliceToFit(values: readonly (string | number)[], name: string, budget: number): (string | number)[][] {
  const slices: (string | number)[][] = [];
  let current: (string | number)[] = [];
  let used = 0;
  for (const v of values) {
    const cost = valueCost(name, v);
    if (current.length > 0 && used + cost > budget) {
      slices.push(current);
      current = [];
      used = 0;
    }
    current.push(v);
    used += cost;
  }
  if (current.length > 0) slices.push(current);
  return slices;
}

function valueCost(name: string, value: string | number): number {
  return new URLSearchParams([[name, String(value)]]).toString().length + 1;
}

function distinct(values: readonly (string | number)[]): (string | number)[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = String(v);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Refuses, before anything is sent, a filter NetBox does not have on this endpoint and would
 * ignore: `module_type_id` on device-bay and inventory-item templates (they belong to device
 * types only). Sent anyway, NetBox would answer with every object of the endpoint.
 */
export function refuseUnsupportedFilters(endpoint: Endpoint, filters: Filters, version: NetBoxVersion): void {
  const value = filters.module_type_id;
  if (value === undefined || !DEVICE_TYPE_ONLY_TEMPLATE_ENDPOINTS.has(endpoint)) return;
  const sentAs = serverFilterName(endpoint, 'module_type_id', version);
  throw new FilterIgnoredError(
    `NetBox has no ${sentAs} filter on ${listPath(endpoint)}: these templates belong to device types only, so NetBox would ignore ` +
      'the filter and answer with every object. Read them by device_type_id.',
    'module_type_id',
    sentAs,
    version.version,
    listPath(endpoint),
    undefined,
  );
}

/**
 * Throws {@link FilterIgnoredError} when an object does not match a verifiable filter: the
 * server ignored a filter it does not know and answered with unfiltered results.
 */
export function verifyFiltered(endpoint: Endpoint, filters: Filters, objects: readonly unknown[], version: NetBoxVersion): void {
  const active = Object.entries(filters).filter(([name, v]) => v !== undefined && name in CHECKS) as [string, FilterValue][];
  if (active.length === 0) return;
  const wanted = active.map(([name, value]) => ({ name, check: CHECKS[name] as FilterCheck, values: new Set(filterStrings(value)) }));
  for (const obj of objects) {
    const record = (obj ?? {}) as Readonly<Record<string, unknown>>;
    for (const w of wanted) {
      const got = w.check.read(record);
      const ok = got !== undefined && (w.check.all ? [...w.values].every((v) => got.includes(v)) : got.some((v) => w.values.has(v)));
      if (!ok) throw filterIgnored(endpoint, w.name, filterStrings(filters[w.name] as FilterValue), record, got, version);
    }
  }
}

function filterIgnored(
  endpoint: Endpoint,
  name: string,
  values: readonly string[],
  obj: Readonly<Record<string, unknown>>,
  got: readonly string[] | undefined,
  version: NetBoxVersion,
): FilterIgnoredError {
  const sentAs = serverFilterName(endpoint, name, version);
  const id = typeof obj.id === 'number' ? obj.id : undefined;
  const shown = values.length > 3 ? `${values.slice(0, 3).join(',')},…` : values.join(',');
  const what = got === undefined ? `without a "${CHECKS[name]?.field}" field` : `with ${CHECKS[name]?.field} ${got.join(',') || '(none)'}`;
  return new FilterIgnoredError(
    `NetBox ${version.version} ignored the filter ${sentAs}=${shown} on ${listPath(endpoint)}: it returned object ${id ?? '?'} ${what}. ` +
      'NetBox drops query parameters it does not know, so this version does not support that filter here; ' +
      'the client stopped instead of paging through unfiltered results. Check the server version the client detected.',
    name,
    sentAs,
    version.version,
    listPath(endpoint),
    id,
  );
}

function stringPairs(filters: Filters): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(filters)) {
    if (value === undefined) continue;
    for (const v of filterStrings(value)) out.push([name, v]);
  }
  return out;
}

function encodedLength([name, values]: FilterList): number {
  return values.reduce<number>((sum, v) => sum + valueCost(name, v), 0);
}
