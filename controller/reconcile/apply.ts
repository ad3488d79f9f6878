import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { IntegrationError } from '../errors/index.ts';
import { NetBoxError } from '../netbox/index.ts';
import type { Endpoint, UpdateShape, WriteShape } from '../netbox/index.ts';
import { TEXT_FIELDS } from './defaults.ts';
import { endpointOf, templateIdentity } from './identity.ts';
import type { NetBoxPort, WriteOptions, WrittenRecord } from './netbox-port.ts';
import { phaseOf } from './plan.ts';
import { readBackChunk } from './read-back.ts';
import type {
  ApplyResult,
  ChangeRecord,
  ChunkItem,
  Confirmation,
  FailureCause,
  ObjectKind,
  OperationFailure,
  Plan,
  PlanOperation,
  WriteChunk,
} from './types.ts';
import { WriteGovernor } from './write-governor.ts';
import type { WriteTuning } from './write-governor.ts';

export interface ApplyOptions {
  /** Chunking, timeouts and writes in flight (defaults: DEFAULT_WRITE_TUNING). */
  readonly tuning?: Partial<WriteTuning>;
  /** A governor to share between applies (the rounds of one reconcile); one from `tuning` otherwise. */
  readonly governor?: WriteGovernor;
  /** Called after every chunk with objects done and the total to do. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Called with each chunk before it is sent: an outbox records it here, so that a chunk whose
   * process dies before the answer can be resolved later with {@link readBackChunk}.
   */
  readonly onWrite?: (chunk: WriteChunk) => Promise<void> | void;
  /**
   * Called with the change records of a chunk as soon as they are known to have landed (NetBox
   * answered, or a read-back found them), so that the audit trail keeps every applied change
   * even when a later chunk or the process fails. `chunk` is the write they belong to.
   */
  readonly onRecords?: (records: readonly ChangeRecord[], chunk: WriteChunk) => Promise<void> | void;
  /**
   * Called once a chunk given to `onWrite` needs nothing more (answered, refused, or read back
   * and its missing objects handed to new chunks). A chunk left unsettled — the process died or
   * a fault stopped the apply — is one whose outcome only a read-back can tell.
   */
  readonly onSettled?: (chunk: WriteChunk) => Promise<void> | void;
  /** Cooperative cancellation: checked before each chunk starts. */
  readonly signal?: AbortSignal;
  /** Reads image files; defaults to the file system. */
  readonly readImage?: (path: string) => Promise<Buffer>;
}

const WRITES = new Set(['create', 'update', 'delete']);
/** Sends of one object whose outcome stays unknown before it is given up (reported, never lost). */
const MAX_SENDS = 4;
const ALREADY_EXISTS = /already exists/i;

/**
 * Executes a plan's create / update / delete operations of enforcing intents, in reference
 * order, as bulk writes. Chunks are sized and timed by a {@link WriteGovernor} and at most its
 * `concurrency` are in flight. A write whose answer is lost (timeout, broken connection, 5xx)
 * or that NetBox refuses with "already exists" is never sent again blindly: the chunk is read
 * back, what landed is recorded (`confirmedBy: 'read-back'`) and only what is missing is sent
 * again. A chunk NetBox rejects (400) is split to find the objects at fault; they are reported
 * with NetBox's messages and the rest goes in. Never re-decides: it only resolves identities
 * to ids. Faults that stop the whole apply (NetBox down, an open circuit) are thrown; the
 * records of what landed before were already handed to `onRecords`.
 */
export async function applyPlan(api: NetBoxPort, plan: Plan, options: ApplyOptions = {}): Promise<ApplyResult> {
  const governor = options.governor ?? new WriteGovernor(options.tuning);
  const ids = new Map<string, number>(Object.entries(plan.references));
  const writes = plan.operations.filter((op) => WRITES.has(op.action));
  const todo = writes.filter((op) => op.enforce);
  const run = new ApplyRun(api, ids, governor, options, todo.length);
  for (const stage of groupStages(todo)) {
    if (options.signal?.aborted) {
      run.cancelled = true;
      break;
    }
    await run.stage(groupWrites(stage));
  }
  return {
    records: run.records,
    failures: run.failures,
    skipped: writes.length - todo.length,
    cancelled: run.cancelled,
    requests: run.requests,
    unknownOutcomes: run.unknownOutcomes,
    readBacks: run.readBacks,
  };
}

/** Operations of one kind and action waiting to be sent, with how often each was sent. */
interface Group {
  readonly kind: ObjectKind;
  readonly action: 'create' | 'update' | 'delete';
  readonly pending: { op: PlanOperation; sends: number }[];
}

/**
 * Stages run one after another; operations inside a stage are independent and run together.
 * Rear ports share a stage with the other templates (nothing there points at them) so that
 * NetBox's workers stay busy; front ports and power outlets follow in the next stage.
 */
function groupStages(ops: readonly PlanOperation[]): PlanOperation[][] {
  const stageOf = (op: PlanOperation): number => {
    const phase = phaseOf(op);
    return phase === 2 ? 3 : phase;
  };
  const stages = new Map<number, PlanOperation[]>();
  for (const op of ops) {
    const s = stageOf(op);
    let list = stages.get(s);
    if (!list) stages.set(s, (list = []));
    list.push(op);
  }
  return [...stages.entries()].sort((a, b) => a[0] - b[0]).map(([, list]) => list);
}

/** Groups a stage's operations by kind and action; rear ports first within a stage. */
function groupWrites(ops: readonly PlanOperation[]): Group[] {
  const groups = new Map<string, Group>();
  for (const op of ops) {
    const key = `${op.kind === 'rear-port-template' ? 0 : 1}:${op.kind}:${op.action}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { kind: op.kind, action: op.action as Group['action'], pending: [] }));
    group.pending.push({ op, sends: 0 });
  }
  return [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, group]) => group);
}

class UnresolvedReference extends Error {}

/** The state of one apply: what landed, what failed, and the counters. */
class ApplyRun {
  readonly records: ChangeRecord[] = [];
  readonly failures: OperationFailure[] = [];
  requests = 0;
  unknownOutcomes = 0;
  readBacks = 0;
  cancelled = false;

  constructor(
    private readonly api: NetBoxPort,
    private readonly ids: Map<string, number>,
    private readonly governor: WriteGovernor,
    private readonly options: ApplyOptions,
    private readonly total: number,
  ) {}

  /** Sends a stage's chunks, at most `governor.concurrency` at once, until every group is empty. */
  async stage(groups: readonly Group[]): Promise<void> {
    const running = new Set<Promise<void>>();
    let fatal: { error: unknown } | undefined;
    const take = (): { group: Group; entries: { op: PlanOperation; sends: number }[] } | undefined => {
      for (const group of groups) {
        if (group.pending.length === 0) continue;
        const size = group.kind === 'image' ? 1 : this.governor.chunkSize(endpointOf(group.kind));
        return { group, entries: group.pending.splice(0, size) };
      }
      return undefined;
    };
    for (;;) {
      while (!fatal && running.size < this.governor.concurrency) {
        if (this.options.signal?.aborted) {
          this.cancelled = true;
          break;
        }
        const job = take();
        if (!job) break;
        const task: Promise<void> = this.#run(job.group, job.entries)
          .catch((error: unknown) => {
            fatal ??= { error };
          })
          .finally(() => running.delete(task));
        running.add(task);
      }
      if (running.size === 0) break;
      await Promise.race(running);
    }
    if (fatal) throw fatal.error;
  }

  async #run(group: Group, entries: readonly { op: PlanOperation; sends: number }[]): Promise<void> {
    const items: ChunkItem[] = [];
    for (const { op } of entries) {
      try {
        items.push(this.#item(op));
      } catch (error) {
        if (!(error instanceof UnresolvedReference)) throw error;
        this.#fail(op, 'depends', error.message);
      }
    }
    const sends = Math.max(0, ...entries.map((e) => e.sends)) + 1;
    if (group.kind === 'image') {
      for (const item of items) await this.#upload(group, item, sends);
    } else {
      await this.#send(group, items, sends);
    }
    // Objects sent again after a read-back are still to do: progress counts what is settled.
    this.options.onProgress?.(Math.min(this.total, this.records.length + this.failures.length), this.total);
  }

  #item(op: PlanOperation): ChunkItem {
    if (op.kind === 'image') {
      const parentId = op.netboxId ?? resolve(this.ids, `device-type:${op.parent?.identity ?? ''}`, 'device type');
      return { op, body: {}, parentId };
    }
    const body = buildBody(op, this.ids);
    const parentId = op.action === 'create' && op.parent ? refNumber(body[op.parent.kind === 'device-type' ? 'device_type' : 'module_type']) : undefined;
    return { op, body, ...(parentId !== undefined ? { parentId } : {}) };
  }

  /** Sends one chunk; on a refusal splits it, on an unknown outcome reads it back. */
  async #send(group: Group, items: readonly ChunkItem[], sends: number): Promise<void> {
    if (items.length === 0) return;
    const chunk: WriteChunk = { id: randomUUID(), kind: group.kind, action: group.action, attempt: sends, items };
    const endpoint = endpointOf(group.kind);
    await this.options.onWrite?.(chunk);
    const started = performance.now();
    try {
      this.requests += 1;
      const results = await write(
        this.api,
        endpoint,
        group.action,
        items.map((i) => i.body),
        { timeoutMs: this.governor.timeoutMs(endpoint, items.length) },
      );
      this.governor.observe(endpoint, items.length, performance.now() - started);
      await this.#confirm(
        chunk,
        items.map((item, i) => ({ item, actual: results[i] })),
        'response',
      );
    } catch (error) {
      if (!(error instanceof NetBoxError)) throw error;
      if (error.outcomeUnknown) {
        await this.#resolveUnknown(group, chunk, error);
        return this.options.onSettled?.(chunk);
      }
      if (error.status === undefined || error.status >= 500 || error.status === 429) throw error;
      // Refused: NetBox wrote none of it; the parts sent again are chunks of their own.
      await this.options.onSettled?.(chunk);
      return this.#refused(group, items, sends, error);
    }
    await this.options.onSettled?.(chunk);
  }

  /**
   * NetBox may have written the chunk: read it back, record what landed, send what is missing
   * again (in smaller chunks, with one write fewer in flight after a timeout). A 500 is not
   * sent again: NetBox bugs are not transient.
   */
  async #resolveUnknown(group: Group, chunk: WriteChunk, error: NetBoxError): Promise<void> {
    this.unknownOutcomes += 1;
    if (error.status === undefined) this.governor.slowDown(endpointOf(group.kind));
    const { landed, missing } = await this.#readBack(chunk);
    await this.#confirm(chunk, landed, 'read-back');
    for (const item of missing) {
      if (error.status === 500) this.#fail(item.op, 'server-error', error.message);
      else if (chunk.attempt >= MAX_SENDS)
        this.#fail(item.op, 'unconfirmed', `NetBox did not confirm this write after ${chunk.attempt} attempts: ${error.message}`);
    }
    if (error.status === 500 || chunk.attempt >= MAX_SENDS) return;
    group.pending.unshift(...missing.map((item) => ({ op: item.op, sends: chunk.attempt })));
  }

  async #readBack(chunk: WriteChunk): Promise<{ landed: readonly { item: ChunkItem; actual: WrittenRecord | undefined }[]; missing: readonly ChunkItem[] }> {
    this.readBacks += 1;
    return readBackChunk(this.api, chunk, { timeoutMs: this.governor.timeoutMs(endpointOf(chunk.kind), chunk.items.length) });
  }

  /**
   * NetBox refused the chunk (400) and wrote none of it. Objects it says "already exist" are
   * read back (they may be ours, from a write whose answer was lost); others with errors are
   * reported with NetBox's messages; the rest is sent again. Without list-aligned errors the
   * chunk is halved until the objects at fault are found.
   */
  async #refused(group: Group, items: readonly ChunkItem[], sends: number, error: NetBoxError): Promise<void> {
    const body = error.body;
    if (items.length === 1) {
      const only = items[0] as ChunkItem;
      const errors = Array.isArray(body) ? body[0] : body;
      if (group.action === 'create' && ALREADY_EXISTS.test(describeErrors(errors, error.message)))
        return this.#existing(group, [{ item: only, errors }], sends, error);
      this.#fail(only.op, 'refused', describeErrors(errors, error.message), errors);
      return;
    }
    if (Array.isArray(body) && body.length === items.length) {
      const good: ChunkItem[] = [];
      const existing: { item: ChunkItem; errors: unknown }[] = [];
      items.forEach((item, i) => {
        const errors: unknown = body[i];
        if (isEmptyError(errors)) good.push(item);
        else if (group.action === 'create' && ALREADY_EXISTS.test(describeErrors(errors, ''))) existing.push({ item, errors });
        else this.#fail(item.op, 'refused', describeErrors(errors, error.message), errors);
      });
      if (existing.length > 0) await this.#existing(group, existing, sends, error);
      if (good.length < items.length) return this.#send(group, good, sends);
    }
    const mid = Math.ceil(items.length / 2);
    await this.#send(group, items.slice(0, mid), sends);
    await this.#send(group, items.slice(mid), sends);
  }

  /** Creates refused as "already exists": ours when NetBox holds them as we meant to write them. */
  async #existing(group: Group, refused: readonly { item: ChunkItem; errors: unknown }[], sends: number, error: NetBoxError): Promise<void> {
    const chunk: WriteChunk = { id: randomUUID(), kind: group.kind, action: 'create', attempt: sends, items: refused.map((r) => r.item) };
    const { landed, missing } = await this.#readBack(chunk);
    if (sends > 1) {
      // Sent before, with the answer lost: what NetBox holds is that earlier write of ours.
      await this.#confirm(chunk, landed, 'read-back');
    } else {
      // Never sent before: another run (a reconcile of an overlapping intent) wrote it and
      // audited it. Use it, but record no change of ours — audit rows stay equal to writes.
      for (const { item, actual } of landed) if (actual?.id !== undefined) this.ids.set(`${item.op.kind}:${item.op.identity}`, actual.id);
    }
    const left = new Set(missing);
    for (const r of refused) if (left.has(r.item)) this.#fail(r.item.op, 'refused', describeErrors(r.errors, error.message), r.errors);
  }

  async #confirm(chunk: WriteChunk, landed: readonly { item: ChunkItem; actual: WrittenRecord | undefined }[], by: Confirmation): Promise<void> {
    if (landed.length === 0) return;
    const records = landed.map(({ item, actual }) => recordFor(item.op, actual, this.ids, by));
    this.records.push(...records);
    await this.options.onRecords?.(records, chunk);
  }

  #fail(op: PlanOperation, cause: FailureCause, message: string, errors?: unknown): void {
    this.failures.push({ kind: op.kind, identity: op.identity, action: op.action, cause, message, ...(errors !== undefined ? { errors } : {}) });
  }

  async #upload(group: Group, item: ChunkItem, sends: number): Promise<void> {
    const op = item.op;
    const side = op.desired?.side === 'rear' ? 'rear' : 'front';
    const file = String(op.desired?.file);
    const chunk: WriteChunk = { id: randomUUID(), kind: 'image', action: group.action, attempt: sends, items: [item] };
    try {
      const data = await (this.options.readImage ?? readFile)(file);
      await this.options.onWrite?.(chunk);
      this.requests += 1;
      const image = { filename: basename(file), data, contentType: CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream' };
      const updated = await this.api.uploadImage(item.parentId ?? 0, side === 'rear' ? { rear: image } : { front: image });
      await this.#confirm(chunk, [{ item, actual: updated }], 'response');
    } catch (error) {
      if (error instanceof NetBoxError && error.outcomeUnknown) {
        await this.#resolveUnknown(group, chunk, error);
        return this.options.onSettled?.(chunk);
      }
      if (error instanceof IntegrationError && error.context.status !== undefined && error.context.status < 500 && error.context.status !== 429) {
        this.#fail(op, 'refused', describeErrors(error.context.body, error.message), error.context.body);
        return this.options.onSettled?.(chunk);
      }
      throw error;
    }
    await this.options.onSettled?.(chunk);
  }
}

function isEmptyError(e: unknown): boolean {
  return e === null || e === undefined || (typeof e === 'object' && Object.keys(e).length === 0);
}

function describeErrors(errors: unknown, fallback: string): string {
  if (!errors || typeof errors !== 'object') return fallback;
  const parts = Object.entries(errors as Record<string, unknown>).map(
    ([field, messages]) =>
      `${field}: ${Array.isArray(messages) ? messages.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ') : JSON.stringify(messages)}`,
  );
  return parts.length > 0 ? parts.join('; ') : fallback;
}

/**
 * Sends one chunk's bodies. They are plan JSON — the plan's desired fields or changes, with
 * identities resolved to ids by {@link buildBody} — built per object kind rather than per write
 * shape, and NetBox, not the engine, checks them: a body it refuses comes back as a 400 that
 * `#refused` reports per object. This is where they are taken as the endpoint's write shape.
 */
async function write<E extends Endpoint>(
  api: NetBoxPort,
  endpoint: E,
  action: Group['action'],
  bodies: readonly Readonly<Record<string, unknown>>[],
  options: WriteOptions,
): Promise<(WrittenRecord | undefined)[]> {
  if (action === 'create') return api.bulkCreate(endpoint, bodies as readonly WriteShape<E>[], options);
  if (action === 'update')
    return api.bulkUpdate(
      endpoint,
      bodies.map((b) => ({ ...b, id: Number(b.id) }) as UpdateShape<E>),
      options,
    );
  await api.bulkDelete(
    endpoint,
    bodies.map((b) => Number(b.id)),
    options,
  );
  return bodies.map(() => undefined);
}

function resolve(ids: ReadonlyMap<string, number>, key: string, what: string): number {
  const id = ids.get(key);
  if (id === undefined)
    throw new UnresolvedReference(`${what} ${key.split(':').slice(1).join(':')} does not exist in NetBox (its create failed or was skipped)`);
  return id;
}

function refNumber(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** Turns an operation into the JSON NetBox expects, resolving identities to ids. */
function buildBody(op: PlanOperation, ids: ReadonlyMap<string, number>): Record<string, unknown> {
  if (op.action === 'delete') return { id: op.netboxId };
  const fields: Record<string, unknown> =
    op.action === 'create'
      ? { ...op.desired }
      : Object.fromEntries(Object.entries(op.changes ?? {}).map(([k, c]) => [k, c.after === null && TEXT_FIELDS.has(k) ? '' : c.after]));
  if (Array.isArray(fields.tags)) fields.tags = (fields.tags as string[]).map((slug) => ({ slug }));
  if (op.kind === 'device-type' || op.kind === 'module-type') {
    if (typeof fields.manufacturer === 'string') fields.manufacturer = { slug: fields.manufacturer };
  } else if (op.parent) {
    const parentField = op.parent.kind === 'device-type' ? 'device_type' : 'module_type';
    if (op.action === 'create') fields[parentField] = resolve(ids, `${op.parent.kind}:${op.parent.identity}`, op.parent.kind);
    const parent = op.parent.identity;
    if (Array.isArray(fields.rear_ports)) {
      fields.rear_ports = (fields.rear_ports as { position?: number; rear_port: unknown; rear_port_position?: number }[]).map((m) => ({
        position: m.position ?? 1,
        rear_port: typeof m.rear_port === 'string' ? resolve(ids, `rear-port-template:${templateIdentity(parent, m.rear_port)}`, 'rear port') : m.rear_port,
        rear_port_position: m.rear_port_position ?? 1,
      }));
    }
    if (typeof fields.manufacturer === 'string') fields.manufacturer = { slug: fields.manufacturer };
    if (typeof fields.power_port === 'string') {
      fields.power_port = resolve(ids, `power-port-template:${templateIdentity(parent, fields.power_port)}`, 'power port');
    }
  }
  return op.action === 'update' ? { id: op.netboxId, ...fields } : fields;
}

/**
 * The change records of a chunk's objects that a read-back found landed: how an outbox resolves
 * writes recorded before a restart (`confirmedBy: 'restart'`).
 */
export function recordsOfLanded(
  landed: readonly { readonly item: ChunkItem; readonly actual: WrittenRecord | undefined }[],
  confirmedBy: Confirmation,
): ChangeRecord[] {
  const ids = new Map<string, number>();
  return landed.map(({ item, actual }) => recordFor(item.op, actual, ids, confirmedBy));
}

function recordFor(op: PlanOperation, result: WrittenRecord | undefined, ids: Map<string, number>, confirmedBy: Confirmation): ChangeRecord {
  if (op.kind === 'image') {
    return {
      kind: 'image',
      identity: op.identity,
      action: op.action === 'create' ? 'create' : 'update',
      netboxId: op.netboxId ?? result?.id,
      before: op.changes ? fromChanges(op, 'before') : null,
      after: { side: op.desired?.side ?? null, file: basename(String(op.desired?.file)), sha256: op.desired?.sha256 ?? null },
      intents: op.intents,
      confirmedBy,
    };
  }
  // Bulk PATCH answers in NetBox's default order, not ours: only creates take the id from the answer.
  const netboxId = op.action === 'create' ? result?.id : op.netboxId;
  if (op.action === 'create' && netboxId !== undefined) ids.set(`${op.kind}:${op.identity}`, netboxId);
  const before = op.action === 'create' ? null : (op.before ?? fromChanges(op, 'before'));
  const after = op.action === 'delete' ? null : op.action === 'create' ? (op.desired ?? {}) : fromChanges(op, 'after');
  return { kind: op.kind, identity: op.identity, action: op.action as ChangeRecord['action'], netboxId, before, after, intents: op.intents, confirmedBy };
}

function fromChanges(op: PlanOperation, side: 'before' | 'after'): Record<string, unknown> {
  return Object.fromEntries(Object.entries(op.changes ?? {}).map(([k, c]) => [k, c[side]]));
}

const CONTENT_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.webp': 'image/webp',
};
