import { TEMPLATE_KINDS } from '../catalogue/index.ts';
import type { TemplateKind } from '../catalogue/index.ts';
import { takeSnapshot } from '../reconcile/index.ts';
import type { NetBoxPort, NetBoxRecord, NetBoxState } from '../reconcile/index.ts';
import { tagSlugsOf } from './records.ts';
import type { Inventory, InventoryManufacturer, InventoryType } from './types.ts';

export interface ReadInventoryOptions {
  /** Only these manufacturers (lower-case slugs); all when absent. */
  readonly manufacturers?: ReadonlySet<string>;
  /** Pages in flight. */
  readonly concurrency?: number;
}

/**
 * Reads NetBox's catalogue — manufacturers, device and module types with all their component
 * templates — through the engine's snapshot, so that the classification compares exactly what
 * a plan would compare. Paged bulk reads: a whole library's worth is about 140 requests.
 */
export async function readInventory(api: NetBoxPort, options: ReadInventoryOptions = {}): Promise<Inventory> {
  const all = await api.list('manufacturers', {}, { brief: true });
  const slugs = new Set(all.map((m) => String(m.slug).toLowerCase()).filter((slug) => !options.manufacturers || options.manufacturers.has(slug)));
  const snapshot = await takeSnapshot(api, {
    manufacturers: slugs,
    ownerTags: [],
    components: true,
    imageIdentities: new Set(),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
  });
  return inventoryOf(snapshot, slugs);
}

/** Builds the inventory of the manufacturers in `slugs` from a snapshot that covers them. */
export function inventoryOf(snapshot: NetBoxState, slugs: ReadonlySet<string>): Inventory {
  const manufacturers: InventoryManufacturer[] = [...snapshot.manufacturers.entries()]
    .filter(([slug]) => slugs.has(slug))
    .map(([slug, record]) => ({
      id: record.id,
      name: String(record.name),
      slug,
      description: typeof record.description === 'string' ? record.description : '',
      tags: tagSlugsOf(record),
      record,
    }))
    .sort((a, b) => compare(a.slug, b.slug));
  const types = (kind: 'device-type' | 'module-type', byIdentity: ReadonlyMap<string, NetBoxRecord>): InventoryType[] =>
    [...byIdentity.entries()]
      .map(([identity, record]) => {
        const manufacturer = identity.slice(0, identity.indexOf('/'));
        const templates = new Map<TemplateKind, NetBoxRecord[]>();
        const byKind = snapshot.templates.get(`${kind}:${record.id}`);
        for (const templateKind of TEMPLATE_KINDS) {
          const list = byKind?.get(templateKind);
          if (list && list.size > 0)
            templates.set(
              templateKind,
              [...list.values()].sort((a, b) => a.id - b.id),
            );
        }
        const type: InventoryType = {
          kind,
          id: record.id,
          manufacturer,
          model: String(record.model),
          ...(kind === 'device-type' ? { slug: String(record.slug) } : {}),
          tags: tagSlugsOf(record),
          record,
          templates,
        };
        return type;
      })
      .filter((t) => slugs.has(t.manufacturer))
      .sort((a, b) => compare(a.manufacturer, b.manufacturer) || compare(a.model, b.model) || a.id - b.id);
  return {
    netboxVersion: snapshot.netboxVersion,
    manufacturers,
    deviceTypes: types('device-type', snapshot.deviceTypes),
    moduleTypes: types('module-type', snapshot.moduleTypes),
    snapshot,
  };
}

/** Code-unit order: stable across machines and locales. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
