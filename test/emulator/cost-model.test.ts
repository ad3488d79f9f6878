import { afterEach, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../emulator/http/cost-model.ts';
import { startEmulator } from '../../emulator/index.ts';
import type { Emulator } from '../../emulator/index.ts';
import { call, seedType } from './helpers.ts';

describe('emulator cost model: worker pool', () => {
  it('never runs more work at once than it has workers and sums the occupancy', async () => {
    const pool = new WorkerPool(2);
    let running = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        pool.run(() => {
          running += 1;
          most = Math.max(most, running);
          setTimeout(() => (running -= 1), 15);
          return { result: null, costMs: 15 };
        }),
      ),
    );
    expect(pool.busyMs).toBe(90);
    expect(pool.maxBusy).toBe(2);
    expect(most).toBeLessThanOrEqual(2);
    expect(pool.maxQueued).toBe(4);
  });

  it('lets waiting work start when the pool grows', async () => {
    const pool = new WorkerPool(1);
    const order: number[] = [];
    const jobs = [1, 2, 3].map((n) =>
      pool.run(() => {
        order.push(n);
        return { result: n, costMs: 20 };
      }),
    );
    pool.resize(3);
    expect(await Promise.all(jobs)).toEqual([1, 2, 3]);
    expect(pool.maxBusy).toBe(3);
    expect(order).toEqual([1, 2, 3]);
  });
});

describe('emulator cost model over HTTP', () => {
  let emu: Emulator;
  afterEach(async () => {
    await emu?.close();
  });

  it('charges latency per request and write cost per object, on a bounded number of workers', async () => {
    emu = await startEmulator({ latencyMs: 30, writeMsPerObject: 2, workers: 2 });
    const { deviceType } = seedType(emu);
    const created = await call<unknown[]>(
      emu,
      'POST',
      '/api/dcim/interface-templates/',
      Array.from({ length: 20 }, (_, i) => ({ device_type: deviceType, name: `eth${i}`, type: '1000base-t' })),
    );
    expect(created.status).toBe(201);
    expect(emu.stats().busyMs).toBe(30 + 20 * 2);
    expect(emu.stats().objectsWritten).toBe(20);
    await Promise.all(Array.from({ length: 6 }, () => call(emu, 'GET', '/api/dcim/manufacturers/')));
    const stats = emu.stats();
    expect(stats.busyMs).toBe(70 + 6 * 30);
    expect(stats.workers).toBe(2);
    expect(stats.maxBusyWorkers).toBe(2);
    expect(stats.requests.total).toBe(7);
  });

  it('charges reads per object when asked to, and reports busy time in /_emulator/stats', async () => {
    emu = await startEmulator({ readMsPerObject: 1 });
    const { deviceType } = seedType(emu);
    emu.store.seed(
      'interface-templates',
      Array.from({ length: 30 }, (_, i) => ({ device_type: deviceType, name: `eth${i}`, type: '1000base-t' })),
    );
    await call(emu, 'GET', '/api/dcim/interface-templates/?limit=25');
    const stats = (await call<{ busyMs: number; objectsRead: number }>(emu, 'GET', '/_emulator/stats', undefined, null)).body;
    expect(stats.busyMs).toBe(25);
    expect(stats.objectsRead).toBe(25);
  });

  it('changes latency and workers at run time through setFaults', async () => {
    emu = await startEmulator();
    emu.setFaults({ latencyMs: 40, workers: 1 });
    await Promise.all([call(emu, 'GET', '/api/status/'), call(emu, 'GET', '/api/status/'), call(emu, 'GET', '/api/status/')]);
    const stats = emu.stats();
    expect(stats.busyMs).toBe(120);
    expect(stats.maxBusyWorkers).toBe(1);
    expect(stats.maxQueued).toBeGreaterThanOrEqual(1);
  });
});
