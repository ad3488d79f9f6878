import type {
  DeviceType,
  Endpoint,
  Filters,
  ImageFile,
  ListOptions,
  NetBoxClient,
  NetBoxVersion,
  PartialShape,
  ReadShape,
  UpdateShape,
  WriteOptions,
  WriteShape,
} from '../netbox/index.ts';

/**
 * Any NetBox object seen as its fields by name. The port hands out the client's typed records;
 * this is how code that compares or copies fields named at runtime (the diff, read-back,
 * onboarding's export) reads them. Every record type of the client is assignable to it.
 */
export type NetBoxRecord = Readonly<Record<string, unknown>> & { readonly id: number };

/** An object as a write answered it or a read-back found it: whole or, from a `fields=` read, partial. */
export type WrittenRecord = PartialShape<Endpoint>;

/**
 * The part of the NetBox client the engine uses, with the client's own types: reads return each
 * endpoint's read shape, writes take its write shape. The engine depends on this shape, not on
 * the whole client, which keeps it small and lets one client serve every caller.
 */
export interface NetBoxPort {
  status(): Promise<NetBoxVersion>;
  /**
   * Every object `list` returns must match its filters: the client checks each result against
   * the filter it sent, so a NetBox that ignores a filter name fails the read instead of
   * handing the engine other parents' templates to compare against. With `options` (brief or
   * `fields=` reads) objects may lack fields, hence the partial shape.
   */
  list<E extends Endpoint>(endpoint: E, filters?: Filters): Promise<ReadShape<E>[]>;
  list<E extends Endpoint>(endpoint: E, filters: Filters | undefined, options: ListOptions | undefined): Promise<PartialShape<E>[]>;
  /**
   * Bulk writes. A failed one throws the client's NetBoxError; when its `outcomeUnknown` is set
   * NetBox may have written it anyway, and the engine reads it back before sending it again.
   */
  bulkCreate<E extends Endpoint>(endpoint: E, items: readonly WriteShape<E>[], options?: WriteOptions): Promise<ReadShape<E>[]>;
  bulkUpdate<E extends Endpoint>(endpoint: E, items: readonly UpdateShape<E>[], options?: WriteOptions): Promise<ReadShape<E>[]>;
  bulkDelete(endpoint: Endpoint, ids: readonly number[], options?: WriteOptions): Promise<void>;
  uploadImage(deviceTypeId: number, images: { readonly front?: ImageFile; readonly rear?: ImageFile }): Promise<DeviceType>;
  download(url: string): Promise<Buffer>;
}

export type { ImageFile, WriteOptions };

/**
 * Adapts the typed NetBox client to the engine's port: the same types, without the client's
 * lifecycle and statistics (the caller that built the client closes it).
 */
export function netBoxPortFor(client: NetBoxClient): NetBoxPort {
  function list<E extends Endpoint>(endpoint: E, filters?: Filters): Promise<ReadShape<E>[]>;
  function list<E extends Endpoint>(endpoint: E, filters: Filters | undefined, options: ListOptions | undefined): Promise<PartialShape<E>[]>;
  function list<E extends Endpoint>(endpoint: E, filters?: Filters, options?: ListOptions): Promise<ReadShape<E>[] | PartialShape<E>[]> {
    return options ? client.list(endpoint, filters, options) : client.list(endpoint, filters);
  }
  return {
    status: () => client.status(),
    list,
    bulkCreate: (endpoint, items, options) => client.bulkCreate(endpoint, items, options),
    bulkUpdate: (endpoint, items, options) => client.bulkUpdate(endpoint, items, options),
    bulkDelete: (endpoint, ids, options) => client.bulkDelete(endpoint, ids, options),
    uploadImage: (id, images) => client.uploadImage(id, images),
    download: (url) => client.download(url),
  };
}
