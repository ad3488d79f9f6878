import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fixtures } from './fixtures.ts';
import type { Named } from './fixtures.ts';
import { connectTarget } from './target.ts';
import type { Target } from './target.ts';

describe('contract: deletes', () => {
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

  it('refuses to delete a manufacturer that still has device types (409 naming them)', async () => {
    const manufacturer = await fx.manufacturer('protected');
    const deviceType = await fx.deviceType(manufacturer, 'keeps-it');
    const reply = await target.call<{ detail: string }>('DELETE', `/api/dcim/manufacturers/${manufacturer.id}/`);
    expect(reply.status).toBe(409);
    expect(reply.body.detail).toBe(`Unable to delete object. 1 dependent objects were found: ${String(deviceType.model)} (${deviceType.id})`);
    expect((await target.call('GET', `/api/dcim/manufacturers/${manufacturer.id}/`)).status).toBe(200);
  });

  it('deletes the templates of a deleted device type with it', async () => {
    const manufacturer = await fx.manufacturer('cascade');
    const deviceType = await fx.create('/api/dcim/device-types/', { manufacturer: manufacturer.id, model: fx.name('gone'), slug: fx.name('gone') });
    const [template] = await fx.createMany('/api/dcim/interface-templates/', [{ device_type: deviceType.id, name: 'eth0', type: '1000base-t' }], {
      cascaded: true,
    });
    expect((await target.call('DELETE', `/api/dcim/device-types/${deviceType.id}/`)).status).toBe(204);
    expect((await target.call('GET', `/api/dcim/interface-templates/${(template as Named).id}/`)).status).toBe(404);
  });

  it('answers 404 for a delete of an id that does not exist', async () => {
    expect((await target.call('DELETE', '/api/dcim/manufacturers/2147483000/')).status).toBe(404);
  });
});
