import type { Finding } from './issues.ts';
import { slugify } from './slugify.ts';
import { LIBRARY_TEMPLATE_KEYS, TEMPLATE_KINDS } from './types.ts';
import type { CatalogueDeviceType, CatalogueModuleType, TemplateKind, TemplateSet, TemplateSpec } from './types.ts';

/**
 * Library keys copied to NetBox's device-type fields (WritableDeviceTypeRequest of NetBox
 * 4.5). `manufacturer`, `model` and `slug` are identity and handled on their own.
 */
export const DEVICE_TYPE_FIELDS: readonly string[] = [
  'part_number',
  'u_height',
  'is_full_depth',
  'airflow',
  'weight',
  'weight_unit',
  'subdevice_role',
  'exclude_from_utilization',
  'description',
  'comments',
];

/** Library keys copied to NetBox's module-type fields (WritableModuleTypeRequest). */
export const MODULE_TYPE_FIELDS: readonly string[] = ['part_number', 'airflow', 'weight', 'weight_unit', 'description', 'comments'];

const IDENTITY_KEYS: ReadonlySet<string> = new Set(['manufacturer', 'model', 'slug']);

/**
 * Keys the library uses for its own checks or that NetBox keeps elsewhere; read, never sent
 * as fields: `front_image`/`rear_image` only say an image exists upstream (the files under
 * elevation-images/ are what gets uploaded), `is_powered` feeds the library's power check.
 */
const DEVICE_TYPE_LIBRARY_KEYS: ReadonlySet<string> = new Set(['front_image', 'rear_image', 'is_powered']);

/**
 * Per template kind, the NetBox 4.5 template fields we send (from its OpenAPI schema, less
 * `device_type`/`module_type` and `name`). References to sibling templates and other objects
 * stay names — `power_port`, `rear_port` (+ `rear_port_position`), inventory items'
 * `manufacturer`, `role`, `parent`, `component_name` — for the reconcile engine to resolve.
 * NetBox 4.5 front ports take `positions` + `rear_ports[]` mappings; building that shape from
 * `rear_port`/`rear_port_position` is the NetBox client's job, by server version.
 */
export const TEMPLATE_FIELDS: Readonly<Record<TemplateKind, readonly string[]>> = {
  interface: ['label', 'type', 'enabled', 'mgmt_only', 'description', 'poe_mode', 'poe_type', 'rf_role'],
  'console-port': ['label', 'type', 'description'],
  'console-server-port': ['label', 'type', 'description'],
  'power-port': ['label', 'type', 'maximum_draw', 'allocated_draw', 'description'],
  'power-outlet': ['label', 'type', 'color', 'power_port', 'feed_leg', 'description'],
  'front-port': ['label', 'type', 'color', 'rear_port', 'rear_port_position', 'positions', 'description'],
  'rear-port': ['label', 'type', 'color', 'positions', 'description'],
  'device-bay': ['label', 'description'],
  'module-bay': ['label', 'position', 'description'],
  'inventory-item': ['label', 'manufacturer', 'part_id', 'description', 'role', 'parent', 'component_type', 'component_name'],
};

/** Template keys the library defines for its own power check (`poe: true`); not NetBox fields. */
const TEMPLATE_LIBRARY_KEYS: Readonly<Partial<Record<TemplateKind, ReadonlySet<string>>>> = {
  'console-port': new Set(['poe']),
  'rear-port': new Set(['poe']),
};

/** Misspellings found in the library, with the field they were meant to be. Reported, not sent. */
export const KNOWN_TYPOS: Readonly<Record<string, string>> = {
  maxium_draw: 'maximum_draw',
  'maxiumum draw': 'maximum_draw',
  'maximum draw': 'maximum_draw',
  'management-only': 'mgmt_only',
  management_only: 'mgmt_only',
  'rear-ports': 'rear_port',
  rear_ports: 'rear_port',
};

/** Keys that are not misspellings but have a NetBox field that holds the same thing. */
const FIELD_HINTS: Readonly<Record<string, string>> = { comment: 'description', comments: 'description' };

const FIELD_SETS = new Map<TemplateKind, ReadonlySet<string>>(TEMPLATE_KINDS.map((kind) => [kind, new Set(TEMPLATE_FIELDS[kind])]));

function fieldSet(kind: TemplateKind): ReadonlySet<string> {
  return FIELD_SETS.get(kind) ?? new Set();
}

/** Where a document came from, for issues and the catalogue entry. */
export interface DefinitionContext {
  /** Path relative to the library root (or the intent file for inline definitions). */
  readonly file: string;
  /** The vendor folder the file sits in. */
  readonly vendor: string;
}

type PlainObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is PlainObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Renames hyphenated spellings of a template field (`poe-mode`, `maximum-draw`) to the field
 * (`poe_mode`) in place, before schema validation, so the library's enums still check their
 * values. Reported as warnings; a key whose underscore form is also present is left alone
 * (and later reported as unknown).
 */
export function normalizeTemplateKeys(document: PlainObject, findings: Finding[]): void {
  for (const kind of TEMPLATE_KINDS) {
    const list = document[LIBRARY_TEMPLATE_KEYS[kind]];
    if (!Array.isArray(list)) continue;
    const renamed = new Map<string, { first: (string | number)[]; count: number; to: string }>();
    list.forEach((item: unknown, index) => {
      if (!isPlainObject(item)) return;
      for (const key of Object.keys(item)) {
        if (!key.includes('-')) continue;
        const to = key.replace(/-/g, '_');
        if (!fieldSet(kind).has(to) || Object.hasOwn(item, to)) continue;
        item[to] = item[key];
        delete item[key];
        const seen = renamed.get(key);
        if (seen) seen.count += 1;
        else renamed.set(key, { first: [LIBRARY_TEMPLATE_KEYS[kind], index, key], count: 1, to });
      }
    });
    for (const [key, { first, count, to }] of renamed) {
      findings.push({
        code: 'renamed-key',
        severity: 'warning',
        message: `"${key}" read as NetBox's "${to}"${times(count)}; spell it "${to}"`,
        segments: first,
      });
    }
  }
}

/** Maps a schema-valid device-type document to the catalogue's NetBox-shaped entry. */
export function mapDeviceType(
  document: PlainObject,
  context: DefinitionContext,
  images: CatalogueDeviceType['images'],
  findings: Finding[],
): CatalogueDeviceType {
  const manufacturer = String(document.manufacturer);
  return {
    kind: 'device-type',
    vendor: context.vendor,
    file: context.file,
    manufacturer,
    manufacturerSlug: slugify(manufacturer),
    model: String(document.model),
    slug: String(document.slug),
    fields: pickFields(document, DEVICE_TYPE_FIELDS, DEVICE_TYPE_LIBRARY_KEYS, findings),
    templates: mapTemplates(document, findings),
    images,
  };
}

/** Maps a schema-valid module-type document to the catalogue's NetBox-shaped entry. */
export function mapModuleType(document: PlainObject, context: DefinitionContext, findings: Finding[]): CatalogueModuleType {
  const manufacturer = String(document.manufacturer);
  return {
    kind: 'module-type',
    vendor: context.vendor,
    file: context.file,
    manufacturer,
    manufacturerSlug: slugify(manufacturer),
    model: String(document.model),
    fields: pickFields(document, MODULE_TYPE_FIELDS, new Set(), findings),
    templates: mapTemplates(document, findings),
  };
}

const TEMPLATE_LIST_KEYS: ReadonlySet<string> = new Set(Object.values(LIBRARY_TEMPLATE_KEYS));

function pickFields(document: PlainObject, allowed: readonly string[], libraryKeys: ReadonlySet<string>, findings: Finding[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const field of allowed) {
    if (Object.hasOwn(document, field) && document[field] !== undefined) fields[field] = document[field];
  }
  // The library schemas forbid other top-level keys, so this only fires for inline
  // definitions or a laxer future schema.
  const allowedSet = new Set(allowed);
  for (const key of Object.keys(document)) {
    if (allowedSet.has(key) || IDENTITY_KEYS.has(key) || libraryKeys.has(key) || TEMPLATE_LIST_KEYS.has(key)) continue;
    findings.push(unknownKeyFinding(key, 'type', allowedSet, [key], 1));
  }
  return fields;
}

function mapTemplates(document: PlainObject, findings: Finding[]): TemplateSet {
  const templates: { -readonly [K in TemplateKind]?: readonly TemplateSpec[] } = {};
  for (const kind of TEMPLATE_KINDS) {
    const listKey = LIBRARY_TEMPLATE_KEYS[kind];
    const list = document[listKey];
    if (!Array.isArray(list)) continue;
    const allowed = fieldSet(kind);
    const libraryOnly = TEMPLATE_LIBRARY_KEYS[kind];
    const unknown = new Map<string, { first: (string | number)[]; count: number }>();
    const specs: TemplateSpec[] = new Array<TemplateSpec>(list.length);
    list.forEach((item: unknown, index) => {
      const source = item as PlainObject;
      const fields: Record<string, unknown> = {};
      for (const key in source) {
        if (!Object.hasOwn(source, key) || key === 'name') continue;
        if (allowed.has(key)) fields[key] = source[key];
        else if (!libraryOnly?.has(key)) {
          const seen = unknown.get(key);
          if (seen) seen.count += 1;
          else unknown.set(key, { first: [listKey, index, key], count: 1 });
        }
      }
      specs[index] = { name: String(source.name), fields };
    });
    for (const [key, { first, count }] of unknown) {
      findings.push(unknownKeyFinding(key, `${kind} template`, allowed, first, count));
    }
    templates[kind] = specs;
  }
  return templates;
}

function unknownKeyFinding(key: string, what: string, allowed: ReadonlySet<string>, segments: readonly (string | number)[], count: number): Finding {
  const meant = KNOWN_TYPOS[key];
  if (meant !== undefined && allowed.has(meant)) {
    return {
      code: 'known-typo',
      severity: 'warning',
      message: `"${key}" looks like a misspelling of "${meant}"${times(count)}; not sent to NetBox — rename it to "${meant}"`,
      segments,
    };
  }
  const hint = FIELD_HINTS[key];
  const instead = hint !== undefined && allowed.has(hint) ? ` — put it in "${hint}"` : '';
  return {
    code: 'unknown-key',
    severity: 'warning',
    message: `"${key}" is not a NetBox ${what} field${times(count)}; not sent to NetBox${instead}`,
    segments,
  };
}

function times(count: number): string {
  return count > 1 ? ` (${count} times in this file)` : '';
}
