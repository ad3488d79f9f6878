import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import { TEMPLATE_FIELDS, TEMPLATE_KINDS } from '../catalogue/index.ts';
import type { TemplateKind } from '../catalogue/index.ts';
import { templateParentFields } from '../netbox/index.ts';
import type { BriefManufacturer, DeviceType, Manufacturer, ModuleType, PartialShape, ReadShape, Tag } from '../netbox/index.ts';
import { templateEndpoint, typeIdentity } from './identity.ts';
import type { TemplateEndpoint } from './identity.ts';
import type { NetBoxPort } from './netbox-port.ts';

/**
 * A component template as the snapshot reads it: only the fields the diff compares (a `fields=`
 * read), hence partial.
 */
export type TemplateRecord = PartialShape<TemplateEndpoint>;

/** Parent key of a template in a snapshot: `device-type:12` or `module-type:7`. */
export type ParentKey = `${'device-type' | 'module-type'}:${number}`;

/**
 * NetBox's state in the part the intents cover (what `takeSnapshot` reads, in as few requests as
 * the API allows). Not an `IntentSnapshot`, which is a revision of the intents from a source.
 */
export interface NetBoxState {
  readonly netboxVersion: string;
  readonly tags: ReadonlyMap<string, Tag>;
  /** By lower-case slug. */
  readonly manufacturers: ReadonlyMap<string, Manufacturer>;
  /** By `mfr-slug/model`. */
  readonly deviceTypes: ReadonlyMap<string, DeviceType>;
  /** By `mfr-slug/slug`, to find a device type whose model was renamed. */
  readonly deviceTypesBySlug: ReadonlyMap<string, DeviceType>;
  /** By `mfr-slug/model`. */
  readonly moduleTypes: ReadonlyMap<string, ModuleType>;
  /** Templates per parent and kind, by name. Only parents in scope are present. */
  readonly templates: ReadonlyMap<ParentKey, ReadonlyMap<TemplateKind, ReadonlyMap<string, TemplateRecord>>>;
  /** sha256 of the front/rear images NetBox serves, by `device-type-id:front|rear`. */
  readonly imageHashes: ReadonlyMap<string, string>;
  /** Whether component templates were read (an intent with `components: false` skips them). */
  readonly componentsRead: boolean;
}

export interface SnapshotScope {
  /** Manufacturers whose device and module types the intents cover (lower-case slugs). */
  readonly manufacturers: ReadonlySet<string>;
  /** Intent ownership tags whose objects must be read wherever they are (for prune). */
  readonly ownerTags: readonly string[];
  readonly components: boolean;
  /** Device-type identities whose served images must be hashed. */
  readonly imageIdentities: ReadonlySet<string>;
  /** Pages in flight. */
  readonly concurrency?: number;
  readonly pageSize?: number;
}

/** NetBox answers at most this many objects per page (MAX_PAGE_SIZE default). */
const DEFAULT_PAGE = 1000;
/** Ids per filtered request: keeps URLs well under common 8 KB limits. */
const IDS_PER_REQUEST = 200;

/** Reads NetBox for the given scope. */
export async function takeSnapshot(api: NetBoxPort, scope: SnapshotScope): Promise<NetBoxState> {
  const limit = pLimit(scope.concurrency ?? 4);
  const [status, tagList, manufacturerList] = await Promise.all([api.status(), api.list('tags'), api.list('manufacturers')]);
  const tags = new Map(tagList.map((t) => [String(t.slug), t]));
  const manufacturers = new Map(manufacturerList.map((m) => [String(m.slug).toLowerCase(), m]));
  const byId = new Map(manufacturerList.map((m) => [m.id, String(m.slug).toLowerCase()]));

  const inScope = manufacturerList.filter((m) => scope.manufacturers.has(String(m.slug).toLowerCase()));
  const everything = inScope.length === manufacturerList.length;
  // NetBox answers 400 to a tag filter naming a tag it does not have; such a tag owns nothing yet.
  const ownerTags = scope.ownerTags.filter((tag) => tags.has(tag));
  const [deviceTypeList, moduleTypeList] = await Promise.all([
    readTypes(api, 'device-types', inScope, everything, ownerTags, limit),
    readTypes(api, 'module-types', inScope, everything, ownerTags, limit),
  ]);
  const deviceTypes = new Map<string, DeviceType>();
  const deviceTypesBySlug = new Map<string, DeviceType>();
  for (const dt of deviceTypeList) {
    const mfr = manufacturerSlugOf(dt, byId);
    deviceTypes.set(typeIdentity(mfr, String(dt.model)), dt);
    deviceTypesBySlug.set(typeIdentity(mfr, String(dt.slug).toLowerCase()), dt);
  }
  const moduleTypes = new Map(moduleTypeList.map((mt) => [typeIdentity(manufacturerSlugOf(mt, byId), String(mt.model)), mt]));

  const totalDeviceTypes = manufacturerList.reduce((n, m) => n + Number(m.devicetype_count ?? 0), 0);
  const templates = scope.components
    ? await readTemplates(api, deviceTypeList, moduleTypeList, totalDeviceTypes, scope.pageSize ?? DEFAULT_PAGE, limit)
    : new Map<ParentKey, Map<TemplateKind, Map<string, TemplateRecord>>>();
  const imageHashes = await hashImages(api, deviceTypes, scope.imageIdentities, limit);
  return {
    netboxVersion: status.version,
    tags,
    manufacturers,
    deviceTypes,
    deviceTypesBySlug,
    moduleTypes,
    templates,
    imageHashes,
    componentsRead: scope.components,
  };
}

function manufacturerSlugOf(record: DeviceType | ModuleType, byId: ReadonlyMap<number, string>): string {
  // Typed as nested, but a bare id or a missing reference is still read rather than trusted away.
  const m: BriefManufacturer | number | undefined = record.manufacturer;
  if (typeof m === 'number') return byId.get(m) ?? String(m);
  if (m?.slug) return m.slug.toLowerCase();
  return (m?.id !== undefined ? byId.get(m.id) : undefined) ?? 'unknown';
}

type Limit = ReturnType<typeof pLimit>;

async function readTypes<E extends 'device-types' | 'module-types'>(
  api: NetBoxPort,
  endpoint: E,
  inScope: readonly Manufacturer[],
  everything: boolean,
  ownerTags: readonly string[],
  limit: Limit,
): Promise<ReadShape<E>[]> {
  const countField = endpoint === 'device-types' ? 'devicetype_count' : 'moduletype_count';
  const wanted = inScope.filter((m) => Number(m[countField] ?? 1) > 0);
  const reads: Promise<ReadShape<E>[]>[] = [];
  if (everything) {
    reads.push(limit(() => api.list(endpoint)));
  } else {
    for (const ids of chunk(
      wanted.map((m) => m.id),
      IDS_PER_REQUEST,
    )) {
      reads.push(limit(() => api.list(endpoint, { manufacturer_id: ids })));
    }
    // Objects an intent owns may sit under manufacturers it no longer names: read them by tag.
    for (const tag of ownerTags) reads.push(limit(() => api.list(endpoint, { tag })));
  }
  const unique = new Map<number, ReadShape<E>>();
  for (const list of await Promise.all(reads)) for (const r of list) unique.set(r.id, r);
  return [...unique.values()];
}

/** The count of each template kind NetBox puts on device types. */
const COUNT_FIELDS: Readonly<Record<TemplateKind, keyof DeviceType & `${string}_template_count`>> = {
  interface: 'interface_template_count',
  'console-port': 'console_port_template_count',
  'console-server-port': 'console_server_port_template_count',
  'power-port': 'power_port_template_count',
  'power-outlet': 'power_outlet_template_count',
  'front-port': 'front_port_template_count',
  'rear-port': 'rear_port_template_count',
  'device-bay': 'device_bay_template_count',
  'module-bay': 'module_bay_template_count',
  'inventory-item': 'inventory_item_template_count',
};

/** What planning template reads needs of a device type: its id and its template counts. */
export type TemplateCounts = Pick<DeviceType, 'id'> & Partial<Pick<DeviceType, (typeof COUNT_FIELDS)[TemplateKind]>>;

async function readTemplates(
  api: NetBoxPort,
  deviceTypes: readonly DeviceType[],
  moduleTypes: readonly ModuleType[],
  totalDeviceTypes: number,
  pageSize: number,
  limit: Limit,
): Promise<Map<ParentKey, Map<TemplateKind, Map<string, TemplateRecord>>>> {
  const result = new Map<ParentKey, Map<TemplateKind, Map<string, TemplateRecord>>>();
  const deviceIds = new Set(deviceTypes.map((d) => d.id));
  const moduleIds = new Set(moduleTypes.map((m) => m.id));
  const reads = TEMPLATE_KINDS.map(async (kind) => {
    const endpoint = templateEndpoint(kind);
    const plan = planTemplateReads(kind, deviceTypes, moduleTypes, totalDeviceTypes, pageSize);
    const lists: Promise<TemplateRecord[]>[] = [];
    const options = { fields: templateReadFields(kind) };
    if (plan.unfiltered) {
      lists.push(limit(() => api.list(endpoint, {}, options)));
    } else {
      for (const ids of plan.deviceChunks) {
        lists.push(limit(() => api.list(endpoint, { device_type_id: ids }, options)));
      }
      for (const ids of plan.moduleChunks) {
        lists.push(limit(() => api.list(endpoint, { module_type_id: ids }, options)));
      }
    }
    for (const list of await Promise.all(lists)) {
      for (const t of list) addTemplate(result, kind, t, deviceIds, moduleIds);
    }
  });
  await Promise.all(reads);
  return result;
}

/**
 * The template fields the diff can compare, and nothing else: NetBox serialises far less
 * (no urls, display strings or nested parents) and the snapshot of a whole library stays small.
 * Front ports are read in the 4.5 mapping shape; `component_name` is the library's, not NetBox's.
 */
function templateReadFields(kind: TemplateKind): string[] {
  const fields = TEMPLATE_FIELDS[kind].filter((f) => f !== 'rear_port' && f !== 'rear_port_position' && f !== 'component_name');
  if (kind === 'front-port') fields.push('rear_ports');
  return ['id', 'name', ...templateParentFields(templateEndpoint(kind)), ...fields];
}

interface TemplateReadPlan {
  readonly unfiltered: boolean;
  readonly deviceChunks: number[][];
  readonly moduleChunks: number[][];
}

/**
 * Chooses per template kind between reading only the parents in scope (filtered by parent id,
 * packed so each request is one page) and paging through the whole endpoint. Device types
 * report how many templates of each kind they have, so the filtered cost is known exactly;
 * the unfiltered cost is estimated from the share of device types in scope.
 */
export function planTemplateReads(
  kind: TemplateKind,
  deviceTypes: readonly TemplateCounts[],
  moduleTypes: readonly Pick<ModuleType, 'id'>[],
  totalDeviceTypes: number,
  pageSize: number,
): TemplateReadPlan {
  const field = COUNT_FIELDS[kind];
  const deviceChunks: number[][] = [];
  let current: number[] = [];
  let currentCount = 0;
  let inScopeCount = 0;
  for (const dt of deviceTypes) {
    const n = Number(dt[field] ?? 1);
    if (n === 0) continue;
    inScopeCount += n;
    if (current.length > 0 && (currentCount + n > pageSize || current.length >= IDS_PER_REQUEST)) {
      deviceChunks.push(current);
      current = [];
      currentCount = 0;
    }
    current.push(dt.id);
    currentCount += n;
  }
  if (current.length > 0) deviceChunks.push(current);
  // Device-bay and inventory-item templates belong to device types only: NetBox has no
  // module_type_id filter there and would answer with every object of the kind.
  const moduleChunks = templateParentFields(templateEndpoint(kind)).includes('module_type')
    ? chunk(
        moduleTypes.map((m) => m.id),
        IDS_PER_REQUEST,
      )
    : [];
  const filteredCost = deviceChunks.length + moduleChunks.length;
  if (filteredCost === 0) return { unfiltered: false, deviceChunks, moduleChunks };
  const share = deviceTypes.length > 0 ? totalDeviceTypes / deviceTypes.length : Number.POSITIVE_INFINITY;
  const unfilteredEstimate = Math.max(1, Math.ceil((inScopeCount * share) / pageSize));
  // On a tie, the filtered reads win: as many requests, less data.
  return { unfiltered: unfilteredEstimate < filteredCost, deviceChunks, moduleChunks };
}

function addTemplate(
  result: Map<ParentKey, Map<TemplateKind, Map<string, TemplateRecord>>>,
  kind: TemplateKind,
  t: TemplateRecord,
  deviceIds: ReadonlySet<number>,
  moduleIds: ReadonlySet<number>,
): void {
  const dt = refId(t.device_type);
  const mt = refId(t.module_type);
  let key: ParentKey;
  if (dt !== undefined && deviceIds.has(dt)) key = `device-type:${dt}`;
  else if (mt !== undefined && moduleIds.has(mt)) key = `module-type:${mt}`;
  else return;
  let kinds = result.get(key);
  if (!kinds) result.set(key, (kinds = new Map()));
  let byName = kinds.get(kind);
  if (!byName) kinds.set(kind, (byName = new Map()));
  byName.set(String(t.name), t);
}

/** The id of a reference NetBox returns as a nested object or a bare id. */
export function refId(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'number') return (value as { id: number }).id;
  return undefined;
}

async function hashImages(
  api: NetBoxPort,
  deviceTypes: ReadonlyMap<string, DeviceType>,
  identities: ReadonlySet<string>,
  limit: Limit,
): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  const jobs: Promise<void>[] = [];
  for (const identity of identities) {
    const dt = deviceTypes.get(identity);
    if (!dt) continue;
    for (const side of ['front', 'rear'] as const) {
      const url = dt[`${side}_image`];
      if (typeof url !== 'string' || url === '') continue;
      jobs.push(
        limit(async () => {
          const data = await api.download(url);
          hashes.set(`${dt.id}:${side}`, createHash('sha256').update(data).digest('hex'));
        }),
      );
    }
  }
  await Promise.all(jobs);
  return hashes;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
