import type { ModelDef, SerializeContext } from '../model/model-def.ts';
import { modelFor } from '../model/registry.ts';
import type { EndpointName, ErrorDetail, ErrorDict, Json, JsonObject, Row } from '../model/types.ts';
import { ApiFailure, isEndpointName } from '../model/types.ts';
import { pythonTypeName } from '../model/text.ts';
import type { Store } from '../store/store.ts';
import type { VersionProfile } from '../version.ts';
import { planFilters } from './filters.ts';
import { OrderCache, orderingComparator, sortRows } from './listing.ts';
import type { UploadedFile } from './mutations.ts';
import { deleteRow, insertCandidate, saveImage, updateCandidate } from './mutations.ts';
import type { QueryPairs } from './query.ts';
import { lastValue, withParams } from './query.ts';
import { pythonInt, StoreReferenceResolver } from './references.ts';
import { validateObject } from './validate.ts';

/** One request to the emulated REST API, already authenticated. */
export interface ApiRequest {
  readonly method: string;
  /** Path without the query string, e.g. `/api/dcim/interface-templates/12/`. */
  readonly path: string;
  readonly query: QueryPairs;
  readonly body: Json | undefined;
  /** Files of a multipart request, by form field. */
  readonly files: ReadonlyMap<string, UploadedFile>;
  /** Scheme and host the client used, for absolute URLs. */
  readonly base: string;
}

/** The answer, plus what the cost model charges for it. */
export interface ApiResult {
  readonly status: number;
  readonly body?: Json;
  /** Objects created, changed or deleted (cascades included). */
  readonly written: number;
  /** Objects serialised into the response. */
  readonly read: number;
}

/** Whether a request writes (read-only tokens may not). */
export function isWrite(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method);
}

const PAGINATE_COUNT = 50;
const API_PATH = /^\/api\/(dcim|extras)\/([a-z-]+)\/(?:(\d+)\/)?$/;

/** Where a path points: a list or detail URL of a served endpoint. */
export interface Route {
  readonly endpoint: EndpointName;
  readonly id: number | null;
}

/** Parses an API path; null for paths the emulator does not serve. */
export function routeFor(path: string): Route | null {
  const match = API_PATH.exec(path);
  if (!match) return null;
  const [, app, endpoint, id] = match;
  if (!endpoint || !isEndpointName(endpoint) || modelFor(endpoint).app !== app) return null;
  return { endpoint, id: id === undefined ? null : Number(id) };
}

/** The emulated NetBox REST API over the in-memory store, free of HTTP concerns. */
export class EmulatedApi {
  private readonly refs: StoreReferenceResolver;
  private readonly order: OrderCache;

  constructor(
    readonly store: Store,
    readonly profile: VersionProfile,
    private readonly maxPageSize: number,
  ) {
    this.refs = new StoreReferenceResolver(store, profile, modelFor);
    this.order = new OrderCache(store);
  }

  handle(request: ApiRequest): ApiResult {
    try {
      return this.dispatch(request);
    } catch (error) {
      if (error instanceof ApiFailure) return { status: error.status, body: error.body, written: 0, read: 0 };
      throw error;
    }
  }

  /** Creates objects directly (seeding): same validation as a POST, no HTTP, no auth. */
  createObjects(endpoint: EndpointName, items: readonly Json[]): Row[] {
    return this.createMany(modelFor(endpoint), items).rows;
  }

  /** Updates one object directly (drift for tests): same validation as a PATCH. */
  updateObject(endpoint: EndpointName, id: number, patch: Json): Row {
    const def = modelFor(endpoint);
    const row = this.requireRow(def, id);
    return this.store.transaction(() => this.updateOne(def, row, patch, true, new Map()));
  }

  /** Deletes one object directly, with NetBox's cascade and protection rules. */
  deleteObject(endpoint: EndpointName, id: number): void {
    const def = modelFor(endpoint);
    this.requireRow(def, id);
    this.store.transaction(() => this.deleteOne(def, id));
  }

  /** Serialises rows as the API would for the given base URL. */
  serialize(endpoint: EndpointName, rows: readonly Row[], base: string): JsonObject[] {
    const def = modelFor(endpoint);
    const ctx = this.context(base);
    return rows.map((row) => def.serialize(row, ctx));
  }

  private dispatch(request: ApiRequest): ApiResult {
    if (request.path === '/api/status/') {
      if (request.method !== 'GET') throw new ApiFailure(405, { detail: `Method "${request.method}" not allowed.` });
      return { status: 200, body: this.status(), written: 0, read: 0 };
    }
    const route = routeFor(request.path);
    if (!route) throw new ApiFailure(404, { detail: 'Not found.' });
    const def = modelFor(route.endpoint);
    if (route.id === null) return this.dispatchList(def, request);
    return this.dispatchDetail(def, route.id, request);
  }

  private dispatchList(def: ModelDef, request: ApiRequest): ApiResult {
    switch (request.method) {
      case 'GET':
      case 'HEAD':
        return this.list(def, request);
      case 'POST':
        return this.create(def, request);
      case 'PUT':
      case 'PATCH':
        return this.bulkUpdate(def, request);
      case 'DELETE':
        return this.bulkDelete(def, request);
      default:
        throw new ApiFailure(405, { detail: `Method "${request.method}" not allowed.` });
    }
  }

  private dispatchDetail(def: ModelDef, id: number, request: ApiRequest): ApiResult {
    const row = this.requireRow(def, id);
    const ctx = this.context(request.base);
    switch (request.method) {
      case 'GET':
      case 'HEAD':
        return { status: 200, body: this.represent(def, row, ctx, request.query), written: 0, read: 1 };
      case 'PUT':
      case 'PATCH': {
        const updated = this.store.transaction(() => this.updateOne(def, row, request.body ?? {}, request.method === 'PATCH', request.files));
        return { status: 200, body: def.serialize(updated, this.context(request.base)), written: 1, read: 1 };
      }
      case 'DELETE': {
        const deleted = this.store.transaction(() => this.deleteOne(def, id));
        return { status: 204, written: deleted, read: 0 };
      }
      default:
        throw new ApiFailure(405, { detail: `Method "${request.method}" not allowed.` });
    }
  }

  private requireRow(def: ModelDef, id: number): Row {
    const row = this.store.table(def.endpoint).get(id);
    if (!row) throw new ApiFailure(404, { detail: `No ${def.modelName} matches the given query.` });
    return row;
  }

  private context(base: string): SerializeContext {
    return { base, store: this.store, profile: this.profile, nested: new Map() };
  }

  private status(): JsonObject {
    return {
      'django-version': '5.2.18',
      hostname: 'netbox-emulator',
      installed_apps: { django_filters: '25.2', rest_framework: '3.16.1', taggit: '6.1.0' },
      'netbox-version': this.profile.fullVersion,
      'netbox-full-version': this.profile.fullVersion,
      plugins: {},
      'python-version': '3.13.0',
      'rq-workers-running': 0,
    };
  }

  /** Full, brief (`?brief=1`) or field-selected (`?fields=a,b`) representation. */
  private represent(def: ModelDef, row: Row, ctx: SerializeContext, query: QueryPairs): JsonObject {
    const fields = this.profile.dynamicFields ? lastValue(query, 'fields') : undefined;
    if (fields) {
      const wanted = new Set(fields.split(',').map((f) => f.trim()));
      const full = def.serialize(row, ctx);
      const out: JsonObject = {};
      for (const [key, value] of Object.entries(full)) if (wanted.has(key)) out[key] = value;
      return out;
    }
    return isTruthy(lastValue(query, 'brief')) ? def.brief(row, ctx) : def.serialize(row, ctx);
  }

  private list(def: ModelDef, request: ApiRequest): ApiResult {
    const { query } = request;
    const plan = planFilters(def, query, this.store, this.profile);
    if (plan.errors) throw new ApiFailure(400, plan.errors);
    const ordering = lastValue(query, 'ordering');
    const comparator = ordering ? orderingComparator(ordering, new Set(def.fields(this.profile).map((s) => s.name))) : null;
    let rows: Row[];
    if (plan.candidates) {
      const table = this.store.table(def.endpoint);
      rows = [];
      for (const id of plan.candidates) {
        const row = table.get(id);
        if (row && plan.predicates.every((p) => p(row))) rows.push(row);
      }
      if (comparator) rows.sort(comparator);
      else sortRows(def, rows, this.store);
    } else {
      const all = comparator ? [...this.order.sorted(def)].sort(comparator) : this.order.sorted(def);
      rows = plan.predicates.length > 0 ? all.filter((row) => plan.predicates.every((p) => p(row))) : all;
    }
    const count = rows.length;
    const limit = this.limitFor(query);
    const offset = positiveInt(lastValue(query, 'offset')) ?? 0;
    const page = offset > count ? [] : rows.slice(offset, offset + limit);
    const ctx = this.context(request.base);
    const results = page.map((row) => this.represent(def, row, ctx, query));
    const url = `${request.base}${request.path}?`;
    const next = limit && offset + limit < count ? url + withParams(query, { limit: String(limit), offset: String(offset + limit) }) : null;
    const previous =
      offset <= 0
        ? null
        : url + withParams(query, offset - limit <= 0 ? { limit: String(limit), offset: null } : { limit: String(limit), offset: String(offset - limit) });
    return { status: 200, body: { count, next, previous, results }, written: 0, read: results.length };
  }

  /** NetBox's OptionalLimitOffsetPagination.get_limit. */
  private limitFor(query: QueryPairs): number {
    const raw = lastValue(query, 'limit');
    if (raw === undefined) return PAGINATE_COUNT;
    const limit = /^\s*\+?\d+\s*$/.test(raw) ? Number(raw) : null;
    if (limit === null) return PAGINATE_COUNT;
    if (limit === 0) return this.maxPageSize;
    return Math.min(limit, this.maxPageSize);
  }

  private create(def: ModelDef, request: ApiRequest): ApiResult {
    const body = request.body ?? {};
    const ctx = this.context(request.base);
    if (Array.isArray(body)) {
      const { rows } = this.createMany(def, body);
      return { status: 201, body: rows.map((row) => def.serialize(row, ctx)), written: rows.length, read: rows.length };
    }
    const row = this.store.transaction(() => {
      const { body: fields, images } = splitImages(def, body, request.files);
      const validated = validateObject({ def, body: fields, previous: null, partial: false }, this.store, this.profile, this.refs);
      if (!validated.ok) throw new ApiFailure(400, validated.errors);
      const candidate = { ...validated.candidate, f: { ...validated.candidate.f, ...this.storeImages(images) } };
      return insertCandidate(this.store, def, candidate, this.profile);
    });
    return { status: 201, body: def.serialize(row, ctx), written: 1, read: 1 };
  }

  /** Bulk create: every item is validated first; one invalid item rejects them all. */
  private createMany(def: ModelDef, items: readonly Json[]): { rows: Row[] } {
    const results = items.map((item) => validateObject({ def, body: item, previous: null, partial: false }, this.store, this.profile, this.refs));
    if (results.some((r) => !r.ok))
      throw new ApiFailure(
        400,
        results.map((r): ErrorDict => (r.ok ? {} : r.errors)),
      );
    const rows = this.store.transaction(() =>
      results.map((r) => (r.ok ? insertCandidate(this.store, def, r.candidate, this.profile) : null)).filter((r): r is Row => r !== null),
    );
    return { rows };
  }

  private updateOne(def: ModelDef, row: Row, body: Json, partial: boolean, files: ReadonlyMap<string, UploadedFile>): Row {
    const { body: fields, images } = splitImages(def, body, files);
    const validated = validateObject({ def, body: fields, previous: row, partial }, this.store, this.profile, this.refs);
    if (!validated.ok) throw new ApiFailure(400, validated.errors);
    const candidate = { ...validated.candidate, f: { ...validated.candidate.f, ...this.storeImages(images) } };
    return updateCandidate(this.store, def, candidate, this.profile);
  }

  private storeImages(images: ReadonlyMap<string, UploadedFile>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [field, file] of images) out[field] = saveImage(this.store, file);
    return out;
  }

  /**
   * Bulk update as NetBox does it: ids that do not exist are skipped, the objects are updated
   * one by one in default order, and the first invalid one rolls everything back with its own
   * (not list-aligned) errors.
   */
  private bulkUpdate(def: ModelDef, request: ApiRequest): ApiResult {
    const items = bulkItems(request.body);
    const updates = new Map<number, Json>();
    for (const item of items) {
      const id = pythonInt(item.id ?? null) as number;
      const { id: _id, ...rest } = item;
      updates.set(id, rest);
    }
    const targets = this.existingInOrder(def, [...updates.keys()]);
    const updated = this.store.transaction(() =>
      targets.map((row) => this.updateOne(def, row, updates.get(row.id) ?? {}, request.method === 'PATCH', new Map())),
    );
    const ctx = this.context(request.base);
    const fresh = this.existingInOrder(
      def,
      updated.map((row) => row.id),
    );
    return { status: 200, body: fresh.map((row) => def.serialize(row, ctx)), written: updated.length, read: fresh.length };
  }

  private bulkDelete(def: ModelDef, request: ApiRequest): ApiResult {
    const items = bulkItems(request.body);
    const targets = this.existingInOrder(
      def,
      items.map((item) => pythonInt(item.id ?? null) as number),
    );
    const deleted = this.store.transaction(() =>
      targets.reduce((sum, row) => sum + (this.store.table(def.endpoint).get(row.id) ? this.deleteOne(def, row.id) : 0), 0),
    );
    return { status: 204, written: deleted, read: 0 };
  }

  private deleteOne(def: ModelDef, id: number): number {
    return deleteRow(
      this.store,
      def.endpoint,
      id,
      (table, row) => (isEndpointName(table) ? modelFor(table).display(row, this.store) : String(row.id)),
      (table, rows) => (isEndpointName(table) ? sortRows(modelFor(table), rows, this.store) : rows),
    );
  }

  private existingInOrder(def: ModelDef, ids: readonly number[]): Row[] {
    const table = this.store.table(def.endpoint);
    const rows: Row[] = [];
    for (const id of new Set(ids)) {
      const row = table.get(id);
      if (row) rows.push(row);
    }
    return sortRows(def, rows, this.store);
  }

  /** Drops cached orderings (after a reset or state load). */
  resetCaches(): void {
    this.order.clear();
  }

  /** Number of objects an endpoint holds. */
  count(endpoint: EndpointName): number {
    return this.store.table(endpoint).size;
  }

  /** One object by id, or undefined. */
  row(endpoint: EndpointName, id: number): Row | undefined {
    return this.store.table(endpoint).get(id);
  }

  /** Every row of an endpoint in NetBox's default order. */
  sortedRows(endpoint: EndpointName): Row[] {
    return [...this.order.sorted(modelFor(endpoint))];
  }
}

/** BulkOperationSerializer: a list of objects each with an integer `id`. */
function bulkItems(body: Json | undefined): Array<{ [key: string]: Json }> {
  if (!Array.isArray(body)) throw new ApiFailure(400, { non_field_errors: [`Expected a list of items but got type "${pythonTypeName(body ?? null)}".`] });
  const errors: ErrorDetail[] = [];
  let failed = false;
  for (const item of body) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      failed = true;
      errors.push({ non_field_errors: [`Invalid data. Expected a dictionary, but got ${pythonTypeName(item)}.`] });
    } else if (item.id === undefined) {
      failed = true;
      errors.push({ id: ['This field is required.'] });
    } else if (pythonInt(item.id) === null || typeof item.id === 'boolean') {
      failed = true;
      errors.push({ id: ['A valid integer is required.'] });
    } else errors.push({});
  }
  if (failed) throw new ApiFailure(400, errors as Json);
  return body as Array<{ [key: string]: Json }>;
}

/** Separates uploaded image files from the other fields of a write. */
function splitImages(def: ModelDef, body: Json, files: ReadonlyMap<string, UploadedFile>): { body: Json; images: Map<string, UploadedFile> } {
  const images = new Map<string, UploadedFile>();
  if (def.endpoint !== 'device-types' || files.size === 0 || body === null || typeof body !== 'object' || Array.isArray(body)) return { body, images };
  for (const [field, file] of files) if (field === 'front_image' || field === 'rear_image') images.set(field, file);
  return { body, images };
}

function positiveInt(raw: string | undefined): number | null {
  if (raw === undefined || !/^\s*\+?\d+\s*$/.test(raw)) return null;
  return Number(raw);
}

function isTruthy(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'True', 'yes', 'on'].includes(value.trim());
}
