import { isEndpoint } from '../netbox/index.ts';
import type { Endpoint, Filters, ListOptions, NetBoxClient, WriteOptions } from '../netbox/index.ts';

/**
 * The part of the NetBox client the engine uses. The engine depends on this shape, not on
 * the client's full types, which keeps it small and lets one client serve every caller.
 */
export type NetBoxRecord = Readonly<Record<string, unknown>> & { readonly id: number };

export type ListFilters = Readonly<Record<string, string | number | boolean | readonly (string | number)[]>>;

export interface NetBoxPort {
  status(): Promise<{ readonly version: string; readonly major: number; readonly minor: number }>;
  /**
   * Every object `list` returns must match its filters: the client checks each result against
   * the filter it sent, so a NetBox that ignores a filter name fails the read instead of
   * handing the engine other parents' templates to compare against.
   */
  list(
    endpoint: string,
    filters?: ListFilters,
    options?: { readonly brief?: boolean; readonly fields?: readonly string[]; readonly timeoutMs?: number },
  ): Promise<NetBoxRecord[]>;
  /**
   * Bulk writes. A failed one throws the client's NetBoxError; when its `outcomeUnknown` is set
   * NetBox may have written it anyway, and the engine reads it back before sending it again.
   */
  bulkCreate(endpoint: string, items: readonly Record<string, unknown>[], options?: WriteOptions): Promise<NetBoxRecord[]>;
  bulkUpdate(endpoint: string, items: readonly (Record<string, unknown> & { id: number })[], options?: WriteOptions): Promise<NetBoxRecord[]>;
  bulkDelete(endpoint: string, ids: readonly number[], options?: WriteOptions): Promise<void>;
  uploadImage(deviceTypeId: number, images: { readonly front?: ImageFile; readonly rear?: ImageFile }): Promise<NetBoxRecord>;
  download(url: string): Promise<Buffer>;
}

export type { WriteOptions };

export interface ImageFile {
  readonly filename: string;
  readonly data: Buffer;
  readonly contentType: string;
}

/**
 * Adapts the typed NetBox client to the engine's port. The engine builds objects generically
 * (by kind), so it hands the client loosely typed records; the endpoint name is checked here.
 */
export function netBoxPortFor(client: NetBoxClient): NetBoxPort {
  const endpoint = (name: string): Endpoint => {
    if (!isEndpoint(name)) throw new TypeError(`unknown NetBox endpoint ${name}`);
    return name;
  };
  type Loose = Parameters<NetBoxClient['bulkCreate']>[1];
  type LooseUpdate = Parameters<NetBoxClient['bulkUpdate']>[1];
  return {
    status: () => client.status(),
    list: async (name, filters, options) =>
      (options
        ? await client.list(endpoint(name), filters as Filters | undefined, options as ListOptions)
        : await client.list(endpoint(name), filters as Filters | undefined)) as unknown as NetBoxRecord[],
    bulkCreate: async (name, items, options) => (await client.bulkCreate(endpoint(name), items as unknown as Loose, options)) as unknown as NetBoxRecord[],
    bulkUpdate: async (name, items, options) =>
      (await client.bulkUpdate(endpoint(name), items as unknown as LooseUpdate, options)) as unknown as NetBoxRecord[],
    bulkDelete: (name, ids, options) => client.bulkDelete(endpoint(name), ids, options),
    uploadImage: async (id, images) => (await client.uploadImage(id, images)) as unknown as NetBoxRecord,
    download: (url) => client.download(url),
  };
}
