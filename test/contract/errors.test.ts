import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fixtures } from './fixtures.ts';
import type { Named } from './fixtures.ts';
import { connectTarget } from './target.ts';
import type { Target } from './target.ts';

type Errors = Record<string, string[]>;

describe('contract: validation errors', () => {
  let target: Target;
  let fx: Fixtures;
  let manufacturer: Named;
  let deviceType: Named;

  beforeAll(async () => {
    target = await connectTarget();
    fx = new Fixtures(target);
    manufacturer = await fx.manufacturer();
    deviceType = await fx.deviceType(manufacturer, 'err', { airflow: 'front-to-rear', weight: 2.5, weight_unit: 'kg' });
    await fx.createMany('/api/dcim/interface-templates/', [{ device_type: deviceType.id, name: 'eth0', type: '1000base-t' }], { cascaded: true });
  });
  afterAll(async () => {
    await fx?.cleanup();
    await target?.close();
  });

  it('reads back choices as {value, label}, decimals as numbers, unset choices as null', () => {
    expect(deviceType.airflow).toEqual({ value: 'front-to-rear', label: 'Front to rear' });
    expect(deviceType.weight_unit).toEqual({ value: 'kg', label: 'Kilograms' });
    expect(deviceType.weight).toBe(2.5);
    expect(deviceType.u_height).toBe(1);
    expect(deviceType.subdevice_role).toBeNull();
    expect(deviceType.part_number).toBe('');
    expect(deviceType.manufacturer).toMatchObject({ id: manufacturer.id, name: manufacturer.name, slug: manufacturer.slug });
  });

  it('names missing required fields', async () => {
    const reply = await target.call<Errors>('POST', '/api/dcim/device-types/', { manufacturer: manufacturer.id });
    expect(reply.status).toBe(400);
    expect(reply.body.model).toEqual(['This field is required.']);
    expect(reply.body.slug).toEqual(['This field is required.']);
  });

  it('refuses values outside a choice field', async () => {
    const reply = await target.call<Errors>('POST', '/api/dcim/device-types/', {
      manufacturer: manufacturer.id,
      model: fx.name('bad'),
      slug: fx.name('bad'),
      airflow: 'sideways',
    });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ airflow: ['sideways is not a valid choice.'] });
    const template = await target.call<Errors>('POST', '/api/dcim/interface-templates/', { device_type: deviceType.id, name: 'x', type: 'warp-drive' });
    expect(template.body).toEqual({ type: ['warp-drive is not a valid choice.'] });
  });

  it('reports unique fields per field and unique constraints under __all__', async () => {
    const slug = await target.call<Errors>('POST', '/api/dcim/manufacturers/', { name: fx.name('other'), slug: manufacturer.slug });
    expect(slug.status).toBe(400);
    expect(slug.body).toEqual({ slug: ['manufacturer with this slug already exists.'] });
    const name = await target.call<Errors>('POST', '/api/dcim/manufacturers/', { name: manufacturer.name, slug: fx.name('other') });
    expect(name.body).toEqual({ name: ['manufacturer with this name already exists.'] });
    const model = await target.call<Errors>('POST', '/api/dcim/device-types/', { manufacturer: manufacturer.id, model: deviceType.model, slug: fx.name('x') });
    expect(model.body).toEqual({ __all__: ['Device type with this Manufacturer and Model already exists.'] });
    const template = await target.call<Errors>('POST', '/api/dcim/interface-templates/', { device_type: deviceType.id, name: 'eth0', type: '1000base-t' });
    expect(template.body).toEqual({ __all__: ['Interface template with this Device type and Name already exists.'] });
  });

  it('explains references that do not resolve, by id or by attributes', async () => {
    const byId = await target.call<Errors>('POST', '/api/dcim/device-types/', { manufacturer: 2147483000, model: 'x', slug: fx.name('ref') });
    expect(byId.body.manufacturer).toEqual(['Related object not found using the provided numeric ID: 2147483000']);
    const bySlug = await target.call<Errors>('POST', '/api/dcim/device-types/', {
      manufacturer: { slug: fx.name('nobody') },
      model: 'x',
      slug: fx.name('ref'),
    });
    expect(bySlug.body.manufacturer).toEqual([`Related object not found using the provided attributes: {'slug': '${fx.name('nobody')}'}`]);
  });

  it('refuses device bays on a device type that is not a parent (__all__)', async () => {
    const reply = await target.call<Errors>('POST', '/api/dcim/device-bay-templates/', { device_type: deviceType.id, name: 'Bay1' });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ __all__: [`Subdevice role of device type (${String(deviceType.model)}) must be set to "parent" to allow device bays.`] });
  });

  it('refuses a template with neither a device type nor a module type', async () => {
    const reply = await target.call<Errors>('POST', '/api/dcim/console-port-templates/', { name: 'Console' });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ __all__: ['A component template must be associated with either a device type or a module type.'] });
  });

  it('answers 404 with a detail for an id that does not exist', async () => {
    const reply = await target.call<{ detail: string }>('GET', '/api/dcim/device-types/2147483000/');
    expect(reply.status).toBe(404);
    expect(typeof reply.body.detail).toBe('string');
  });
});
