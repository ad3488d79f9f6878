import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessDetail } from '../../../controller/workflow/index.ts';
import { putIntent, startEngine, vendorIntent, waitFor, waitForStatus } from './helpers.ts';
import type { EngineFixture } from './helpers.ts';

let engine: EngineFixture;

beforeAll(async () => {
  engine = await startEngine({ tuning: { applyChunkSize: 2, applyConcurrency: 1, busyRetryMs: 50 } });
  // Two workers, each able to run several jobs at once: only the intent lock keeps runs apart.
  await engine.startWorker({ concurrency: 3 });
  await engine.startWorker({ concurrency: 3 });
  engine.nb.emulator.setFaults({ latencyMs: 15 });
});
afterAll(async () => {
  await engine?.close();
});

/** [first step start, last step end] of each process, sorted by start. */
function runWindows(processes: readonly ProcessDetail[]): { id: string; start: number; end: number }[] {
  return processes
    .map((p) => ({
      id: p.id,
      start: Math.min(...p.steps.map((s) => Date.parse(s.startedAt ?? ''))),
      end: Math.max(...p.steps.map((s) => Date.parse(s.completedAt ?? ''))),
    }))
    .sort((a, b) => a.start - b.start);
}

async function processesOf(name: string): Promise<ProcessDetail[]> {
  const page = await engine.service.listProcesses({ intentKind: 'VendorSet', intentName: name, limit: 500 });
  return Promise.all(page.items.map(async (p) => (await engine.service.getProcess(p.id)) as ProcessDetail));
}

async function allFinished(name: string): Promise<ProcessDetail[]> {
  return waitFor(
    `every process of ${name} to finish`,
    async () => {
      const all = await processesOf(name);
      return all.length > 0 && all.every((p) => ['completed', 'failed', 'cancelled'].includes(p.status)) ? all : undefined;
    },
    60_000,
    100,
  );
}

describe('one reconcile per intent at a time', () => {
  it('merges concurrent requests into one queued process and one follow-up, and never overlaps runs', async () => {
    const ref = await putIntent(engine.db, vendorIntent('merge', 6));
    const burst = await Promise.all(Array.from({ length: 12 }, () => engine.service.requestReconcile(ref, { createdBy: 'controller', reason: 'burst' })));
    const firstIds = new Set(burst.map((p) => p.id));
    // All requests arrived before a worker started the process, or some after: never more than two processes.
    expect(firstIds.size).toBeLessThanOrEqual(2);
    expect(burst[0]?.state.reason).toBe('burst');
    expect(burst[0]?.createdBy).toBe('controller');

    const running = await waitFor('a running process', async () => (await processesOf('merge')).find((p) => p.status === 'running'));
    const during = await Promise.all(Array.from({ length: 12 }, () => engine.service.requestReconcile(ref)));
    const followUps = new Set(during.map((p) => p.id));
    const followUp = await engine.service.getProcess([...followUps][0] ?? '');
    if (followUp?.state.followUpOf === running.id) {
      // The usual case: one follow-up behind the running process, however many requests.
      expect(followUps.size).toBe(1);
    }
    expect(followUps.size).toBeLessThanOrEqual(2);

    const all = await allFinished('merge');
    expect(all.every((p) => p.status === 'completed')).toBe(true);
    const returned = new Set([...firstIds, ...followUps]);
    expect(new Set(all.map((p) => p.id))).toEqual(returned);
    expect(all.length).toBeLessThanOrEqual(4);
    const merged = all.reduce((n, p) => n + Number(p.state.mergedRequests ?? 0), 0);
    expect(merged + all.length).toBe(24);

    const windows = runWindows(all);
    for (let i = 1; i < windows.length; i++) expect(windows[i]?.start).toBeGreaterThanOrEqual(windows[i - 1]?.end ?? Infinity);
    expect(engine.nb.emulator.store.list('manufacturers').filter((m) => String(m.slug).startsWith('merge-'))).toHaveLength(6);
  });

  it('runs processes started directly for one intent one after another across two workers', async () => {
    const ref = await putIntent(engine.db, vendorIntent('direct', 4));
    const started = await Promise.all(Array.from({ length: 5 }, () => engine.service.startWorkflow('reconcile_intent', ref)));
    expect(new Set(started.map((p) => p.id)).size).toBe(5);
    await Promise.all(started.map((p) => waitForStatus(engine.service, p.id, ['completed', 'failed'], 60_000)));
    const all = await processesOf('direct');
    expect(all.map((p) => p.status)).toEqual(Array(5).fill('completed'));
    const windows = runWindows(all);
    for (let i = 1; i < windows.length; i++) expect(windows[i]?.start).toBeGreaterThanOrEqual(windows[i - 1]?.end ?? Infinity);
    // Only the first wrote; the others found nothing to do.
    const applied = all.map((p) => Number(p.steps.find((s) => s.name === 'apply')?.output.applied ?? 0));
    expect(applied.filter((n) => n > 0)).toHaveLength(1);
    const workers = new Set(all.flatMap((p) => p.steps.map((s) => s.input.worker)));
    expect(workers.size).toBeGreaterThanOrEqual(1);
  });
});
