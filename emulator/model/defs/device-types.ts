import { choiceSet } from '../../choices.ts';
import type { ModelDef } from '../model-def.ts';
import { apiUrl, bool, displayUrl, manufacturerNested, num, str, tagsNested } from '../nested.ts';
import { idKey, KEY_SEPARATOR, naturalKey } from '../text.ts';
import type { ErrorDict, TemplateEndpoint } from '../types.ts';
import {
  boolFilter,
  charFilter,
  choiceFilter,
  choiceOut,
  choiceSpec,
  compositeIndex,
  containsAny,
  idFilter,
  manufacturerName,
  mediaUrl,
  primaryTail,
  refFilter,
  refIndex,
  tagFilters,
  tagIndex,
} from './common.ts';

const AIRFLOW = choiceSet('device-airflow');
const WEIGHT_UNIT = choiceSet('weight-unit');
const SUBDEVICE_ROLE = choiceSet('subdevice-role');

/** Template endpoints in the order of the `*_template_count` fields of a device type. */
const COUNTED: ReadonlyArray<[string, TemplateEndpoint]> = [
  ['console_port_template_count', 'console-port-templates'],
  ['console_server_port_template_count', 'console-server-port-templates'],
  ['power_port_template_count', 'power-port-templates'],
  ['power_outlet_template_count', 'power-outlet-templates'],
  ['interface_template_count', 'interface-templates'],
  ['front_port_template_count', 'front-port-templates'],
  ['rear_port_template_count', 'rear-port-templates'],
  ['device_bay_template_count', 'device-bay-templates'],
  ['module_bay_template_count', 'module-bay-templates'],
  ['inventory_item_template_count', 'inventory-item-templates'],
];

/** /api/dcim/device-types/ */
export const deviceTypes: ModelDef = {
  endpoint: 'device-types',
  app: 'dcim',
  modelName: 'DeviceType',
  verboseName: 'device type',
  fields: (profile) => [
    { name: 'manufacturer', kind: { type: 'ref', target: 'manufacturers', nullable: false, style: 'nested' }, required: true },
    { name: 'default_platform', kind: { type: 'absent-ref', what: 'platform' }, default: null },
    { name: 'model', kind: { type: 'char', maxLength: 100, blank: false }, required: true },
    { name: 'slug', kind: { type: 'slug', maxLength: 100 }, required: true },
    { name: 'part_number', kind: { type: 'char', maxLength: 50, blank: true }, default: '' },
    { name: 'u_height', kind: { type: 'decimal', maxDigits: 4, places: 1, min: 0, max: 1000, nullable: false }, default: 1 },
    { name: 'exclude_from_utilization', kind: { type: 'bool' }, default: false },
    { name: 'is_full_depth', kind: { type: 'bool' }, default: true },
    choiceSpec('subdevice_role', SUBDEVICE_ROLE),
    choiceSpec('airflow', AIRFLOW),
    { name: 'weight', kind: { type: 'decimal', maxDigits: 8, places: 2, min: -1000000, max: 1000000, nullable: true }, default: null },
    choiceSpec('weight_unit', WEIGHT_UNIT),
    { name: 'front_image', kind: { type: 'image' }, default: null },
    { name: 'rear_image', kind: { type: 'image' }, default: null },
    ...primaryTail(profile),
  ],
  uniqueFields: [],
  constraints: [
    { index: 'manufacturer_model', message: 'Device type with this Manufacturer and Model already exists.', key: (f) => key2(f.manufacturer, f.model) },
    { index: 'manufacturer_slug', message: 'Device type with this Manufacturer and Slug already exists.', key: (f) => key2(f.manufacturer, f.slug) },
  ],
  indexes: [
    refIndex('manufacturer'),
    compositeIndex('manufacturer_model', ['manufacturer', 'model']),
    compositeIndex('manufacturer_slug', ['manufacturer', 'slug']),
    compositeIndex('slug', ['slug']),
    tagIndex,
  ],
  refs: { manufacturer: 'manufacturers' },
  orderDeps: ['manufacturers'],
  display: (row) => str(row, 'model'),
  serialize(row, ctx) {
    const out = {
      id: row.id,
      url: apiUrl(ctx, 'device-types', row.id),
      display_url: displayUrl(ctx, 'device-types', row.id),
      display: str(row, 'model'),
      manufacturer: manufacturerNested(ctx, row.f.manufacturer),
      default_platform: null,
      model: str(row, 'model'),
      slug: str(row, 'slug'),
      part_number: str(row, 'part_number'),
      u_height: num(row, 'u_height') ?? 1,
      exclude_from_utilization: bool(row, 'exclude_from_utilization'),
      is_full_depth: bool(row, 'is_full_depth'),
      subdevice_role: choiceOut(SUBDEVICE_ROLE, row.f.subdevice_role),
      airflow: choiceOut(AIRFLOW, row.f.airflow),
      weight: num(row, 'weight'),
      weight_unit: choiceOut(WEIGHT_UNIT, row.f.weight_unit),
      front_image: mediaUrl(ctx, row.f.front_image),
      rear_image: mediaUrl(ctx, row.f.rear_image),
      description: str(row, 'description'),
      ...(ctx.profile.ownerField ? { owner: null } : {}),
      comments: str(row, 'comments'),
      tags: tagsNested(ctx, row.f.tags),
      custom_fields: {},
      created: row.created,
      last_updated: row.last_updated,
      device_count: 0,
    };
    const counts: Record<string, number> = {};
    for (const [field, endpoint] of COUNTED) counts[field] = ctx.store.table(endpoint).lookup('device_type', row.id).size;
    return { ...out, ...counts };
  },
  brief(row, ctx) {
    return {
      id: row.id,
      url: apiUrl(ctx, 'device-types', row.id),
      display: str(row, 'model'),
      manufacturer: manufacturerNested(ctx, row.f.manufacturer),
      model: str(row, 'model'),
      slug: str(row, 'slug'),
      description: str(row, 'description'),
      device_count: 0,
    };
  },
  clean(candidate, store): ErrorDict | null {
    const f = candidate.f;
    if (typeof f.weight === 'number' && f.weight !== 0 && !f.weight_unit) return { __all__: ['Must specify a unit when setting a weight'] };
    const uHeight = typeof f.u_height === 'number' ? f.u_height : 1;
    if (Math.round(uHeight * 10) % 5 !== 0) return { u_height: ['U height must be in increments of 0.5 rack units.'] };
    if (candidate.id !== null && f.subdevice_role !== 'parent' && store.table('device-bay-templates').lookup('device_type', candidate.id).size > 0) {
      return { subdevice_role: ['Must delete all device bay templates associated with this device before declassifying it as a parent device.'] };
    }
    if (uHeight !== 0 && f.subdevice_role === 'child') return { u_height: ['Child device types must be 0U.'] };
    return null;
  },
  search: (row, needle, store) =>
    containsAny(
      needle,
      manufacturerName(store, 'device-types', row.id),
      str(row, 'model'),
      str(row, 'part_number'),
      str(row, 'description'),
      str(row, 'comments'),
    ),
  filters: () => ({
    id: idFilter,
    model: charFilter('model'),
    slug: charFilter('slug'),
    part_number: charFilter('part_number'),
    description: charFilter('description'),
    u_height: { kind: 'number', get: (row) => num(row, 'u_height') },
    weight: { kind: 'number', get: (row) => num(row, 'weight') },
    exclude_from_utilization: boolFilter('exclude_from_utilization'),
    is_full_depth: boolFilter('is_full_depth'),
    subdevice_role: choiceFilter('subdevice_role', SUBDEVICE_ROLE),
    airflow: choiceFilter('airflow', AIRFLOW),
    weight_unit: choiceFilter('weight_unit', WEIGHT_UNIT),
    manufacturer_id: refFilter('manufacturer', 'manufacturers'),
    manufacturer: refFilter('manufacturer', 'manufacturers', 'slug'),
    has_front_image: { kind: 'flag', test: (row, value) => (str(row, 'front_image') !== '') === value },
    has_rear_image: { kind: 'flag', test: (row, value) => (str(row, 'rear_image') !== '') === value },
    q: { kind: 'search' },
    ...tagFilters,
  }),
  sortKey: (row, store) =>
    naturalKey(manufacturerName(store, 'device-types', row.id)) + KEY_SEPARATOR + naturalKey(str(row, 'model')) + KEY_SEPARATOR + idKey(row.id),
};

function key2(a: unknown, b: unknown): string | null {
  return a === null || a === undefined || b === null || b === undefined ? null : `${String(a)}\u0000${String(b)}`;
}
