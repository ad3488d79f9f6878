import type { ReferenceResolver } from '../model/fields.ts';
import type { ModelDef } from '../model/model-def.ts';
import { pythonRepr, pythonStr, pythonTypeName } from '../model/text.ts';
import type { EndpointName, FieldValue, Json, Row, TableName } from '../model/types.ts';
import { isEndpointName } from '../model/types.ts';
import type { Store } from '../store/store.ts';
import type { VersionProfile } from '../version.ts';

/** Unique single-field indexes usable for attribute lookups, per table. */
const LOOKUP_INDEXES: Partial<Record<TableName, readonly string[]>> = {
  manufacturers: ['name', 'slug'],
  tags: ['name', 'slug'],
  'device-types': ['slug'],
};

class AttributeError extends Error {}

/** Resolves references written as ids or attribute dicts, with NetBox's error messages. */
export class StoreReferenceResolver implements ReferenceResolver {
  constructor(
    private readonly store: Store,
    private readonly profile: VersionProfile,
    private readonly modelFor: (endpoint: EndpointName) => ModelDef,
  ) {}

  resolveNested(target: TableName, value: Json): number | string {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return this.resolveAttributes(target, value);
    const pk = pythonInt(value);
    if (pk === null) {
      return `Related objects must be referenced by numeric ID or by dictionary of attributes. Received an unrecognized value: ${pythonStr(value)}`;
    }
    return this.store.table(target).get(pk) ? pk : `Related object not found using the provided numeric ID: ${pk}`;
  }

  resolvePk(target: TableName, value: Json): number | string {
    if (typeof value === 'boolean' || value === null || typeof value === 'object')
      return `Incorrect type. Expected pk value, received ${pythonTypeName(value)}.`;
    const pk = pythonInt(value);
    if (pk === null) return `Incorrect type. Expected pk value, received ${pythonTypeName(value)}.`;
    return this.store.table(target).get(pk) ? pk : `Invalid pk "${pythonStr(value)}" - object does not exist.`;
  }

  private resolveAttributes(target: TableName, attributes: { [key: string]: Json }): number | string {
    const params = flattenParams(attributes);
    const shown = pythonRepr(params);
    let matches: Row[];
    try {
      matches = this.candidates(target, params).filter((row) =>
        Object.entries(params).every(([key, expected]) => this.matches(target, row, key.split('__'), expected)),
      );
    } catch (error) {
      if (error instanceof AttributeError) return error.message;
      throw error;
    }
    if (matches.length === 0) return `Related object not found using the provided attributes: ${shown}`;
    if (matches.length > 1) return `Multiple objects match the provided attributes: ${shown}`;
    return (matches[0] as Row).id;
  }

  private candidates(target: TableName, params: Record<string, Json>): Row[] {
    const table = this.store.table(target);
    for (const field of LOOKUP_INDEXES[target] ?? []) {
      const expected = params[field];
      if (typeof expected === 'string' || typeof expected === 'number') {
        const out: Row[] = [];
        for (const id of table.lookup(field, String(expected))) {
          const row = table.get(id);
          if (row) out.push(row);
        }
        return out;
      }
    }
    const id = pythonInt(params.id ?? params.pk ?? null);
    if (id !== null) {
      const row = table.get(id);
      return row ? [row] : [];
    }
    return [...table.values()];
  }

  private matches(table: TableName, row: Row, path: string[], expected: Json): boolean {
    const [head, ...rest] = path;
    if (head === undefined) return false;
    if (head === 'id' || head === 'pk') return rest.length === 0 && sameValue(row.id, expected);
    const def = isEndpointName(table) ? this.modelFor(table) : undefined;
    const known = def ? def.fields(this.profile).some((spec) => spec.name === head) : head in row.f;
    if (!known) {
      const choices = def ? ['id', ...def.fields(this.profile).map((spec) => spec.name)].sort().join(', ') : '';
      throw new AttributeError(`Cannot resolve keyword '${head}' into field. Choices are: ${choices}`);
    }
    const value = row.f[head] ?? null;
    const refTarget = def?.refs[head];
    if (rest.length === 0 || !refTarget) return rest.length === 0 && sameValue(value, expected);
    const related = typeof value === 'number' ? this.store.table(refTarget).get(value) : undefined;
    return related ? this.matches(refTarget, related, rest, expected) : expected === null;
  }
}

/** NetBox's dict_to_filter_params: nested dicts become `a__b` keys. */
function flattenParams(attributes: { [key: string]: Json }, prefix = ''): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) Object.assign(out, flattenParams(value, `${prefix}${key}__`));
    else out[`${prefix}${key}`] = value;
  }
  return out;
}

/** Python's int(x) for the values a client may send, or null where int() would raise. */
export function pythonInt(value: Json): number | null {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : null;
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return Number(value.trim());
  return null;
}

/** Django's exact lookup, with the field casting the compared value. */
function sameValue(stored: FieldValue, expected: Json): boolean {
  if (stored === null) return expected === null;
  if (typeof stored === 'number') return pythonInt(expected) === stored || Number(expected) === stored;
  if (typeof stored === 'boolean') return expected === stored || (typeof expected === 'string' && expected.toLowerCase() === String(stored));
  if (typeof stored === 'string') return expected !== null && typeof expected !== 'object' && pythonStr(expected) === stored;
  return false;
}
