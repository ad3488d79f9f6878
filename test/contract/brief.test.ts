import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fixtures } from './fixtures.ts';
import type { Named, Page } from './fixtures.ts';
import { atLeast, connectTarget } from './target.ts';
import type { Target } from './target.ts';

describe('contract: brief and dynamic fields', () => {
  let target: Target;
  let fx: Fixtures;
  let manufacturer: Named;
  let deviceType: Named;

  beforeAll(async () => {
    target = await connectTarget();
    fx = new Fixtures(target);
    manufacturer = await fx.manufacturer();
    deviceType = await fx.deviceType(manufacturer, 'brief');
    await fx.createMany('/api/dcim/interface-templates/', [{ device_type: deviceType.id, name: 'eth0', type: '1000base-t', description: 'd' }], {
      cascaded: true,
    });
  });
  afterAll(async () => {
    await fx?.cleanup();
    await target?.close();
  });

  it('answers brief=1 with the short form', async () => {
    const manufacturers = await target.call<Page>('GET', `/api/dcim/manufacturers/?brief=1&slug=${manufacturer.slug as string}`);
    expect(Object.keys(manufacturers.body.results[0] ?? {}).sort()).toEqual(['description', 'display', 'id', 'name', 'slug', 'url']);
    const types = await target.call<Page>('GET', `/api/dcim/device-types/?brief=1&manufacturer_id=${manufacturer.id}`);
    const type = types.body.results[0] ?? {};
    expect(Object.keys(type)).toEqual(expect.arrayContaining(['id', 'url', 'display', 'manufacturer', 'model', 'slug']));
    expect(type).not.toHaveProperty('interface_template_count');
    const filter = atLeast(target, '4.1') ? 'device_type_id' : 'devicetype_id';
    const templates = await target.call<Page>('GET', `/api/dcim/interface-templates/?brief=1&${filter}=${deviceType.id}`);
    expect(Object.keys(templates.body.results[0] ?? {}).sort()).toEqual(['description', 'display', 'id', 'name', 'url']);
  });

  it('answers ?fields= with only those fields (4.0+)', async (context) => {
    if (!atLeast(target, '4.0')) {
      context.skip();
      return;
    }
    const reply = await target.call<Page>('GET', `/api/dcim/device-types/?fields=id,model,manufacturer&manufacturer_id=${manufacturer.id}`);
    const item = reply.body.results[0] ?? {};
    expect(Object.keys(item).sort()).toEqual(['id', 'manufacturer', 'model']);
    expect(item.manufacturer).toMatchObject({ id: manufacturer.id, slug: manufacturer.slug });
  });
});
