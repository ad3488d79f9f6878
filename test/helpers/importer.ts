import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { slugify, TEMPLATE_KINDS } from '../../controller/catalogue/index.ts';
import type { CatalogueDeviceType, CatalogueModuleType, TemplateKind, TemplateSpec } from '../../controller/catalogue/index.ts';
import type { Endpoint, ReadShape, WriteShape } from '../../controller/netbox/index.ts';
import type { NetBoxPort } from '../../controller/reconcile/index.ts';

/** Objects per bulk request; each request is awaited before the next so ids follow file order. */
const CHUNK = 500;

export interface ImportedIds {
  readonly manufacturers: Map<string, number>;
  /** By `manufacturer-slug/model`. */
  readonly deviceTypes: Map<string, number>;
  readonly moduleTypes: Map<string, number>;
}

export interface ImportOptions {
  /** Leave these template kinds out (how an importer whose filter NetBox ignored leaves a type partial). */
  readonly skipKinds?: (type: CatalogueDeviceType | CatalogueModuleType) => readonly TemplateKind[];
  /** Upload the elevation images the library has. */
  readonly images?: boolean;
}

async function createInOrder<E extends Endpoint>(api: NetBoxPort, endpoint: E, items: readonly Readonly<Record<string, unknown>>[]): Promise<ReadShape<E>[]> {
  const created: ReadShape<E>[] = [];
  // The library's fields as the community importer sends them, unchecked: NetBox checks them.
  for (let i = 0; i < items.length; i += CHUNK) {
    const chunk: readonly Readonly<Record<string, unknown>>[] = items.slice(i, i + CHUNK);
    created.push(...(await api.bulkCreate(endpoint, chunk as readonly WriteShape<E>[])));
  }
  return created;
}

/**
 * Loads library definitions into NetBox the way the community Device-Type-Library-Import script
 * leaves it: manufacturers by name and slug, each type with the library's fields, its component
 * templates in the file's order (NetBox ids therefore follow the file), images uploaded, and no
 * tags at all. Requests are sequential, like the script's.
 */
export async function importLikeCommunityImporter(
  api: NetBoxPort,
  deviceTypes: readonly CatalogueDeviceType[],
  moduleTypes: readonly CatalogueModuleType[],
  options: ImportOptions = {},
): Promise<ImportedIds> {
  const existing = await api.list('manufacturers');
  const manufacturers = new Map(existing.map((m) => [String(m.slug), m.id]));
  const wanted = new Map<string, string>();
  for (const t of [...deviceTypes, ...moduleTypes]) {
    wanted.set(t.manufacturerSlug, t.manufacturer);
    for (const kind of TEMPLATE_KINDS) {
      for (const spec of t.templates[kind] ?? []) {
        if (kind === 'inventory-item' && typeof spec.fields.manufacturer === 'string') wanted.set(slugify(spec.fields.manufacturer), spec.fields.manufacturer);
      }
    }
  }
  const missing = [...wanted].filter(([slug]) => !manufacturers.has(slug)).map(([slug, name]) => ({ name, slug }));
  for (const m of await createInOrder(api, 'manufacturers', missing)) manufacturers.set(String(m.slug), m.id);

  const deviceIds = new Map<string, number>();
  const created = await createInOrder(
    api,
    'device-types',
    deviceTypes.map((d) => ({ manufacturer: { slug: d.manufacturerSlug }, model: d.model, slug: d.slug, ...d.fields })),
  );
  created.forEach((r, i) => deviceIds.set(`${deviceTypes[i]?.manufacturerSlug}/${deviceTypes[i]?.model}`, r.id));
  const moduleIds = new Map<string, number>();
  const createdModules = await createInOrder(
    api,
    'module-types',
    moduleTypes.map((m) => ({ manufacturer: { slug: m.manufacturerSlug }, model: m.model, ...m.fields })),
  );
  createdModules.forEach((r, i) => moduleIds.set(`${moduleTypes[i]?.manufacturerSlug}/${moduleTypes[i]?.model}`, r.id));

  // Rear ports and power ports first: front ports and outlets point at them.
  const order: TemplateKind[] = ['rear-port', 'power-port', ...TEMPLATE_KINDS.filter((k) => k !== 'rear-port' && k !== 'power-port')];
  const refs = new Map<string, number>();
  const parents = [
    ...deviceTypes.map((t) => ({ t, field: 'device_type', id: deviceIds.get(`${t.manufacturerSlug}/${t.model}`) })),
    ...moduleTypes.map((t) => ({ t, field: 'module_type', id: moduleIds.get(`${t.manufacturerSlug}/${t.model}`) })),
  ];
  for (const kind of order) {
    const bodies: Record<string, unknown>[] = [];
    const keys: string[] = [];
    for (const { t, field, id } of parents) {
      if (id === undefined || options.skipKinds?.(t).includes(kind)) continue;
      for (const spec of t.templates[kind] ?? []) {
        bodies.push({ [field]: id, name: spec.name, ...templateBody(kind, spec, `${field}:${id}`, refs) });
        keys.push(`${kind}:${field}:${id}:${spec.name}`);
      }
    }
    const result = await createInOrder(api, `${kind}-templates`, bodies);
    result.forEach((r, i) => refs.set(keys[i] ?? '', r.id));
  }

  if (options.images) {
    for (const d of deviceTypes) {
      const id = deviceIds.get(`${d.manufacturerSlug}/${d.model}`);
      if (id === undefined || (!d.images.front && !d.images.rear)) continue;
      const images: Record<string, { filename: string; data: Buffer; contentType: string }> = {};
      for (const side of ['front', 'rear'] as const) {
        const file = d.images[side];
        if (file) images[side] = { filename: basename(file), data: await readFile(file), contentType: extname(file) === '.png' ? 'image/png' : 'image/jpeg' };
      }
      await api.uploadImage(id, images);
    }
  }
  return { manufacturers, deviceTypes: deviceIds, moduleTypes: moduleIds };
}

function templateBody(kind: TemplateKind, spec: TemplateSpec, parent: string, refs: ReadonlyMap<string, number>): Record<string, unknown> {
  const { rear_port, rear_port_position, power_port, manufacturer, component_name: _componentName, ...rest } = spec.fields;
  const body: Record<string, unknown> = { ...rest };
  if (kind === 'front-port' && typeof rear_port === 'string') {
    body.rear_ports = [{ position: 1, rear_port: refs.get(`rear-port:${parent}:${rear_port}`), rear_port_position: rear_port_position ?? 1 }];
  }
  if (kind === 'power-outlet' && typeof power_port === 'string') body.power_port = refs.get(`power-port:${parent}:${power_port}`);
  if (kind === 'inventory-item' && typeof manufacturer === 'string') body.manufacturer = { slug: slugify(manufacturer) };
  return body;
}
