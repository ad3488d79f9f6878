import { LIBRARY_TEMPLATE_KEYS, TEMPLATE_KINDS } from '../catalogue/index.ts';
import type { TemplateKind } from '../catalogue/index.ts';
import type { NetBoxRecord } from '../reconcile/index.ts';
import { refId } from './records.ts';
import type { InventoryType } from './types.ts';
import { YamlMap, YamlSeq, toYamlValue } from './yaml-writer.ts';
import type { YamlValue } from './yaml-writer.ts';

/**
 * Key order of a device-type file when there is no existing file to follow: the order that
 * keeps the most library files (2,470 of 5,915 in the snapshot) in order, found by measuring
 * the snapshot. Component lists follow the same rule.
 */
export const DEVICE_TYPE_KEY_ORDER: readonly string[] = [
  'manufacturer',
  'model',
  'slug',
  'part_number',
  'description',
  'u_height',
  'is_full_depth',
  'subdevice_role',
  'airflow',
  'comments',
  'is_powered',
  'weight',
  'weight_unit',
  'front_image',
  'rear_image',
  'console-ports',
  'console-server-ports',
  'power-ports',
  'power-outlets',
  'interfaces',
  'front-ports',
  'rear-ports',
  'device-bays',
  'module-bays',
  'inventory-items',
];

/** Key order of a module-type file (1,308 of the snapshot's 1,466 module types follow it). */
export const MODULE_TYPE_KEY_ORDER: readonly string[] = [
  'manufacturer',
  'model',
  'part_number',
  'description',
  'comments',
  'weight',
  'weight_unit',
  'console-ports',
  'interfaces',
  'front-ports',
  'console-server-ports',
  'module-bays',
  'power-outlets',
  'power-ports',
  'rear-ports',
];

/** Per component kind, the key order most library files use (measured on the snapshot). */
export const TEMPLATE_KEY_ORDER: Readonly<Record<TemplateKind, readonly string[]>> = {
  interface: ['name', 'type', 'enabled', 'mgmt_only', 'label', 'poe_mode', 'poe_type', 'description', 'rf_role'],
  'console-port': ['name', 'type', 'label', 'description'],
  'console-server-port': ['name', 'label', 'type', 'description'],
  'power-port': ['name', 'label', 'type', 'maximum_draw', 'allocated_draw', 'description'],
  'power-outlet': ['name', 'type', 'description', 'power_port', 'feed_leg', 'label', 'color'],
  'front-port': ['name', 'type', 'rear_port', 'color', 'rear_port_position', 'label', 'description'],
  'rear-port': ['name', 'type', 'positions', 'label', 'color', 'description'],
  'device-bay': ['name', 'label', 'description'],
  'module-bay': ['name', 'label', 'position', 'description'],
  'inventory-item': ['name', 'label', 'manufacturer', 'part_id', 'description'],
};

/**
 * Keys written even when they hold NetBox's default, because most library files spell them
 * out: the required `u_height` and `is_full_depth`, a rear port's `positions: 1` (2,188 of
 * 3,137) and a front port's `rear_port_position: 1` (2,212 of 3,798).
 */
const ALWAYS_WRITTEN: Readonly<Partial<Record<TemplateKind, ReadonlySet<string>>>> = {
  'rear-port': new Set(['positions']),
  'front-port': new Set(['rear_port_position']),
};

/** The shape an existing library file gives a document: what a pull request should keep. */
export interface LibraryLayout {
  /** Top-level keys in the file's order. */
  readonly keys: readonly string[];
  readonly templates: Partial<Record<TemplateKind, TemplateLayout>>;
}

interface TemplateLayout {
  /** Component names in the file's order. */
  readonly names: readonly string[];
  /** Keys of each component, by name, in the file's order. */
  readonly keysByName: ReadonlyMap<string, readonly string[]>;
}

/** Reads the layout of a parsed library document (as parseLibraryYaml returns it). */
export function layoutOf(document: unknown): LibraryLayout {
  const record = isRecord(document) ? document : {};
  const templates: Partial<Record<TemplateKind, TemplateLayout>> = {};
  for (const kind of TEMPLATE_KINDS) {
    const list = record[LIBRARY_TEMPLATE_KEYS[kind]];
    if (!Array.isArray(list)) continue;
    const names: string[] = [];
    const keysByName = new Map<string, readonly string[]>();
    for (const item of list) {
      if (!isRecord(item)) continue;
      const name = String(item.name);
      names.push(name);
      // Hyphenated spellings read as NetBox's field (poe-mode → poe_mode) keep their place.
      keysByName.set(
        name,
        Object.keys(item).map((key) => (key.includes('-') ? key.replace(/-/g, '_') : key)),
      );
    }
    templates[kind] = { names, keysByName };
  }
  return { keys: Object.keys(record), templates };
}

/** What could not be written in the library's format, per field, for the export report. */
export interface Loss {
  readonly field: string;
  readonly value: unknown;
  readonly reason: string;
}

export interface LibraryDocument {
  /** The document in the order it is written. */
  readonly value: YamlMap;
  /** The same data as plain JSON (what the library's schema validates). */
  readonly plain: Record<string, unknown>;
  readonly losses: readonly Loss[];
}

export interface DocumentOptions {
  /** The `manufacturer` value to write (the library spells manufacturers by name). */
  readonly manufacturer: string;
  /** Follow an existing file's key and component order (a pull request then changes only what changed). */
  readonly layout?: LibraryLayout;
  /** Write `front_image`/`rear_image: true` for the images NetBox holds (export writes the files beside it). */
  readonly images?: { readonly front: boolean; readonly rear: boolean };
  /** Add `is_powered: false` when the type has no power source the library's power check accepts. */
  readonly powerCheck?: boolean;
}

/**
 * Writes a NetBox device or module type (with its component templates, in creation order) as
 * a devicetype-library document: the library's field names, NetBox's defaults left out,
 * choices by value, references by name, multi-line text as a literal block. Fields the library
 * format has no place for are returned as losses rather than written.
 */
export function toLibraryDocument(type: InventoryType, options: DocumentOptions): LibraryDocument {
  const record = type.record;
  const losses: Loss[] = [];
  const top: Record<string, unknown> = {};
  const layoutKeys = new Set(options.layout?.keys ?? []);
  top.manufacturer = options.manufacturer;
  top.model = String(record.model);
  if (type.kind === 'device-type') top.slug = String(record.slug);
  setText(top, 'part_number', record.part_number);
  setText(top, 'description', record.description);
  if (type.kind === 'device-type') {
    top.u_height = numberOf(record.u_height) ?? 1;
    top.is_full_depth = record.is_full_depth !== false;
    const role = choice(record.subdevice_role);
    if (role !== null) top.subdevice_role = role;
    const airflow = choice(record.airflow);
    if (airflow !== null) top.airflow = airflow;
    if (record.exclude_from_utilization === true) {
      losses.push({ field: 'exclude_from_utilization', value: true, reason: "the library's device-type schema has no exclude_from_utilization" });
    }
  } else {
    const airflow = choice(record.airflow);
    if (airflow !== null) losses.push({ field: 'airflow', value: airflow, reason: "the library's module-type schema has no airflow" });
  }
  setText(top, 'comments', record.comments);
  const weight = numberOf(record.weight);
  if (weight !== null) {
    top.weight = weight;
    const unit = choice(record.weight_unit);
    if (unit !== null) top.weight_unit = unit;
  }
  if (type.kind === 'device-type') {
    if (options.images?.front) top.front_image = true;
    if (options.images?.rear) top.rear_image = true;
    // A file that says so keeps saying so; front_image: false and friends carry no data.
    for (const key of ['front_image', 'rear_image'] as const) if (layoutKeys.has(key) && !(key in top)) top[key] = false;
  }

  const lists: Partial<Record<TemplateKind, Record<string, unknown>[]>> = {};
  for (const kind of TEMPLATE_KINDS) {
    const records = type.templates.get(kind);
    if (!records || records.length === 0) continue;
    if (type.kind === 'module-type' && (kind === 'device-bay' || kind === 'inventory-item')) continue;
    lists[kind] = templatesOf(kind, records, type, options.layout?.templates[kind], losses);
  }
  for (const [kind, list] of Object.entries(lists)) top[LIBRARY_TEMPLATE_KEYS[kind as TemplateKind]] = list;
  if (type.kind === 'device-type') {
    // NetBox has no is_powered; what it says follows from the power ports. A file that spells it
    // out keeps it; otherwise it is written only where the library's power check needs it.
    if (layoutKeys.has('is_powered')) top.is_powered = hasPowerInput(top);
    else if ((options.powerCheck ?? true) && !hasPowerSource(top)) top.is_powered = false;
  }

  const order = mergeOrder(options.layout?.keys, type.kind === 'device-type' ? DEVICE_TYPE_KEY_ORDER : MODULE_TYPE_KEY_ORDER, Object.keys(top));
  const plain: Record<string, unknown> = {};
  for (const key of order) plain[key] = top[key];
  const value = new YamlMap();
  for (const key of order) {
    const kind = kindOfListKey(key);
    if (kind) {
      const items = (plain[key] as Record<string, unknown>[]).map((item) => ({ value: toYamlValue(item) }));
      value.set(key, new YamlSeq(items));
    } else {
      value.set(key, toYamlValue(plain[key]) as YamlValue);
    }
  }
  return { value, plain, losses };
}

function kindOfListKey(key: string): TemplateKind | undefined {
  return TEMPLATE_KINDS.find((kind) => LIBRARY_TEMPLATE_KEYS[kind] === key);
}

function templatesOf(
  kind: TemplateKind,
  records: readonly NetBoxRecord[],
  type: InventoryType,
  layout: TemplateLayout | undefined,
  losses: Loss[],
): Record<string, unknown>[] {
  const rearPortNames = new Map<number, string>();
  for (const rear of type.templates.get('rear-port') ?? []) rearPortNames.set(rear.id, String(rear.name));
  const items = records.map((t) => templateOf(kind, t, rearPortNames, layout?.keysByName.get(String(t.name)), losses));
  if (!layout) return items;
  // Components the file lists keep its order; new ones follow in NetBox's creation order.
  const position = new Map(layout.names.map((name, index) => [name, index]));
  return items
    .map((item, index) => ({ item, index, at: position.get(String(item.name)) }))
    .sort((a, b) => (a.at ?? Number.MAX_SAFE_INTEGER) - (b.at ?? Number.MAX_SAFE_INTEGER) || a.index - b.index)
    .map((entry) => entry.item);
}

function templateOf(
  kind: TemplateKind,
  t: NetBoxRecord,
  rearPortNames: ReadonlyMap<number, string>,
  layoutKeys: readonly string[] | undefined,
  losses: Loss[],
): Record<string, unknown> {
  const name = String(t.name);
  const keep = new Set(layoutKeys ?? []);
  const always = ALWAYS_WRITTEN[kind];
  const fields: Record<string, unknown> = { name };
  const put = (key: string, value: unknown, isDefault: boolean): void => {
    if (value === null || value === undefined) return;
    // An existing file decides which defaults are spelled out; otherwise the library's habits do.
    if (isDefault && !keep.has(key) && (layoutKeys !== undefined || !always?.has(key))) return;
    fields[key] = value;
  };
  const text = (key: string): void => {
    const value = typeof t[key] === 'string' ? (t[key] as string) : '';
    put(key, value === '' ? null : value.includes('\n') ? `${value}\n` : value, false);
  };
  text('label');
  const type = choice(t.type);
  if (type !== null) fields.type = type;
  text('description');
  switch (kind) {
    case 'interface':
      put('enabled', t.enabled !== false, t.enabled !== false);
      put('mgmt_only', t.mgmt_only === true, t.mgmt_only !== true);
      put('poe_mode', choice(t.poe_mode), false);
      put('poe_type', choice(t.poe_type), false);
      put('rf_role', choice(t.rf_role), false);
      break;
    case 'power-port':
      put('maximum_draw', numberOf(t.maximum_draw), false);
      put('allocated_draw', numberOf(t.allocated_draw), false);
      break;
    case 'power-outlet': {
      put('power_port', nameOf(t.power_port), false);
      put('feed_leg', choice(t.feed_leg), false);
      put('color', typeof t.color === 'string' && t.color !== '' ? t.color : null, false);
      break;
    }
    case 'front-port': {
      const mappings = Array.isArray(t.rear_ports) ? (t.rear_ports as { position?: unknown; rear_port?: unknown; rear_port_position?: unknown }[]) : [];
      const first = mappings[0];
      if (first) {
        const id = refId(first.rear_port);
        put('rear_port', id !== undefined ? (rearPortNames.get(id) ?? String(id)) : nameOf(first.rear_port), false);
        put('rear_port_position', numberOf(first.rear_port_position) ?? 1, numberOf(first.rear_port_position) === 1);
      } else if (t.rear_port !== undefined && t.rear_port !== null) {
        // NetBox before 4.5 reads the mapping as fields of the front port itself.
        const id = refId(t.rear_port);
        put('rear_port', id !== undefined ? (rearPortNames.get(id) ?? String(id)) : nameOf(t.rear_port), false);
        put('rear_port_position', numberOf(t.rear_port_position) ?? 1, numberOf(t.rear_port_position) === 1);
      }
      if (mappings.length > 1) {
        losses.push({
          field: `front-ports[${name}].rear_ports`,
          value: mappings.length,
          reason: 'the library maps a front port to one rear-port position; NetBox holds several',
        });
      }
      put('color', typeof t.color === 'string' && t.color !== '' ? t.color : null, false);
      break;
    }
    case 'rear-port':
      put('positions', numberOf(t.positions) ?? 1, numberOf(t.positions) === 1);
      put('color', typeof t.color === 'string' && t.color !== '' ? t.color : null, false);
      break;
    case 'module-bay':
      put('position', typeof t.position === 'string' && t.position !== '' ? t.position : null, false);
      break;
    case 'inventory-item': {
      const manufacturer = t.manufacturer as { name?: unknown } | null | undefined;
      put('manufacturer', typeof manufacturer?.name === 'string' ? manufacturer.name : null, false);
      put('part_id', typeof t.part_id === 'string' && t.part_id !== '' ? t.part_id : null, false);
      if (t.role !== null && t.role !== undefined)
        losses.push({ field: `inventory-items[${name}].role`, value: nameOf(t.role), reason: 'the library format has no inventory-item role' });
      if (t.parent !== null && t.parent !== undefined)
        losses.push({ field: `inventory-items[${name}].parent`, value: nameOf(t.parent), reason: 'the library format has no inventory-item parent' });
      break;
    }
    default:
      break;
  }
  const order = mergeOrder(layoutKeys, TEMPLATE_KEY_ORDER[kind], Object.keys(fields));
  return Object.fromEntries(order.map((key) => [key, fields[key]]));
}

/**
 * Orders `present` keys: first as `layout` has them, then each remaining key after the last
 * key placed that comes before it in `canonical` (or first when none does).
 */
function mergeOrder(layout: readonly string[] | undefined, canonical: readonly string[], present: readonly string[]): string[] {
  const wanted = new Set(present);
  const rank = (key: string): number => {
    const index = canonical.indexOf(key);
    return index === -1 ? canonical.length : index;
  };
  const result = (layout ?? []).filter((key) => wanted.has(key));
  const placed = new Set(result);
  const rest = present.filter((key) => !placed.has(key)).sort((a, b) => rank(a) - rank(b));
  for (const key of rest) {
    let at = 0;
    result.forEach((existing, index) => {
      if (rank(existing) <= rank(key)) at = index + 1;
    });
    result.splice(at, 0, key);
  }
  return result;
}

/**
 * The library's power check (tests/device_types.py): a device needs power ports, a PoE-powered
 * interface, module bays, a child role, or `is_powered: false`.
 */
function hasPowerSource(document: Readonly<Record<string, unknown>>): boolean {
  const list = (key: string): Record<string, unknown>[] => (Array.isArray(document[key]) ? (document[key] as Record<string, unknown>[]) : []);
  if (list('power-ports').length > 0) return true;
  if (list('interfaces').some((i) => i.poe_mode === 'pd')) return true;
  if (document.subdevice_role === 'child') return true;
  if (list('module-bays').length > 0) return true;
  return false;
}

/** Power ports or a PoE-powered interface: what `is_powered: true` means. */
function hasPowerInput(document: Readonly<Record<string, unknown>>): boolean {
  const list = (key: string): Record<string, unknown>[] => (Array.isArray(document[key]) ? (document[key] as Record<string, unknown>[]) : []);
  return list('power-ports').length > 0 || list('interfaces').some((i) => i.poe_mode === 'pd');
}

function setText(target: Record<string, unknown>, key: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') return;
  // Multi-line text becomes a literal block, which the library writes with its final newline
  // (NetBox trims it away, so it reads back the same).
  target[key] = value.includes('\n') ? `${value}\n` : value;
}

/** A choice's value whether NetBox sent `{value, label}` or the bare value. */
export function choice(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'object' && 'value' in (value as Record<string, unknown>)) {
    const inner = (value as { value: unknown }).value;
    return inner === null || inner === '' ? null : String(inner);
  }
  return String(value);
}

function numberOf(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

function nameOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') {
    const record = value as { name?: unknown; id?: unknown };
    if (typeof record.name === 'string') return record.name;
    return record.id !== undefined ? String(record.id) : null;
  }
  return String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
