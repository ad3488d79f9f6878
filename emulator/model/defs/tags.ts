import type { ModelDef } from '../model-def.ts';
import { apiUrl, displayUrl, num, str } from '../nested.ts';
import { idKey, KEY_SEPARATOR, naturalKey } from '../text.ts';
import type { Json, TableName } from '../types.ts';
import { charFilter, compositeIndex, containsAny, descriptionField, idFilter, numberFilter } from './common.ts';

/** Tables whose rows carry tags. */
export const TAGGED_TABLES: readonly TableName[] = ['manufacturers', 'device-types', 'module-types'];

/** /api/extras/tags/ */
export const tags: ModelDef = {
  endpoint: 'tags',
  app: 'extras',
  modelName: 'Tag',
  verboseName: 'tag',
  fields: () => [
    { name: 'name', kind: { type: 'char', maxLength: 100, blank: false }, required: true },
    { name: 'slug', kind: { type: 'slug', maxLength: 100, unicode: true }, required: true },
    { name: 'color', kind: { type: 'color' }, default: '9e9e9e' },
    descriptionField,
    { name: 'weight', kind: { type: 'int', min: 0, max: 32767, nullable: false }, default: 1000 },
    { name: 'object_types', kind: { type: 'string-list' }, default: [] },
  ],
  uniqueFields: [
    { field: 'name', index: 'name', message: 'tag with this name already exists.' },
    { field: 'slug', index: 'slug', message: 'tag with this slug already exists.' },
  ],
  constraints: [],
  indexes: [compositeIndex('name', ['name']), compositeIndex('slug', ['slug'])],
  refs: {},
  orderDeps: [],
  display: (row) => str(row, 'name'),
  serialize(row, ctx) {
    let tagged = 0;
    for (const table of TAGGED_TABLES) tagged += ctx.store.table(table).lookup('tags', row.id).size;
    return {
      id: row.id,
      url: apiUrl(ctx, 'tags', row.id),
      display_url: displayUrl(ctx, 'tags', row.id),
      display: str(row, 'name'),
      name: str(row, 'name'),
      slug: str(row, 'slug'),
      color: str(row, 'color'),
      description: str(row, 'description'),
      weight: num(row, 'weight') ?? 1000,
      object_types: (Array.isArray(row.f.object_types) ? row.f.object_types : []) as Json[],
      tagged_items: tagged,
      created: row.created,
      last_updated: row.last_updated,
    };
  },
  brief(row, ctx) {
    return {
      id: row.id,
      url: apiUrl(ctx, 'tags', row.id),
      display: str(row, 'name'),
      name: str(row, 'name'),
      slug: str(row, 'slug'),
      color: str(row, 'color'),
      description: str(row, 'description'),
    };
  },
  search: (row, needle) => containsAny(needle, str(row, 'name'), str(row, 'slug'), str(row, 'description')),
  filters: () => ({
    id: idFilter,
    name: charFilter('name'),
    slug: charFilter('slug'),
    color: charFilter('color'),
    description: charFilter('description'),
    weight: numberFilter('weight'),
    q: { kind: 'search' },
  }),
  sortKey: (row) => idKey(num(row, 'weight') ?? 1000) + KEY_SEPARATOR + naturalKey(str(row, 'name')) + KEY_SEPARATOR + idKey(row.id),
};
