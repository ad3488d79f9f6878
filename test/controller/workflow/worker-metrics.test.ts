import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordNetBoxRequest, startMetricsServer } from '../../../controller/metrics/index.ts';
import type { MetricsServer } from '../../../controller/metrics/index.ts';
import { putIntent, startEngine, vendorIntent, waitForStatus } from './helpers.ts';
import type { EngineFixture } from './helpers.ts';

let engine: EngineFixture;
let server: MetricsServer;

beforeAll(async () => {
  engine = await startEngine({ client: { onRequest: recordNetBoxRequest } });
  await engine.startWorker();
  server = await startMetricsServer({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await server?.close();
  await engine?.close();
});

describe('worker metrics', () => {
  it('serves reconcile and NetBox request metrics of the processes this worker ran', async () => {
    const ref = await putIntent(engine.db, vendorIntent('metrics-demo', 2));
    const started = await engine.service.startWorkflow('reconcile_intent', ref, { createdBy: 'tester' });
    expect((await waitForStatus(engine.service, started.id, ['completed', 'failed'])).status).toBe('completed');

    const text = await (await fetch(server.url)).text();
    expect(text).toContain('netbox_gitops_reconciles_total{intent_kind="VendorSet",intent_name="metrics-demo",result="completed"} 1');
    expect(text).toMatch(/netbox_gitops_reconcile_duration_seconds_count\{[^}]*intent_name="metrics-demo"/);
    expect(text).toMatch(/netbox_gitops_netbox_request_duration_seconds_count\{[^}]*method="POST"[^}]*endpoint="\/api\/dcim\/manufacturers\/"/);
  });
});
