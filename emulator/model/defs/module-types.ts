import { choiceSet } from '../../choices.ts';
import type { ModelDef } from '../model-def.ts';
import { apiUrl, displayUrl, manufacturerNested, num, str, tagsNested } from '../nested.ts';
import { idKey, KEY_SEPARATOR, naturalKey } from '../text.ts';
import type { ErrorDict, Json } from '../types.ts';
import {
  charFilter,
  choiceFilter,
  choiceOut,
  choiceSpec,
  compositeIndex,
  containsAny,
  idFilter,
  manufacturerName,
  primaryTail,
  refFilter,
  refIndex,
  tagFilters,
  tagIndex,
} from './common.ts';

const AIRFLOW = choiceSet('module-airflow');
const WEIGHT_UNIT = choiceSet('weight-unit');

/** /api/dcim/module-types/ */
export const moduleTypes: ModelDef = {
  endpoint: 'module-types',
  app: 'dcim',
  modelName: 'ModuleType',
  verboseName: 'module type',
  fields: (profile) => [
    { name: 'profile', kind: { type: 'absent-ref', what: 'module type profile' }, default: null },
    { name: 'manufacturer', kind: { type: 'ref', target: 'manufacturers', nullable: false, style: 'nested' }, required: true },
    { name: 'model', kind: { type: 'char', maxLength: 100, blank: false }, required: true },
    { name: 'part_number', kind: { type: 'char', maxLength: 50, blank: true }, default: '' },
    choiceSpec('airflow', AIRFLOW),
    { name: 'weight', kind: { type: 'decimal', maxDigits: 8, places: 2, min: -1000000, max: 1000000, nullable: true }, default: null },
    choiceSpec('weight_unit', WEIGHT_UNIT),
    { name: 'attributes', kind: { type: 'json' }, default: null },
    ...primaryTail(profile),
  ],
  uniqueFields: [],
  constraints: [
    {
      index: 'manufacturer_model',
      message: 'Module type with this Manufacturer and Model already exists.',
      key: (f) => (f.manufacturer === null || f.model === null ? null : `${String(f.manufacturer)}\u0000${String(f.model)}`),
    },
  ],
  indexes: [refIndex('manufacturer'), compositeIndex('manufacturer_model', ['manufacturer', 'model']), tagIndex],
  refs: { manufacturer: 'manufacturers' },
  orderDeps: ['manufacturers'],
  display: (row) => str(row, 'model'),
  serialize(row, ctx) {
    return {
      id: row.id,
      url: apiUrl(ctx, 'module-types', row.id),
      display_url: displayUrl(ctx, 'module-types', row.id),
      display: str(row, 'model'),
      profile: null,
      manufacturer: manufacturerNested(ctx, row.f.manufacturer),
      model: str(row, 'model'),
      part_number: str(row, 'part_number'),
      airflow: choiceOut(AIRFLOW, row.f.airflow),
      weight: num(row, 'weight'),
      weight_unit: choiceOut(WEIGHT_UNIT, row.f.weight_unit),
      description: str(row, 'description'),
      attributes: (row.f.attributes ?? null) as Json,
      ...(ctx.profile.ownerField ? { owner: null } : {}),
      comments: str(row, 'comments'),
      tags: tagsNested(ctx, row.f.tags),
      custom_fields: {},
      created: row.created,
      last_updated: row.last_updated,
      module_count: 0,
    };
  },
  brief(row, ctx) {
    return {
      id: row.id,
      url: apiUrl(ctx, 'module-types', row.id),
      display: str(row, 'model'),
      profile: null,
      manufacturer: manufacturerNested(ctx, row.f.manufacturer),
      model: str(row, 'model'),
      description: str(row, 'description'),
      module_count: 0,
    };
  },
  clean(candidate): ErrorDict | null {
    const f = candidate.f;
    if (typeof f.weight === 'number' && f.weight !== 0 && !f.weight_unit) return { __all__: ['Must specify a unit when setting a weight'] };
    return null;
  },
  search: (row, needle, store) =>
    containsAny(
      needle,
      manufacturerName(store, 'module-types', row.id),
      str(row, 'model'),
      str(row, 'part_number'),
      str(row, 'description'),
      str(row, 'comments'),
    ),
  filters: () => ({
    id: idFilter,
    model: charFilter('model'),
    part_number: charFilter('part_number'),
    description: charFilter('description'),
    weight: { kind: 'number', get: (row) => num(row, 'weight') },
    airflow: choiceFilter('airflow', AIRFLOW),
    weight_unit: choiceFilter('weight_unit', WEIGHT_UNIT),
    manufacturer_id: refFilter('manufacturer', 'manufacturers'),
    manufacturer: refFilter('manufacturer', 'manufacturers', 'slug'),
    q: { kind: 'search' },
    ...tagFilters,
  }),
  sortKey: (row, store) =>
    naturalKey(manufacturerName(store, 'module-types', row.id)) + KEY_SEPARATOR + naturalKey(str(row, 'model')) + KEY_SEPARATOR + idKey(row.id),
};
