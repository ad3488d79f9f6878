import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driftHistory, listDrift, processOutcomes } from '../../../controller/workflow/index.ts';
import { putIntent, startEngine, vendorIntent, waitForStatus } from './helpers.ts';
import type { EngineFixture } from './helpers.ts';

let engine: EngineFixture;

beforeAll(async () => {
  engine = await startEngine();
  await engine.startWorker({ concurrency: 1 });
});
afterAll(async () => {
  await engine?.close();
});

async function history(name: string): Promise<{ counts: Record<string, number>; total: number; process_id: string | null }[]> {
  const { rows } = await engine.db.pool.query<{ counts: Record<string, number>; total: number; process_id: string | null }>(
    `SELECT h.counts, h.total, h.process_id FROM drift_history h JOIN intents i ON i.id = h.intent_id WHERE i.name = $1 ORDER BY h.recorded_at, h.id`,
    [name],
  );
  return rows;
}

/** The intent's drift rows counted by action, from the drift table itself. */
async function driftCounts(name: string): Promise<{ counts: Record<string, number>; total: number }> {
  const { rows } = await engine.db.pool.query<{ action: string; n: number }>(
    `SELECT d.action, count(*)::int AS n FROM drift d JOIN intents i ON i.id = d.intent_id WHERE i.name = $1 GROUP BY d.action`,
    [name],
  );
  return { counts: Object.fromEntries(rows.map((r) => [r.action, r.n])), total: rows.reduce((n, r) => n + r.n, 0) };
}

describe('drift history and reasons, as reconciles record them', () => {
  it('appends a history row only when the counts change, keeps reasons, and answers the time series and drift pages', async () => {
    const start = new Date(Date.now() - 1_000);
    const ref = await putIntent(engine.db, vendorIntent('hist', 2, { mode: 'observe' }));

    const first = await engine.service.startWorkflow('reconcile_intent', ref);
    await waitForStatus(engine.service, first.id, ['completed']);
    const firstCounts = await driftCounts('hist');
    // Two manufacturers and the ownership tags to create.
    expect(firstCounts.counts.create).toBeGreaterThanOrEqual(2);
    expect(await history('hist')).toEqual([{ ...firstCounts, process_id: first.id }]);

    // Same drift again: no new row.
    const same = await engine.service.startWorkflow('reconcile_intent', ref);
    await waitForStatus(engine.service, same.id, ['completed']);
    expect(await history('hist')).toHaveLength(1);
    const middle = new Date();

    // One vendor made by hand (without our tag): unmanaged, with the engine's reason.
    engine.nb.emulator.store.seed('manufacturers', [{ name: 'hist Vendor 0', slug: 'hist-0' }]);
    const third = await engine.service.startWorkflow('reconcile_intent', ref);
    await waitForStatus(engine.service, third.id, ['completed']);
    const rows = await history('hist');
    expect(rows).toHaveLength(2);
    const thirdCounts = await driftCounts('hist');
    expect(thirdCounts.counts).toEqual({ create: (firstCounts.counts.create ?? 0) - 1, unmanaged: 1 });
    expect(rows[1]).toEqual({ ...thirdCounts, process_id: third.id });
    const { rows: drift } = await engine.db.pool.query<{ identity: string; action: string; reason: string | null }>(
      `SELECT d.identity, d.action, d.reason FROM drift d JOIN intents i ON i.id = d.intent_id WHERE i.name = 'hist' ORDER BY d.identity`,
    );
    const byIdentity = new Map(drift.map((d) => [d.identity, d]));
    expect(byIdentity.get('hist-0')).toMatchObject({ action: 'unmanaged', reason: expect.any(String) });
    expect(byIdentity.get('hist-1')).toMatchObject({ action: 'create', reason: null });

    // The time series: before the first reconcile nothing; at the end the latest counts.
    const end = new Date(Date.now() + 1_000);
    const series = await driftHistory(engine.db.pool, { from: new Date(start.getTime() - 60_000), to: end, buckets: 4, name: 'hist' });
    expect(series).toHaveLength(4);
    expect(series[0]).toMatchObject({ total: 0, byAction: {} });
    expect(series[3]).toMatchObject({ total: thirdCounts.total, byAction: thirdCounts.counts });
    const atMiddle = await driftHistory(engine.db.pool, { from: start, to: middle, buckets: 1, name: 'hist' });
    expect(atMiddle[0]).toMatchObject({ total: firstCounts.total, byAction: firstCounts.counts });
    // A removed intent no longer counts after its removal.
    await engine.db.pool.query(`UPDATE intents SET status = 'removed', removed_at = now() WHERE name = 'hist'`);
    const afterRemoval = await driftHistory(engine.db.pool, { from: start, to: new Date(Date.now() + 5_000), buckets: 1, name: 'hist' });
    expect(afterRemoval[0]?.total).toBe(0);
    await engine.db.pool.query(`UPDATE intents SET status = 'active', removed_at = NULL WHERE name = 'hist'`);

    // Drift pages in (kind, identity) order with a cursor: every row once.
    const walked: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await listDrift(engine.db.pool, ref, { limit: 1, ...(cursor ? { cursor } : {}) });
      expect(page?.total).toBe(thirdCounts.total);
      walked.push(...(page?.items ?? []).map((d) => `${d.objectKind}:${d.identity}`));
      if (!page?.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(walked).toHaveLength(thirdCounts.total);
    expect(new Set(walked).size).toBe(walked.length);
    expect(walked).toEqual(expect.arrayContaining(['manufacturer:hist-0', 'manufacturer:hist-1']));
    expect((await listDrift(engine.db.pool, ref, { action: 'unmanaged' }))?.items.map((d) => d.identity)).toEqual(['hist-0']);
    expect(await listDrift(engine.db.pool, { kind: 'VendorSet', name: 'nope' })).toBeUndefined();
    await expect(listDrift(engine.db.pool, ref, { cursor: 'bogus' })).rejects.toThrow(/invalid cursor/);

    // The three reconciles as outcomes.
    const outcomes = await processOutcomes(engine.db.pool, { from: start, to: end, buckets: 2, workflow: 'reconcile_intent' });
    expect(outcomes.reduce((n, b) => n + (b.byStatus.completed ?? 0), 0)).toBe(3);
    expect(outcomes.map((b) => b.to)).toEqual([new Date((start.getTime() + end.getTime()) / 2).toISOString(), end.toISOString()]);
  });
});
