import type { ModelDef } from '../model-def.ts';
import { apiUrl, displayUrl, str, tagsNested } from '../nested.ts';
import { idKey, KEY_SEPARATOR, naturalKey } from '../text.ts';
import { charFilter, compositeIndex, containsAny, idFilter, primaryTail, tagFilters, tagIndex } from './common.ts';

/** /api/dcim/manufacturers/ */
export const manufacturers: ModelDef = {
  endpoint: 'manufacturers',
  app: 'dcim',
  modelName: 'Manufacturer',
  verboseName: 'manufacturer',
  fields: (profile) => [
    { name: 'name', kind: { type: 'char', maxLength: 100, blank: false }, required: true },
    { name: 'slug', kind: { type: 'slug', maxLength: 100 }, required: true },
    ...primaryTail(profile),
  ],
  uniqueFields: [
    { field: 'name', index: 'name', message: 'manufacturer with this name already exists.' },
    { field: 'slug', index: 'slug', message: 'manufacturer with this slug already exists.' },
  ],
  constraints: [],
  indexes: [compositeIndex('name', ['name']), compositeIndex('slug', ['slug']), tagIndex],
  refs: {},
  orderDeps: [],
  display: (row) => str(row, 'name'),
  serialize(row, ctx) {
    const store = ctx.store;
    return {
      id: row.id,
      url: apiUrl(ctx, 'manufacturers', row.id),
      display_url: displayUrl(ctx, 'manufacturers', row.id),
      display: str(row, 'name'),
      name: str(row, 'name'),
      slug: str(row, 'slug'),
      description: str(row, 'description'),
      ...(ctx.profile.ownerField ? { owner: null } : {}),
      comments: str(row, 'comments'),
      tags: tagsNested(ctx, row.f.tags),
      custom_fields: {},
      created: row.created,
      last_updated: row.last_updated,
      devicetype_count: store.table('device-types').lookup('manufacturer', row.id).size,
      moduletype_count: store.table('module-types').lookup('manufacturer', row.id).size,
      inventoryitem_count: 0,
      platform_count: 0,
    };
  },
  brief(row, ctx) {
    return {
      id: row.id,
      url: apiUrl(ctx, 'manufacturers', row.id),
      display: str(row, 'name'),
      name: str(row, 'name'),
      slug: str(row, 'slug'),
      description: str(row, 'description'),
    };
  },
  search: (row, needle) => containsAny(needle, str(row, 'name'), str(row, 'slug'), str(row, 'description')),
  filters: () => ({
    id: idFilter,
    name: charFilter('name'),
    slug: charFilter('slug'),
    description: charFilter('description'),
    q: { kind: 'search' },
    ...tagFilters,
  }),
  sortKey: (row) => naturalKey(str(row, 'name')) + KEY_SEPARATOR + idKey(row.id),
};
