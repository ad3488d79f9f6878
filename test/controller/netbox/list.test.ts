import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FilterIgnoredError } from '../../../controller/netbox/index.ts';
import type { NetBoxClient } from '../../../controller/netbox/index.ts';
import { caught } from './helpers.ts';
import { clientFor, served, startEmulator } from './emulator-helpers.ts';
import type { TestEmulator, TimedEvent } from './emulator-helpers.ts';

const LIST = 'GET /api/dcim/interface-templates/';

interface Seeded {
  manufacturerId: number;
  deviceTypeIds: [number, number];
}

/** One manufacturer, two device types; 2,500 interface templates on the first, 300 on the second. */
function seed(emu: TestEmulator): Seeded {
  const [m] = emu.store.seed('manufacturers', [
    { name: 'Acme', slug: 'acme' },
    { name: 'Other', slug: 'other' },
  ]);
  const manufacturerId = Number(m?.id);
  const types = emu.store.seed('device-types', [
    { manufacturer: manufacturerId, model: 'A1', slug: 'acme-a1' },
    { manufacturer: manufacturerId, model: 'A2', slug: 'acme-a2' },
  ]);
  const [a, b] = types.map((t) => Number(t.id)) as [number, number];
  const templates = (deviceType: number, n: number): { device_type: number; name: string; type: string }[] =>
    Array.from({ length: n }, (_, i) => ({ device_type: deviceType, name: `eth${i}`, type: '1000base-t' }));
  emu.store.seed('interface-templates', templates(a, 2500));
  emu.store.seed('interface-templates', templates(b, 300));
  return { manufacturerId, deviceTypeIds: [a, b] };
}

function overlapping(events: readonly TimedEvent[]): boolean {
  return events.some((x, i) => events.some((y, j) => i !== j && x.startedAt < y.endedAt && y.startedAt < x.endedAt));
}

describe('NetBox client reads (emulator 4.5)', () => {
  let emu: TestEmulator;
  let data: Seeded;
  const clients: NetBoxClient[] = [];
  const make = (options: Parameters<typeof clientFor>[1] = {}): ReturnType<typeof clientFor> => {
    const made = clientFor(emu, options);
    clients.push(made.client);
    return made;
  };

  beforeAll(async () => {
    emu = await startEmulator({ port: 0 });
    data = seed(emu);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    emu.setFaults({ latencyMs: 0 });
    emu.resetStats();
  });
  afterAll(async () => {
    await emu.close();
  });

  it('pages through more than 1000 objects with several pages in flight', async () => {
    emu.setFaults({ latencyMs: 40 });
    const { client, events } = make();
    const rows = await client.list('interface-templates', { device_type_id: data.deviceTypeIds[0] });
    expect(rows).toHaveLength(2500);
    expect(new Set(rows.map((r) => r.id)).size).toBe(2500);
    expect(rows.every((r) => r.device_type?.id === data.deviceTypeIds[0])).toBe(true);
    // 2,500 objects at 1,000 per page: three pages, no more.
    expect(served(emu, LIST)).toBe(3);
    expect(client.stats().find((s) => s.method === 'GET' && s.endpoint === '/api/dcim/interface-templates/')?.requests).toBe(3);
    // Pages two and three are asked for together once the first page gave the count.
    const pages = events.filter((e) => e.endpoint === '/api/dcim/interface-templates/');
    expect(overlapping(pages.slice(1))).toBe(true);
  });

  it('adapts to a server whose MAX_PAGE_SIZE is below the page size asked for', async () => {
    const small = await startEmulator({ port: 0, maxPageSize: 400 });
    try {
      const seeded = seed(small);
      const { client } = clientFor(small, { pageSize: 1000 });
      clients.push(client);
      const rows = await client.list('interface-templates', { device_type_id: seeded.deviceTypeIds[0] });
      expect(new Set(rows.map((r) => r.id)).size).toBe(2500);
      expect(served(small, LIST)).toBe(Math.ceil(2500 / 400));
    } finally {
      await small.close();
    }
  });

  it('applies name, slug, manufacturer and id filters and checks the results', async () => {
    const { client } = make();
    const eth7 = await client.list('interface-templates', { device_type_id: data.deviceTypeIds, name: 'eth7' });
    expect(eth7.map((r) => r.device_type?.id).sort()).toEqual([...data.deviceTypeIds].sort());
    const types = await client.list('device-types', { manufacturer: 'acme' });
    expect(types.map((t) => t.model).sort()).toEqual(['A1', 'A2']);
    const byId = await client.list('device-types', { manufacturer_id: data.manufacturerId, slug: ['acme-a2'] });
    expect(byId.map((t) => t.slug)).toEqual(['acme-a2']);
    expect(await client.list('manufacturers', { id: [] })).toEqual([]);
  });

  it('splits a long id list across several requests so URLs stay short', async () => {
    const { client } = make();
    const all = await client.list('interface-templates', { device_type_id: data.deviceTypeIds[0] }, { brief: true });
    emu.resetStats();
    const ids = all.map((r) => r.id);
    const again = await client.list('interface-templates', { id: ids });
    expect(new Set(again.map((r) => r.id))).toEqual(new Set(ids));
    expect(served(emu, LIST)).toBeGreaterThan(1);
  });

  it('keeps brief reads checkable: templates carry their device type', async () => {
    const { client } = make();
    const rows = await client.list('interface-templates', { device_type_id: data.deviceTypeIds[1] }, { brief: true });
    expect(rows).toHaveLength(300);
    expect(rows.every((r) => r.device_type?.id === data.deviceTypeIds[1] && typeof r.name === 'string')).toBe(true);
  });

  it('stops after the first page when NetBox ignores a filter name (client thinks 4.0, server is 4.5)', async () => {
    const { client } = make({ serverVersion: '4.0.11' });
    const error = await caught(client.list('interface-templates', { device_type_id: data.deviceTypeIds[1] }));
    expect(error).toBeInstanceOf(FilterIgnoredError);
    expect(error).toMatchObject({ filter: 'device_type_id', sentAs: 'devicetype_id', serverVersion: '4.0.11' });
    expect((error as Error).message).toContain('devicetype_id');
    expect(served(emu, LIST)).toBe(1);
  });
});

describe('NetBox client reads on older versions', () => {
  it('uses devicetype_id on a 4.0 server it detected itself', async () => {
    const emu = await startEmulator({ port: 0, version: '4.0' });
    const { client } = clientFor(emu);
    try {
      const data = seed(emu);
      expect((await client.status()).minor).toBe(0);
      const rows = await client.list('interface-templates', { device_type_id: data.deviceTypeIds[1] });
      expect(rows).toHaveLength(300);
    } finally {
      await client.close();
      await emu.close();
    }
  });

  it('detects a 3.7 server ignoring device_type_id when told it is 4.1', async () => {
    const emu = await startEmulator({ port: 0, version: '3.7' });
    const { client } = clientFor(emu, { serverVersion: '4.1.0' });
    try {
      const data = seed(emu);
      const error = await caught(client.list('interface-templates', { device_type_id: data.deviceTypeIds[1] }, { brief: true }));
      expect(error).toBeInstanceOf(FilterIgnoredError);
      expect(error).toMatchObject({ sentAs: 'device_type_id', serverVersion: '4.1.0' });
      expect(served(emu, LIST)).toBe(1);
    } finally {
      await client.close();
      await emu.close();
    }
  });
});
