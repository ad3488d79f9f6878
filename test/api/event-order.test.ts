// Issue 18: the events of one process reach subscribers in the order they were committed
// (created → steps → finished), on every API replica, numbered so a gap shows. Two API
// replicas share one database, one Redis and one real worker; a stock graphql-ws client
// subscribes to workflowEvents on each.
import type { FastifyInstance } from 'fastify';
import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import { WebSocket } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, createApiDeps } from '../../api/index.ts';
import type { ApiDepsHandle } from '../../api/index.ts';
import { Secret } from '../../controller/config/index.ts';
import { createNetBoxClient } from '../../controller/netbox/index.ts';
import type { NetBoxClient } from '../../controller/netbox/index.ts';
import { netBoxPortFor } from '../../controller/reconcile/index.ts';
import {
  createDbIntentStore,
  createFolderLibraryProvider,
  createOrderedEventStream,
  createWorkflowService,
  eventsChannel,
  startWorker,
} from '../../controller/workflow/index.ts';
import type { WorkerHandle, WorkflowEvent, WorkflowService } from '../../controller/workflow/index.ts';
import { LIBRARY_PATH } from '../helpers/library.ts';
import { putIntent, startApi, vendorIntent, waitFor } from './helpers.ts';
import type { ApiFixture } from './helpers.ts';

/** What workflowEvents returns, as the test selects it. */
interface GqlEvent {
  readonly type: string;
  readonly seq: number;
  readonly processId: string;
  readonly status: string | null;
  readonly step: { readonly name: string; readonly attempt: number; readonly status: string } | null;
}

const SUBSCRIPTION = 'subscription { workflowEvents { type seq processId status step { name attempt status } } }';

/** A graphql-ws client subscribed to workflowEvents on one replica, keeping what arrives. */
interface Subscriber {
  readonly events: GqlEvent[];
  readonly errors: unknown[];
  of(processId: string): GqlEvent[];
  close(): Promise<void>;
}

function subscribe(baseUrl: string, token: string): Subscriber {
  const client: Client = createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  const events: GqlEvent[] = [];
  const errors: unknown[] = [];
  const stop = client.subscribe<{ workflowEvents: GqlEvent }>(
    { query: SUBSCRIPTION },
    {
      next: (value) => {
        if (value.errors) errors.push(value.errors);
        if (value.data) events.push(value.data.workflowEvents);
      },
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  return {
    events,
    errors,
    of: (processId) => events.filter((e) => e.processId === processId),
    async close() {
      stop();
      await client.dispose();
    },
  };
}

/** An event as the GraphQL subscription renders it (step status in capitals). */
function asGql(e: WorkflowEvent): GqlEvent {
  return {
    type: e.type,
    seq: e.seq,
    processId: e.processId ?? '',
    status: e.status ?? null,
    step: e.step ? { name: e.step.name, attempt: e.step.attempt, status: e.step.status.toUpperCase() } : null,
  };
}

const label = (e: GqlEvent): string => `${e.seq} ${e.type} ${e.status ?? ''}${e.step ? ` ${e.step.name}#${e.step.attempt}` : ''}`;

let a: ApiFixture;
let bDeps: ApiDepsHandle;
let b: FastifyInstance;
let urlA: string;
let urlB: string;
let netboxClient: NetBoxClient;
let worker: WorkerHandle;
const subscribers: Subscriber[] = [];

beforeAll(async () => {
  a = await startApi();
  urlA = await a.app.listen({ port: 0, host: '127.0.0.1' });
  // A second replica: its own Redis subscription and ordering, the same database and queue.
  bDeps = await createApiDeps(a.config, a.logger, { pool: a.db.pool, queueName: a.queueName, syncChannel: a.syncChannel });
  b = await buildApp(bDeps, { rateLimit: { max: 0, windowMs: 60_000 }, scrapeCollectors: false });
  urlB = await b.listen({ port: 0, host: '127.0.0.1' });
  netboxClient = createNetBoxClient({
    url: a.nb.emulator.url,
    token: new Secret(a.nb.emulator.token),
    maxRetries: 0,
    breaker: { threshold: 1_000, halfOpenAfterMs: 50 },
  });
  const netbox = netBoxPortFor(netboxClient);
  worker = await startWorker(
    {
      pool: a.db.pool,
      redis: a.config.redis,
      queueName: a.queueName,
      logger: a.logger,
      netbox: () => netbox,
      library: createFolderLibraryProvider(LIBRARY_PATH),
      intents: createDbIntentStore(a.db.pool),
      // One object per apply chunk, so a cancel lands between chunks.
      tuning: { backoffMs: 100, busyRetryMs: 100, applyChunkSize: 1, applyConcurrency: 1 },
    },
    { lockDurationMs: 5_000, stalledIntervalMs: 1_000, recoveryIntervalMs: 0 },
  );
}, 60_000);

afterAll(async () => {
  await Promise.all(subscribers.map((s) => s.close()));
  await worker?.close({ graceMs: 100 });
  await netboxClient?.close();
  await b?.close();
  await bDeps?.close();
  await a?.close();
});

/** Opens a subscriber on each replica and waits until both receive events (a probe process, cancelled at once). */
async function subscribeBoth(): Promise<[Subscriber, Subscriber]> {
  const pair: [Subscriber, Subscriber] = [subscribe(urlA, a.tokens.viewer), subscribe(urlB, a.tokens.viewer)];
  subscribers.push(...pair);
  await waitFor(
    'both subscriptions to receive events',
    async () => {
      // A short task, cancelled at once (or finished by the worker first): either way it makes events.
      const probe = await a.deps.workflows.startWorkflow('task_refresh_library', {});
      await a.deps.workflows.cancelProcess(probe.id, 'probe').catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 300));
      return pair.every((s) => s.of(probe.id).length > 0) ? true : undefined;
    },
    15_000,
  );
  return pair;
}

async function gql(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown };
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data ?? {};
}

/** Waits until a subscriber has the process's events up to the number the database holds, the last one being process.finished. */
async function untilFinished(service: WorkflowService, s: Subscriber, processId: string): Promise<GqlEvent[]> {
  return waitFor(`the events of ${processId}`, async () => {
    const p = await service.getProcess(processId);
    const mine = s.of(processId);
    return p && mine.at(-1)?.seq === p.eventSeq && mine.at(-1)?.type === 'process.finished' ? mine : undefined;
  });
}

describe('workflowEvents over graphql-ws, two API replicas', () => {
  it('delivers every process’s events in commit order, numbered 1..n, identically on both replicas: retries, a cancel, a failure retried', async () => {
    const [onA, onB] = await subscribeBoth();
    const workflows = a.deps.workflows;

    // 1. NetBox answers 503 for a while: the worker retries with backoff (waiting → running).
    const flaky = await putIntent(a.db, vendorIntent('flaky', 2));
    a.nb.emulator.setFaults({ errorRate: 1, errorStatuses: [503] });
    const retried = await fetch(`${urlA}/api/v1/intents/${flaky.kind}/${flaky.name}/reconcile`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.tokens.operator}` },
    });
    const flakyId = ((await retried.json()) as { id: string }).id;
    await waitFor('the flaky process to wait for a retry', async () => ((await workflows.getProcess(flakyId))?.status === 'waiting' ? true : undefined));
    a.nb.emulator.setFaults({ errorRate: 0 });
    await waitFor('the flaky process to complete', async () => ((await workflows.getProcess(flakyId))?.status === 'completed' ? true : undefined));

    // 2. Started on replica B, cancelled on replica A while the worker applies it.
    const slow = await putIntent(a.db, vendorIntent('slow', 40));
    a.nb.emulator.setFaults({ latencyMs: 40 });
    const started = await gql(urlB, a.tokens.operator, 'mutation($k: String!, $n: String!) { reconcileIntent(kind: $k, name: $n) { id } }', {
      k: slow.kind,
      n: slow.name,
    });
    const slowId = (started.reconcileIntent as { id: string }).id;
    await waitFor('apply to write some chunks', async () => (((await workflows.getProcess(slowId))?.auditCount ?? 0) >= 5 ? true : undefined));
    await gql(urlA, a.tokens.operator, 'mutation($id: ID!) { cancelProcess(id: $id) }', { id: slowId });
    await waitFor('the slow process to be cancelled', async () => ((await workflows.getProcess(slowId))?.status === 'cancelled' ? true : undefined));
    a.nb.emulator.setFaults({ latencyMs: 0 });

    // 3. NetBox refuses a request (400: not transient), the process fails; retried through replica B's REST API, it completes.
    const refused = await putIntent(a.db, vendorIntent('refused', 1));
    a.nb.emulator.setFaults({ errorRate: 1, errorStatuses: [400] });
    const failing = await workflows.requestReconcile(refused, { createdBy: 'tester' });
    await waitFor('the process to fail', async () => ((await workflows.getProcess(failing.id))?.status === 'failed' ? true : undefined));
    a.nb.emulator.setFaults({ errorRate: 0 });
    const retry = await fetch(`${urlB}/api/v1/processes/${failing.id}/retry`, { method: 'POST', headers: { authorization: `Bearer ${a.tokens.operator}` } });
    expect(retry.status).toBe(200);
    await waitFor('the retried process to complete', async () => ((await workflows.getProcess(failing.id))?.status === 'completed' ? true : undefined));

    for (const id of [flakyId, slowId, failing.id]) {
      const recorded = (await workflows.listEvents(id, { limit: 1_000 })).map(asGql);
      // The record itself: numbered 1..n without gaps, created first, finished last.
      expect(recorded.map((e) => e.seq)).toEqual(recorded.map((_, i) => i + 1));
      for (const s of [onA, onB]) {
        const received = await untilFinished(workflows, s, id);
        // Exactly the recorded events, each once, in commit order.
        expect(received.map(label)).toEqual(recorded.map(label));
      }
    }
    expect(onA.errors).toEqual([]);
    expect(onB.errors).toEqual([]);

    const types = (id: string): string[] =>
      onA.of(id).map((e) => (e.type === 'step.updated' ? `step ${e.step?.name} ${e.step?.status}` : `${e.type} ${e.status}`));
    // Retries: a failed snapshot attempt, waiting, running again, completed.
    const flakyTypes = types(flakyId);
    expect(flakyTypes[0]).toBe('process.created created');
    expect(flakyTypes.slice(1, 3)).toEqual(['process.updated running', 'step resolve RUNNING']);
    expect(flakyTypes).toContain('step snapshot FAILED');
    expect(flakyTypes.indexOf('process.updated waiting')).toBeGreaterThan(flakyTypes.indexOf('step snapshot FAILED'));
    expect(flakyTypes.lastIndexOf('process.updated running')).toBeGreaterThan(flakyTypes.indexOf('process.updated waiting'));
    expect(flakyTypes.at(-1)).toBe('process.finished completed');
    // The cancel request (written by replica A) comes after the worker's apply started and before the worker's end.
    const slowTypes = types(slowId);
    const cancelRequest = slowTypes.lastIndexOf('process.updated running');
    expect(cancelRequest).toBeGreaterThan(slowTypes.indexOf('step apply RUNNING'));
    expect(slowTypes.slice(-2)).toEqual(['step apply CANCELLED', 'process.finished cancelled']);
    // A failure, then the retry (written by replica B) re-creates it, then the worker completes it.
    const failingTypes = types(failing.id);
    const failed = failingTypes.indexOf('process.finished failed');
    expect(failed).toBeGreaterThan(0);
    expect(failingTypes[failed + 1]).toBe('process.updated created');
    expect(failingTypes.at(-1)).toBe('process.finished completed');
  });

  it('puts events that cross or get lost on Redis back in order, reading the missing ones from Postgres', async () => {
    const [onA, onB] = await subscribeBoth();
    // Processes whose own events go to another queue's channel, so the replicas only see what
    // this test publishes on theirs: out of order, and with events missing.
    const elsewhere = createWorkflowService({
      pool: a.db.pool,
      redis: a.config.redis,
      queueName: `${a.queueName}-elsewhere`,
      logger: a.logger,
      netbox: () => netBoxPortFor(netboxClient),
      library: createFolderLibraryProvider(LIBRARY_PATH),
      intents: createDbIntentStore(a.db.pool),
    });
    const redis = new Redis({ host: a.config.redis.host, port: a.config.redis.port, db: a.config.redis.db });
    try {
      const crossing = await elsewhere.startWorkflow('task_refresh_library', {});
      await elsewhere.cancelProcess(crossing.id, 'tester');
      const lost = await elsewhere.startWorkflow('task_refresh_library', {});
      await elsewhere.cancelProcess(lost.id, 'tester');
      const crossingEvents = await a.deps.workflows.listEvents(crossing.id);
      const lostEvents = await a.deps.workflows.listEvents(lost.id);
      expect(crossingEvents.map((e) => e.type)).toEqual(['process.created', 'process.finished']);
      expect(lostEvents.map((e) => e.type)).toEqual(['process.created', 'process.finished']);

      const channel = eventsChannel(a.queueName);
      // finished overtakes created; and for the other process only finished arrives at all.
      for (const event of [crossingEvents[1], crossingEvents[0], lostEvents[1]]) await redis.publish(channel, JSON.stringify(event));
      for (const s of [onA, onB]) {
        await waitFor('the crossing events', () => (s.of(crossing.id).length === 2 ? true : undefined), 10_000);
        await waitFor('the lost event, read from Postgres', () => (s.of(lost.id).length === 2 ? true : undefined), 10_000);
        expect(s.of(crossing.id).map(label)).toEqual(crossingEvents.map(asGql).map(label));
        expect(s.of(lost.id).map(label)).toEqual(lostEvents.map(asGql).map(label));
      }
      // A duplicate (the lost event arriving after all) is not delivered twice.
      await redis.publish(channel, JSON.stringify(lostEvents[0]));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(onA.of(lost.id)).toHaveLength(2);

      // A subscriber that saw a gap reads the events it missed: GraphQL and REST.
      const read = await gql(urlB, a.tokens.viewer, 'query($id: ID!) { processEvents(processId: $id, after: 1) { seq type status } }', { id: lost.id });
      expect(read.processEvents).toEqual([{ seq: 2, type: 'process.finished', status: 'cancelled' }]);
      const rest = await fetch(`${urlA}/api/v1/processes/${lost.id}/events?after=0`, { headers: { authorization: `Bearer ${a.tokens.viewer}` } });
      expect(rest.status).toBe(200);
      expect(((await rest.json()) as { items: { seq: number }[] }).items.map((e) => e.seq)).toEqual([1, 2]);
      const process = await gql(urlA, a.tokens.viewer, 'query($id: ID!) { process(id: $id) { eventSeq } }', { id: lost.id });
      expect(process.process).toEqual({ eventSeq: 2 });
      const missing = await fetch(`${urlA}/api/v1/processes/00000000-0000-4000-8000-000000000000/events`, {
        headers: { authorization: `Bearer ${a.tokens.viewer}` },
      });
      expect(missing.status).toBe(404);
    } finally {
      redis.disconnect();
      await elsewhere.close();
    }
  });

  it('orders a stream fed backwards and with holes, and delivers with the gap when Postgres cannot fill it', async () => {
    const service = a.deps.workflows;
    const p = await service.startWorkflow('task_refresh_library', {});
    await service.cancelProcess(p.id, 'tester');
    const recorded = await service.listEvents(p.id);
    expect(recorded).toHaveLength(2);
    // A third, made-up event after the recorded ones: the stream must not wait for it forever.
    const since = new Date(Date.parse(recorded[0]?.at ?? '') - 1_000);
    const delivered: WorkflowEvent[] = [];
    const stream = createOrderedEventStream({ pool: a.db.pool, since, gapWaitMs: 20 }, (e) => delivered.push(e));
    try {
      const late = { ...(recorded[1] as WorkflowEvent), seq: 5 };
      stream.receive(late);
      stream.receive(recorded[1] as WorkflowEvent);
      await waitFor('the ordered events', () => (delivered.length >= 3 ? true : undefined), 5_000);
      // 1 read from Postgres, 2 as received, then 5 after the hole 3–4 nobody can fill.
      expect(delivered.map((e) => e.seq)).toEqual([1, 2, 5]);
      stream.receive(recorded[0] as WorkflowEvent);
      expect(delivered).toHaveLength(3);
    } finally {
      stream.close();
    }
  });
});
