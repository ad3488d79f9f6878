import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BulkWriteError, NetBoxError } from '../../../controller/netbox/index.ts';
import type { NetBoxClient } from '../../../controller/netbox/index.ts';
import { caught } from './helpers.ts';
import { clientFor, served, startEmulator } from './emulator-helpers.ts';
import type { TestEmulator } from './emulator-helpers.ts';

const TEMPLATES = '/api/dcim/interface-templates/';
const MANUFACTURERS = '/api/dcim/manufacturers/';

describe('NetBox client bulk writes (emulator)', () => {
  let emu: TestEmulator;
  let deviceType: number;
  const clients: NetBoxClient[] = [];
  const make = (options: Parameters<typeof clientFor>[1] = {}): NetBoxClient => {
    const { client } = clientFor(emu, options);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    emu = await startEmulator({ port: 0 });
    const [m] = emu.store.seed('manufacturers', [{ name: 'Acme', slug: 'acme' }]);
    const [dt] = emu.store.seed('device-types', [{ manufacturer: Number(m?.id), model: 'A1', slug: 'acme-a1' }]);
    deviceType = Number(dt?.id);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    emu.resetStats();
  });
  afterAll(async () => {
    await emu.close();
  });

  it('creates, updates and deletes 1,200 templates in chunks of 500, results in input order', async () => {
    const client = make({ writeChunk: 500 });
    const items = Array.from({ length: 1200 }, (_, i) => ({ device_type: deviceType, name: `port${i}`, type: '10gbase-x-sfpp' }));
    const created = await client.bulkCreate('interface-templates', items);
    expect(created.map((c) => c.name)).toEqual(items.map((i) => i.name));
    expect(created.every((c) => c.type.value === '10gbase-x-sfpp')).toBe(true);
    expect(served(emu, `POST ${TEMPLATES}`)).toBe(3);

    const updated = await client.bulkUpdate(
      'interface-templates',
      created.map((c) => ({ id: c.id, label: `L-${c.name}` })),
    );
    expect(updated.map((u) => u.label)).toEqual(created.map((c) => `L-${c.name}`));
    expect(served(emu, `PATCH ${TEMPLATES}`)).toBe(3);

    await client.bulkDelete(
      'interface-templates',
      created.map((c) => c.id),
    );
    expect(served(emu, `DELETE ${TEMPLATES}`)).toBe(3);
    expect(await client.list('interface-templates', { device_type_id: deviceType })).toEqual([]);
  });

  it('writes nothing and sends nothing for an empty list', async () => {
    const client = make();
    expect(await client.bulkCreate('manufacturers', [])).toEqual([]);
    expect(emu.stats().requests.total).toBe(0);
  });

  it("surfaces NetBox's list-aligned errors of a rejected bulk POST", async () => {
    const client = make();
    const error = await caught(
      client.bulkCreate('manufacturers', [{ name: 'Sample Four', slug: 'sample-four' }, { name: 'Sample Five' } as unknown as { name: string; slug: string }]),
    );
    expect(error).toBeInstanceOf(BulkWriteError);
    const e = error as BulkWriteError;
    expect(e.status).toBe(400);
    expect(e.body).toEqual([{}, { slug: ['This field is required.'] }]);
    expect(e.itemErrors).toEqual([{ index: 1, errors: { slug: ['This field is required.'] } }]);
    expect(e.transient).toBe(false);
    expect(e.message).toContain('NetBox rejected POST /api/dcim/manufacturers/ (400): item 1: slug: This field is required.');
    // All or nothing: the valid first item was not created either.
    expect(emu.store.list('manufacturers').some((m) => m.slug === 'sample-four')).toBe(false);
  });

  it('maps a rejected chunk back to input indexes and says which chunks were written', async () => {
    const client = make({ writeChunk: 2, concurrency: 1 });
    const items: { name: string; slug: string }[] = [
      { name: 'Chunk A', slug: 'chunk-a' },
      { name: 'Chunk B', slug: 'chunk-b' },
      { name: 'Chunk C', slug: 'chunk-c' },
      { name: 'Chunk D' } as unknown as { name: string; slug: string },
      { name: 'Chunk E', slug: 'chunk-e' },
    ];
    const error = (await caught(client.bulkCreate('manufacturers', items))) as BulkWriteError;
    expect(error).toBeInstanceOf(BulkWriteError);
    expect(error.offset).toBe(2);
    expect(error.count).toBe(2);
    expect(error.itemErrors.map((i) => i.index)).toEqual([3]);
    expect(error.written).toEqual([{ offset: 0, count: 2 }]);
    expect(error.message).toMatch(/items 2–3 of 5/);
    // The third chunk never started once the second failed.
    expect(served(emu, `POST ${MANUFACTURERS}`)).toBe(2);
    const slugs = emu.store.list('manufacturers').map((m) => m.slug);
    expect(slugs).toEqual(expect.arrayContaining(['chunk-a', 'chunk-b']));
    expect(slugs).not.toContain('chunk-e');
  });

  it("puts NetBox's field message in a single create's error", async () => {
    const client = make();
    await client.create('manufacturers', { name: 'Sample Networks', slug: 'sample-networks' });
    const error = (await caught(client.create('manufacturers', { name: 'Sample Networks 2', slug: 'sample-networks' }))) as NetBoxError;
    expect(error).toBeInstanceOf(NetBoxError);
    expect(error.message).toBe('NetBox rejected POST /api/dcim/manufacturers/ (400): slug: manufacturer with this slug already exists.');
    expect(error.body).toEqual({ slug: ['manufacturer with this slug already exists.'] });
    expect(error).toMatchObject({ status: 400, method: 'POST', path: MANUFACTURERS, transient: false, attempts: 1 });
  });

  it('reports a protected delete as NetBox words it', async () => {
    const client = make();
    const [acme] = await client.list('manufacturers', { slug: 'acme' });
    const error = (await caught(client.delete('manufacturers', Number(acme?.id)))) as NetBoxError;
    expect(error.status).toBe(409);
    expect(error.message).toMatch(/^NetBox rejected DELETE \/api\/dcim\/manufacturers\/\d+\/ \(409\): Unable to delete object/);
  });
});
