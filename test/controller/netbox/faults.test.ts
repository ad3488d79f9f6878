import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BulkWriteError, CircuitOpenError, NetBoxError } from '../../../controller/netbox/index.ts';
import type { BreakerState, NetBoxClient, RequestEvent } from '../../../controller/netbox/index.ts';
import { caught, sleep } from './helpers.ts';
import { clientFor, served, startEmulator } from './emulator-helpers.ts';
import type { TestEmulator } from './emulator-helpers.ts';

const MANUFACTURERS = 'GET /api/dcim/manufacturers/';
const NO_BREAKER = { threshold: 1000, halfOpenAfterMs: 1000 };

describe('NetBox client under faults (emulator)', () => {
  let emu: TestEmulator;
  const clients: NetBoxClient[] = [];
  const make = (options: Parameters<typeof clientFor>[1] = {}): ReturnType<typeof clientFor> => {
    const made = clientFor(emu, { breaker: NO_BREAKER, maxRetries: 3, serverVersion: '4.5.10', ...options });
    clients.push(made.client);
    return made;
  };
  /** Clears every fault once `failures` attempts have failed, so a call fails that often and then succeeds. */
  const healAfter =
    (failures: number) =>
    (e: RequestEvent): void => {
      if (e.status === 'error' || e.status >= 400) failures -= 1;
      if (failures === 0) emu.setFaults({ errorRate: 0, dropRate: 0, latencyMs: 0, rateLimit: null, down: false });
    };

  beforeAll(async () => {
    emu = await startEmulator({ port: 0 });
    emu.store.seed('manufacturers', [{ name: 'Acme', slug: 'acme' }]);
  });
  afterEach(async () => {
    emu.setFaults({
      errorRate: 0,
      dropRate: 0,
      latencyMs: 0,
      rateLimit: null,
      down: false,
      errorStatuses: [500, 502, 503],
      commitThenTimeout: null,
      workers: 3,
      writeMsPerObject: 0,
    });
    await Promise.all(clients.splice(0).map((c) => c.close()));
    emu.resetStats();
  });
  afterAll(async () => {
    await emu.close();
  });

  for (const status of [502, 503, 504]) {
    it(`retries a ${status} and succeeds once NetBox recovers`, async () => {
      emu.setFaults({ errorRate: 1, errorStatuses: [status] });
      const { client, events } = make({ onRequest: healAfter(2) });
      const rows = await client.list('manufacturers');
      expect(rows.map((r) => r.slug)).toEqual(['acme']);
      expect(events.map((e) => e.status)).toEqual([status, status, 200]);
      expect(events.map((e) => e.attempt)).toEqual([1, 2, 3]);
      expect(served(emu, MANUFACTURERS)).toBe(3);
    });
  }

  it('gives up after maxRetries with a transient NetBoxError', async () => {
    emu.setFaults({ errorRate: 1, errorStatuses: [503] });
    const { client } = make({ maxRetries: 3 });
    const error = (await caught(client.list('manufacturers'))) as NetBoxError;
    expect(error).toBeInstanceOf(NetBoxError);
    expect(error).toMatchObject({ status: 503, transient: true, attempts: 4, kind: 'http' });
    expect(error.message).toContain('after 4 attempts');
    expect(served(emu, MANUFACTURERS)).toBe(4);
    expect(client.requestCount()).toBe(4);
  });

  it('retries a 500 on a read but not on a write', async () => {
    emu.setFaults({ errorRate: 1, errorStatuses: [500] });
    const { client } = make({ maxRetries: 2 });
    const write = (await caught(client.create('manufacturers', { name: 'X', slug: 'x' }))) as NetBoxError;
    expect(write).toMatchObject({ status: 500, transient: false, attempts: 1 });
    expect(served(emu, 'POST /api/dcim/manufacturers/')).toBe(1);
    const read = (await caught(client.list('manufacturers'))) as NetBoxError;
    expect(read).toMatchObject({ status: 500, transient: true, attempts: 3 });
    expect(served(emu, MANUFACTURERS)).toBe(3);
  });

  it('never retries a 400 validation error', async () => {
    const { client, events } = make();
    const error = (await caught(client.create('manufacturers', { name: 'Acme', slug: 'acme-2' }))) as NetBoxError;
    expect(error).toMatchObject({ status: 400, transient: false, attempts: 1 });
    expect(events).toHaveLength(1);
    expect(served(emu, 'POST /api/dcim/manufacturers/')).toBe(1);
  });

  it('honours Retry-After on a 429', async () => {
    const { client, events } = make();
    await client.list('manufacturers');
    // Every second request from now on starts a burst of one 429 with Retry-After: 1.
    emu.setFaults({ rateLimit: { every: 2, burst: 1, retryAfterSeconds: 1 } });
    await client.list('manufacturers');
    await client.list('manufacturers');
    const lists = events.filter((e) => e.endpoint === '/api/dcim/manufacturers/');
    expect(lists.map((e) => e.status)).toEqual([200, 200, 429, 200]);
    const [, , throttled, retried] = lists;
    // A lower bound set by the protocol, not a speed assertion; 5 ms of timer granularity allowed.
    expect((retried?.startedAt ?? 0) - (throttled?.endedAt ?? 0)).toBeGreaterThanOrEqual(1000 - 5);
  });

  it('retries a dropped connection', async () => {
    emu.setFaults({ dropRate: 1 });
    const { client, events } = make({ onRequest: healAfter(2) });
    expect(await client.list('manufacturers')).toHaveLength(1);
    expect(events.map((e) => e.status)).toEqual(['error', 'error', 200]);
  });

  it('reports a connection that keeps dropping as a transient connection error', async () => {
    emu.setFaults({ dropRate: 1 });
    const { client } = make({ maxRetries: 1 });
    const error = (await caught(client.list('manufacturers'))) as NetBoxError;
    expect(error).toMatchObject({ kind: 'connection', transient: true, attempts: 2, status: undefined });
    expect(error.message).toMatch(/did not answer GET \/api\/dcim\/manufacturers\//);
  });

  it('times out a slow answer and retries it', async () => {
    emu.setFaults({ latencyMs: 400 });
    const { client, events } = make({ timeoutMs: 100, onRequest: healAfter(1) });
    expect(await client.list('manufacturers')).toHaveLength(1);
    expect(events.map((e) => e.status)).toEqual(['error', 200]);
  });

  it('reports a request that keeps timing out as a timeout', async () => {
    emu.setFaults({ latencyMs: 400 });
    const { client } = make({ timeoutMs: 100, maxRetries: 1 });
    const error = (await caught(client.list('manufacturers'))) as NetBoxError;
    expect(error).toMatchObject({ kind: 'timeout', transient: true, attempts: 2 });
    expect(error.message).toContain('NETBOX_TIMEOUT');
  });

  it('never sends a write again whose answer was lost: NetBox committed it, the client reports the outcome as unknown', async () => {
    emu.setFaults({ commitThenTimeout: { rate: 1, max: 1, answerAfterMs: null } });
    const { client } = make({ timeoutMs: 300, maxRetries: 3 });
    const error = await caught(client.bulkCreate('tags', [{ name: 'Late', slug: 'late' }]));
    expect(error).toBeInstanceOf(BulkWriteError);
    expect(error).toMatchObject({ kind: 'timeout', outcomeUnknown: true, transient: false, attempts: 1 });
    expect((error as BulkWriteError).message).toMatch(/may have written these 1 object\(s\) anyway: read them back/);
    expect(served(emu, 'POST /api/extras/tags/')).toBe(1);
    expect(emu.store.list('tags').map((m) => m.slug)).toContain('late');
    expect(emu.stats().faultsInjected.committedThenTimedOut).toBe(1);
  });

  it('treats a gateway error on a write as an unknown outcome, not as a reason to resend', async () => {
    emu.setFaults({ errorRate: 1, errorStatuses: [502] });
    const { client } = make({ maxRetries: 3 });
    const error = await caught(client.bulkCreate('tags', [{ name: 'Gw', slug: 'gw' }]));
    expect(error).toMatchObject({ status: 502, outcomeUnknown: true, transient: false });
    expect(served(emu, 'POST /api/extras/tags/')).toBe(1);
  });

  it('queues requests beyond the workers; the wait counts against the timeout and the queued write still lands', async () => {
    // One worker, 150 ms per object written: the second POST waits 300 ms for the first.
    emu.setFaults({ workers: 1, writeMsPerObject: 150 });
    const { client } = make({ timeoutMs: 450, maxRetries: 0 });
    const first = client.bulkCreate('tags', [
      { name: 'q1', slug: 'q1' },
      { name: 'q2', slug: 'q2' },
    ]);
    const second = caught(
      client.bulkCreate('tags', [
        { name: 'q3', slug: 'q3' },
        { name: 'q4', slug: 'q4' },
      ]),
    );
    expect(await first).toHaveLength(2);
    expect(await second).toMatchObject({ kind: 'timeout', outcomeUnknown: true });
    expect(emu.stats().maxQueued).toBeGreaterThanOrEqual(1);
    // NetBox worked on it after the client gave up.
    for (let i = 0; i < 50 && !emu.store.list('tags').some((t) => t.slug === 'q4'); i++) await sleep(20);
    expect(emu.store.list('tags').map((t) => t.slug)).toEqual(expect.arrayContaining(['q1', 'q2', 'q3', 'q4']));
  });

  it('opens the breaker after repeated failures, fails fast without calling NetBox, and closes after a good probe', async () => {
    const states: BreakerState[] = [];
    const { client } = make({
      maxRetries: 0,
      breaker: { threshold: 3, halfOpenAfterMs: 300 },
      onBreakerStateChange: (s) => states.push(s),
    });
    emu.setFaults({ down: true });
    for (let i = 0; i < 3; i++) expect(await caught(client.list('manufacturers'))).toBeInstanceOf(NetBoxError);
    expect(client.breakerState()).toBe('open');
    const before = emu.stats().requests.total;
    const fast = await caught(client.list('manufacturers'));
    expect(fast).toBeInstanceOf(CircuitOpenError);
    expect(emu.stats().requests.total).toBe(before);
    expect(client.stats().find((s) => s.endpoint === '/api/dcim/manufacturers/')?.shortCircuited).toBe(1);

    // Still down when the probe goes out: the breaker opens again.
    await sleep(350);
    expect(await caught(client.list('manufacturers'))).toBeInstanceOf(NetBoxError);
    expect(client.breakerState()).toBe('open');

    emu.setFaults({ down: false });
    await sleep(350);
    expect(await client.list('manufacturers')).toHaveLength(1);
    expect(client.breakerState()).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });

  it('stops retrying as soon as the breaker opens', async () => {
    const { client } = make({ maxRetries: 10, breaker: { threshold: 3, halfOpenAfterMs: 60_000 } });
    emu.setFaults({ down: true });
    const error = await caught(client.list('manufacturers'));
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect((error as CircuitOpenError).cause).toBeInstanceOf(NetBoxError);
    expect(served(emu, MANUFACTURERS)).toBe(3);
  });

  it('with a budget, waits for the half-open probe instead of failing while the breaker is open (a 1.5 s outage is ridden out)', async () => {
    const states: BreakerState[] = [];
    const { client } = make({
      maxRetries: 2,
      retryBaseMs: 20,
      breaker: { threshold: 3, halfOpenAfterMs: 400 },
      waitForNetBoxMs: 10_000,
      onBreakerStateChange: (s) => states.push(s),
    });
    emu.setFaults({ downForMs: 1_500 });
    // Several calls at once: all wait; none fails, and NetBox is not hammered meanwhile.
    const lists = await Promise.all([client.list('manufacturers'), client.list('manufacturers'), client.list('manufacturers')]);
    for (const list of lists) expect(list).toHaveLength(1);
    expect(states[0]).toBe('open');
    expect(states.at(-1)).toBe('closed');
    // Failed attempts: three to open the breaker, then about one probe per 400 ms of the outage.
    expect(emu.stats().faultsInjected.down).toBeLessThan(15);
  });

  it('with a budget, gives up when it is spent: CircuitOpenError says how long it waited', async () => {
    const { client } = make({ maxRetries: 1, retryBaseMs: 20, breaker: { threshold: 2, halfOpenAfterMs: 200 }, waitForNetBoxMs: 1_000 });
    emu.setFaults({ down: true });
    const error = await caught(client.list('manufacturers'));
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect((error as CircuitOpenError).waitedMs).toBeGreaterThanOrEqual(1_000);
    expect((error as Error).message).toMatch(
      /^NetBox at http:\/\/127\.0\.0\.1:\d+ did not answer \(GET \/api\/dcim\/manufacturers\/\): waited 1 s for it to come back/,
    );
  });

  it('with a budget, does not wait out a 500 (a NetBox bug, not an outage)', async () => {
    const { client } = make({ maxRetries: 1, retryBaseMs: 20, breaker: { threshold: 100, halfOpenAfterMs: 200 }, waitForNetBoxMs: 60_000 });
    emu.setFaults({ errorRate: 1, errorStatuses: [500] });
    const error = await caught(client.list('manufacturers'));
    expect(error).toMatchObject({ status: 500 });
    expect(served(emu, MANUFACTURERS)).toBe(2);
  });

  it('does not count 429s towards opening the breaker', async () => {
    const { client } = make({ maxRetries: 4, maxRetryAfterMs: 0, breaker: { threshold: 2, halfOpenAfterMs: 60_000 } });
    // The first request passes; the second starts a burst of three 429s.
    emu.setFaults({ rateLimit: { every: 2, burst: 3, retryAfterSeconds: 0 } });
    expect(await client.list('manufacturers')).toHaveLength(1);
    expect(await client.list('manufacturers')).toHaveLength(1);
    expect(served(emu, MANUFACTURERS)).toBe(5);
    expect(client.breakerState()).toBe('closed');
  });
});
