import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../controller/config/index.ts';
import {
  addScrapeCollector,
  recordBreakerState,
  recordNetBoxRequest,
  recordProcessFinished,
  recordReconcile,
  registerDatabaseCollectors,
  registerQueueCollector,
  renderMetrics,
  startMetricsServer,
} from '../../../controller/metrics/index.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import type { TestDatabase } from '../../helpers/database.ts';
import { startNetBox } from '../../helpers/netbox.ts';

/** The value of one sample line, e.g. `name{a="b"} 3`, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}

const text = async (): Promise<string> => (await renderMetrics()).body;

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe('recorders', () => {
  it('prefixes every family with netbox_gitops_ and includes the process metrics', async () => {
    const body = await text();
    const families = [...body.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1] ?? '');
    expect(families.length).toBeGreaterThan(10);
    expect(families.every((f) => f.startsWith('netbox_gitops_'))).toBe(true);
    expect(families).toContain('netbox_gitops_process_resident_memory_bytes');
  });

  it('records NetBox requests by method, endpoint template and status, and the breaker state', async () => {
    recordNetBoxRequest({ method: 'GET', endpoint: '/api/dcim/unit-test/', status: 200, durationMs: 12 });
    recordNetBoxRequest({ method: 'GET', endpoint: '/api/dcim/unit-test/', status: 'error', durationMs: 30_000 });
    const body = await text();
    expect(sample(body, 'netbox_gitops_netbox_request_duration_seconds_count', { method: 'GET', endpoint: '/api/dcim/unit-test/', status: '200' })).toBe(1);
    expect(sample(body, 'netbox_gitops_netbox_request_duration_seconds_sum', { endpoint: '/api/dcim/unit-test/', status: '200' })).toBeCloseTo(0.012);
    expect(sample(body, 'netbox_gitops_netbox_request_duration_seconds_bucket', { endpoint: '/api/dcim/unit-test/', status: 'error', le: '10' })).toBe(0);
    recordBreakerState('open');
    expect(sample(await text(), 'netbox_gitops_netbox_circuit_breaker_state')).toBe(2);
    recordBreakerState('half-open');
    expect(sample(await text(), 'netbox_gitops_netbox_circuit_breaker_state')).toBe(1);
    recordBreakerState('closed');
    expect(sample(await text(), 'netbox_gitops_netbox_circuit_breaker_state')).toBe(0);
  });

  it('records the requests of a real NetBox client through onRequest', async () => {
    const nb = await startNetBox({}, { onRequest: recordNetBoxRequest });
    try {
      await nb.client.list('manufacturers');
      const body = await text();
      expect(
        sample(body, 'netbox_gitops_netbox_request_duration_seconds_count', { method: 'GET', endpoint: '/api/dcim/manufacturers/', status: '200' }),
      ).toBeGreaterThanOrEqual(1);
    } finally {
      await nb.close();
    }
  });

  it('records finished reconciles by intent and result, and only processes of an intent that finished', async () => {
    const intent = { kind: 'VendorSet', name: `unit-${randomBytes(3).toString('hex')}` };
    const started = new Date(Date.now() - 4_000).toISOString();
    const completed = new Date().toISOString();
    expect(recordProcessFinished({ workflowName: 'reconcile_intent', status: 'completed', intent, startedAt: started, completedAt: completed })).toBe(true);
    expect(recordProcessFinished({ workflowName: 'reconcile_intent', status: 'running', intent, startedAt: started, completedAt: null })).toBe(false);
    expect(recordProcessFinished({ workflowName: 'task_refresh_library', status: 'completed', intent: null, startedAt: started, completedAt: completed })).toBe(
      false,
    );
    recordReconcile({ intent, result: 'failed', durationSeconds: 1 });
    const body = await text();
    const labels = { intent_kind: 'VendorSet', intent_name: intent.name };
    expect(sample(body, 'netbox_gitops_reconciles_total', { ...labels, result: 'completed' })).toBe(1);
    expect(sample(body, 'netbox_gitops_reconciles_total', { ...labels, result: 'failed' })).toBe(1);
    expect(sample(body, 'netbox_gitops_reconcile_duration_seconds_sum', { ...labels, result: 'completed' })).toBeCloseTo(4, 0);
    expect(sample(body, 'netbox_gitops_reconcile_duration_seconds_bucket', { ...labels, result: 'completed', le: '2' })).toBe(0);
    expect(sample(body, 'netbox_gitops_reconcile_duration_seconds_bucket', { ...labels, result: 'completed', le: '5' })).toBe(1);
  });
});

describe('scrape-time collectors', () => {
  it('reads processes by status, drift by intent/kind/action and the last successful reconcile from Postgres', async () => {
    const { pool } = db;
    const workflow = await pool.query<{ id: string }>(`INSERT INTO workflows (name, target) VALUES ('reconcile_intent', 'RECONCILE') RETURNING id`);
    const wid = workflow.rows[0]?.id;
    const intent = await pool.query<{ id: string }>(
      `INSERT INTO intents (kind, name, source, spec) VALUES ('VendorSet', 'metrics-a', 'test', '{}') RETURNING id`,
    );
    await pool.query(`INSERT INTO intents (kind, name, source, spec, status) VALUES ('VendorSet', 'metrics-gone', 'test', '{}', 'removed')`);
    await pool.query(
      `INSERT INTO processes (workflow_id, workflow_name, status, intent_kind, intent_name, created_at, completed_at) VALUES
        ($1, 'reconcile_intent', 'completed', 'VendorSet', 'metrics-a', now() - interval '2 hours', '2030-01-01T00:00:00Z'),
        ($1, 'reconcile_intent', 'completed', 'VendorSet', 'metrics-a', now() - interval '1 hour', '2030-01-02T00:00:00Z'),
        ($1, 'reconcile_intent', 'failed', 'VendorSet', 'metrics-a', now(), now()),
        ($1, 'reconcile_intent', 'created', NULL, NULL, now(), NULL)`,
      [wid],
    );
    await pool.query(
      `INSERT INTO drift (intent_id, object_kind, identity, action) VALUES ($1, 'manufacturer', 'a', 'create'), ($1, 'manufacturer', 'b', 'create'), ($1, 'device-type', 'a/x', 'update')`,
      [intent.rows[0]?.id],
    );
    const remove = registerDatabaseCollectors(pool);
    try {
      const body = await text();
      expect(sample(body, 'netbox_gitops_processes', { status: 'completed' })).toBe(2);
      expect(sample(body, 'netbox_gitops_processes', { status: 'failed' })).toBe(1);
      expect(sample(body, 'netbox_gitops_processes', { status: 'created' })).toBe(1);
      const drift = { intent_kind: 'VendorSet', intent_name: 'metrics-a' };
      expect(sample(body, 'netbox_gitops_drift_objects', { ...drift, object_kind: 'manufacturer', action: 'create' })).toBe(2);
      expect(sample(body, 'netbox_gitops_drift_objects', { ...drift, object_kind: 'device-type', action: 'update' })).toBe(1);
      // The newest completed one, not the newer failed one; removed intents are left out.
      expect(sample(body, 'netbox_gitops_last_successful_reconcile_timestamp_seconds', drift)).toBe(Date.parse('2030-01-02T00:00:00Z') / 1000);
      expect(sample(body, 'netbox_gitops_last_successful_reconcile_timestamp_seconds', { intent_name: 'metrics-gone' })).toBeUndefined();

      // A series whose rows went away disappears at the next scrape.
      await pool.query(`DELETE FROM drift WHERE object_kind = 'device-type'`);
      expect(sample(await text(), 'netbox_gitops_drift_objects', { ...drift, object_kind: 'device-type' })).toBeUndefined();
    } finally {
      remove();
    }
    expect(sample(await text(), 'netbox_gitops_processes', { status: 'completed' })).toBeUndefined();
  });

  it('reads the queue counts from BullMQ', async () => {
    const redis = loadConfig(process.env).redis;
    const name = `test-metrics-${randomBytes(4).toString('hex')}`;
    const queue = new Queue(name, { connection: { host: redis.host, port: redis.port, db: redis.db, maxRetriesPerRequest: null } });
    const remove = registerQueueCollector(queue);
    try {
      await queue.add('process', { processId: 'a' });
      await queue.add('process', { processId: 'b' });
      await queue.add('process', { processId: 'c' }, { delay: 60_000 });
      const body = await text();
      expect(sample(body, 'netbox_gitops_queue_jobs', { queue: name, state: 'waiting' })).toBe(2);
      expect(sample(body, 'netbox_gitops_queue_jobs', { queue: name, state: 'delayed' })).toBe(1);
      expect(sample(body, 'netbox_gitops_queue_jobs', { queue: name, state: 'active' })).toBe(0);
      expect(sample(body, 'netbox_gitops_queue_jobs', { queue: name, state: 'failed' })).toBe(0);
    } finally {
      remove();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('counts a failing collector instead of failing the scrape', async () => {
    const remove = addScrapeCollector('processes', 'unit:broken', () => Promise.reject(new Error('down')));
    try {
      const before = sample(await text(), 'netbox_gitops_metrics_collect_errors_total', { collector: 'unit:broken' }) ?? 0;
      expect(sample(await text(), 'netbox_gitops_metrics_collect_errors_total', { collector: 'unit:broken' })).toBe(before + 1);
    } finally {
      remove();
    }
  });
});

describe('metrics server (controller probes)', () => {
  it('/readyz answers 200 or 503 as the readiness check says, with its details', async () => {
    let report: { ready: boolean; problems: string[] } = { ready: false, problems: ['VendorSet: not listed yet'] };
    const server = await startMetricsServer({ port: 0, host: '127.0.0.1', readiness: () => report });
    try {
      const readyz = server.url.replace('/metrics', '/readyz');
      const unready = await fetch(readyz);
      expect(unready.status).toBe(503);
      expect(await unready.json()).toEqual(report);
      report = { ready: true, problems: [] };
      expect((await fetch(readyz)).status).toBe(200);
      expect((await fetch(server.url.replace('/metrics', '/healthz'))).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('metrics server (workers)', () => {
  it('serves /metrics and /livez on its own port', async () => {
    const server = await startMetricsServer({ port: 0, host: '127.0.0.1' });
    try {
      recordReconcile({ intent: { kind: 'VendorSet', name: 'served' }, result: 'completed', durationSeconds: 2 });
      const metrics = await fetch(server.url);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(sample(await metrics.text(), 'netbox_gitops_reconciles_total', { intent_name: 'served', result: 'completed' })).toBe(1);
      const livez = await fetch(server.url.replace('/metrics', '/livez'));
      expect(await livez.text()).toBe('ok\n');
      expect(await (await fetch(server.url.replace('/metrics', '/healthz'))).text()).toBe('ok\n');
      // Without a readiness check there is no /readyz (a worker has none).
      expect((await fetch(server.url.replace('/metrics', '/readyz'))).status).toBe(404);
      expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404);
      expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
    } finally {
      await server.close();
    }
  });
});
