import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fixtures } from './fixtures.ts';
import type { Named, Page } from './fixtures.ts';
import { atLeast, connectTarget } from './target.ts';
import type { Target } from './target.ts';

describe('contract: filters', () => {
  let target: Target;
  let fx: Fixtures;
  let manufacturer: Named;
  let other: Named;
  let first: Named;
  let second: Named;
  let third: Named;
  let deviceTypeFilter: string;
  let staleFilter: string;

  beforeAll(async () => {
    target = await connectTarget();
    fx = new Fixtures(target);
    manufacturer = await fx.manufacturer('acme');
    other = await fx.manufacturer('other');
    first = await fx.deviceType(manufacturer, 'one', { part_number: 'PN-ONE' });
    second = await fx.deviceType(manufacturer, 'two');
    third = await fx.deviceType(other, 'three');
    deviceTypeFilter = atLeast(target, '4.1') ? 'device_type_id' : 'devicetype_id';
    staleFilter = atLeast(target, '4.1') ? 'devicetype_id' : 'device_type_id';
    await fx.createMany('/api/dcim/interface-templates/', [
      { device_type: first.id, name: 'eth1', type: '1000base-t' },
      { device_type: first.id, name: 'eth2', type: '10gbase-x-sfpp', description: 'uplink' },
      { device_type: second.id, name: 'eth1', type: '1000base-t' },
      { device_type: third.id, name: 'mgmt0', type: '1000base-t', mgmt_only: true },
    ]);
  });
  afterAll(async () => {
    await fx?.cleanup();
    await target?.close();
  });

  const ids = (page: Page): number[] => page.results.map((r) => r.id).sort((a, b) => a - b);

  it('ORs repeated id parameters', async () => {
    const reply = await target.call<Page>('GET', `/api/dcim/device-types/?id=${first.id}&id=${third.id}`);
    expect(reply.status).toBe(200);
    expect(ids(reply.body)).toEqual([first.id, third.id].sort((a, b) => a - b));
  });

  it('filters device types by manufacturer slug and by manufacturer id', async () => {
    const bySlug = await target.call<Page>('GET', `/api/dcim/device-types/?manufacturer=${manufacturer.slug as string}`);
    expect(ids(bySlug.body)).toEqual([first.id, second.id].sort((a, b) => a - b));
    const byId = await target.call<Page>('GET', `/api/dcim/device-types/?manufacturer_id=${other.id}`);
    expect(ids(byId.body)).toEqual([third.id]);
    const both = await target.call<Page>('GET', `/api/dcim/device-types/?manufacturer_id=${manufacturer.id}&manufacturer_id=${other.id}`);
    expect(both.body.count).toBe(3);
  });

  it('filters by slug, model and a q search', async () => {
    const bySlug = await target.call<Page>('GET', `/api/dcim/device-types/?slug=${second.slug as string}`);
    expect(ids(bySlug.body)).toEqual([second.id]);
    const byModel = await target.call<Page>('GET', `/api/dcim/device-types/?model=${encodeURIComponent(String(first.model))}`);
    expect(ids(byModel.body)).toEqual([first.id]);
    const search = await target.call<Page>('GET', `/api/dcim/device-types/?q=pn-one`);
    expect(ids(search.body)).toContain(first.id);
    expect(ids(search.body)).not.toContain(second.id);
  });

  it("filters templates by their device type with this version's filter name", async () => {
    const reply = await target.call<Page>('GET', `/api/dcim/interface-templates/?${deviceTypeFilter}=${first.id}`);
    expect(reply.body.count).toBe(2);
    expect(reply.body.results.every((r) => (r.device_type as Named).id === first.id)).toBe(true);
    const two = await target.call<Page>('GET', `/api/dcim/interface-templates/?${deviceTypeFilter}=${first.id}&${deviceTypeFilter}=${second.id}`);
    expect(two.body.count).toBe(3);
  });

  it('ignores a filter name the version does not know and answers with everything', async () => {
    const all = await target.call<Page>('GET', '/api/dcim/interface-templates/?limit=1');
    const stale = await target.call<Page>('GET', `/api/dcim/interface-templates/?${staleFilter}=${first.id}&limit=1`);
    expect(stale.status).toBe(200);
    expect(stale.body.count).toBe(all.body.count);
    expect(stale.body.count).toBeGreaterThanOrEqual(4);
    const unknown = await target.call<Page>('GET', `/api/dcim/device-types/?no_such_filter=1&manufacturer_id=${other.id}`);
    expect(ids(unknown.body)).toEqual([third.id]);
  });

  it('has no module_type_id filter on device-bay templates: it is ignored and every one comes back', async () => {
    const parent = await fx.deviceType(manufacturer, 'chassis', { u_height: 4, subdevice_role: 'parent' });
    const moduleType = await fx.create('/api/dcim/module-types/', { manufacturer: manufacturer.id, model: fx.name('lc') });
    await fx.createMany('/api/dcim/device-bay-templates/', [{ device_type: parent.id, name: 'Bay 1' }]);
    const filterName = atLeast(target, '4.1') ? 'module_type_id' : 'moduletype_id';
    const all = await target.call<Page>('GET', '/api/dcim/device-bay-templates/?limit=1');
    const byModule = await target.call<Page>('GET', `/api/dcim/device-bay-templates/?${filterName}=${moduleType.id}&limit=1`);
    expect(byModule.status).toBe(200);
    expect(byModule.body.count).toBe(all.body.count);
    expect(byModule.body.count).toBeGreaterThanOrEqual(1);
    // Where the kind takes module types, the same filter selects.
    const interfaces = await target.call<Page>('GET', `/api/dcim/interface-templates/?${filterName}=${moduleType.id}`);
    expect(interfaces.body.count).toBe(0);
  });

  it('ORs repeated names and ANDs different filters', async () => {
    const reply = await target.call<Page>('GET', `/api/dcim/interface-templates/?${deviceTypeFilter}=${first.id}&name=eth1&name=eth2`);
    expect(reply.body.count).toBe(2);
    const anded = await target.call<Page>('GET', `/api/dcim/interface-templates/?${deviceTypeFilter}=${first.id}&name=eth2&type=10gbase-x-sfpp`);
    expect(anded.body.results.map((r) => r.name)).toEqual(['eth2']);
    const boolean = await target.call<Page>('GET', `/api/dcim/interface-templates/?${deviceTypeFilter}=${third.id}&mgmt_only=true`);
    expect(boolean.body.results.map((r) => r.name)).toEqual(['mgmt0']);
  });

  it('refuses a reference filter naming an object that does not exist', async () => {
    const missing = await target.call<Record<string, string[]>>('GET', `/api/dcim/device-types/?manufacturer=${target.runId}-missing`);
    expect(missing.status).toBe(400);
    expect(missing.body.manufacturer?.[0]).toBe(`Select a valid choice. ${target.runId}-missing is not one of the available choices.`);
  });

  it('filters by tag (tags are AND-ed)', async () => {
    const tag = await fx.create('/api/extras/tags/', { name: fx.name('tag'), slug: fx.name('tag') });
    const patched = await target.call<Named>('PATCH', `/api/dcim/device-types/${second.id}/`, { tags: [{ slug: tag.slug }] });
    expect(patched.status).toBe(200);
    const tagged = await target.call<Page>('GET', `/api/dcim/device-types/?tag=${tag.slug as string}`);
    expect(ids(tagged.body)).toEqual([second.id]);
    await target.call('PATCH', `/api/dcim/device-types/${second.id}/`, { tags: [] });
  });
});
