// Issue 13 item 4: a worker's process waits out a NetBox outage (status `waiting`, visible in the
// API with what it waits for) and completes when NetBox is back; past NETBOX_OUTAGE_BUDGET it
// fails saying what it waited for and how long. Short budgets and backoffs keep it in seconds:
// the 4 s outage stands for the 40 s one, the 2 s budget for 15 minutes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideOutage, resolveTuning } from '../../../controller/engine/index.ts';
import type { ProcessRow } from '../../../controller/store/index.ts';
import { isNetBoxOutage, NETBOX_OUTAGE } from '../../../controller/workflow/index.ts';
import type { ProcessDetail } from '../../../controller/workflow/index.ts';
import { CircuitOpenError, NetBoxError } from '../../../controller/netbox/index.ts';
import { putIntent, startEngine, vendorIntent, waitForStatus } from './helpers.ts';
import type { EngineFixture } from './helpers.ts';

/** A client as a worker has one: a breaker that opens, probes every second, and a short wait inside a step. */
const CLIENT = { maxRetries: 2, breaker: { threshold: 3, halfOpenAfterMs: 1_000 }, waitForNetBoxMs: 1_000 };

describe('a worker process during a NetBox outage', () => {
  let engine: EngineFixture;
  beforeAll(async () => {
    engine = await startEngine({ client: CLIENT, tuning: { attempts: 2, backoffMs: 200, outageMaxDelayMs: 1_000, outageBudgetMs: 30_000 } });
    await engine.startWorker();
    // One process first, so that the outage below meets NetBox calls, not the library's first parse.
    const warm = await engine.service.startWorkflow('reconcile_intent', await putIntent(engine.db, vendorIntent('warm-up', 1)));
    await waitForStatus(engine.service, warm.id, ['completed', 'failed'], 60_000);
  }, 90_000);
  afterAll(async () => {
    await engine?.close();
  });

  it('goes waiting (saying what for) during a 4 s outage, then completes with every object written once', async () => {
    const ref = await putIntent(engine.db, vendorIntent('outage', 3));
    engine.nb.emulator.setFaults({ downForMs: 4_000 });
    const started = await engine.service.startWorkflow('reconcile_intent', ref);
    const waiting = await waitForStatus(engine.service, started.id, ['waiting', 'failed', 'completed'], 20_000);
    expect(waiting.status).toBe('waiting');
    expect(waiting.error).toMatchObject({ code: 'netbox_outage', transient: true });
    expect(waiting.error?.message).toMatch(
      /^waiting for NetBox to answer again \(down or unreachable since \d\d:\d\d:\d\d UTC\): next try at \d\d:\d\d:\d\d UTC, giving up at \d\d:\d\d:\d\d UTC \(NETBOX_OUTAGE_BUDGET 30 s\)\. Last error: /,
    );
    expect(waiting.state.netboxOutage).toMatchObject({ tries: 1, budgetMs: 30_000 });

    const done: ProcessDetail = await waitForStatus(engine.service, started.id, ['completed', 'failed'], 30_000);
    expect(done.error).toBeNull();
    expect(done.status).toBe('completed');
    expect(done.steps.some((s) => s.status === 'failed')).toBe(true);
    expect(engine.nb.emulator.stats().faultsInjected.down).toBeGreaterThan(0);
    expect(engine.nb.emulator.store.list('manufacturers').filter((m) => String(m.slug).startsWith('outage-'))).toHaveLength(3);
    // Every change audited once: the three manufacturers (and the intent's ownership tag).
    const audit = (await engine.service.listAudit({ processId: started.id, limit: 100 })).items;
    expect(
      audit
        .filter((a) => a.objectKind === 'manufacturer')
        .map((a) => a.objectIdentity)
        .sort(),
    ).toEqual(['outage-0', 'outage-1', 'outage-2']);
    expect(new Set(audit.map((a) => `${a.objectKind}:${a.objectIdentity}`)).size).toBe(audit.length);
  }, 60_000);
});

describe('a worker process when NetBox stays down past NETBOX_OUTAGE_BUDGET', () => {
  let engine: EngineFixture;
  beforeAll(async () => {
    engine = await startEngine({ client: CLIENT, tuning: { attempts: 2, backoffMs: 200, outageMaxDelayMs: 500, outageBudgetMs: 2_000 } });
    await engine.startWorker();
  });
  afterAll(async () => {
    engine?.nb.emulator.setFaults({ down: false });
    await engine?.close();
  });

  it('fails with a message saying what it waited for and how long (not lost, not waiting forever)', async () => {
    const ref = await putIntent(engine.db, vendorIntent('long-outage', 1));
    engine.nb.emulator.setFaults({ down: true });
    const started = await engine.service.startWorkflow('reconcile_intent', ref);
    const done = await waitForStatus(engine.service, started.id, ['completed', 'failed'], 30_000);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ code: 'netbox_outage', transient: false, step: 'snapshot' });
    expect(done.error?.message).toMatch(
      /^gave up waiting for NetBox: it was down or unreachable for \d+ s \(from \d\d:\d\d:\d\d to \d\d:\d\d:\d\d UTC, \d+ tries of step snapshot; NETBOX_OUTAGE_BUDGET is 2 s\)\. Last error: .*NetBox/,
    );
    expect(done.steps.filter((s) => s.name === 'snapshot').length).toBeGreaterThanOrEqual(2);
  }, 60_000);
});

describe('outage decisions', () => {
  const tuning = resolveTuning({ backoffMs: 1_000, outageBudgetMs: 60_000, outageMaxDelayMs: 8_000 });
  const described = {
    type: 'NetBoxError',
    code: 'netbox_error',
    message: 'NetBox failed GET /api/status/ (503)',
    transient: true,
    step: 'snapshot',
    details: null,
  };
  const rowWith = (state: Record<string, unknown>): ProcessRow => ({ state }) as unknown as ProcessRow;

  it('counts consecutive failed attempts of one step as one outage, with doubling delays up to the cap and the budget', () => {
    const t0 = Date.parse('2026-01-01T10:00:00Z');
    const first = decideOutage(NETBOX_OUTAGE, rowWith({}), 1, 1, described, tuning, t0);
    expect(first).toMatchObject({ kind: 'wait', delayMs: 1_000 });
    let state = first.state;
    const delays = [1_000];
    for (let attempt = 2; attempt <= 6; attempt++) {
      const next = decideOutage(NETBOX_OUTAGE, rowWith(state), 1, attempt, described, tuning, t0 + attempt * 1_000);
      expect(next.kind).toBe('wait');
      delays.push(next.kind === 'wait' ? next.delayMs : -1);
      state = next.state;
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
    // The last try runs when the budget ends; after it, give up.
    expect(decideOutage(NETBOX_OUTAGE, rowWith(state), 1, 7, described, tuning, t0 + 59_000)).toMatchObject({ kind: 'wait', delayMs: 1_000 });
    expect(decideOutage(NETBOX_OUTAGE, rowWith(state), 1, 7, described, tuning, t0 + 60_000).kind).toBe('give-up');
    // Another step (or a later outage after a success) starts a new budget.
    expect(decideOutage(NETBOX_OUTAGE, rowWith(state), 2, 1, described, tuning, t0 + 120_000)).toMatchObject({ kind: 'wait', delayMs: 1_000 });
  });

  it('treats NetBox down or unreachable as an outage, not its 500s, 429s or refusals', () => {
    const e = (status: number | undefined, kind: 'http' | 'connection' | 'timeout', method = 'GET'): NetBoxError =>
      new NetBoxError({
        method,
        path: '/api/x/',
        endpoint: '/api/x/',
        kind,
        status,
        transient: status === undefined || [502, 503, 504, 429].includes(status),
        attempts: 1,
      });
    expect(isNetBoxOutage(new CircuitOpenError('http://nb', 1_000, 'GET', '/api/x/'))).toBe(true);
    expect(isNetBoxOutage(e(503, 'http'))).toBe(true);
    expect(isNetBoxOutage(e(undefined, 'connection'))).toBe(true);
    expect(isNetBoxOutage(e(500, 'http'))).toBe(false);
    expect(isNetBoxOutage(e(429, 'http'))).toBe(false);
    expect(isNetBoxOutage(e(400, 'http'))).toBe(false);
    expect(isNetBoxOutage(new Error('x', { cause: e(503, 'http') }))).toBe(true);
  });
});
