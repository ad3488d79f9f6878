import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fixtures } from './fixtures.ts';
import type { Named, Page } from './fixtures.ts';
import { connectTarget } from './target.ts';
import type { Target } from './target.ts';

describe('contract: bulk create, update and delete', () => {
  let target: Target;
  let fx: Fixtures;

  beforeAll(async () => {
    target = await connectTarget();
    fx = new Fixtures(target);
  });
  afterAll(async () => {
    await fx?.cleanup();
    await target?.close();
  });

  it('creates a JSON list in one POST and answers 201 with the objects in order', async () => {
    const names = ['b1', 'b2', 'b3'].map((s) => fx.name(s));
    const created = await fx.createMany(
      '/api/dcim/manufacturers/',
      names.map((name) => ({ name, slug: name })),
    );
    expect(created.map((m) => m.name)).toEqual(names);
    expect(created.every((m) => typeof m.id === 'number' && String(m.url).endsWith(`/api/dcim/manufacturers/${m.id}/`))).toBe(true);
  });

  it('rejects a whole bulk create when one item is invalid, with list-aligned errors', async () => {
    const good = fx.name('good');
    const reply = await target.call<unknown[]>('POST', '/api/dcim/manufacturers/', [{ name: good, slug: good }, { name: fx.name('bad') }]);
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual([{}, { slug: ['This field is required.'] }]);
    const after = await target.call<Page>('GET', `/api/dcim/manufacturers/?slug=${good}`);
    expect(after.body.count).toBe(0);
  });

  it('updates a list of {id, ...} with one PATCH and answers 200 with the updated objects', async () => {
    const items = await fx.createMany(
      '/api/dcim/manufacturers/',
      ['u1', 'u2'].map((s) => ({ name: fx.name(s), slug: fx.name(s) })),
    );
    const reply = await target.call<Named[]>(
      'PATCH',
      '/api/dcim/manufacturers/',
      items.map((m) => ({ id: m.id, description: `described ${String(m.slug)}` })),
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toHaveLength(2);
    for (const item of items) {
      const fresh = await target.call<Named>('GET', `/api/dcim/manufacturers/${item.id}/`);
      expect(fresh.body.description).toBe(`described ${String(item.slug)}`);
    }
  });

  it('rolls back a bulk update when one object is invalid', async () => {
    const items = await fx.createMany(
      '/api/dcim/manufacturers/',
      ['r1', 'r2'].map((s) => ({ name: fx.name(s), slug: fx.name(s) })),
    );
    const reply = await target.call<Record<string, string[]>>('PATCH', '/api/dcim/manufacturers/', [
      { id: items[0]?.id, description: 'changed' },
      { id: items[1]?.id, slug: 'not a slug!' },
    ]);
    expect(reply.status).toBe(400);
    const first = await target.call<Named>('GET', `/api/dcim/manufacturers/${items[0]?.id}/`);
    expect(first.body.description).toBe('');
  });

  it('deletes a list of {id} with one DELETE (204)', async () => {
    const items = await fx.createMany(
      '/api/dcim/manufacturers/',
      ['d1', 'd2'].map((s) => ({ name: fx.name(s), slug: fx.name(s) })),
      { cascaded: true },
    );
    const reply = await target.call(
      'DELETE',
      '/api/dcim/manufacturers/',
      items.map((m) => ({ id: m.id })),
    );
    expect(reply.status).toBe(204);
    for (const item of items) expect((await target.call('GET', `/api/dcim/manufacturers/${item.id}/`)).status).toBe(404);
  });

  it('creates templates in bulk across device types with nested references', async () => {
    const manufacturer = await fx.manufacturer('bulk-mfr');
    const deviceType = await fx.deviceType(manufacturer, 'bulk-dt');
    const created = await fx.createMany(
      '/api/dcim/interface-templates/',
      [
        { device_type: deviceType.id, name: 'xe-0/0/0', type: '10gbase-x-sfpp' },
        { device_type: { slug: deviceType.slug }, name: 'xe-0/0/1', type: '10gbase-x-sfpp' },
      ],
      { cascaded: true },
    );
    expect(created.map((t) => (t.device_type as Named).id)).toEqual([deviceType.id, deviceType.id]);
  });
});
