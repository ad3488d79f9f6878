import type { SerializeContext } from './model-def.ts';
import type { EndpointName, FieldValue, Json, JsonObject, Row } from './types.ts';

const APPS: Readonly<Record<EndpointName, 'dcim' | 'extras'>> = {
  manufacturers: 'dcim',
  'device-types': 'dcim',
  'module-types': 'dcim',
  tags: 'extras',
  'console-port-templates': 'dcim',
  'console-server-port-templates': 'dcim',
  'power-port-templates': 'dcim',
  'power-outlet-templates': 'dcim',
  'interface-templates': 'dcim',
  'front-port-templates': 'dcim',
  'rear-port-templates': 'dcim',
  'device-bay-templates': 'dcim',
  'module-bay-templates': 'dcim',
  'inventory-item-templates': 'dcim',
};

/** Absolute API URL of an object, built from the host the client used, as NetBox does. */
export function apiUrl(ctx: SerializeContext, endpoint: EndpointName, id: number): string {
  return `${ctx.base}/api/${APPS[endpoint]}/${endpoint}/${id}/`;
}

/** Absolute URL of the object's page in NetBox's web UI. */
export function displayUrl(ctx: SerializeContext, endpoint: EndpointName, id: number): string {
  return `${ctx.base}/${APPS[endpoint]}/${endpoint}/${id}/`;
}

export function str(row: Row, field: string): string {
  const value = row.f[field];
  return typeof value === 'string' ? value : '';
}

export function num(row: Row, field: string): number | null {
  const value = row.f[field];
  return typeof value === 'number' ? value : null;
}

export function bool(row: Row, field: string): boolean {
  return row.f[field] === true;
}

export function ids(value: FieldValue | undefined): number[] {
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === 'number') : [];
}

/** `name`, or `name (label)` when a label is set: how component templates print. */
export function componentDisplay(row: Row): string {
  const label = str(row, 'label');
  return label ? `${str(row, 'name')} (${label})` : str(row, 'name');
}

function cached(ctx: SerializeContext, key: string, build: () => JsonObject | null): JsonObject | null {
  const hit = ctx.nested.get(key);
  if (hit) return hit;
  const value = build();
  if (value) ctx.nested.set(key, value);
  return value;
}

/** Brief manufacturer, as nested in device types, module types and inventory items. */
export function manufacturerNested(ctx: SerializeContext, id: FieldValue | undefined): JsonObject | null {
  if (typeof id !== 'number') return null;
  return cached(ctx, `manufacturers:${id}`, () => {
    const row = ctx.store.table('manufacturers').get(id);
    if (!row) return null;
    return {
      id,
      url: apiUrl(ctx, 'manufacturers', id),
      display: str(row, 'name'),
      name: str(row, 'name'),
      slug: str(row, 'slug'),
      description: str(row, 'description'),
    };
  });
}

/** Brief device type, as nested in templates. */
export function deviceTypeNested(ctx: SerializeContext, id: FieldValue | undefined): JsonObject | null {
  if (typeof id !== 'number') return null;
  return cached(ctx, `device-types:${id}`, () => {
    const row = ctx.store.table('device-types').get(id);
    if (!row) return null;
    return {
      id,
      url: apiUrl(ctx, 'device-types', id),
      display: str(row, 'model'),
      manufacturer: manufacturerNested(ctx, row.f.manufacturer),
      model: str(row, 'model'),
      slug: str(row, 'slug'),
      description: str(row, 'description'),
      device_count: 0,
    };
  });
}

/** Brief module type, as nested in templates. */
export function moduleTypeNested(ctx: SerializeContext, id: FieldValue | undefined): JsonObject | null {
  if (typeof id !== 'number') return null;
  return cached(ctx, `module-types:${id}`, () => {
    const row = ctx.store.table('module-types').get(id);
    if (!row) return null;
    return {
      id,
      url: apiUrl(ctx, 'module-types', id),
      display: str(row, 'model'),
      profile: null,
      manufacturer: manufacturerNested(ctx, row.f.manufacturer),
      model: str(row, 'model'),
      description: str(row, 'description'),
      module_count: 0,
    };
  });
}

/** A tag as listed in an object's `tags`. */
export function tagNested(ctx: SerializeContext, id: number): JsonObject | null {
  return cached(ctx, `tags:${id}`, () => {
    const row = ctx.store.table('tags').get(id);
    if (!row) return null;
    return {
      id,
      url: apiUrl(ctx, 'tags', id),
      display_url: displayUrl(ctx, 'tags', id),
      display: str(row, 'name'),
      name: str(row, 'name'),
      slug: str(row, 'slug'),
      color: str(row, 'color'),
    };
  });
}

export function tagsNested(ctx: SerializeContext, value: FieldValue | undefined): Json[] {
  const out: Json[] = [];
  for (const id of ids(value)) {
    const tag = tagNested(ctx, id);
    if (tag) out.push(tag);
  }
  return out.sort((a, b) => String((a as JsonObject).name).localeCompare(String((b as JsonObject).name)));
}

/** Brief component template: `{id, url, display, name, description}`. */
export function templateNested(ctx: SerializeContext, endpoint: EndpointName, id: FieldValue | undefined, withDescription = true): JsonObject | null {
  if (typeof id !== 'number') return null;
  return cached(ctx, `${endpoint}:${id}:${withDescription ? 'd' : ''}`, () => {
    const row = ctx.store.table(endpoint).get(id);
    if (!row) return null;
    const out: JsonObject = { id, url: apiUrl(ctx, endpoint, id), display: componentDisplay(row), name: str(row, 'name') };
    if (withDescription) out.description = str(row, 'description');
    return out;
  });
}
