// `run`, `processes` and `process` against a real database, Redis and emulator, with a worker
// running in this process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../../helpers/cli.ts';
import { LIBRARY_PATH } from '../../helpers/library.ts';
import { putIntent, startEngine, vendorIntent } from '../../controller/workflow/helpers.ts';
import type { EngineFixture } from '../../controller/workflow/helpers.ts';

let engine: EngineFixture;
let env: Record<string, string>;

beforeAll(async () => {
  engine = await startEngine();
  await engine.startWorker();
  env = cliEnv({ database: engine.db, netbox: engine.nb.emulator, queueName: engine.queueName }, { LIBRARY_PATH });
});
afterAll(async () => {
  await engine?.close();
});

describe('netbox-gitops run', () => {
  it('starts a process, prints its steps as they go and exits 0 when it completes', async () => {
    await putIntent(engine.db, vendorIntent('cli', 2));
    const result = await runCli(['run', 'reconcile_intent', '--form', JSON.stringify({ kind: 'VendorSet', name: 'cli' })], env);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^process [0-9a-f-]{36} created \(reconcile_intent\)/);
    for (const step of ['resolve', 'snapshot', 'diff', 'apply', 'verify', 'record']) expect(result.out).toMatch(new RegExp(`${step}\\s+#1 completed`));
    expect(result.out).toMatch(/apply\s+#1 completed .*4 applied/);
    expect(result.out).toMatch(/process [0-9a-f-]{36} completed/);
  });

  it('exits 1 with NetBox’s message when the process fails', async () => {
    const result = await runCli(['run', 'reconcile_intent', '--form', '{"kind":"VendorSet","name":"missing"}'], env);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/resolve\s+#1 failed .*not in the intent store/);
    expect(result.out).toMatch(/process [0-9a-f-]{36} failed/);
  });

  it('refuses an invalid form with its field issues, and JSON that does not parse', async () => {
    const invalid = await runCli(['run', 'task_import_device_types', '--form', '{"selected_vendor":""}'], env);
    expect(invalid.code).toBe(1);
    expect(invalid.err).toMatch(/selected_vendor: select a vendor/);
    const broken = await runCli(['run', 'reconcile_intent', '--form', '{kind'], env);
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/--form is not valid JSON/);
    const unknown = await runCli(['run', 'nope'], env).catch((e: unknown) => e);
    expect((unknown as Error).message).toMatch(/no workflow named "nope"/);
  });

  it('returns at once with --no-follow', async () => {
    const result = await runCli(['run', 'task_refresh_library', '--no-follow'], env);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^process [0-9a-f-]{36} created \(task_refresh_library\)\n$/);
  });
});

describe('netbox-gitops processes and process', () => {
  it('lists processes with filters, as lines or JSON', async () => {
    const json = await runCli(['processes', '--status', 'completed', '--workflow', 'reconcile_intent', '--json'], env);
    expect(json.code).toBe(0);
    const page = JSON.parse(json.out) as { items: { id: string; status: string; intent: { name: string } }[]; nextCursor: string | null };
    expect(page.items.length).toBeGreaterThanOrEqual(1);
    expect(page.items.every((p) => p.status === 'completed')).toBe(true);
    const text = await runCli(['processes', '--intent', 'VendorSet/cli', '--limit', '1'], env);
    expect(text.out).toMatch(/reconcile_intent\s+completed\s+VendorSet\/cli/);
    const bad = await runCli(['processes', '--status', 'sleeping'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/expects one of created, running/);
  });

  it('shows one process with its steps and audit rows', async () => {
    const page = await engine.service.listProcesses({ intentName: 'cli', intentKind: 'VendorSet', status: 'completed' });
    const id = page.items[0]?.id ?? '';
    const text = await runCli(['process', id], env);
    expect(text.code).toBe(0);
    expect(text.out).toContain(`process   ${id}`);
    expect(text.out).toMatch(/intent {4}VendorSet\/cli at rev-1/);
    expect(text.out).toMatch(/audit: 4 change\(s\)/);
    expect(text.out).toMatch(/create manufacturer\s+cli-0 #\d+/);
    const json = JSON.parse((await runCli(['process', id, '--json'], env)).out) as { steps: unknown[]; audit: unknown[]; auditCount: number };
    expect(json.steps).toHaveLength(6);
    expect(json.audit).toHaveLength(json.auditCount);
    const missing = await runCli(['process', '00000000-0000-4000-8000-000000000000'], env);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no process with id/);
  });
});
