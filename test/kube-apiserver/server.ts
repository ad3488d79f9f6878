/**
 * A stand-in Kubernetes API server (in-process HTTP) for the tests and the demo: just enough of
 * the API for the controller's Kubernetes source, driven through the real
 * @kubernetes/client-node. Not Kubernetes; what it leaves out is listed in README.md.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { createCrdSchemaValidator } from './crd-schema.ts';
import type { CrdSchemaValidator, FieldValidation } from './crd-schema.ts';
import { applyMergePatch } from './merge-patch.ts';

type Json = Record<string, unknown>;

export interface StandInOptions {
  /** Bearer token every request must carry; random by default. */
  readonly token?: string;
  /** Watch events kept; a watch from an older resourceVersion gets 410 Gone. Default 1,000. */
  readonly historySize?: number;
  /** How often watches that asked for bookmarks get one. Default 1 s. */
  readonly bookmarkIntervalMs?: number;
  /** Ends every watch after this long, as real servers do after 30-60 minutes. Default never. */
  readonly watchTimeoutMs?: number;
}

/** A request the side door makes fail: the next `count` requests matching method and path. */
export interface FaultRule {
  readonly method?: string;
  readonly path: string | RegExp;
  /** true: only watch requests (`?watch=true`); false: only the others; absent: both. */
  readonly watch?: boolean;
  readonly status: number;
  /** How many requests fail; default 1. `Infinity` until clearFaults(). */
  readonly count?: number;
  readonly message?: string;
}

export interface StandInStats {
  requests: number;
  lists: number;
  watches: number;
  /** Watches answered with 410 Gone (resourceVersion too old). */
  expired: number;
  bookmarks: number;
  /** Requests by `METHOD kind[/subresource]`, e.g. `PATCH devicetypesets/status`. */
  readonly byVerb: Record<string, number>;
  /** Watch requests by user (see addUser; the default token's user is `admin`). */
  readonly watchesByUser: Record<string, number>;
}

export interface StandInApiServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly token: string;
  /** A kubeconfig (YAML) whose current context points here, as `user` (default: the main token). */
  kubeconfig(namespace?: string, user?: string): string;
  readonly stats: StandInStats;
  /** Ends every open watch: `close` as a server timeout does, `reset` as a dropped connection. Returns how many. */
  dropWatches(how: 'close' | 'reset'): number;
  /**
   * Makes every open watch go silent without ending, as a half-open connection does (a dead
   * node, a dropped NAT entry): no more events or bookmarks, no server timeout, no close. Only
   * the client can end it. Returns how many.
   */
  stallWatches(): number;
  /** Forgets the watch history (as etcd compaction): a watch from any resourceVersion seen so far gets 410 Gone. */
  compact(): void;
  /** Makes matching requests fail with `status` (Status body) until `count` of them did. */
  fail(rule: FaultRule): void;
  /** Forgets every fault rule, spent or not. */
  clearFaults(): void;
  /**
   * Another user with a token of its own (`kubeconfig(namespace, user)` uses it): lets a test
   * cut one client off with partition() while the others go on.
   */
  addUser(name: string): string;
  /**
   * Cuts a user off (`true`) as a network partition or a dead node would: its open watches are
   * reset and every further request of it has its connection reset, until `false`.
   */
  partition(user: string, cut: boolean): void;
  /** The stored objects of a resource (plural, e.g. `events` or `devicetypesets`). */
  objects(plural: string, namespace?: string): Json[];
  /** The current resourceVersion. */
  readonly resourceVersion: number;
  close(): Promise<void>;
}

interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
  readonly listKind: string;
  readonly namespaced: boolean;
  /** Custom resources: generation semantics, status subresource and schema admission. */
  readonly custom: boolean;
  readonly validator?: CrdSchemaValidator;
  /** Extra checks of built-in kinds (Leases, Events), `field: message` lines. */
  readonly check?: (object: Json) => string[];
}

interface WatchEvent {
  readonly rv: number;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly resource: string;
  readonly namespace: string;
  readonly object: Json;
}

interface Watcher {
  readonly user: string;
  readonly resource: string;
  readonly namespace: string | undefined;
  readonly res: ServerResponse;
  readonly socket: Socket;
  readonly bookmarks: boolean;
  readonly timers: NodeJS.Timeout[];
}

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Json,
  ) {
    super(message);
  }
}

/** The Status reason a real API server gives with these codes. */
const FAULT_REASONS: Record<number, string> = {
  409: 'Conflict',
  410: 'Expired',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function microTimeProblems(object: Json, paths: readonly string[][]): string[] {
  const problems: string[] = [];
  for (const path of paths) {
    let value: unknown = object;
    for (const part of path) value = isObject(value) ? value[part] : undefined;
    if (value !== undefined && value !== null && (typeof value !== 'string' || !MICRO_TIME.test(value))) {
      problems.push(`${path.join('.')}: Invalid value: ${JSON.stringify(value)}: must be a MicroTime (RFC 3339 with 6 fractional digits)`);
    }
  }
  return problems;
}

const BUILT_IN: ResourceType[] = [
  {
    group: 'coordination.k8s.io',
    version: 'v1',
    plural: 'leases',
    kind: 'Lease',
    listKind: 'LeaseList',
    namespaced: true,
    custom: false,
    check: (lease) => {
      const spec = isObject(lease.spec) ? lease.spec : {};
      const problems = microTimeProblems(lease, [
        ['spec', 'acquireTime'],
        ['spec', 'renewTime'],
      ]);
      if (spec.leaseDurationSeconds !== undefined && !(Number.isInteger(spec.leaseDurationSeconds) && (spec.leaseDurationSeconds as number) > 0)) {
        problems.push('spec.leaseDurationSeconds: Invalid value: must be greater than 0');
      }
      return problems;
    },
  },
  {
    group: 'events.k8s.io',
    version: 'v1',
    plural: 'events',
    kind: 'Event',
    listKind: 'EventList',
    namespaced: true,
    custom: false,
    check: (event) => {
      const problems = microTimeProblems(event, [['eventTime'], ['series', 'lastObservedTime']]);
      for (const field of ['eventTime', 'reportingController', 'reportingInstance', 'action', 'reason']) {
        if (event[field] === undefined || event[field] === '') problems.push(`${field}: Required value`);
      }
      if (!['Normal', 'Warning'].includes(String(event.type))) problems.push(`type: Unsupported value: ${JSON.stringify(event.type)}`);
      if (typeof event.note === 'string' && Buffer.byteLength(event.note) > 1024) problems.push('note: Too long: must have at most 1024 bytes');
      if (isObject(event.series) && !(Number(event.series.count) >= 2)) problems.push('series.count: Invalid value: should be at least 2');
      if (!isObject(event.regarding)) problems.push('regarding: Required value');
      return problems;
    },
  },
  { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', listKind: 'NamespaceList', namespaced: false, custom: false },
  {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    plural: 'customresourcedefinitions',
    kind: 'CustomResourceDefinition',
    listKind: 'CustomResourceDefinitionList',
    namespaced: false,
    custom: false,
  },
];

/** Starts the stand-in on 127.0.0.1 and a free port. */
export async function startStandInApiServer(options: StandInOptions = {}): Promise<StandInApiServer> {
  const token = options.token ?? randomBytes(16).toString('hex');
  const historySize = options.historySize ?? 1_000;
  const bookmarkMs = options.bookmarkIntervalMs ?? 1_000;
  const types = new Map<string, ResourceType>();
  const store = new Map<string, Map<string, Json>>();
  const history: WatchEvent[] = [];
  const watchers = new Set<Watcher>();
  /** Watches stallWatches() silenced: kept open until the client gives up (or close()). */
  const stalled = new Set<Watcher>();
  const faults: { rule: FaultRule; left: number }[] = [];
  const stats: StandInStats = { requests: 0, lists: 0, watches: 0, expired: 0, bookmarks: 0, byVerb: {}, watchesByUser: {} };
  /** token → user name. */
  const users = new Map<string, string>([[token, 'admin']]);
  const partitioned = new Set<string>();
  let rv = 1;
  /** Watches from a resourceVersion below this are too old. */
  let oldestWatchable = 1;

  const typeKey = (group: string, version: string, plural: string): string => `${group}/${version}/${plural}`;
  const register = (type: ResourceType): void => {
    types.set(typeKey(type.group, type.version, type.plural), type);
    if (!store.has(type.plural)) store.set(type.plural, new Map());
  };
  BUILT_IN.forEach(register);

  const objectsOf = (plural: string): Map<string, Json> => {
    let objects = store.get(plural);
    if (!objects) {
      objects = new Map();
      store.set(plural, objects);
    }
    return objects;
  };

  const emit = (type: WatchEvent['type'], resource: string, namespace: string, object: Json): void => {
    const event: WatchEvent = { rv, type, resource, namespace, object: structuredClone(object) };
    history.push(event);
    if (history.length > historySize) {
      const dropped = history.shift();
      if (dropped) oldestWatchable = dropped.rv + 1;
    }
    for (const watcher of watchers) {
      if (watcher.resource === resource && (watcher.namespace === undefined || watcher.namespace === namespace)) send(watcher, event.type, event.object);
    }
  };

  const send = (watcher: Watcher, type: string, object: Json): void => {
    if (!watcher.res.writableEnded) watcher.res.write(`${JSON.stringify({ type, object })}\n`);
  };

  const endWatch = (watcher: Watcher, how: 'close' | 'reset'): void => {
    watchers.delete(watcher);
    for (const timer of watcher.timers) clearInterval(timer);
    if (how === 'reset') watcher.socket.destroy();
    else watcher.res.end();
  };

  /** Registers the kinds of a CustomResourceDefinition with its schema for admission. */
  const registerCrd = (crd: Json): void => {
    const spec = crd.spec as {
      group: string;
      names: { plural: string; kind: string; listKind?: string };
      scope: string;
      versions: { name: string; served: boolean; schema?: { openAPIV3Schema?: Json } }[];
    };
    for (const version of spec.versions.filter((v) => v.served)) {
      register({
        group: spec.group,
        version: version.name,
        plural: spec.names.plural,
        kind: spec.names.kind,
        listKind: spec.names.listKind ?? `${spec.names.kind}List`,
        namespaced: spec.scope === 'Namespaced',
        custom: true,
        ...(version.schema?.openAPIV3Schema ? { validator: createCrdSchemaValidator(version.schema.openAPIV3Schema) } : {}),
      });
    }
  };

  // ---- object semantics ----------------------------------------------------------------

  const invalid = (type: ResourceType, name: string, errors: readonly string[]): ApiError =>
    new ApiError(
      422,
      'Invalid',
      `${type.kind}${type.group ? `.${type.group}` : ''} "${name}" is invalid: ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`}`,
      {
        name,
        group: type.group,
        kind: type.kind,
        causes: errors.map((error) => ({ reason: 'FieldValueInvalid', message: error, field: error.split(':')[0] })),
      },
    );

  /** Validates and defaults what will be stored; returns the object and Warning header values. */
  const admit = (type: ResourceType, object: Json, fieldValidation: FieldValidation): { object: Json; warnings: string[] } => {
    const name = String((object.metadata as Json | undefined)?.name ?? '');
    if (type.validator) {
      const result = type.validator.admit(object, fieldValidation);
      if (result.errors.length > 0) throw invalid(type, name, result.errors);
      return { object: result.object, warnings: [...result.warnings] };
    }
    if (!DNS_SUBDOMAIN.test(name))
      throw invalid(type, name, [`metadata.name: Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 subdomain is required`]);
    const problems = type.check?.(object) ?? [];
    if (problems.length > 0) throw invalid(type, name, problems);
    return { object, warnings: [] };
  };

  const withoutServerFields = (object: Json): Json => {
    const { apiVersion: _a, kind: _k, metadata, status: _s, ...rest } = object;
    const { resourceVersion: _rv, generation: _g, managedFields: _m, creationTimestamp: _c, uid: _u, ...meta } = (metadata ?? {}) as Json;
    return { ...rest, metadata: meta };
  };

  const specOf = (object: Json): string => {
    const { apiVersion: _a, kind: _k, metadata: _m, status: _s, ...rest } = object;
    return JSON.stringify(rest);
  };

  const create = (type: ResourceType, namespace: string, body: Json, fieldValidation: FieldValidation): { object: Json; warnings: string[] } => {
    const metadata: Json = isObject(body.metadata) ? { ...body.metadata } : {};
    if (typeof metadata.name !== 'string' && typeof metadata.generateName === 'string')
      metadata.name = `${metadata.generateName}${randomBytes(3).toString('hex').slice(0, 5)}`;
    const name = String(metadata.name ?? '');
    const objects = objectsOf(type.plural);
    const key = `${namespace}/${name}`;
    if (objects.has(key))
      throw new ApiError(409, 'AlreadyExists', `${type.plural}${type.group ? `.${type.group}` : ''} "${name}" already exists`, {
        name,
        group: type.group,
        kind: type.plural,
      });
    const { status: _ignored, ...rest } = body;
    const candidate: Json = {
      ...(type.custom ? rest : body),
      apiVersion: type.group ? `${type.group}/${type.version}` : type.version,
      kind: type.kind,
      metadata: { ...metadata, ...(type.namespaced ? { namespace } : {}) },
    };
    const { object, warnings } = admit(type, candidate, fieldValidation);
    rv += 1;
    const stored: Json = {
      ...object,
      metadata: {
        ...(object.metadata as Json),
        uid: randomUUID(),
        resourceVersion: String(rv),
        creationTimestamp: now(),
        ...(type.custom ? { generation: 1 } : {}),
      },
    };
    if (type.plural === 'customresourcedefinitions') {
      registerCrd(stored);
      stored.status = {
        conditions: [{ type: 'Established', status: 'True', reason: 'InitialNamesAccepted', lastTransitionTime: now(), message: 'the stand-in serves it' }],
      };
    }
    objects.set(key, stored);
    emit('ADDED', type.plural, namespace, stored);
    return { object: stored, warnings };
  };

  /**
   * Writes a new version of an existing object. `subresource` status takes only the status from
   * `next`; the main resource takes everything but the status. Preconditions: a resourceVersion
   * in `next` must match.
   */
  const update = (
    type: ResourceType,
    namespace: string,
    name: string,
    next: Json,
    subresource: 'status' | undefined,
    fieldValidation: FieldValidation,
  ): { object: Json; warnings: string[] } => {
    const objects = objectsOf(type.plural);
    const key = `${namespace}/${name}`;
    const current = objects.get(key);
    if (!current) throw notFound(type, name);
    const currentMeta = current.metadata as Json;
    const nextMeta = isObject(next.metadata) ? next.metadata : {};
    if (nextMeta.resourceVersion !== undefined && nextMeta.resourceVersion !== currentMeta.resourceVersion) {
      throw new ApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${type.plural}${type.group ? `.${type.group}` : ''} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name, group: type.group, kind: type.plural },
      );
    }
    let candidate: Json;
    if (subresource === 'status') {
      candidate = { ...current, status: next.status };
    } else {
      const finalizers = Array.isArray(nextMeta.finalizers) ? (nextMeta.finalizers as string[]) : [];
      const before = Array.isArray(currentMeta.finalizers) ? (currentMeta.finalizers as string[]) : [];
      if (currentMeta.deletionTimestamp !== undefined && finalizers.some((f) => !before.includes(f))) {
        throw new ApiError(
          422,
          'Invalid',
          `${type.kind} "${name}" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted`,
        );
      }
      const server = {
        uid: currentMeta.uid,
        creationTimestamp: currentMeta.creationTimestamp,
        generation: currentMeta.generation,
        deletionTimestamp: currentMeta.deletionTimestamp,
        namespace: currentMeta.namespace,
      };
      const meta: Json = { ...nextMeta, name, ...Object.fromEntries(Object.entries(server).filter(([, v]) => v !== undefined)) };
      delete meta.resourceVersion;
      candidate = {
        ...next,
        apiVersion: current.apiVersion,
        kind: current.kind,
        metadata: meta,
        ...(type.custom && current.status !== undefined ? { status: current.status } : {}),
      };
      if (type.custom && current.status === undefined) delete candidate.status;
    }
    const { object, warnings } = admit(type, candidate, fieldValidation);
    const meta = object.metadata as Json;
    if (type.custom && subresource === undefined && specOf(object) !== specOf(current)) meta.generation = Number(currentMeta.generation ?? 1) + 1;
    if (
      JSON.stringify(withoutServerFields(object)) === JSON.stringify(withoutServerFields(current)) &&
      JSON.stringify(object.status) === JSON.stringify(current.status)
    ) {
      // No change: no new resourceVersion and no watch event, as on a real server.
      return { object: current, warnings };
    }
    rv += 1;
    meta.resourceVersion = String(rv);
    const finalizers = Array.isArray(meta.finalizers) ? (meta.finalizers as string[]) : [];
    if (meta.deletionTimestamp !== undefined && finalizers.length === 0) {
      objects.delete(key);
      emit('DELETED', type.plural, namespace, object);
      return { object, warnings };
    }
    objects.set(key, object);
    emit('MODIFIED', type.plural, namespace, object);
    return { object, warnings };
  };

  const remove = (type: ResourceType, namespace: string, name: string): Json => {
    const objects = objectsOf(type.plural);
    const key = `${namespace}/${name}`;
    const current = objects.get(key);
    if (!current) throw notFound(type, name);
    const meta = current.metadata as Json;
    const finalizers = Array.isArray(meta.finalizers) ? (meta.finalizers as string[]) : [];
    if (finalizers.length > 0) {
      if (meta.deletionTimestamp !== undefined) return current;
      rv += 1;
      const marked: Json = {
        ...current,
        metadata: {
          ...meta,
          deletionTimestamp: now(),
          deletionGracePeriodSeconds: 0,
          resourceVersion: String(rv),
          ...(type.custom ? { generation: Number(meta.generation ?? 1) + 1 } : {}),
        },
      };
      objects.set(key, marked);
      emit('MODIFIED', type.plural, namespace, marked);
      return marked;
    }
    rv += 1;
    const gone: Json = { ...current, metadata: { ...meta, resourceVersion: String(rv) } };
    objects.delete(key);
    emit('DELETED', type.plural, namespace, gone);
    if (type.plural === 'customresourcedefinitions') {
      const spec = current.spec as { group: string; names: { plural: string }; versions: { name: string }[] };
      for (const version of spec.versions) types.delete(typeKey(spec.group, version.name, spec.names.plural));
    }
    return gone;
  };

  const notFound = (type: ResourceType, name: string): ApiError =>
    new ApiError(404, 'NotFound', `${type.plural}${type.group ? `.${type.group}` : ''} "${name}" not found`, { name, group: type.group, kind: type.plural });

  const list = (type: ResourceType, namespace: string | undefined): Json => {
    stats.lists += 1;
    const items = [...objectsOf(type.plural).entries()]
      .filter(([key]) => namespace === undefined || key.startsWith(`${namespace}/`))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, object]) => object);
    return { apiVersion: type.group ? `${type.group}/${type.version}` : type.version, kind: type.listKind, metadata: { resourceVersion: String(rv) }, items };
  };

  const watch = (user: string, type: ResourceType, namespace: string | undefined, query: URLSearchParams, req: IncomingMessage, res: ServerResponse): void => {
    stats.watches += 1;
    stats.watchesByUser[user] = (stats.watchesByUser[user] ?? 0) + 1;
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const watcher: Watcher = {
      user,
      resource: type.plural,
      namespace,
      res,
      socket: req.socket,
      bookmarks: query.get('allowWatchBookmarks') === 'true',
      timers: [],
    };
    const from = query.get('resourceVersion');
    const inScope = (event: WatchEvent): boolean => event.resource === type.plural && (namespace === undefined || event.namespace === namespace);
    if (from === null || from === '' || from === '0') {
      for (const object of list(type, namespace).items as Json[]) send(watcher, 'ADDED', object);
    } else {
      const since = Number(from);
      if (!Number.isInteger(since) || since + 1 < oldestWatchable) {
        stats.expired += 1;
        send(watcher, 'ERROR', {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `too old resource version: ${from} (${oldestWatchable - 1})`,
          reason: 'Expired',
          code: 410,
        });
        res.end();
        return;
      }
      for (const event of history) if (event.rv > since && inScope(event)) send(watcher, event.type, event.object);
    }
    watchers.add(watcher);
    req.on('close', () => {
      watchers.delete(watcher);
      stalled.delete(watcher);
      for (const timer of watcher.timers) clearInterval(timer);
    });
    if (watcher.bookmarks) {
      watcher.timers.push(
        setInterval(() => {
          stats.bookmarks += 1;
          send(watcher, 'BOOKMARK', {
            apiVersion: type.group ? `${type.group}/${type.version}` : type.version,
            kind: type.kind,
            metadata: { resourceVersion: String(rv) },
          });
        }, bookmarkMs),
      );
    }
    const timeoutSeconds = Number(query.get('timeoutSeconds') ?? 0);
    const timeoutMs = timeoutSeconds > 0 ? timeoutSeconds * 1000 : options.watchTimeoutMs;
    if (timeoutMs !== undefined) watcher.timers.push(setTimeout(() => endWatch(watcher, 'close'), timeoutMs));
  };

  // ---- HTTP ----------------------------------------------------------------------------

  const readBody = async (req: IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };

  const parseBody = (text: string, contentType: string): Json => {
    if (text.trim() === '') return {};
    try {
      const value: unknown = contentType.includes('yaml') ? parseYaml(text) : JSON.parse(text);
      if (!isObject(value)) throw new Error('not an object');
      return value;
    } catch (error) {
      throw new ApiError(400, 'BadRequest', `the body of the request was in an unknown format: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const reply = (res: ServerResponse, code: number, body: unknown, warnings: readonly string[] = []): void => {
    const headers: Record<string, string | string[]> = { 'content-type': 'application/json' };
    if (warnings.length > 0) headers.warning = warnings.map((warning) => `299 - ${JSON.stringify(warning)}`);
    res.writeHead(code, headers).end(JSON.stringify(body));
  };

  const status = (error: ApiError): Json => ({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: error.message,
    reason: error.reason,
    ...(error.details ? { details: error.details } : {}),
    code: error.code,
  });

  /** `/apis/G/V[/namespaces/NS]/PLURAL[/NAME[/SUB]]` or `/api/v1/...`. */
  const route = (
    path: string,
  ): { type: ResourceType; namespace: string | undefined; name: string | undefined; subresource: string | undefined } | undefined => {
    const parts = path.split('/').filter(Boolean);
    let group: string;
    let rest: string[];
    if (parts[0] === 'api' && parts[1] !== undefined) {
      group = '';
      rest = parts.slice(1);
    } else if (parts[0] === 'apis' && parts[1] !== undefined && parts[2] !== undefined) {
      group = parts[1];
      rest = parts.slice(2);
    } else {
      return undefined;
    }
    const [version = '', ...tail] = rest;
    let namespace: string | undefined;
    if (tail[0] === 'namespaces' && tail.length >= 3) {
      namespace = tail[1];
      tail.splice(0, 2);
    }
    const [plural = '', name, subresource] = tail;
    const type = types.get(typeKey(group, version, plural));
    if (!type) return undefined;
    return { type, namespace: type.namespaced ? namespace : undefined, name, subresource };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    stats.requests += 1;
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const method = req.method ?? 'GET';
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const user = users.get(bearer);
    if (user === undefined) {
      reply(res, 401, status(new ApiError(401, 'Unauthorized', 'Unauthorized')));
      return;
    }
    if (partitioned.has(user)) {
      // Unreachable: the client sees its connection reset, not an answer.
      req.socket.destroy();
      return;
    }
    const isWatch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
    for (const fault of faults) {
      const matches =
        (fault.rule.method === undefined || fault.rule.method === method) &&
        (fault.rule.watch === undefined || fault.rule.watch === isWatch) &&
        (typeof fault.rule.path === 'string' ? url.pathname.includes(fault.rule.path) : fault.rule.path.test(url.pathname));
      if (matches && fault.left > 0) {
        fault.left -= 1;
        const reason = FAULT_REASONS[fault.rule.status] ?? (fault.rule.status >= 500 ? 'InternalError' : 'BadRequest');
        reply(res, fault.rule.status, status(new ApiError(fault.rule.status, reason, fault.rule.message ?? 'injected fault')));
        return;
      }
    }
    if (url.pathname === '/version') {
      reply(res, 200, { major: '1', minor: '30', gitVersion: 'v1.30.0-netbox-gitops-stand-in' });
      return;
    }
    const target = route(url.pathname);
    if (!target) throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${method} ${url.pathname})`);
    const { type, name, subresource } = target;
    const namespace = target.namespace ?? '';
    const verb = `${method} ${type.plural}${subresource ? `/${subresource}` : ''}`;
    stats.byVerb[verb] = (stats.byVerb[verb] ?? 0) + 1;
    if (subresource !== undefined && !(subresource === 'status' && type.custom))
      throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${verb})`);
    const fieldValidation = (url.searchParams.get('fieldValidation') ?? 'Warn') as FieldValidation;
    if (name === undefined) {
      if (method === 'GET') {
        if (isWatch) watch(user, type, target.namespace, url.searchParams, req, res);
        else reply(res, 200, list(type, target.namespace));
        return;
      }
      if (method === 'POST') {
        if (type.namespaced && target.namespace === undefined) throw new ApiError(405, 'MethodNotAllowed', 'create needs a namespace');
        const body = parseBody(await readBody(req), req.headers['content-type'] ?? 'application/json');
        const { object, warnings } = create(type, namespace, body, fieldValidation);
        reply(res, 201, object, warnings);
        return;
      }
      throw new ApiError(405, 'MethodNotAllowed', `${method} is not supported on a collection here`);
    }
    const key = `${namespace}/${name}`;
    const current = objectsOf(type.plural).get(key);
    switch (method) {
      case 'GET': {
        if (!current) throw notFound(type, name);
        reply(res, 200, current);
        return;
      }
      case 'PUT': {
        const body = parseBody(await readBody(req), req.headers['content-type'] ?? 'application/json');
        const { object, warnings } = update(type, namespace, name, body, subresource as 'status' | undefined, fieldValidation);
        reply(res, 200, object, warnings);
        return;
      }
      case 'PATCH': {
        if (!current) throw notFound(type, name);
        const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
        const patch = parseBody(await readBody(req), contentType);
        if (contentType === 'application/apply-patch+yaml') {
          // Server-side apply, approximated as a merge of the applied configuration (no managedFields).
          if (!url.searchParams.get('fieldManager')) throw new ApiError(422, 'Invalid', 'PATCH with apply-patch+yaml requires a fieldManager');
        } else if (contentType !== 'application/merge-patch+json') {
          throw new ApiError(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json, application/apply-patch+yaml (got ${contentType})`,
          );
        }
        const merged = applyMergePatch(current, patch) as Json;
        const patchMeta = isObject(patch.metadata) ? patch.metadata : {};
        const next: Json = {
          ...merged,
          metadata: { ...(merged.metadata as Json), resourceVersion: patchMeta.resourceVersion ?? (current.metadata as Json).resourceVersion },
        };
        const { object, warnings } = update(type, namespace, name, next, subresource as 'status' | undefined, fieldValidation);
        reply(res, 200, object, warnings);
        return;
      }
      case 'DELETE': {
        if (subresource !== undefined) throw new ApiError(405, 'MethodNotAllowed', 'DELETE of a subresource');
        const result = remove(type, namespace, name);
        reply(res, 200, result);
        return;
      }
      default:
        throw new ApiError(405, 'MethodNotAllowed', `${method} is not supported`);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const apiError = error instanceof ApiError ? error : new ApiError(500, 'InternalError', error instanceof Error ? error.message : String(error));
      if (!res.headersSent) reply(res, apiError.code, status(apiError));
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    token,
    stats,
    get resourceVersion(): number {
      return rv;
    },
    kubeconfig(namespace = 'default', user = 'admin'): string {
      const userToken = [...users.entries()].find(([, name]) => name === user)?.[0];
      if (userToken === undefined) throw new Error(`no user ${user}: addUser() it first`);
      return [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '  - name: stand-in',
        '    cluster:',
        `      server: ${url}`,
        // Plain HTTP: client-node only allows it with TLS verification off.
        '      insecure-skip-tls-verify: true',
        'users:',
        '  - name: stand-in',
        '    user:',
        `      token: ${userToken}`,
        'contexts:',
        '  - name: stand-in',
        '    context:',
        '      cluster: stand-in',
        '      user: stand-in',
        `      namespace: ${namespace}`,
        'current-context: stand-in',
        '',
      ].join('\n');
    },
    dropWatches(how): number {
      const open = [...watchers];
      for (const watcher of open) endWatch(watcher, how);
      return open.length;
    },
    stallWatches(): number {
      const open = [...watchers];
      for (const watcher of open) {
        watchers.delete(watcher);
        for (const timer of watcher.timers) clearInterval(timer);
        stalled.add(watcher);
      }
      return open.length;
    },
    compact(): void {
      oldestWatchable = rv + 1;
      history.length = 0;
    },
    fail(rule): void {
      faults.push({ rule, left: rule.count ?? 1 });
    },
    clearFaults(): void {
      faults.length = 0;
    },
    addUser(name): string {
      const existing = [...users.entries()].find(([, user]) => user === name)?.[0];
      if (existing !== undefined) return existing;
      const userToken = randomBytes(16).toString('hex');
      users.set(userToken, name);
      return userToken;
    },
    partition(user, cut): void {
      if (!cut) {
        partitioned.delete(user);
        return;
      }
      partitioned.add(user);
      for (const watcher of [...watchers]) if (watcher.user === user) endWatch(watcher, 'reset');
    },
    objects(plural, namespace): Json[] {
      return [...objectsOf(plural).entries()]
        .filter(([key]) => namespace === undefined || key.startsWith(`${namespace}/`))
        .map(([, object]) => structuredClone(object));
    },
    async close(): Promise<void> {
      for (const watcher of [...watchers, ...stalled]) endWatch(watcher, 'reset');
      stalled.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
