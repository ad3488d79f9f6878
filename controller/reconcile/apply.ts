import { readFile } from 'node:fs/promises';
import { extname, basename } from 'node:path';
import pLimit from 'p-limit';
import { IntegrationError } from '../errors/index.ts';
import { templateIdentity } from './identity.ts';
import type { NetBoxPort, NetBoxRecord } from './netbox-port.ts';
import { phaseOf } from './plan.ts';
import type { ApplyResult, ChangeRecord, ObjectKind, OperationFailure, Plan, PlanOperation } from './types.ts';

export interface ApplyOptions {
  /** Objects per bulk request. */
  readonly chunkSize?: number;
  /** Bulk requests in flight. */
  readonly concurrency?: number;
  /** Called after every chunk with objects done and the total to do. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Called with each chunk's change records as soon as NetBox accepted it, so that the audit
   * trail keeps every applied change even when a later chunk or the process fails.
   */
  readonly onRecords?: (records: readonly ChangeRecord[]) => Promise<void> | void;
  /** Cooperative cancellation: checked before each chunk starts. */
  readonly signal?: AbortSignal;
  /** Reads image files; defaults to the file system. */
  readonly readImage?: (path: string) => Promise<Buffer>;
}

const WRITES = new Set(['create', 'update', 'delete']);

/**
 * Executes a plan's create / update / delete operations of enforcing intents, in reference
 * order, as bulk writes in bounded chunks with bounded concurrency. A chunk NetBox rejects is
 * split to find the objects at fault; they are reported with NetBox's messages and the rest
 * goes in. Never re-decides: it only resolves identities to ids.
 */
export async function applyPlan(api: NetBoxPort, plan: Plan, options: ApplyOptions = {}): Promise<ApplyResult> {
  const chunkSize = options.chunkSize ?? 500;
  const limit = pLimit(options.concurrency ?? 4);
  const ids = new Map<string, number>(Object.entries(plan.references));
  const writes = plan.operations.filter((op) => WRITES.has(op.action));
  const todo = writes.filter((op) => op.enforce);
  const state: RunState = { records: [], failures: [], done: 0, total: todo.length, requests: 0, cancelled: false };
  for (const stage of groupStages(todo)) {
    if (options.signal?.aborted) {
      state.cancelled = true;
      break;
    }
    const jobs: Promise<void>[] = [];
    for (const group of groupWrites(stage)) {
      for (let i = 0; i < group.length; i += chunkSize) {
        const slice = group.slice(i, i + chunkSize);
        jobs.push(
          limit(async () => {
            if (options.signal?.aborted) {
              state.cancelled = true;
              return;
            }
            await runChunk(api, slice, ids, state, options);
            state.done += slice.length;
            options.onProgress?.(state.done, state.total);
          }),
        );
      }
    }
    await Promise.all(jobs);
  }
  return {
    records: state.records,
    failures: state.failures,
    skipped: writes.length - todo.length,
    cancelled: state.cancelled,
    requests: state.requests,
  };
}

interface RunState {
  readonly records: ChangeRecord[];
  readonly failures: OperationFailure[];
  done: number;
  readonly total: number;
  requests: number;
  cancelled: boolean;
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

/** Groups a stage's operations by endpoint and action; rear ports first within a stage. */
function groupWrites(ops: readonly PlanOperation[]): PlanOperation[][] {
  const groups = new Map<string, PlanOperation[]>();
  for (const op of ops) {
    const key = `${op.kind === 'rear-port-template' ? 0 : 1}:${op.kind}:${op.action}`;
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(op);
  }
  return [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, list]) => list);
}

function endpointOf(kind: ObjectKind): string {
  if (kind === 'tag') return 'tags';
  if (kind === 'manufacturer') return 'manufacturers';
  if (kind === 'device-type' || kind === 'image') return 'device-types';
  if (kind === 'module-type') return 'module-types';
  return `${kind}s`;
}

class UnresolvedReference extends Error {}

async function runChunk(
  api: NetBoxPort,
  ops: readonly PlanOperation[],
  ids: Map<string, number>,
  state: RunState,
  options: ApplyOptions,
): Promise<void> {
  const first = ops[0];
  if (!first) return;
  if (first.kind === 'image') {
    for (const op of ops) await uploadImage(api, op, ids, state, options);
    return;
  }
  const ready: { op: PlanOperation; body: Record<string, unknown> }[] = [];
  for (const op of ops) {
    try {
      ready.push({ op, body: buildBody(op, ids) });
    } catch (error) {
      if (!(error instanceof UnresolvedReference)) throw error;
      state.failures.push({ kind: op.kind, identity: op.identity, action: op.action, message: error.message });
    }
  }
  await writeWithSplit(api, endpointOf(first.kind), first.action, ready, ids, state, options);
}

/**
 * Writes a batch; when NetBox rejects it (400), uses its list-aligned errors to drop the
 * objects at fault and writes the rest, or halves the batch when the errors are not aligned.
 */
async function writeWithSplit(
  api: NetBoxPort,
  endpoint: string,
  action: PlanOperation['action'],
  batch: readonly { op: PlanOperation; body: Record<string, unknown> }[],
  ids: Map<string, number>,
  state: RunState,
  options: ApplyOptions,
): Promise<void> {
  if (batch.length === 0) return;
  try {
    state.requests += 1;
    const results = await write(api, endpoint, action, batch.map((b) => b.body));
    const records = batch.map((b, i) => recordFor(b.op, results[i], ids));
    state.records.push(...records);
    await options.onRecords?.(records);
  } catch (error) {
    if (!(error instanceof IntegrationError) || error.context.status === undefined || error.context.status >= 500 || error.context.status === 429) throw error;
    const body = error.context.body;
    if (batch.length === 1) {
      const only = batch[0] as { op: PlanOperation };
      const errors = Array.isArray(body) ? body[0] : body;
      state.failures.push({ kind: only.op.kind, identity: only.op.identity, action: only.op.action, message: describeErrors(errors, error.message), errors });
      return;
    }
    if (Array.isArray(body) && body.length === batch.length) {
      const good = batch.filter((_, i) => isEmptyError(body[i]));
      batch.forEach((b, i) => {
        if (!isEmptyError(body[i])) {
          state.failures.push({ kind: b.op.kind, identity: b.op.identity, action: b.op.action, message: describeErrors(body[i], error.message), errors: body[i] });
        }
      });
      if (good.length < batch.length) return writeWithSplit(api, endpoint, action, good, ids, state, options);
    }
    const mid = Math.ceil(batch.length / 2);
    await writeWithSplit(api, endpoint, action, batch.slice(0, mid), ids, state, options);
    await writeWithSplit(api, endpoint, action, batch.slice(mid), ids, state, options);
  }
}

function isEmptyError(e: unknown): boolean {
  return e === null || e === undefined || (typeof e === 'object' && Object.keys(e).length === 0);
}

function describeErrors(errors: unknown, fallback: string): string {
  if (!errors || typeof errors !== 'object') return fallback;
  const parts = Object.entries(errors as Record<string, unknown>).map(([field, messages]) =>
    `${field}: ${Array.isArray(messages) ? messages.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ') : JSON.stringify(messages)}`,
  );
  return parts.length > 0 ? parts.join('; ') : fallback;
}

async function write(api: NetBoxPort, endpoint: string, action: PlanOperation['action'], bodies: Record<string, unknown>[]): Promise<(NetBoxRecord | undefined)[]> {
  if (action === 'create') return api.bulkCreate(endpoint, bodies);
  if (action === 'update') return api.bulkUpdate(endpoint, bodies as (Record<string, unknown> & { id: number })[]);
  await api.bulkDelete(endpoint, bodies.map((b) => Number(b.id)));
  return bodies.map(() => undefined);
}

function resolve(ids: ReadonlyMap<string, number>, key: string, what: string): number {
  const id = ids.get(key);
  if (id === undefined) throw new UnresolvedReference(`${what} ${key.split(':').slice(1).join(':')} does not exist in NetBox (its create failed or was skipped)`);
  return id;
}

/** Turns an operation into the JSON NetBox expects, resolving identities to ids. */
function buildBody(op: PlanOperation, ids: ReadonlyMap<string, number>): Record<string, unknown> {
  if (op.action === 'delete') return { id: op.netboxId };
  const fields: Record<string, unknown> =
    op.action === 'create' ? { ...op.desired } : Object.fromEntries(Object.entries(op.changes ?? {}).map(([k, c]) => [k, c.after]));
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

function recordFor(op: PlanOperation, result: NetBoxRecord | undefined, ids: Map<string, number>): ChangeRecord {
  // Bulk PATCH answers in NetBox's default order, not ours: only creates take the id from the answer.
  const netboxId = op.action === 'create' ? result?.id : op.netboxId;
  if (op.action === 'create' && netboxId !== undefined) ids.set(`${op.kind}:${op.identity}`, netboxId);
  const before = op.action === 'create' ? null : (op.before ?? fromChanges(op, 'before'));
  const after = op.action === 'delete' ? null : op.action === 'create' ? (op.desired ?? {}) : fromChanges(op, 'after');
  return { kind: op.kind, identity: op.identity, action: op.action as ChangeRecord['action'], netboxId, before, after, intents: op.intents };
}

function fromChanges(op: PlanOperation, side: 'before' | 'after'): Record<string, unknown> {
  return Object.fromEntries(Object.entries(op.changes ?? {}).map(([k, c]) => [k, c[side]]));
}

const CONTENT_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.svg': 'image/svg+xml', '.webp': 'image/webp' };

async function uploadImage(api: NetBoxPort, op: PlanOperation, ids: ReadonlyMap<string, number>, state: RunState, options: ApplyOptions): Promise<void> {
  const side = op.desired?.side as 'front' | 'rear';
  const file = String(op.desired?.file);
  try {
    const parentId = op.netboxId ?? resolve(ids, `device-type:${op.parent?.identity ?? ''}`, 'device type');
    const data = await (options.readImage ?? readFile)(file);
    state.requests += 1;
    await api.uploadImage(parentId, { [side]: { filename: basename(file), data, contentType: CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream' } });
    const record: ChangeRecord = {
      kind: 'image',
      identity: op.identity,
      action: op.action === 'create' ? 'create' : 'update',
      netboxId: parentId,
      before: op.changes ? fromChanges(op, 'before') : null,
      after: { side, file: basename(file), sha256: op.desired?.sha256 ?? null },
      intents: op.intents,
    };
    state.records.push(record);
    await options.onRecords?.([record]);
  } catch (error) {
    if (error instanceof UnresolvedReference) {
      state.failures.push({ kind: op.kind, identity: op.identity, action: op.action, message: error.message });
      return;
    }
    if (error instanceof IntegrationError && error.context.status !== undefined && error.context.status < 500 && error.context.status !== 429) {
      state.failures.push({ kind: op.kind, identity: op.identity, action: op.action, message: describeErrors(error.context.body, error.message), errors: error.context.body });
      return;
    }
    throw error;
  }
}
