import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_FAULTS, FaultConfigError, startEmulator } from '../../emulator/index.ts';
import type { Emulator } from '../../emulator/index.ts';
import { call } from './helpers.ts';

describe('emulator fault switches', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(async () => {
    await emu.close();
  });
  beforeEach(() => {
    emu.setFaults({ ...DEFAULT_FAULTS });
    emu.resetStats();
  });

  it('answers every request with the configured error statuses in turn at errorRate 1', async () => {
    emu.setFaults({ errorRate: 1 });
    const replies = [];
    for (let i = 0; i < 6; i += 1) replies.push(await call<{ exception?: string }>(emu, 'GET', '/api/dcim/manufacturers/'));
    expect(replies.map((r) => r.status)).toEqual([500, 502, 503, 500, 502, 503]);
    expect(emu.stats().faultsInjected.errors).toBe(6);
    expect(replies[0]?.body.exception).toBeDefined();
    expect(replies[1]?.headers.get('content-type')).toContain('text/html');
  });

  it('changes nothing when a write is answered with an injected error', async () => {
    emu.setFaults({ errorRate: 1, errorStatuses: [503] });
    expect((await call(emu, 'POST', '/api/dcim/manufacturers/', { name: 'Ghost', slug: 'ghost' })).status).toBe(503);
    emu.setFaults({ errorRate: 0 });
    expect(emu.store.list('manufacturers').map((m) => m.slug)).not.toContain('ghost');
  });

  it('throttles every Nth request with a burst of 429s carrying Retry-After', async () => {
    emu.setFaults({ rateLimit: { every: 3, burst: 2, retryAfterSeconds: 2 } });
    const replies = [];
    for (let i = 0; i < 7; i += 1) replies.push(await call<{ detail: string }>(emu, 'GET', '/api/status/'));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 429, 429, 200, 200, 429]);
    expect(replies[2]?.headers.get('retry-after')).toBe('2');
    expect(replies[2]?.body).toEqual({ detail: 'Request was throttled. Expected available in 2 seconds.' });
    expect(emu.stats().faultsInjected.rateLimited).toBe(3);
  });

  it('destroys the connection without an answer at dropRate 1', async () => {
    emu.setFaults({ dropRate: 1 });
    await expect(fetch(`${emu.url}/api/status/`, { headers: { authorization: `Token ${emu.token}` } })).rejects.toThrow();
    expect(emu.stats().faultsInjected.dropped).toBe(1);
    emu.setFaults({ dropRate: 0 });
    expect((await call(emu, 'GET', '/api/status/')).status).toBe(200);
  });

  it('has outages of a given length (downForMs): down until it ends, then up by itself', async () => {
    emu.setFaults({ downForMs: 300 });
    expect(emu.faults().down).toBe(true);
    expect(emu.faults().downForMs).toBeGreaterThan(0);
    expect((await call(emu, 'GET', '/api/status/')).status).toBe(503);
    await new Promise((r) => setTimeout(r, 350));
    expect((await call(emu, 'GET', '/api/status/')).status).toBe(200);
    expect(emu.faults()).toMatchObject({ down: false, downForMs: null });
    // Setting `down` ends an outage early.
    emu.setFaults({ downForMs: 60_000 });
    emu.setFaults({ down: false });
    expect((await call(emu, 'GET', '/api/status/')).status).toBe(200);
    expect(() => emu.setFaults({ downForMs: -1 })).toThrow(/downForMs must be null or a number of milliseconds/);
  });

  it('goes down (503 or dropped connections) and comes back up', async () => {
    emu.setFaults({ down: true });
    expect((await call(emu, 'GET', '/api/status/')).status).toBe(503);
    emu.setFaults({ downMode: 'drop' });
    await expect(fetch(`${emu.url}/api/status/`)).rejects.toThrow();
    emu.setFaults({ down: false });
    expect((await call(emu, 'GET', '/api/status/')).status).toBe(200);
    expect(emu.stats().faultsInjected.down).toBe(2);
  });

  it('keeps the control endpoints out of the faults and switches faults over HTTP', async () => {
    const set = await call<{ errorRate: number }>(emu, 'POST', '/_emulator/faults', { errorRate: 1, errorStatuses: [502] }, null);
    expect(set.status).toBe(200);
    expect(set.body.errorRate).toBe(1);
    expect((await call(emu, 'GET', '/api/status/')).status).toBe(502);
    expect((await call(emu, 'GET', '/_emulator/stats', undefined, null)).status).toBe(200);
    const invalid = await call<{ detail: string }>(emu, 'POST', '/_emulator/faults', { errorRate: 2 }, null);
    expect(invalid.status).toBe(400);
    expect(invalid.body.detail).toMatch(/errorRate/);
    expect(emu.faults().errorRate).toBe(1);
  });

  it('refuses invalid settings from code with a named error', () => {
    expect(() => emu.setFaults({ workers: 0 })).toThrow(FaultConfigError);
    expect(() => emu.setFaults({ rateLimit: { every: 0, burst: 1, retryAfterSeconds: 1 } })).toThrow(/rateLimit/);
  });

  it('adds fixed latency per request to the busy time', async () => {
    emu.setFaults({ latencyMs: 25 });
    await call(emu, 'GET', '/api/status/');
    await call(emu, 'GET', '/api/status/');
    expect(emu.stats().busyMs).toBe(50);
  });

  it('counts requests per method and endpoint and resets them', async () => {
    await call(emu, 'GET', '/api/dcim/manufacturers/');
    await call(emu, 'GET', '/api/dcim/manufacturers/99/');
    await call(emu, 'DELETE', '/api/dcim/manufacturers/', []);
    const stats = emu.stats();
    expect(stats.requests.byMethod).toEqual({ GET: 2, DELETE: 1 });
    expect(stats.requests.byEndpoint).toEqual({
      'GET /api/dcim/manufacturers/': 1,
      'GET /api/dcim/manufacturers/{id}/': 1,
      'DELETE /api/dcim/manufacturers/': 1,
    });
    expect(stats.requests.byStatus).toEqual({ '200': 1, '404': 1, '204': 1 });
    expect((await call(emu, 'POST', '/_emulator/reset?stats_only=1', undefined, null)).status).toBe(200);
    expect(emu.stats().requests.total).toBe(0);
  });
});
