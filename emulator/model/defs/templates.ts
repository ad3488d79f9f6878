import { choiceSet, isVirtualInterface, isWirelessInterface } from '../../choices.ts';
import type { Store } from '../../store/store.ts';
import type { IndexSpec } from '../../store/table.ts';
import type { VersionProfile } from '../../version.ts';
import type { FieldSpec } from '../fields.ts';
import type { FilterMap } from '../filter-spec.ts';
import type { Candidate, ModelDef, SerializeContext } from '../model-def.ts';
import { apiUrl, bool, componentDisplay, deviceTypeNested, manufacturerNested, moduleTypeNested, num, str, templateNested } from '../nested.ts';
import { idKey, KEY_SEPARATOR, naturalKey } from '../text.ts';
import type { EndpointName, ErrorDict, FieldValue, Json, JsonObject, Row, TableName, TemplateEndpoint } from '../types.ts';
import {
  boolFilter,
  charFilter,
  charSpec,
  choiceFilter,
  choiceOut,
  choiceSpec,
  compositeIndex,
  compositeKey,
  containsAny,
  descriptionField,
  idFilter,
  numberFilter,
  refFilter,
  refIndex,
} from './common.ts';

const CONSOLE_TYPE = choiceSet('console-port-type');
const POWER_PORT_TYPE = choiceSet('power-port-type');
const POWER_OUTLET_TYPE = choiceSet('power-outlet-type');
const FEED_LEG = choiceSet('power-outlet-feed-leg');
const INTERFACE_TYPE = choiceSet('interface-type');
const POE_MODE = choiceSet('interface-poe-mode');
const POE_TYPE = choiceSet('interface-poe-type');
const RF_ROLE = choiceSet('interface-rf-role');
const PORT_TYPE = choiceSet('port-type');

/** Content types an inventory item template's component may point at, and their endpoints. */
export const COMPONENT_CONTENT_TYPES: Readonly<Record<string, TemplateEndpoint>> = {
  'dcim.consoleporttemplate': 'console-port-templates',
  'dcim.consoleserverporttemplate': 'console-server-port-templates',
  'dcim.frontporttemplate': 'front-port-templates',
  'dcim.interfacetemplate': 'interface-templates',
  'dcim.poweroutlettemplate': 'power-outlet-templates',
  'dcim.powerporttemplate': 'power-port-templates',
  'dcim.rearporttemplate': 'rear-port-templates',
};

/** The internal table of 4.5 front-to-rear port mappings (PortTemplateMapping). */
export const MAPPINGS: TableName = 'port-template-mappings';

export const mappingIndexes: readonly IndexSpec[] = [
  refIndex('front_port'),
  refIndex('rear_port'),
  compositeIndex('front_port_position', ['front_port', 'front_port_position']),
  compositeIndex('rear_port_position', ['rear_port', 'rear_port_position']),
];

type Layout = 'modular' | 'device-only' | 'inventory';

interface TemplateOptions {
  readonly endpoint: TemplateEndpoint;
  readonly modelName: string;
  readonly verboseName: string;
  readonly layout: Layout;
  /** Fields after name/label (and their write specs), in the serializer's order. */
  fields(profile: VersionProfile): FieldSpec[];
  /** Adds the read fields after `label` up to `created` to `out`, in NetBox's order. */
  rest(row: Row, ctx: SerializeContext, out: JsonObject): void;
  clean?(candidate: Candidate, store: Store, profile: VersionProfile): ErrorDict | null;
  filters?(profile: VersionProfile): FilterMap;
  readonly indexes?: readonly IndexSpec[];
  readonly constraints?: ModelDef['constraints'];
  readonly refs?: Readonly<Record<string, TableName>>;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function templateDef(options: TemplateOptions): ModelDef {
  const { endpoint, layout } = options;
  const modular = layout === 'modular';
  const label = capitalised(options.verboseName);
  const parentFields: FieldSpec[] = modular
    ? [
        { name: 'device_type', kind: { type: 'ref', target: 'device-types', nullable: true, style: 'nested' }, default: null },
        { name: 'module_type', kind: { type: 'ref', target: 'module-types', nullable: true, style: 'nested' }, default: null },
      ]
    : [{ name: 'device_type', kind: { type: 'ref', target: 'device-types', nullable: false, style: 'nested' }, required: true }];
  const constraints: ModelDef['constraints'] =
    layout === 'inventory'
      ? [
          {
            index: 'device_type_parent_name',
            message: `${label} with this Device type, Parent and Name already exists.`,
            key: (f) => compositeKey(f, ['device_type', 'parent', 'name']),
          },
        ]
      : [
          {
            index: 'device_type_name',
            message: `${label} with this Device type and Name already exists.`,
            key: (f) => compositeKey(f, ['device_type', 'name']),
          },
          ...(modular
            ? [
                {
                  index: 'module_type_name',
                  message: `${label} with this Module type and Name already exists.`,
                  key: (f: Readonly<Record<string, FieldValue>>) => compositeKey(f, ['module_type', 'name']),
                },
              ]
            : []),
        ];
  return {
    endpoint,
    app: 'dcim',
    modelName: options.modelName,
    verboseName: options.verboseName,
    fields: (profile) => {
      const own = options.fields(profile);
      if (layout === 'inventory')
        return [parentFields[0] as FieldSpec, ...own.slice(0, 1), charSpec('name', 64, { required: true }), charSpec('label', 64), ...own.slice(1)];
      return [...parentFields, charSpec('name', 64, { required: true }), charSpec('label', 64), ...own];
    },
    uniqueFields: [],
    constraints: [...constraints, ...(options.constraints ?? [])],
    indexes: [
      refIndex('device_type'),
      refIndex('module_type'),
      compositeIndex('device_type_name', ['device_type', 'name']),
      compositeIndex('module_type_name', ['module_type', 'name']),
      ...(layout === 'inventory' ? [compositeIndex('device_type_parent_name', ['device_type', 'parent', 'name'])] : []),
      ...(options.indexes ?? []),
    ],
    refs: { device_type: 'device-types', module_type: 'module-types', ...(options.refs ?? {}) },
    orderDeps: ['device-types', 'module-types', 'manufacturers'],
    display: (row) => componentDisplay(row),
    serialize(row, ctx) {
      // One object literal per layout, filled in order: spreads here dominated list latency.
      const out: JsonObject =
        layout === 'modular'
          ? {
              id: row.id,
              url: apiUrl(ctx, endpoint, row.id),
              display: componentDisplay(row),
              device_type: deviceTypeNested(ctx, row.f.device_type),
              module_type: moduleTypeNested(ctx, row.f.module_type),
              name: str(row, 'name'),
              label: str(row, 'label'),
            }
          : layout === 'inventory'
            ? {
                id: row.id,
                url: apiUrl(ctx, endpoint, row.id),
                display: componentDisplay(row),
                device_type: deviceTypeNested(ctx, row.f.device_type),
                parent: num(row, 'parent'),
                name: str(row, 'name'),
                label: str(row, 'label'),
              }
            : {
                id: row.id,
                url: apiUrl(ctx, endpoint, row.id),
                display: componentDisplay(row),
                device_type: deviceTypeNested(ctx, row.f.device_type),
                name: str(row, 'name'),
                label: str(row, 'label'),
              };
      options.rest(row, ctx, out);
      out.created = row.created;
      out.last_updated = row.last_updated;
      if (layout === 'inventory') out._depth = inventoryDepth(row, ctx.store);
      return out;
    },
    brief(row, ctx) {
      const out: JsonObject = {
        id: row.id,
        url: apiUrl(ctx, endpoint, row.id),
        display: componentDisplay(row),
        name: str(row, 'name'),
        description: str(row, 'description'),
      };
      if (layout === 'inventory') out._depth = inventoryDepth(row, ctx.store);
      return out;
    },
    clean(candidate, store, profile): ErrorDict | null {
      if (layout === 'device-only') return options.clean?.(candidate, store, profile) ?? null;
      return commonClean(candidate, modular) ?? options.clean?.(candidate, store, profile) ?? null;
    },
    search: (row, needle, _store, profile) =>
      profile.templateSearchDescription ? containsAny(needle, str(row, 'name'), str(row, 'description')) : containsAny(needle, str(row, 'name')),
    filters: (profile) => ({
      id: idFilter,
      name: charFilter('name'),
      label: charFilter('label'),
      description: charFilter('description'),
      q: { kind: 'search' },
      [profile.deviceTypeFilter]: refFilter('device_type', 'device-types'),
      ...(modular ? { [profile.moduleTypeFilter]: refFilter('module_type', 'module-types') } : {}),
      ...(options.filters?.(profile) ?? {}),
    }),
    sortKey: (row, store) => (layout === 'inventory' ? inventorySortKey(row) : modularSortKey(row, store)),
  };
}

function modularSortKey(row: Row, store: Store): string {
  return (
    parentKey(store, 'device-types', row.f.device_type) +
    KEY_SEPARATOR +
    parentKey(store, 'module-types', row.f.module_type) +
    KEY_SEPARATOR +
    naturalKey(str(row, 'name')) +
    KEY_SEPARATOR +
    idKey(row.id)
  );
}

/** Sort-key part of a parent type, cached while the type and its manufacturer rows stay the same. */
const parentKeys = new WeakMap<Row, { manufacturer: Row | undefined; key: string }>();

function parentKey(store: Store, table: 'device-types' | 'module-types', id: FieldValue | undefined): string {
  if (typeof id !== 'number') return '1';
  const parent = store.table(table).get(id);
  if (!parent) return '1';
  const manufacturer = typeof parent.f.manufacturer === 'number' ? store.table('manufacturers').get(parent.f.manufacturer) : undefined;
  const hit = parentKeys.get(parent);
  if (hit && hit.manufacturer === manufacturer) return hit.key;
  const key = `0${naturalKey(manufacturer ? str(manufacturer, 'name') : '')}${KEY_SEPARATOR}${naturalKey(str(parent, 'model'))}`;
  parentKeys.set(parent, { manufacturer, key });
  return key;
}

function inventorySortKey(row: Row): string {
  return (
    idKey(num(row, 'device_type')) + KEY_SEPARATOR + idKey(num(row, 'parent')) + KEY_SEPARATOR + naturalKey(str(row, 'name')) + KEY_SEPARATOR + idKey(row.id)
  );
}

function inventoryDepth(row: Row, store: Store): number {
  let depth = 0;
  let parent: Json = row.f.parent ?? null;
  const seen = new Set<number>();
  while (typeof parent === 'number' && !seen.has(parent)) {
    seen.add(parent);
    depth += 1;
    parent = store.table('inventory-item-templates').get(parent)?.f.parent ?? null;
  }
  return depth;
}

/** ComponentTemplateModel.clean() and ModularComponentTemplateModel.clean(). */
function commonClean(candidate: Candidate, modular: boolean): ErrorDict | null {
  const f = candidate.f;
  if (candidate.previous && (candidate.previous.f.device_type ?? null) !== (f.device_type ?? null)) {
    return { device_type: ['Component templates cannot be moved to a different device type.'] };
  }
  if (!modular) return null;
  const hasDeviceType = typeof f.device_type === 'number';
  const hasModuleType = typeof f.module_type === 'number';
  if (hasDeviceType && hasModuleType) return { __all__: ['A component template cannot be associated with both a device type and a module type.'] };
  if (!hasDeviceType && !hasModuleType) return { __all__: ['A component template must be associated with either a device type or a module type.'] };
  return null;
}

/** Which parent a candidate has, for "must belong to the same device/module type" checks. */
function parentMismatch(candidate: Candidate, other: Row): 'device type' | 'module type' | null {
  const f = candidate.f;
  if (typeof f.device_type === 'number' && other.f.device_type !== f.device_type) return 'device type';
  if (typeof f.module_type === 'number' && other.f.module_type !== f.module_type) return 'module type';
  return null;
}

function typedFields(set: ReturnType<typeof choiceSet>): (profile: VersionProfile) => FieldSpec[] {
  return () => [choiceSpec('type', set), descriptionField];
}

function restTyped(set: ReturnType<typeof choiceSet>): TemplateOptions['rest'] {
  return (row, _ctx, out) => {
    out.type = choiceOut(set, row.f.type);
    out.description = str(row, 'description');
  };
}

const consolePortTemplates = templateDef({
  endpoint: 'console-port-templates',
  modelName: 'ConsolePortTemplate',
  verboseName: 'console port template',
  layout: 'modular',
  fields: typedFields(CONSOLE_TYPE),
  rest: restTyped(CONSOLE_TYPE),
  filters: () => ({ type: choiceFilter('type', CONSOLE_TYPE) }),
});

const consoleServerPortTemplates = templateDef({
  endpoint: 'console-server-port-templates',
  modelName: 'ConsoleServerPortTemplate',
  verboseName: 'console server port template',
  layout: 'modular',
  fields: typedFields(CONSOLE_TYPE),
  rest: restTyped(CONSOLE_TYPE),
  filters: () => ({ type: choiceFilter('type', CONSOLE_TYPE) }),
});

const DRAW: FieldSpec['kind'] = { type: 'int', min: 1, max: 2147483647, nullable: true };

const powerPortTemplates = templateDef({
  endpoint: 'power-port-templates',
  modelName: 'PowerPortTemplate',
  verboseName: 'power port template',
  layout: 'modular',
  fields: () => [
    choiceSpec('type', POWER_PORT_TYPE),
    { name: 'maximum_draw', kind: DRAW, default: null },
    { name: 'allocated_draw', kind: DRAW, default: null },
    descriptionField,
  ],
  rest: (row, _ctx, out) => {
    out.type = choiceOut(POWER_PORT_TYPE, row.f.type);
    out.maximum_draw = num(row, 'maximum_draw');
    out.allocated_draw = num(row, 'allocated_draw');
    out.description = str(row, 'description');
  },
  clean(candidate): ErrorDict | null {
    const { maximum_draw: maximum, allocated_draw: allocated } = candidate.f;
    if (typeof maximum === 'number' && typeof allocated === 'number' && allocated > maximum) {
      return { allocated_draw: [`Allocated draw cannot exceed the maximum draw (${maximum}W).`] };
    }
    return null;
  },
  filters: () => ({ type: choiceFilter('type', POWER_PORT_TYPE), maximum_draw: numberFilter('maximum_draw'), allocated_draw: numberFilter('allocated_draw') }),
});

const powerOutletTemplates = templateDef({
  endpoint: 'power-outlet-templates',
  modelName: 'PowerOutletTemplate',
  verboseName: 'power outlet template',
  layout: 'modular',
  fields: () => [
    choiceSpec('type', POWER_OUTLET_TYPE),
    { name: 'color', kind: { type: 'color' }, default: '' },
    { name: 'power_port', kind: { type: 'ref', target: 'power-port-templates', nullable: true, style: 'nested' }, default: null },
    choiceSpec('feed_leg', FEED_LEG),
    descriptionField,
  ],
  rest: (row, ctx, out) => {
    out.type = choiceOut(POWER_OUTLET_TYPE, row.f.type);
    out.color = str(row, 'color');
    out.power_port = templateNested(ctx, 'power-port-templates', row.f.power_port);
    out.feed_leg = choiceOut(FEED_LEG, row.f.feed_leg);
    out.description = str(row, 'description');
  },
  clean(candidate, store): ErrorDict | null {
    const powerPort = typeof candidate.f.power_port === 'number' ? store.table('power-port-templates').get(candidate.f.power_port) : undefined;
    const mismatch = powerPort ? parentMismatch(candidate, powerPort) : null;
    if (powerPort && mismatch) return { __all__: [`Parent power port (${componentDisplay(powerPort)}) must belong to the same ${mismatch}`] };
    return null;
  },
  indexes: [refIndex('power_port')],
  refs: { power_port: 'power-port-templates' },
  filters: () => ({
    type: choiceFilter('type', POWER_OUTLET_TYPE),
    color: charFilter('color'),
    feed_leg: choiceFilter('feed_leg', FEED_LEG),
    power_port_id: refFilter('power_port', 'power-port-templates'),
  }),
});

const interfaceTemplates = templateDef({
  endpoint: 'interface-templates',
  modelName: 'InterfaceTemplate',
  verboseName: 'interface template',
  layout: 'modular',
  fields: () => [
    choiceSpec('type', INTERFACE_TYPE, true),
    { name: 'enabled', kind: { type: 'bool' }, default: true },
    { name: 'mgmt_only', kind: { type: 'bool' }, default: false },
    descriptionField,
    { name: 'bridge', kind: { type: 'ref', target: 'interface-templates', nullable: true, style: 'nested' }, default: null },
    choiceSpec('poe_mode', POE_MODE),
    choiceSpec('poe_type', POE_TYPE),
    choiceSpec('rf_role', RF_ROLE),
  ],
  rest: (row, ctx, out) => {
    out.type = choiceOut(INTERFACE_TYPE, row.f.type);
    out.enabled = bool(row, 'enabled');
    out.mgmt_only = bool(row, 'mgmt_only');
    out.description = str(row, 'description');
    out.bridge = templateNested(ctx, 'interface-templates', row.f.bridge, false);
    out.poe_mode = choiceOut(POE_MODE, row.f.poe_mode);
    out.poe_type = choiceOut(POE_TYPE, row.f.poe_type);
    out.rf_role = choiceOut(RF_ROLE, row.f.rf_role);
  },
  clean(candidate, store): ErrorDict | null {
    const f = candidate.f;
    const type = typeof f.type === 'string' ? f.type : '';
    if (candidate.id !== null && f.bridge === candidate.id) return { bridge: ['An interface cannot be bridged to itself.'] };
    if (f.poe_mode && isVirtualInterface(type)) return { poe_mode: ['Virtual interfaces cannot have a PoE mode.'] };
    if (f.poe_type && isVirtualInterface(type)) return { poe_type: ['Virtual interfaces cannot have a PoE type.'] };
    if (f.poe_type && !f.poe_mode) return { poe_type: ['Must specify PoE mode when designating a PoE type.'] };
    if (f.rf_role && !isWirelessInterface(type)) return { rf_role: ['Wireless role may be set only on wireless interfaces.'] };
    const bridge = typeof f.bridge === 'number' ? store.table('interface-templates').get(f.bridge) : undefined;
    const mismatch = bridge ? parentMismatch(candidate, bridge) : null;
    if (bridge && mismatch) return { bridge: [`Bridge interface (${componentDisplay(bridge)}) must belong to the same ${mismatch}`] };
    return null;
  },
  indexes: [refIndex('bridge')],
  refs: { bridge: 'interface-templates' },
  filters: () => ({
    type: choiceFilter('type', INTERFACE_TYPE),
    enabled: boolFilter('enabled'),
    mgmt_only: boolFilter('mgmt_only'),
    poe_mode: choiceFilter('poe_mode', POE_MODE),
    poe_type: choiceFilter('poe_type', POE_TYPE),
    rf_role: choiceFilter('rf_role', RF_ROLE),
    bridge_id: refFilter('bridge', 'interface-templates'),
  }),
});

const POSITIONS: FieldSpec = { name: 'positions', kind: { type: 'int', min: 1, max: 1024, nullable: false }, default: 1 };

/** Mappings of a port, oldest first, in the shape of the port's own side. */
function mappingsOut(ctx: SerializeContext, side: 'front' | 'rear', id: number): Json[] {
  const table = ctx.store.table(MAPPINGS);
  const rows: Row[] = [];
  for (const mappingId of table.lookup(side === 'front' ? 'front_port' : 'rear_port', id)) {
    const row = table.get(mappingId);
    if (row) rows.push(row);
  }
  rows.sort((a, b) => a.id - b.id);
  return rows.map((m): Json =>
    side === 'front'
      ? { position: num(m, 'front_port_position'), rear_port: num(m, 'rear_port'), rear_port_position: num(m, 'rear_port_position') }
      : { position: num(m, 'rear_port_position'), front_port: num(m, 'front_port'), front_port_position: num(m, 'front_port_position') },
  );
}

/** How many mappings (4.5) or front ports (before) a rear/front port has, for the positions check. */
function mappedCount(store: Store, side: 'front' | 'rear', id: number, profile: VersionProfile): number {
  if (profile.frontPortShape === 'mappings') return store.table(MAPPINGS).lookup(side === 'front' ? 'front_port' : 'rear_port', id).size;
  return side === 'rear' ? store.table('front-port-templates').lookup('rear_port', id).size : 1;
}

const frontPortTemplates = templateDef({
  endpoint: 'front-port-templates',
  modelName: 'FrontPortTemplate',
  verboseName: 'front port template',
  layout: 'modular',
  fields: (profile) =>
    profile.frontPortShape === 'mappings'
      ? [
          choiceSpec('type', PORT_TYPE, true),
          { name: 'color', kind: { type: 'color' }, default: '' },
          POSITIONS,
          { name: 'rear_ports', kind: { type: 'mappings', side: 'front' } },
          descriptionField,
        ]
      : [
          choiceSpec('type', PORT_TYPE, true),
          { name: 'color', kind: { type: 'color' }, default: '' },
          { name: 'rear_port', kind: { type: 'ref', target: 'rear-port-templates', nullable: false, style: 'nested' }, required: true },
          { name: 'rear_port_position', kind: { type: 'int', min: 1, max: 1024, nullable: false }, default: 1 },
          descriptionField,
        ],
  rest: (row, ctx, out) => {
    out.type = choiceOut(PORT_TYPE, row.f.type);
    out.color = str(row, 'color');
    if (ctx.profile.frontPortShape === 'mappings') {
      out.positions = num(row, 'positions') ?? 1;
      out.rear_ports = mappingsOut(ctx, 'front', row.id);
    } else {
      out.rear_port = templateNested(ctx, 'rear-port-templates', row.f.rear_port);
      out.rear_port_position = num(row, 'rear_port_position') ?? 1;
    }
    out.description = str(row, 'description');
  },
  clean(candidate, store, profile): ErrorDict | null {
    const f = candidate.f;
    if (profile.frontPortShape === 'mappings') {
      if (candidate.id === null) return null;
      const count = mappedCount(store, 'front', candidate.id, profile);
      if (typeof f.positions === 'number' && f.positions < count) {
        return { positions: [`The number of positions cannot be less than the number of mapped rear port templates (${count})`] };
      }
      return null;
    }
    const rear = typeof f.rear_port === 'number' ? store.table('rear-port-templates').get(f.rear_port) : undefined;
    if (!rear) return null;
    const mismatch = parentMismatch(candidate, rear);
    if (mismatch) return { __all__: [`Rear port (${componentDisplay(rear)}) must belong to the same ${mismatch}`] };
    const positions = num(rear, 'positions') ?? 1;
    if (typeof f.rear_port_position === 'number' && f.rear_port_position > positions) {
      return { __all__: [`Invalid rear port position (${f.rear_port_position}); rear port ${str(rear, 'name')} has only ${positions} positions`] };
    }
    return null;
  },
  constraints: [
    {
      index: 'rear_port_position',
      message: 'Front port template with this Rear port and Rear port position already exists.',
      key: (f) => compositeKey(f, ['rear_port', 'rear_port_position']),
    },
  ],
  indexes: [refIndex('rear_port'), compositeIndex('rear_port_position', ['rear_port', 'rear_port_position'])],
  refs: { rear_port: 'rear-port-templates' },
  filters: () => ({ type: choiceFilter('type', PORT_TYPE), color: charFilter('color'), positions: numberFilter('positions') }),
});

const rearPortTemplates = templateDef({
  endpoint: 'rear-port-templates',
  modelName: 'RearPortTemplate',
  verboseName: 'rear port template',
  layout: 'modular',
  fields: (profile) => [
    choiceSpec('type', PORT_TYPE, true),
    { name: 'color', kind: { type: 'color' }, default: '' },
    POSITIONS,
    ...(profile.frontPortShape === 'mappings' ? [{ name: 'front_ports', kind: { type: 'mappings', side: 'rear' } } satisfies FieldSpec] : []),
    descriptionField,
  ],
  rest: (row, ctx, out) => {
    out.type = choiceOut(PORT_TYPE, row.f.type);
    out.color = str(row, 'color');
    out.positions = num(row, 'positions') ?? 1;
    if (ctx.profile.frontPortShape === 'mappings') out.front_ports = mappingsOut(ctx, 'rear', row.id);
    out.description = str(row, 'description');
  },
  clean(candidate, store, profile): ErrorDict | null {
    if (candidate.id === null) return null;
    const count = mappedCount(store, 'rear', candidate.id, profile);
    if (typeof candidate.f.positions === 'number' && candidate.f.positions < count) {
      return { positions: [`The number of positions cannot be less than the number of mapped front port templates (${count})`] };
    }
    return null;
  },
  filters: () => ({ type: choiceFilter('type', PORT_TYPE), color: charFilter('color'), positions: numberFilter('positions') }),
});

const moduleBayTemplates = templateDef({
  endpoint: 'module-bay-templates',
  modelName: 'ModuleBayTemplate',
  verboseName: 'module bay template',
  layout: 'modular',
  fields: () => [charSpec('position', 30), descriptionField],
  rest: (row, _ctx, out) => {
    out.position = str(row, 'position');
    out.description = str(row, 'description');
  },
  filters: () => ({ position: charFilter('position') }),
});

const deviceBayTemplates = templateDef({
  endpoint: 'device-bay-templates',
  modelName: 'DeviceBayTemplate',
  verboseName: 'device bay template',
  layout: 'device-only',
  fields: () => [descriptionField],
  rest: (row, _ctx, out) => {
    out.description = str(row, 'description');
  },
  clean(candidate, store): ErrorDict | null {
    const deviceType = typeof candidate.f.device_type === 'number' ? store.table('device-types').get(candidate.f.device_type) : undefined;
    if (deviceType && deviceType.f.subdevice_role !== 'parent') {
      return { __all__: [`Subdevice role of device type (${str(deviceType, 'model')}) must be set to "parent" to allow device bays.`] };
    }
    return null;
  },
});

const inventoryItemTemplates = templateDef({
  endpoint: 'inventory-item-templates',
  modelName: 'InventoryItemTemplate',
  verboseName: 'inventory item template',
  layout: 'inventory',
  fields: () => [
    { name: 'parent', kind: { type: 'ref', target: 'inventory-item-templates', nullable: true, style: 'pk' }, default: null },
    { name: 'role', kind: { type: 'absent-ref', what: 'inventory item role' }, default: null },
    { name: 'manufacturer', kind: { type: 'ref', target: 'manufacturers', nullable: true, style: 'nested' }, default: null },
    charSpec('part_id', 50),
    descriptionField,
    { name: 'component_type', kind: { type: 'content-type', allowed: Object.keys(COMPONENT_CONTENT_TYPES) }, default: null },
    { name: 'component_id', kind: { type: 'int', min: 0, nullable: true }, default: null },
  ],
  rest: (row, ctx, out) => {
    const componentType = typeof row.f.component_type === 'string' ? row.f.component_type : null;
    const componentEndpoint: EndpointName | undefined = componentType ? COMPONENT_CONTENT_TYPES[componentType] : undefined;
    out.role = null;
    out.manufacturer = manufacturerNested(ctx, row.f.manufacturer);
    out.part_id = str(row, 'part_id');
    out.description = str(row, 'description');
    out.component_type = componentType;
    out.component_id = num(row, 'component_id');
    out.component = componentEndpoint ? templateNested(ctx, componentEndpoint, row.f.component_id) : null;
  },
  indexes: [refIndex('parent'), refIndex('manufacturer')],
  refs: { parent: 'inventory-item-templates', manufacturer: 'manufacturers' },
  filters: () => ({
    parent_id: refFilter('parent', 'inventory-item-templates'),
    manufacturer_id: refFilter('manufacturer', 'manufacturers'),
    manufacturer: refFilter('manufacturer', 'manufacturers', 'slug'),
    part_id: charFilter('part_id'),
  }),
});

/** The ten component-template endpoints. */
export const TEMPLATE_MODELS: readonly ModelDef[] = [
  consolePortTemplates,
  consoleServerPortTemplates,
  powerPortTemplates,
  powerOutletTemplates,
  interfaceTemplates,
  frontPortTemplates,
  rearPortTemplates,
  deviceBayTemplates,
  moduleBayTemplates,
  inventoryItemTemplates,
];
