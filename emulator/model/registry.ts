import type { IndexSpec } from '../store/table.ts';
import { deviceTypes } from './defs/device-types.ts';
import { manufacturers } from './defs/manufacturers.ts';
import { moduleTypes } from './defs/module-types.ts';
import { tags } from './defs/tags.ts';
import { MAPPINGS, mappingIndexes, TEMPLATE_MODELS } from './defs/templates.ts';
import type { ModelDef } from './model-def.ts';
import type { EndpointName, TableName } from './types.ts';

const MODELS = new Map<EndpointName, ModelDef>([manufacturers, deviceTypes, moduleTypes, tags, ...TEMPLATE_MODELS].map((def) => [def.endpoint, def]));

/** The model behind an endpoint. */
export function modelFor(endpoint: EndpointName): ModelDef {
  const def = MODELS.get(endpoint);
  if (!def) throw new Error(`emulator has no model for ${endpoint}`);
  return def;
}

export function allModels(): ModelDef[] {
  return [...MODELS.values()];
}

/** Secondary indexes of every table, for building a Store. */
export function tableIndexes(): Map<TableName, readonly IndexSpec[]> {
  const out = new Map<TableName, readonly IndexSpec[]>();
  for (const def of MODELS.values()) out.set(def.endpoint, def.indexes);
  out.set(MAPPINGS, mappingIndexes);
  return out;
}

/** How deleting a row of `to` affects rows of `from` that reference it through `field`. */
export interface Relation {
  readonly from: TableName;
  readonly field: string;
  readonly to: TableName;
  readonly onDelete: 'cascade' | 'protect' | 'set-null';
}

const MODULAR = TEMPLATE_MODELS.map((def) => def.endpoint).filter((e) => e !== 'device-bay-templates' && e !== 'inventory-item-templates');

/**
 * Foreign keys and their on_delete behaviour, as NetBox's models declare them. Protecting
 * relations are listed in the order NetBox reports protected objects (module types first).
 */
export const RELATIONS: readonly Relation[] = [
  { from: 'module-types', field: 'manufacturer', to: 'manufacturers', onDelete: 'protect' },
  { from: 'device-types', field: 'manufacturer', to: 'manufacturers', onDelete: 'protect' },
  { from: 'inventory-item-templates', field: 'manufacturer', to: 'manufacturers', onDelete: 'protect' },
  ...TEMPLATE_MODELS.map((def): Relation => ({ from: def.endpoint, field: 'device_type', to: 'device-types', onDelete: 'cascade' })),
  ...MODULAR.map((endpoint): Relation => ({ from: endpoint, field: 'module_type', to: 'module-types', onDelete: 'cascade' })),
  { from: 'power-outlet-templates', field: 'power_port', to: 'power-port-templates', onDelete: 'set-null' },
  { from: 'interface-templates', field: 'bridge', to: 'interface-templates', onDelete: 'set-null' },
  { from: 'front-port-templates', field: 'rear_port', to: 'rear-port-templates', onDelete: 'cascade' },
  { from: MAPPINGS, field: 'front_port', to: 'front-port-templates', onDelete: 'cascade' },
  { from: MAPPINGS, field: 'rear_port', to: 'rear-port-templates', onDelete: 'cascade' },
  { from: 'inventory-item-templates', field: 'parent', to: 'inventory-item-templates', onDelete: 'cascade' },
];
