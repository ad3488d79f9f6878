import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../controller/errors/index.ts';
import { ProcessStateError, WorkflowNotFoundError } from '../../../controller/workflow/index.ts';
import type { ProcessDetail, StepRecord, WorkerHandle } from '../../../controller/workflow/index.ts';
import { collectEvents, putIntent, startEngine, vendorIntent, waitFor, waitForStatus } from './helpers.ts';
import type { EngineFixture } from './helpers.ts';

let engine: EngineFixture;
let worker: WorkerHandle;

beforeAll(async () => {
  engine = await startEngine({ tuning: { attempts: 6, backoffMs: 100, applyChunkSize: 5, applyConcurrency: 1 } });
  worker = await engine.startWorker({ concurrency: 2 });
});
afterAll(async () => {
  await engine?.close();
});

const stepsNamed = (p: ProcessDetail, name: string): StepRecord[] => p.steps.filter((s) => s.name === name);
const manufacturerSlugs = (): string[] => engine.nb.emulator.store.list('manufacturers').map((m) => String(m.slug));

describe('reconcile_intent', () => {
  it('goes created → running → completed, records steps, audit rows, drift and events', async () => {
    const ref = await putIntent(engine.db, vendorIntent('happy', 3), { revision: 'abc123' });
    const listener = await collectEvents(engine.queueName);
    try {
      const started = await engine.service.startWorkflow('reconcile_intent', ref, { createdBy: 'tester', correlationId: 'corr-1' });
      expect(started.status).toBe('created');
      expect(started.intent).toEqual(ref);
      const done = await waitForStatus(engine.service, started.id, ['completed', 'failed']);
      expect(done.status).toBe('completed');
      expect(done.steps.map((s) => `${s.name}:${s.status}`)).toEqual([
        'resolve:completed',
        'snapshot:completed',
        'diff:completed',
        'apply:completed',
        'verify:completed',
        'record:completed',
      ]);
      expect(done.intentRevision).toBe('abc123');
      expect(done.libraryRevision).toMatch(/^sha256:|^[0-9a-f]{40}$/);
      expect(done.attempts).toBe(1);
      expect(done.steps.every((s) => s.input.worker === worker.id)).toBe(true);
      expect(stepsNamed(done, 'apply')[0]?.output).toMatchObject({ applied: 3 + 2, replanned: false, rounds: 1, byConfirmation: { response: 5 } });
      // The apply step's re-read after its last round is the verification: no second read.
      expect(stepsNamed(done, 'verify')[0]?.output).toMatchObject({ converged: true, drift: 0, reused: true });
      expect(
        manufacturerSlugs()
          .filter((s) => s.startsWith('happy-'))
          .sort(),
      ).toEqual(['happy-0', 'happy-1', 'happy-2']);

      const audit = await engine.service.listAudit({ processId: started.id, limit: 100 });
      expect(audit.items).toHaveLength(done.auditCount);
      const manufacturerRows = audit.items.filter((a) => a.objectKind === 'manufacturer');
      expect(manufacturerRows.map((a) => a.objectIdentity).sort()).toEqual(['happy-0', 'happy-1', 'happy-2']);
      expect(manufacturerRows[0]).toMatchObject({ action: 'create', userId: 'tester', correlationId: 'corr-1', intent: ref, before: null });
      expect(typeof manufacturerRows[0]?.netboxId).toBe('number');

      const intentRow = await engine.db.pool.query('SELECT last_process_id, last_reconcile_at FROM intents WHERE name = $1', ['happy']);
      expect(intentRow.rows[0]).toMatchObject({ last_process_id: started.id });
      expect(intentRow.rows[0]?.last_reconcile_at).toBeInstanceOf(Date);

      await waitFor('the finished event', () => listener.events.find((e) => e.processId === started.id && e.type === 'process.finished'));
      const mine = listener.events.filter((e) => e.processId === started.id);
      expect(mine[0]?.type).toBe('process.created');
      expect(mine.some((e) => e.type === 'process.updated' && e.status === 'running')).toBe(true);
      expect(mine.filter((e) => e.type === 'step.updated' && e.status === 'completed').map((e) => e.step?.name)).toEqual([
        'resolve',
        'snapshot',
        'diff',
        'apply',
        'verify',
        'record',
      ]);
      expect(mine.at(-1)).toMatchObject({ type: 'process.finished', status: 'completed', workflow: 'reconcile_intent', intent: ref });
      expect(Date.parse(mine.at(-1)?.at ?? '')).not.toBeNaN();
      // Every event is recorded, numbered 1..n in the order it happened, and published as recorded.
      const recorded = await engine.service.listEvents(started.id);
      expect(recorded.map((e) => e.seq)).toEqual(recorded.map((_, i) => i + 1));
      expect(recorded.map((e) => `${e.type}:${e.status ?? ''}:${e.step?.name ?? ''}`).slice(0, 4)).toEqual([
        'process.created:created:',
        'process.updated:running:',
        'step.updated:running:resolve',
        'step.updated:completed:resolve',
      ]);
      expect([...mine].sort((a, b) => a.seq - b.seq)).toEqual(recorded);
      expect((await engine.service.getProcess(started.id))?.eventSeq).toBe(recorded.length);
    } finally {
      await listener.stop();
    }
  });

  it('records drift for an observe intent and skips apply and verify', async () => {
    const ref = await putIntent(engine.db, vendorIntent('watch', 2, { mode: 'observe' }));
    const listener = await collectEvents(engine.queueName);
    try {
      const p = await engine.service.startWorkflow('reconcile_intent', ref);
      const done = await waitForStatus(engine.service, p.id, ['completed', 'failed']);
      expect(done.steps.map((s) => `${s.name}:${s.status}`)).toEqual([
        'resolve:completed',
        'snapshot:completed',
        'diff:completed',
        'apply:skipped',
        'verify:skipped',
        'record:completed',
      ]);
      expect(stepsNamed(done, 'apply')[0]?.output.reason).toMatch(/observe/);
      expect(manufacturerSlugs().filter((s) => s.startsWith('watch-'))).toEqual([]);
      const drift = await engine.db.pool.query<{ identity: string; action: string; first_seen: Date }>(
        `SELECT d.identity, d.action, d.first_seen FROM drift d JOIN intents i ON i.id = d.intent_id WHERE i.name = 'watch' ORDER BY identity`,
      );
      expect(drift.rows.filter((r) => r.action === 'create').map((r) => r.identity)).toEqual(expect.arrayContaining(['watch-0', 'watch-1']));
      await waitFor('drift.changed', () => listener.events.find((e) => e.type === 'drift.changed' && e.processId === p.id));

      // Run again after one vendor appeared in NetBox: that row goes, the other keeps its first_seen.
      engine.nb.emulator.store.seed('manufacturers', [{ name: 'watch Vendor 0', slug: 'watch-0' }]);
      const again = await engine.service.startWorkflow('reconcile_intent', ref);
      await waitForStatus(engine.service, again.id, ['completed']);
      const after = await engine.db.pool.query<{ identity: string; action: string; first_seen: Date }>(
        `SELECT d.identity, d.action, d.first_seen FROM drift d JOIN intents i ON i.id = d.intent_id WHERE i.name = 'watch' ORDER BY identity`,
      );
      const before1 = drift.rows.find((r) => r.identity === 'watch-1');
      const after1 = after.rows.find((r) => r.identity === 'watch-1');
      expect(after1?.first_seen.getTime()).toBe(before1?.first_seen.getTime());
      // watch-0 now exists but untagged: it is no longer a create.
      expect(after.rows.find((r) => r.identity === 'watch-0')?.action ?? 'gone').not.toBe('create');
    } finally {
      await listener.stop();
    }
  });

  it('fails on a NetBox validation error with NetBox’s messages, keeping the audit rows of what was applied', async () => {
    // NetBox already has a manufacturer named "clash Taken" under another slug: creating it again is a 400.
    engine.nb.emulator.store.seed('manufacturers', [{ name: 'clash Taken', slug: 'elsewhere' }]);
    const ref = await putIntent(engine.db, vendorIntent('clash', 2, { extra: [{ name: 'clash Taken', slug: 'clash-taken' }] }));
    const p = await engine.service.startWorkflow('reconcile_intent', ref);
    const done = await waitForStatus(engine.service, p.id, ['completed', 'failed']);
    expect(done.status).toBe('failed');
    const apply = stepsNamed(done, 'apply');
    expect(apply).toHaveLength(1);
    expect(apply[0]?.status).toBe('failed');
    expect(apply[0]?.errorMessage).toMatch(/manufacturer with this name already exists/);
    expect(apply[0]?.error).toMatchObject({ type: 'ApplyRejectedError', transient: false, step: 'apply' });
    expect(done.error?.message).toMatch(/clash-taken/);
    expect(done.steps.map((s) => s.name)).not.toContain('verify');
    const audit = await engine.service.listAudit({ processId: p.id });
    expect(
      audit.items
        .filter((a) => a.objectKind === 'manufacturer')
        .map((a) => a.objectIdentity)
        .sort(),
    ).toEqual(['clash-0', 'clash-1']);
    expect(done.auditCount).toBe(audit.items.length);
  });

  it('re-reads NetBox after applying: an object another writer created meanwhile is drift (unmanaged), not a failure', async () => {
    const ref = await putIntent(engine.db, vendorIntent('race', 1));
    engine.nb.emulator.setFaults({ latencyMs: 300 });
    try {
      const p = await engine.service.startWorkflow('reconcile_intent', ref);
      await waitFor('apply to start', async () => ((await engine.service.getProcess(p.id))?.currentStep === 'apply' ? true : undefined), 30_000, 10);
      // Someone else (another intent's reconcile, a person) creates the manufacturer first.
      engine.nb.emulator.store.seed('manufacturers', [{ name: 'race Vendor 0', slug: 'race-0' }]);
      const done = await waitForStatus(engine.service, p.id, ['completed', 'failed']);
      expect(done.status).toBe('completed');
      expect(stepsNamed(done, 'apply')[0]?.output).toMatchObject({ rounds: 1 });
      expect(stepsNamed(done, 'verify')[0]?.output).toMatchObject({ converged: true, drift: 1 });
      expect(manufacturerSlugs().filter((s) => s === 'race-0')).toHaveLength(1);
    } finally {
      engine.nb.emulator.setFaults({ latencyMs: 0 });
    }
  });

  it('retries a failed process from its failed step without re-running the steps before it', async () => {
    engine.nb.emulator.store.seed('manufacturers', [{ name: 'again Taken', slug: 'somewhere' }]);
    const ref = await putIntent(engine.db, vendorIntent('again', 1, { extra: [{ name: 'again Taken', slug: 'again-taken' }] }));
    const p = await engine.service.startWorkflow('reconcile_intent', ref);
    const failed = await waitForStatus(engine.service, p.id, ['completed', 'failed']);
    expect(failed.status).toBe('failed');
    await expect(engine.service.retryProcess(p.id, 'someone')).resolves.toBeDefined();
    // Retrying twice while it is queued is refused.
    await expect(engine.service.retryProcess(p.id, 'someone')).rejects.toBeInstanceOf(ProcessStateError);

    const retried = await waitForStatus(engine.service, p.id, ['completed', 'failed']);
    // Still failing (the conflict is still there): the failed step got a second attempt, earlier steps ran once.
    expect(retried.status).toBe('failed');
    for (const name of ['resolve', 'snapshot', 'diff']) expect(stepsNamed(retried, name)).toHaveLength(1);
    expect(stepsNamed(retried, 'apply').map((s) => `${s.attempt}:${s.status}`)).toEqual(['1:failed', '2:failed']);
    expect(stepsNamed(retried, 'apply')[1]?.output).toEqual({});
    expect(retried.state).toMatchObject({ retries: 1, retriedBy: 'someone' });

    // Fix NetBox by hand, retry again: apply attempt 3 re-plans and completes, then verify and record run.
    const taken = engine.nb.emulator.store.list('manufacturers').find((m) => m.slug === 'somewhere');
    engine.nb.emulator.store.remove('manufacturers', Number(taken?.id));
    await engine.service.retryProcess(p.id, 'someone');
    const completed = await waitForStatus(engine.service, p.id, ['completed', 'failed']);
    expect(completed.status).toBe('completed');
    expect(stepsNamed(completed, 'resolve')).toHaveLength(1);
    expect(stepsNamed(completed, 'apply').map((s) => `${s.attempt}:${s.status}`)).toEqual(['1:failed', '2:failed', '3:completed']);
    expect(stepsNamed(completed, 'apply')[2]?.output).toMatchObject({ applied: 1, replanned: true });
    expect(stepsNamed(completed, 'verify')[0]?.output).toMatchObject({ converged: true });
    expect(completed.attempts).toBe(3);
  });

  it('goes running → waiting → running → completed when NetBox answers 503 for a while', async () => {
    const ref = await putIntent(engine.db, vendorIntent('flaky', 2));
    engine.nb.emulator.setFaults({ errorRate: 1, errorStatuses: [503] });
    const listener = await collectEvents(engine.queueName);
    try {
      const p = await engine.service.startWorkflow('reconcile_intent', ref);
      const waiting = await waitForStatus(engine.service, p.id, ['waiting', 'failed', 'completed']);
      expect(waiting.status).toBe('waiting');
      expect(waiting.error).toMatchObject({ transient: true, step: 'snapshot', code: 'netbox_outage' });
      expect(waiting.error?.message).toMatch(/^waiting for NetBox to answer again/);
      engine.nb.emulator.setFaults({ errorRate: 0 });
      const done = await waitForStatus(engine.service, p.id, ['completed', 'failed']);
      expect(done.status).toBe('completed');
      expect(done.error).toBeNull();
      const snapshots = stepsNamed(done, 'snapshot');
      expect(snapshots.length).toBeGreaterThanOrEqual(2);
      expect(snapshots.slice(0, -1).every((s) => s.status === 'failed' && s.error?.transient === true)).toBe(true);
      expect(snapshots.at(-1)?.status).toBe('completed');
      expect(snapshots[0]?.errorMessage).toMatch(/503/);
      expect(stepsNamed(done, 'resolve')).toHaveLength(1);
      // The database says "completed" before the events reach this subscriber over Redis.
      await waitFor('the finished event', () => listener.events.find((e) => e.processId === p.id && e.type === 'process.finished'));
      const statuses = listener.events.filter((e) => e.processId === p.id && e.type.startsWith('process.')).map((e) => e.status);
      expect(statuses).toEqual(expect.arrayContaining(['created', 'running', 'waiting', 'completed']));
      expect(statuses.indexOf('waiting')).toBeLessThan(statuses.lastIndexOf('running'));
    } finally {
      engine.nb.emulator.setFaults({ errorRate: 0 });
      await listener.stop();
    }
  });

  it('fails a step for good once the transient retries are used up (429s: NetBox is up, so not an outage to wait out)', async () => {
    const ref = await putIntent(engine.db, vendorIntent('down', 1));
    engine.nb.emulator.setFaults({ errorRate: 1, errorStatuses: [429] });
    try {
      const p = await engine.service.startWorkflow('reconcile_intent', ref);
      const done = await waitForStatus(engine.service, p.id, ['completed', 'failed']);
      expect(done.status).toBe('failed');
      expect(stepsNamed(done, 'snapshot')).toHaveLength(6);
      expect(done.error).toMatchObject({ transient: true, step: 'snapshot' });
    } finally {
      engine.nb.emulator.setFaults({ errorRate: 0 });
    }
  });

  it('cancels a created process before a worker takes it, and refuses to cancel it twice', async () => {
    const ref = await putIntent(engine.db, vendorIntent('never', 1));
    // Hold the intent with a long-running process so that the next one stays queued.
    engine.nb.emulator.setFaults({ latencyMs: 200 });
    try {
      const holder = await engine.service.startWorkflow('reconcile_intent', ref);
      await waitForStatus(engine.service, holder.id, ['running']);
      const queued = await engine.service.startWorkflow('reconcile_intent', ref);
      const cancelled = await engine.service.cancelProcess(queued.id, 'operator');
      expect(cancelled.status).toBe('cancelled');
      expect(cancelled.state).toMatchObject({ cancelledBy: 'operator' });
      await expect(engine.service.cancelProcess(queued.id, 'operator')).rejects.toBeInstanceOf(ProcessStateError);
      await waitForStatus(engine.service, holder.id, ['completed']);
      const after = await engine.service.getProcess(queued.id);
      expect(after?.status).toBe('cancelled');
      expect(after?.steps).toEqual([]);
    } finally {
      engine.nb.emulator.setFaults({ latencyMs: 0 });
    }
  });

  it('cancels a running process between apply chunks and records who cancelled it', async () => {
    const ref = await putIntent(engine.db, vendorIntent('slow', 40));
    engine.nb.emulator.setFaults({ latencyMs: 60 });
    try {
      const p = await engine.service.startWorkflow('reconcile_intent', ref, { createdBy: 'starter' });
      await waitFor('apply to write some chunks', async () => {
        const d = await engine.service.getProcess(p.id);
        return d && d.auditCount >= 10 ? d : undefined;
      });
      const requested = await engine.service.cancelProcess(p.id, 'operator');
      expect(requested.status).toBe('running');
      expect(requested.state.cancelRequested).toMatchObject({ by: 'operator' });
      const done = await waitForStatus(engine.service, p.id, ['cancelled', 'completed', 'failed']);
      expect(done.status).toBe('cancelled');
      expect(done.state).toMatchObject({ cancelledBy: 'operator' });
      expect(stepsNamed(done, 'apply')[0]?.status).toBe('cancelled');
      expect(done.steps.map((s) => s.name)).not.toContain('verify');
      const created = manufacturerSlugs().filter((s) => s.startsWith('slow-')).length;
      expect(created).toBeLessThan(40);
      // Every change that landed before the cancel is in the audit log.
      const audit = await engine.service.listAudit({ processId: p.id, objectKind: 'manufacturer', limit: 100 });
      expect(audit.items).toHaveLength(created);
    } finally {
      engine.nb.emulator.setFaults({ latencyMs: 0 });
    }
  });

  it('queues again a process whose job was lost (written to Postgres, never to Redis)', async () => {
    const ref = await putIntent(engine.db, vendorIntent('orphan', 1));
    const { rows } = await engine.db.pool.query<{ id: string }>(
      `INSERT INTO processes (workflow_id, workflow_name, status, intent_kind, intent_name, form_data, created_at, updated_at)
       SELECT id, name, 'created', $1, $2, $3::jsonb, now() - interval '1 hour', now() - interval '1 hour' FROM workflows WHERE name = 'reconcile_intent'
       RETURNING id`,
      [ref.kind, ref.name, JSON.stringify(ref)],
    );
    const id = rows[0]?.id ?? '';
    // Workers look for such processes when they start (and every recoveryIntervalMs).
    await engine.startWorker({ concurrency: 1 });
    const done = await waitForStatus(engine.service, id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(manufacturerSlugs()).toContain('orphan-0');
  });

  it('fails when the intent is not in the store', async () => {
    const p = await engine.service.startWorkflow('reconcile_intent', { kind: 'VendorSet', name: 'nowhere' });
    const done = await waitForStatus(engine.service, p.id, ['completed', 'failed']);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ step: 'resolve', transient: false });
    expect(done.error?.message).toMatch(/not in the intent store/);
  });
});

describe('starting workflows', () => {
  it('validates forms with field issues and names unknown workflows', async () => {
    const error = await engine.service.startWorkflow('reconcile_intent', { kind: 'Nope', name: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path).sort()).toEqual(['kind', 'name']);
    const unknown = await engine.service.startWorkflow('no_such', {}).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(WorkflowNotFoundError);
    expect((unknown as Error).message).toMatch(/reconcile_intent/);
    const bad = await engine.service.startWorkflow('task_import_device_types', { selected_vendor: 'x', device_type_filter: '(' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).issues[0]?.path).toBe('device_type_filter');
  });

  it('lists the workflows with their JSON Schema forms and steps', async () => {
    const list = await engine.service.listWorkflows();
    expect(list.map((w) => w.name)).toEqual([
      'apply_intents',
      'preview_library_upgrade',
      'reconcile_intent',
      'task_import_device_types',
      'task_import_vendors',
      'task_refresh_library',
    ]);
    const vendors = list.find((w) => w.name === 'task_import_vendors');
    expect(vendors?.formSchema).toMatchObject({ type: 'object', properties: { selected_vendors: { type: 'array', default: ['all'] } } });
    expect(vendors?.steps).toEqual(['resolve', 'snapshot', 'diff', 'apply', 'verify', 'record']);
    expect(list.find((w) => w.name === 'reconcile_intent')?.target).toBe('RECONCILE');
    expect(list.every((w) => typeof w.id === 'string')).toBe(true);
  });

  it('imports vendors and device types from the library through the import forms', async () => {
    const vendors = await engine.service.startWorkflow('task_import_vendors', { selected_vendors: ['Nabu Casa'] });
    expect(vendors.intent?.kind).toBe('VendorSet');
    const v = await waitForStatus(engine.service, vendors.id, ['completed', 'failed']);
    expect(v.status).toBe('completed');
    expect(manufacturerSlugs()).toContain('nabu-casa');
    expect(stepsNamed(v, 'record')[0]?.output).toMatchObject({ recorded: false });

    const types = await engine.service.startWorkflow('task_import_device_types', { selected_vendor: 'Nabu Casa', device_type_filter: 'Green' });
    const t = await waitForStatus(engine.service, types.id, ['completed', 'failed']);
    expect(t.status).toBe('completed');
    expect(t.form).toEqual({ selected_vendor: 'Nabu Casa', device_type_filter: 'Green' });
    expect(engine.nb.emulator.store.list('device-types').map((d) => d.model)).toContain('Home Assistant Green');
    expect(stepsNamed(t, 'verify')[0]?.output).toMatchObject({ converged: true });
  });

  it('refreshes the library and records its revision', async () => {
    const p = await engine.service.startWorkflow('task_refresh_library', {});
    const done = await waitForStatus(engine.service, p.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(done.steps[0]?.output).toMatchObject({ changed: false });
    expect(done.libraryRevision).toBe(done.steps[0]?.output.revision);
  });
});
