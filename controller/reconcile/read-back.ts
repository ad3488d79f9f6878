import { createHash } from 'node:crypto';
import { templateParentFields } from '../netbox/index.ts';
import type { Filters, ListOptions } from '../netbox/index.ts';
import { OWNER_TAG, endpointOf, typeIdentity } from './identity.ts';
import type { NetBoxPort, NetBoxRecord, WrittenRecord } from './netbox-port.ts';
import { normaliseValue, valuesEqual } from './normalise.ts';
import { refId } from './snapshot.ts';
import type { ChunkItem, WriteChunk } from './types.ts';

export interface ReadBackOptions {
  /**
   * Timeout of the read, in ms. A read-back is usually queued behind writes like the one it
   * resolves, so give it that write's timeout rather than a quick read's.
   */
  readonly timeoutMs?: number;
}

/** What reading a chunk back found: the items NetBox holds as written, and those it does not. */
export interface ReadBackResult {
  /** Items that landed, with the object as NetBox holds it now (none for deletes). */
  readonly landed: readonly { readonly item: ChunkItem; readonly actual: WrittenRecord | undefined }[];
  /** Items that did not land: safe to send again. */
  readonly missing: readonly ChunkItem[];
}

/**
 * Finds out what a write whose answer was lost did, with one filtered read of the chunk's
 * identities (split by the client when the URL would be long): creates are looked up by
 * identity (slug, manufacturer + model, parent + name), updates and deletes by id. A created
 * object counts as landed only when it is the one the chunk meant to write — owned by us, with
 * the fields we sent — so "already exists" from someone else's object is not taken for ours.
 * Used for timeouts, broken connections, 5xx answers and "already exists" refusals, and by
 * anything that must resolve chunks recorded before they were sent (an outbox after a restart).
 */
export async function readBackChunk(api: NetBoxPort, chunk: WriteChunk, options: ReadBackOptions = {}): Promise<ReadBackResult> {
  if (chunk.items.length === 0) return { landed: [], missing: [] };
  const view: ListOptions | undefined = options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : undefined;
  if (chunk.kind === 'image') return readBackImages(api, chunk, view);
  const endpoint = endpointOf(chunk.kind);
  if (chunk.action !== 'create') {
    const ids = chunk.items.map((i) => i.op.netboxId).filter((id): id is number => id !== undefined);
    const found = new Map((await api.list(endpoint, { id: ids }, view)).map((o) => [o.id, o]));
    return split(chunk.items, (item) => {
      const actual = item.op.netboxId !== undefined ? found.get(item.op.netboxId) : undefined;
      if (chunk.action === 'delete') return actual ? undefined : { actual: undefined };
      return actual && updateLanded(item.body, actual) ? { actual } : undefined;
    });
  }
  const found = new Map<ChunkItem, WrittenRecord>();
  for (const { items, filters, key } of createLookups(chunk)) {
    const byKey = new Map<string, WrittenRecord>();
    for (const o of await api.list(endpoint, filters, view)) byKey.set(key.ofActual(o), o);
    for (const item of items) {
      const actual = byKey.get(key.ofItem(item));
      if (actual) found.set(item, actual);
    }
  }
  return split(chunk.items, (item) => {
    const actual = found.get(item);
    return actual && createLanded(chunk.kind, item.body, actual) ? { actual } : undefined;
  });
}

function split(items: readonly ChunkItem[], find: (item: ChunkItem) => { actual: WrittenRecord | undefined } | undefined): ReadBackResult {
  const landed: { item: ChunkItem; actual: WrittenRecord | undefined }[] = [];
  const missing: ChunkItem[] = [];
  for (const item of items) {
    const hit = find(item);
    if (hit) landed.push({ item, actual: hit.actual });
    else missing.push(item);
  }
  return { landed, missing };
}

interface Lookup {
  /** The items this read finds. */
  readonly items: readonly ChunkItem[];
  readonly filters: Filters;
  /** The identity of an item as sent and of an object as read, compared by field name across kinds. */
  readonly key: { ofItem(item: ChunkItem): string; ofActual(actual: NetBoxRecord): string };
}

/**
 * How to find created objects again: the filtered reads that select them and the identity to
 * match on. Templates of one chunk may hang under device types and module types alike: each
 * parent kind gets its own read, since NetBox answers 400 to a `module_type_id` that names a
 * device type (and the ids of the two kinds overlap).
 */
function createLookups(chunk: WriteChunk): Lookup[] {
  const items = chunk.items;
  const text = (v: unknown): string => (typeof v === 'string' ? v : String(v ?? ''));
  if (chunk.kind === 'tag' || chunk.kind === 'manufacturer') {
    return [
      {
        items,
        filters: { slug: items.map((i) => text(i.body.slug)) },
        key: { ofItem: (i) => text(i.body.slug).toLowerCase(), ofActual: (o) => text(o.slug).toLowerCase() },
      },
    ];
  }
  if (chunk.kind === 'device-type' || chunk.kind === 'module-type') {
    return [
      {
        items,
        filters: { model: items.map((i) => text(i.body.model)) },
        key: { ofItem: (i) => i.op.identity, ofActual: (o) => typeIdentity(manufacturerSlug(o.manufacturer), text(o.model)) },
      },
    ];
  }
  const endpoint = endpointOf(chunk.kind);
  const takesModules = templateParentFields(endpoint).includes('module_type');
  const onModules = takesModules ? items.filter((i) => i.body.module_type !== undefined && i.body.module_type !== null) : [];
  const onDevices = items.filter((i) => !onModules.includes(i));
  const lookup = (parentField: 'device_type' | 'module_type', group: readonly ChunkItem[]): Lookup => ({
    items: group,
    filters: {
      [`${parentField}_id`]: [...new Set(group.map((i) => i.parentId).filter((id): id is number => id !== undefined))],
      name: group.map((i) => text(i.body.name)),
    },
    key: { ofItem: (i) => `${i.parentId ?? ''}\0${text(i.body.name)}`, ofActual: (o) => `${refId(o[parentField]) ?? ''}\0${text(o.name)}` },
  });
  return [...(onDevices.length > 0 ? [lookup('device_type', onDevices)] : []), ...(onModules.length > 0 ? [lookup('module_type', onModules)] : [])];
}

function manufacturerSlug(value: unknown): string {
  if (value && typeof value === 'object' && typeof (value as { slug?: unknown }).slug === 'string') return (value as { slug: string }).slug.toLowerCase();
  return '';
}

/** Fields that point at other objects; compared by id or slug, not by value. */
const REFERENCE_FIELDS = new Set(['device_type', 'module_type', 'manufacturer', 'power_port', 'rear_ports', 'parent', 'tags', 'role']);

/** Whether an existing object is the one a create meant to write. */
function createLanded(kind: WriteChunk['kind'], body: Readonly<Record<string, unknown>>, actual: NetBoxRecord): boolean {
  if (kind === 'tag') return true;
  if (kind === 'manufacturer' || kind === 'device-type' || kind === 'module-type') {
    // We create these with our ownership tag; without it the object is someone else's.
    return tagSlugs(actual.tags).includes(OWNER_TAG.slug);
  }
  // Fields NetBox does not serialise (library-only names) cannot be compared.
  return Object.entries(body).every(([field, sent]) => REFERENCE_FIELDS.has(field) || !(field in actual) || sentValueHeld(field, sent, actual[field]));
}

/** Whether NetBox holds every field an update sent. */
function updateLanded(body: Readonly<Record<string, unknown>>, actual: NetBoxRecord): boolean {
  return Object.entries(body).every(([field, sent]) => field === 'id' || !(field in actual) || sentValueHeld(field, sent, actual[field]));
}

/** Compares a value as sent (ids, `{slug}` references, plain values) with the value NetBox reads back. */
export function sentValueHeld(field: string, sent: unknown, actual: unknown): boolean {
  if (field === 'tags') {
    const want = tagSlugs(sent).sort();
    const have = tagSlugs(actual).sort();
    return valuesEqual(want, have);
  }
  if (field === 'rear_ports') return valuesEqual(mappings(sent), mappings(actual));
  if (typeof sent === 'number' && actual !== null && typeof actual === 'object') return refId(actual) === sent;
  if (sent !== null && typeof sent === 'object' && typeof (sent as { slug?: unknown }).slug === 'string') {
    return manufacturerSlug(actual) === (sent as { slug: string }).slug.toLowerCase();
  }
  return valuesEqual(normaliseValue(field, sent), normaliseValue(field, actual));
}

function tagSlugs(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((t: unknown) => (t !== null && typeof t === 'object' ? String((t as { slug?: unknown }).slug) : String(t)));
}

function mappings(value: unknown): { position: number; rear_port: number | undefined; rear_port_position: number }[] {
  if (!Array.isArray(value)) return [];
  return value
    .map((m: { position?: unknown; rear_port?: unknown; rear_port_position?: unknown }) => ({
      position: Number(m.position ?? 1),
      rear_port: refId(m.rear_port),
      rear_port_position: Number(m.rear_port_position ?? 1),
    }))
    .sort((a, b) => a.position - b.position);
}

/** Images landed when the file NetBox serves for that side hashes to what was uploaded. */
async function readBackImages(api: NetBoxPort, chunk: WriteChunk, view: ListOptions | undefined): Promise<ReadBackResult> {
  const ids = [...new Set(chunk.items.map((i) => i.parentId).filter((id): id is number => id !== undefined))];
  const types = new Map((await api.list('device-types', { id: ids }, view)).map((o) => [o.id, o]));
  const landed: { item: ChunkItem; actual: WrittenRecord | undefined }[] = [];
  const missing: ChunkItem[] = [];
  for (const item of chunk.items) {
    const side = item.op.desired?.side === 'rear' ? 'rear' : 'front';
    const url = item.parentId !== undefined ? types.get(item.parentId)?.[`${side}_image`] : undefined;
    const want = item.op.desired?.sha256;
    if (typeof url === 'string' && url !== '' && typeof want === 'string') {
      const have = createHash('sha256')
        .update(await api.download(url))
        .digest('hex');
      if (have === want) {
        landed.push({ item, actual: types.get(item.parentId ?? -1) });
        continue;
      }
    }
    missing.push(item);
  }
  return { landed, missing };
}
