import type { ChoiceSet } from '../../choices.ts';
import type { Store } from '../../store/store.ts';
import type { IndexSpec } from '../../store/table.ts';
import type { VersionProfile } from '../../version.ts';
import type { FieldSpec } from '../fields.ts';
import type { FilterSpec } from '../filter-spec.ts';
import type { SerializeContext } from '../model-def.ts';
import { ids, str } from '../nested.ts';
import type { FieldValue, Json, Row, TableName } from '../types.ts';

export const descriptionField: FieldSpec = { name: 'description', kind: { type: 'char', maxLength: 200, blank: true }, default: '' };
export const commentsField: FieldSpec = { name: 'comments', kind: { type: 'char', blank: true }, default: '' };
export const tagsField: FieldSpec = { name: 'tags', kind: { type: 'tags' }, default: [] };
export const customFieldsField: FieldSpec = { name: 'custom_fields', kind: { type: 'custom-fields' }, default: {} };
export const ownerField: FieldSpec = { name: 'owner', kind: { type: 'absent-ref', what: 'owner' }, default: null };

/** The fields every NetBox "primary model" ends with; `owner` only where the version has it. */
export function primaryTail(profile: VersionProfile): FieldSpec[] {
  return [descriptionField, ...(profile.ownerField ? [ownerField] : []), commentsField, tagsField, customFieldsField];
}

export function charSpec(name: string, maxLength: number, options: { required?: boolean; blank?: boolean } = {}): FieldSpec {
  const blank = options.blank ?? !options.required;
  return options.required
    ? { name, kind: { type: 'char', maxLength, blank }, required: true }
    : { name, kind: { type: 'char', maxLength, blank }, default: '' };
}

export function choiceSpec(name: string, set: ChoiceSet, required = false): FieldSpec {
  return required
    ? { name, kind: { type: 'choice', set, nullable: false }, required: true }
    : { name, kind: { type: 'choice', set, nullable: true }, default: null };
}

/** Index of a table's rows by the id held in a foreign-key field. */
export function refIndex(field: string): IndexSpec {
  return { name: field, keys: (row) => (typeof row.f[field] === 'number' ? [row.f[field] as number] : []) };
}

/** Index of rows by one or more fields' values joined; rows with a null part are left out. */
export function compositeIndex(name: string, fields: readonly string[]): IndexSpec {
  return {
    name,
    keys: (row) => {
      const key = compositeKey(row.f, fields);
      return key === null ? [] : [key];
    },
  };
}

export function compositeKey(f: Readonly<Record<string, FieldValue>>, fields: readonly string[]): string | null {
  const parts: string[] = [];
  for (const field of fields) {
    const value = f[field];
    if (value === null || value === undefined) return null;
    parts.push(String(value));
  }
  return parts.join('\u0000');
}

export const tagIndex: IndexSpec = { name: 'tags', keys: (row) => ids(row.f.tags) };

export const idFilter: FilterSpec = { kind: 'number', primaryKey: true, get: (row) => row.id };

export function charFilter(field: string): FilterSpec {
  return { kind: 'char', get: (row) => str(row, field) };
}

export function numberFilter(field: string): FilterSpec {
  return { kind: 'number', get: (row) => (typeof row.f[field] === 'number' ? (row.f[field] as number) : null) };
}

export function choiceFilter(field: string, set: ChoiceSet): FilterSpec {
  return { kind: 'choice', set, get: (row) => (typeof row.f[field] === 'string' ? (row.f[field] as string) : null) };
}

export function boolFilter(field: string): FilterSpec {
  return { kind: 'bool', get: (row) => row.f[field] === true };
}

export function refFilter(field: string, target: TableName, by: 'id' | 'slug' | 'name' = 'id'): FilterSpec {
  return { kind: 'ref', target, by, index: field, get: (row) => (typeof row.f[field] === 'number' ? (row.f[field] as number) : null) };
}

export const tagFilters: Readonly<Record<string, FilterSpec>> = {
  tag: { kind: 'tags', by: 'slug' },
  tag_id: { kind: 'tags', by: 'id' },
};

/** True when any of the texts contains the (lower-cased) needle, as `__icontains` does. */
export function containsAny(needle: string, ...texts: string[]): boolean {
  return texts.some((text) => text.toLowerCase().includes(needle));
}

/** The choice stored in a row as NetBox reads it back: `{value, label}` or null. */
export function choiceOut(set: ChoiceSet, value: FieldValue | undefined): Json {
  if (typeof value !== 'string' || value === '') return null;
  return { value, label: set.labels.get(value) ?? value };
}

/** Absolute URL of an uploaded image stored at `path` (relative to the media root). */
export function mediaUrl(ctx: SerializeContext, value: FieldValue | undefined): Json {
  return typeof value === 'string' && value !== '' ? `${ctx.base}/media/${value}` : null;
}

/** The manufacturer name of the row a foreign key points at, for orderings by manufacturer. */
export function manufacturerName(store: Store, table: TableName, id: FieldValue | undefined): string {
  if (typeof id !== 'number') return '';
  const parent = store.table(table).get(id);
  const manufacturer = typeof parent?.f.manufacturer === 'number' ? store.table('manufacturers').get(parent.f.manufacturer) : undefined;
  return manufacturer ? str(manufacturer, 'name') : '';
}

export function rowsOf(store: Store, table: TableName, idsToFetch: Iterable<number>): Row[] {
  const source = store.table(table);
  const out: Row[] = [];
  for (const id of idsToFetch) {
    const row = source.get(id);
    if (row) out.push(row);
  }
  return out;
}
