import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/index.ts';
import { Secret } from '../../controller/config/index.ts';
import { recordBreakerState, recordNetBoxRequest } from '../../controller/metrics/index.ts';
import { createNetBoxClient } from '../../controller/netbox/index.ts';
import type { NetBoxClient } from '../../controller/netbox/index.ts';
import { netBoxPortFor } from '../../controller/reconcile/index.ts';
import { createDbIntentStore, createFolderLibraryProvider, startWorker } from '../../controller/workflow/index.ts';
import type { WorkerHandle } from '../../controller/workflow/index.ts';
import { LIBRARY_PATH } from '../helpers/library.ts';
import { putIntent, startApi, vendorIntent, waitFor } from './helpers.ts';
import type { ApiFixture } from './helpers.ts';
import { GraphqlSocket } from './ws-client.ts';
import type { WsMessage } from './ws-client.ts';

let api: ApiFixture;
let baseUrl: string;
beforeAll(async () => {
  api = await startApi();
  baseUrl = await api.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await api?.close();
});

type Role = 'viewer' | 'operator' | 'admin';
interface GqlResult {
  readonly status: number;
  readonly data: Record<string, unknown> | null;
  readonly errors?: {
    message: string;
    path?: string[];
    extensions?: { code?: string; details?: { issues?: { path: string }[] } & Record<string, unknown>; request_id?: string };
  }[];
}

async function gql(role: Role | null, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<GqlResult> {
  const r = await api.request(role, { method: 'POST', url: '/graphql', payload: { query, variables }, headers });
  const body: Omit<GqlResult, 'status'> = r.json();
  return { status: r.statusCode, ...body };
}

const PROCESS_FIELDS =
  'id workflowId workflowName status formData state intent { kind name } correlationId createdBy currentStep error attempts createdAt updatedAt startedAt completedAt';

describe('queries and mutations', () => {
  it('starts a workflow (operator) and reads it back with orchestrator-core’s field names', async () => {
    const started = await gql(
      'operator',
      `mutation($f: JSON!) { startWorkflow(name: "task_import_vendors", formData: $f) { ${PROCESS_FIELDS} steps { stepName } } }`,
      { f: { selected_vendors: ['acme'] } },
      { 'x-correlation-id': 'gql-start-1' },
    );
    expect(started.errors).toBeUndefined();
    const process = started.data?.startWorkflow as Record<string, unknown>;
    expect(process).toMatchObject({
      workflowName: 'task_import_vendors',
      status: 'CREATED',
      formData: { selected_vendors: ['acme'] },
      correlationId: 'gql-start-1',
      createdBy: 'operator-token',
      steps: [],
    });
    const { rows } = await api.db.pool.query('SELECT correlation_id, created_by FROM processes WHERE id = $1', [process.id]);
    expect(rows[0]).toEqual({ correlation_id: 'gql-start-1', created_by: 'operator-token' });

    await api.db.pool.query(
      `INSERT INTO process_steps (process_id, step_name, position, status, input_data) VALUES ($1, 'resolve', 0, 'skipped', '{"worker": "w1"}')`,
      [process.id],
    );
    const read = await gql(
      'viewer',
      `query($id: ID!) { process(id: $id) { id status steps { id processId stepName position attempt status inputData outputData errorMessage startedAt completedAt } } }`,
      { id: process.id },
    );
    expect(read.data?.process).toMatchObject({
      id: process.id,
      status: 'CREATED',
      steps: [{ processId: process.id, stepName: 'resolve', position: 0, attempt: 1, status: 'SKIPPED', inputData: { worker: 'w1' }, outputData: {} }],
    });
    expect((await gql('viewer', '{ process(id: "00000000-0000-4000-8000-000000000000") { id } }')).data).toEqual({ process: null });
  });

  it('lists workflows, one workflow with its processes, and pages processes', async () => {
    const workflows = await gql('viewer', '{ workflows { id name target description formSchema steps createdAt updatedAt } }');
    const names = (workflows.data?.workflows as { name: string }[]).map((w) => w.name);
    expect(names).toEqual(expect.arrayContaining(['reconcile_intent', 'task_import_vendors', 'task_import_device_types', 'task_refresh_library']));
    for (let i = 0; i < 3; i++) await gql('operator', 'mutation { startWorkflow(name: "task_refresh_library", formData: {}) { id } }');
    const one = await gql('viewer', '{ workflow(name: "task_refresh_library") { name steps processes(limit: 2) { workflowName steps { stepName } } } }');
    expect(one.data?.workflow).toMatchObject({ name: 'task_refresh_library', steps: ['refresh'] });
    expect((one.data?.workflow as { processes: unknown[] }).processes).toHaveLength(2);
    expect((await gql('viewer', '{ workflow(name: "nope") { name } }')).data).toEqual({ workflow: null });

    const page1 = await gql('viewer', '{ processPage(workflow: "task_refresh_library", limit: 2) { items { id createdAt } nextCursor } }');
    const first = page1.data?.processPage as { items: { id: string }[]; nextCursor: string };
    expect(first.items).toHaveLength(2);
    const page2 = await gql('viewer', 'query($c: String) { processPage(workflow: "task_refresh_library", limit: 2, cursor: $c) { items { id } nextCursor } }', {
      c: first.nextCursor,
    });
    const second = page2.data?.processPage as { items: { id: string }[]; nextCursor: string | null };
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.items, ...second.items].map((p) => p.id)).size).toBe(3);
    const created = await gql('viewer', '{ processes(status: CREATED, workflow: "task_refresh_library") { status } }');
    expect((created.data?.processes as unknown[]).length).toBe(3);
    expect((await gql('viewer', '{ processes(status: FAILED) { id } }')).data?.processes).toEqual([]);
  });

  it('reads intents with drift, and the drift summary', async () => {
    await putIntent(api.db, vendorIntent('gql-drift', 2, 'observe'), { revision: 'g1' });
    const { rows } = await api.db.pool.query<{ id: string }>(`SELECT id FROM intents WHERE name = 'gql-drift'`);
    await api.db.pool.query(
      `INSERT INTO drift (intent_id, object_kind, identity, action, diff) VALUES ($1, 'manufacturer', 'gql-drift-0', 'create', '{"slug": {"before": null, "after": "gql-drift-0"}}')`,
      [rows[0]?.id],
    );
    const list = await gql(
      'viewer',
      '{ intents(kind: "VendorSet") { kind name source revision mode status drift { action count } driftTotal spec driftRows(limit: 5) { objectKind identity action diff } processes { id } } }',
    );
    expect(list.errors).toBeUndefined();
    const intent = (list.data?.intents as { name: string }[]).find((i) => i.name === 'gql-drift');
    expect(intent).toMatchObject({
      kind: 'VendorSet',
      source: 'test',
      revision: 'g1',
      mode: 'observe',
      drift: [{ action: 'create', count: 1 }],
      driftTotal: 1,
      spec: { metadata: { name: 'gql-drift' } },
      driftRows: [{ objectKind: 'manufacturer', identity: 'gql-drift-0', action: 'create', diff: { slug: { before: null, after: 'gql-drift-0' } } }],
      processes: [],
    });
    const one = await gql(
      'viewer',
      '{ intent(kind: "VendorSet", name: "gql-drift") { name driftTotal } missing: intent(kind: "VendorSet", name: "nope") { name } }',
    );
    expect(one.data).toEqual({ intent: { name: 'gql-drift', driftTotal: 1 }, missing: null });
    const drift = await gql(
      'viewer',
      '{ drift { total byAction { action count } byObjectKind { objectKind action count } intents { kind name mode driftTotal drift { action count } } } }',
    );
    expect(drift.data?.drift).toMatchObject({ total: 1, byAction: [{ action: 'create', count: 1 }], intents: [{ name: 'gql-drift', driftTotal: 1 }] });
  });

  it('answers errors with the REST codes in extensions: validation, not found, forbidden, conflict', async () => {
    const invalid = await gql('operator', 'mutation { startWorkflow(name: "task_import_vendors", formData: {selected_vendors: 3}) { id } }');
    expect(invalid.status).toBe(422);
    expect(invalid.errors?.[0]?.extensions?.code).toBe('validation_error');
    expect(invalid.errors?.[0]?.extensions?.details?.issues?.[0]?.path).toBe('selected_vendors');
    const unknown = await gql('operator', 'mutation { startWorkflow(name: "nope", formData: {}) { id } }');
    expect(unknown.errors?.[0]?.extensions?.code).toBe('not_found');
    const forbidden = await gql('viewer', 'mutation { startWorkflow(name: "task_refresh_library", formData: {}) { id } }');
    expect(forbidden.status).toBe(403);
    expect(forbidden.errors?.[0]?.extensions).toMatchObject({ code: 'forbidden', details: { role: 'viewer', required: 'operator' } });

    const started = await gql('operator', 'mutation { startWorkflow(name: "task_refresh_library", formData: {}) { id } }');
    const id = (started.data?.startWorkflow as { id: string }).id;
    expect((await gql('operator', `mutation { cancelProcess(id: "${id}") }`)).data).toEqual({ cancelProcess: true });
    const { rows } = await api.db.pool.query('SELECT status, state FROM processes WHERE id = $1', [id]);
    expect(rows[0]).toMatchObject({ status: 'cancelled', state: { cancelledBy: 'operator-token' } });
    const again = await gql('operator', `mutation { cancelProcess(id: "${id}") }`);
    expect(again.errors?.[0]?.extensions?.code).toBe('conflict');
    const retry = await gql('operator', `mutation { retryProcess(id: "${id}") { id } }`);
    expect(retry.errors?.[0]?.extensions?.code).toBe('conflict');
    await api.db.pool.query(`UPDATE processes SET status = 'failed' WHERE id = $1`, [id]);
    expect((await gql('operator', `mutation { retryProcess(id: "${id}") { status state } }`)).data?.retryProcess).toMatchObject({
      status: 'CREATED',
      state: { retriedBy: 'operator-token' },
    });
    const reconcileMissing = await gql('operator', 'mutation { reconcileIntent(kind: "VendorSet", name: "nope") { id } }');
    expect(reconcileMissing.errors?.[0]?.extensions?.code).toBe('not_found');
  });

  it('refuses queries that are too deep or too costly before running them', async () => {
    expect((await gql('viewer', '{ workflows { processes { steps { id } } } }')).errors).toBeUndefined();
    // Introspection nests deeply: depth 11 against the default limit of 10.
    const deep = `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } }`;
    const tooDeep = await gql('viewer', deep);
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.errors?.[0]?.message).toMatch(/query depth \(11\) exceeds the query depth limit of 10/);
    const limited = await buildLimitedApp({ maxDepth: 2 });
    try {
      const r = await limited.inject({
        method: 'POST',
        url: '/graphql',
        payload: { query: '{ workflows { processes { id } } }' },
        headers: { authorization: `Bearer ${api.tokens.viewer}` },
      });
      expect(r.statusCode).toBe(400);
      expect(r.json().errors[0].message).toMatch(/query depth \(3\) exceeds the query depth limit of 2/);
    } finally {
      await limited.close();
    }
    const costly = await gql('viewer', '{ processes(limit: 500) { id steps { id stepName status inputData outputData } } }');
    expect(costly.status).toBe(400);
    expect(costly.errors?.[0]?.message).toMatch(/^Query cost \d+ exceeds the limit of 10000/);
    const costlyByVariable = await gql('viewer', 'query($n: Int) { processes(limit: $n) { id steps { id stepName status } } }', { n: 500 });
    expect(costlyByVariable.errors?.[0]?.message).toMatch(/^Query cost/);
    const viaFragment = await gql('viewer', 'query { processes(limit: 500) { ...P } } fragment P on Process { id steps { id stepName status } }');
    expect(viaFragment.errors?.[0]?.message).toMatch(/^Query cost/);
    const cheap = await gql('viewer', 'query($n: Int) { processes(limit: $n) { id steps { id stepName status } } }', { n: 5 });
    expect(cheap.errors).toBeUndefined();
  });
});

function buildLimitedApp(limits: { maxDepth?: number; maxCost?: number }): Promise<FastifyInstance> {
  return buildApp(api.deps, { graphql: limits, rateLimit: { max: 0, windowMs: 1_000 } });
}

describe('subscriptions over WebSocket', () => {
  let worker: WorkerHandle | undefined;
  let client: NetBoxClient | undefined;
  afterAll(async () => {
    await worker?.close({ graceMs: 100 });
    await client?.close();
  });

  const wsUrl = (): string => `${baseUrl.replace(/^http/, 'ws')}/graphql`;
  const metricsText = async (): Promise<string> => (await api.request(null, { url: '/metrics' })).body;
  const openSubscriptions = async (): Promise<number> => Number(/^netbox_gitops_graphql_subscriptions (\d+)/m.exec(await metricsText())?.[1] ?? 0);

  it('refuses a WebSocket with a bad token, and a subscription without one', async () => {
    const bad = await GraphqlSocket.open(wsUrl(), { initPayload: { authorization: `Bearer nbg_${'B'.repeat(43)}` } });
    await bad.waitFor('connection_error', (m) => m.type === 'connection_error');
    await bad.waitForClose();

    const anonymous = await GraphqlSocket.open(wsUrl());
    await anonymous.waitFor('ack', (m) => m.type === 'connection_ack');
    anonymous.subscribe('1', 'subscription { workflowEvents { type } }');
    const refused = await anonymous.waitFor('an error', (m) => m.id === '1' && m.type !== 'connection_ack');
    expect(JSON.stringify(refused.payload)).toMatch(/needs an API token/);
    anonymous.close();

    const rejected = await fetch(`${baseUrl}/graphql?query=${encodeURIComponent('{ workflows { name } }')}`, {
      headers: { authorization: `Bearer nbg_${'C'.repeat(43)}` },
    });
    expect(rejected.status).toBe(401);
  });

  it('delivers a real process’s updates, run by a real worker, to processUpdates; workflowEvents sees its events', async () => {
    const ref = await putIntent(api.db, vendorIntent('live', 2, 'enforce'));
    const observed = await putIntent(api.db, vendorIntent('watched', 2, 'observe'));
    const started = await api.request('operator', {
      method: 'POST',
      url: `/api/v1/intents/${ref.kind}/${ref.name}/reconcile`,
      headers: { 'x-correlation-id': 'live-1' },
    });
    expect(started.statusCode).toBe(202);
    const processId = started.json().id as string;

    // Token in connection_init for one socket, in the upgrade request's header for the other.
    const updates = await GraphqlSocket.open(wsUrl(), { initPayload: { authorization: `Bearer ${api.tokens.viewer}` } });
    await updates.waitFor('ack', (m) => m.type === 'connection_ack');
    updates.subscribe(
      'p',
      `subscription($id: ID!) { processUpdates(processId: $id) { id status correlationId createdBy currentStep steps { stepName status } } }`,
      { id: processId },
    );
    const events = await GraphqlSocket.open(wsUrl(), { headers: { authorization: `Bearer ${api.tokens.viewer}` } });
    await events.waitFor('ack', (m) => m.type === 'connection_ack');
    events.subscribe('e', 'subscription { workflowEvents { type processId workflow status step { name status } intent { kind name } at } }');
    await waitFor('both subscriptions to be open on the server', async () => ((await openSubscriptions()) >= 2 ? true : undefined));

    // The worker a `netbox-gitops worker` process would run, its NetBox client feeding the metrics.
    client = createNetBoxClient({
      url: api.nb.emulator.url,
      token: new Secret(api.nb.emulator.token),
      retryBaseMs: 1,
      retryMaxDelayMs: 5,
      onRequest: recordNetBoxRequest,
      onBreakerStateChange: recordBreakerState,
    });
    const netbox = netBoxPortFor(client);
    const engine = {
      pool: api.db.pool,
      redis: api.config.redis,
      queueName: api.queueName,
      logger: api.logger,
      netbox: () => netbox,
      library: createFolderLibraryProvider(LIBRARY_PATH),
      intents: createDbIntentStore(api.db.pool),
      tuning: { backoffMs: 100, busyRetryMs: 100 },
    };
    worker = await startWorker(engine, { lockDurationMs: 5_000, stalledIntervalMs: 1_000, recoveryIntervalMs: 0 });

    const text = (m: WsMessage): string => JSON.stringify(m.payload ?? null);
    const isFinal = (m: WsMessage): boolean =>
      m.id === 'p' && m.type === 'next' && text(m).includes('"status":"COMPLETED"') && !text(m).includes('"status":"RUNNING"');
    const final = await updates.waitFor(
      'the completed process',
      (m) => isFinal(m) || (m.id === 'p' && (m.type !== 'next' || text(m).includes('"status":"FAILED"'))),
    );
    const data = (
      final.payload as { data: { processUpdates: { status: string; correlationId: string; createdBy: string; steps: { stepName: string; status: string }[] } } }
    ).data.processUpdates;
    expect(data.status).toBe('COMPLETED');
    expect(data.correlationId).toBe('live-1');
    expect(data.createdBy).toBe('operator-token');
    expect(data.steps.map((s) => `${s.stepName}:${s.status}`)).toEqual([
      'resolve:COMPLETED',
      'snapshot:COMPLETED',
      'diff:COMPLETED',
      'apply:COMPLETED',
      'verify:COMPLETED',
      'record:COMPLETED',
    ]);
    const statuses = updates.messages
      .filter((m) => m.id === 'p' && m.type === 'next')
      .map((m) => (m.payload as { data: { processUpdates: { status: string } } }).data.processUpdates.status);
    expect(statuses).toContain('RUNNING');
    expect(statuses.at(-1)).toBe('COMPLETED');
    expect(updates.messages.every((m) => m.type !== 'error')).toBe(true);

    const finished = await events.waitFor(
      'process.finished',
      (m) => m.id === 'e' && text(m).includes('"type":"process.finished"') && text(m).includes(processId),
    );
    expect(finished.payload).toMatchObject({
      data: { workflowEvents: { type: 'process.finished', processId, workflow: 'reconcile_intent', status: 'completed', intent: ref } },
    });
    const stepEvent = events.messages.find((m) => text(m).includes('"type":"step.updated"'));
    expect(stepEvent?.payload).toMatchObject({ data: { workflowEvents: { step: { name: expect.any(String), status: expect.stringMatching(/^[A-Z]+$/) } } } });
    updates.close();
    events.close();
    await waitFor('the subscriptions to close on the server', async () => ((await openSubscriptions()) === 0 ? true : undefined));

    // The observe intent too, so that drift exists for the metrics below.
    const watched = await api.request('operator', { method: 'POST', url: `/api/v1/intents/${observed.kind}/${observed.name}/reconcile` });
    await waitFor('the observe reconcile', async () => ((await api.deps.workflows.getProcess(watched.json().id))?.status === 'completed' ? true : undefined));
    const audit = (await api.request('viewer', { url: `/api/v1/audit?processId=${processId}` })).json();
    expect(audit.items.length).toBeGreaterThan(0);
    expect(audit.items.every((a: { correlationId: string; userId: string }) => a.correlationId === 'live-1' && a.userId === 'operator-token')).toBe(true);
  });

  it('exposes every metric family on /metrics after the reconciles', async () => {
    await waitFor('the recorded reconcile', async () =>
      /^netbox_gitops_reconciles_total\{[^}]*intent_name="watched"/m.test(await metricsText()) ? true : undefined,
    );
    const body = await metricsText();
    const families = new Set([...body.matchAll(/^# TYPE (\S+) (\S+)/gm)].map((m) => `${m[1]} ${m[2]}`));
    for (const family of [
      'netbox_gitops_reconcile_duration_seconds histogram',
      'netbox_gitops_reconciles_total counter',
      'netbox_gitops_drift_objects gauge',
      'netbox_gitops_netbox_request_duration_seconds histogram',
      'netbox_gitops_netbox_circuit_breaker_state gauge',
      'netbox_gitops_queue_jobs gauge',
      'netbox_gitops_processes gauge',
      'netbox_gitops_last_successful_reconcile_timestamp_seconds gauge',
      'netbox_gitops_http_request_duration_seconds histogram',
      'netbox_gitops_graphql_subscriptions gauge',
    ]) {
      expect(families, family).toContain(family);
    }
    expect(body).toMatch(/^netbox_gitops_reconciles_total\{intent_kind="VendorSet",intent_name="live",result="completed"\} [1-9]/m);
    expect(body).toMatch(/^netbox_gitops_reconcile_duration_seconds_count\{intent_kind="VendorSet",intent_name="live",result="completed"\} [1-9]/m);
    expect(body).toMatch(/^netbox_gitops_drift_objects\{intent_kind="VendorSet",intent_name="watched",object_kind="manufacturer",action="create"\} 2$/m);
    expect(body).toMatch(/^netbox_gitops_netbox_request_duration_seconds_count\{method="POST",endpoint="\/api\/dcim\/manufacturers\/",status="201"\} [1-9]/m);
    expect(body).toMatch(/^netbox_gitops_netbox_circuit_breaker_state 0$/m);
    expect(body).toMatch(new RegExp(`^netbox_gitops_queue_jobs\\{queue="${api.queueName}",state="waiting"\\} \\d+$`, 'm'));
    expect(body).toMatch(/^netbox_gitops_processes\{status="completed"\} [1-9]/m);
    const last = /^netbox_gitops_last_successful_reconcile_timestamp_seconds\{intent_kind="VendorSet",intent_name="live"\} (\S+)$/m.exec(body);
    expect(Number(last?.[1])).toBeGreaterThan(Date.parse('2020-01-01') / 1000);
    expect(body).toMatch(
      /^netbox_gitops_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/intents\/:kind\/:name\/reconcile",status_code="202"\} [1-9]/m,
    );
  });
});
