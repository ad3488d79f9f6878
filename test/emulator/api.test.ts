import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmulatorSeedError, startEmulator } from '../../emulator/index.ts';
import type { Emulator } from '../../emulator/index.ts';
import { call, seedType } from './helpers.ts';

interface Page {
  count: number;
  results: Array<Record<string, unknown>>;
}

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

describe('emulated API behaviour beyond the recordings', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ readOnlyToken: 'readonly-token' });
  });
  afterEach(async () => {
    await emu.close();
  });

  it('seeds, mutates, lists and removes through the store, with API validation', () => {
    const { manufacturer, deviceType } = seedType(emu, 'S1');
    expect(emu.store.get('device-types', deviceType)?.manufacturer).toMatchObject({ id: manufacturer });
    const changed = emu.store.mutate('device-types', deviceType, { part_number: 'P-1' });
    expect(changed.part_number).toBe('P-1');
    expect(() => emu.store.seed('manufacturers', [{ name: 'No slug' }])).toThrow(EmulatorSeedError);
    try {
      emu.store.mutate('device-types', deviceType, { airflow: 'sideways' });
    } catch (error) {
      expect((error as EmulatorSeedError).body).toEqual({ airflow: ['sideways is not a valid choice.'] });
    }
    expect(() => emu.store.remove('manufacturers', manufacturer)).toThrow(/Unable to delete object/);
    emu.store.remove('device-types', deviceType);
    expect(emu.store.count('device-types')).toBe(0);
    expect(emu.stats().requests.total).toBe(0);
  });

  it('answers a bulk create whose items collide with each other with a 500 and creates none', async () => {
    const { deviceType } = seedType(emu);
    const reply = await call<Record<string, string>>(emu, 'POST', '/api/dcim/interface-templates/', [
      { device_type: deviceType, name: 'eth0', type: '1000base-t' },
      { device_type: deviceType, name: 'eth0', type: '1000base-t' },
    ]);
    expect(reply.status).toBe(500);
    expect(reply.body.exception).toBe('IntegrityError');
    expect(emu.store.count('interface-templates')).toBe(0);
    expect((await call(emu, 'POST', '/api/dcim/interface-templates/', [])).body).toEqual([]);
  });

  it('bulk-updates like NetBox: unknown ids skipped, answers in default order, one invalid object rolls all back', async () => {
    const { deviceType } = seedType(emu);
    const [b, a] = emu.store.seed('interface-templates', [
      { device_type: deviceType, name: 'b', type: '1000base-t' },
      { device_type: deviceType, name: 'a', type: '1000base-t' },
    ]);
    const ok = await call<Array<Record<string, unknown>>>(emu, 'PATCH', '/api/dcim/interface-templates/', [
      { id: b?.id, label: 'B' },
      { id: 999999, label: 'nobody' },
      { id: a?.id, label: 'A' },
    ]);
    expect(ok.status).toBe(200);
    expect(ok.body.map((t) => t.name)).toEqual(['a', 'b']);
    const bad = await call(emu, 'PATCH', '/api/dcim/interface-templates/', [
      { id: a?.id, label: 'changed' },
      { id: b?.id, type: 'warp' },
    ]);
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ type: ['warp is not a valid choice.'] });
    expect(emu.store.get('interface-templates', Number(a?.id))?.label).toBe('A');
    const missingId = await call(emu, 'PATCH', '/api/dcim/interface-templates/', [{ label: 'x' }]);
    expect(missingId.body).toEqual([{ id: ['This field is required.'] }]);
    const full = await call(emu, 'PUT', `/api/dcim/interface-templates/${a?.id}/`, { label: 'only a label' });
    expect(full.body).toEqual({ name: ['This field is required.'], type: ['This field is required.'] });
  });

  it('rolls back a bulk delete that hits a protected object', async () => {
    const first = seedType(emu, 'P1');
    const [free] = emu.store.seed('manufacturers', [{ name: 'Free', slug: 'free' }]);
    const reply = await call<{ detail: string }>(emu, 'DELETE', '/api/dcim/manufacturers/', [{ id: free?.id }, { id: first.manufacturer }]);
    expect(reply.status).toBe(409);
    expect(reply.body.detail).toBe(`Unable to delete object. 1 dependent objects were found: P1 (${first.deviceType})`);
    expect(emu.store.count('manufacturers')).toBe(2);
  });

  it('protects manufacturers used by inventory item templates and cascades module types to their templates', async () => {
    const { manufacturer, deviceType } = seedType(emu);
    const [other] = emu.store.seed('manufacturers', [{ name: 'Optics', slug: 'optics' }]);
    emu.store.seed('inventory-item-templates', [{ device_type: deviceType, name: 'SFP', manufacturer: { slug: 'optics' } }]);
    const protectedReply = await call<{ detail: string }>(emu, 'DELETE', `/api/dcim/manufacturers/${other?.id}/`);
    expect(protectedReply.body.detail).toMatch(/^Unable to delete object\. 1 dependent objects were found: SFP \(\d+\)$/);
    const [moduleType] = emu.store.seed('module-types', [{ manufacturer, model: 'LC' }]);
    emu.store.seed('interface-templates', [{ module_type: Number(moduleType?.id), name: 'eth{module}', type: '1000base-t' }]);
    expect((await call(emu, 'DELETE', `/api/dcim/module-types/${moduleType?.id}/`)).status).toBe(204);
    expect(emu.store.count('interface-templates')).toBe(0);
  });

  it('clears power outlets of a deleted power port and checks outlets stay on their parent', async () => {
    const { deviceType } = seedType(emu);
    const other = seedType(emu, 'T2').deviceType;
    const [psu] = emu.store.seed('power-port-templates', [{ device_type: deviceType, name: 'PSU1', maximum_draw: 100 }]);
    const [outlet] = emu.store.seed('power-outlet-templates', [{ device_type: deviceType, name: 'O1', power_port: Number(psu?.id) }]);
    const foreign = await call(emu, 'POST', '/api/dcim/power-outlet-templates/', { device_type: other, name: 'O9', power_port: psu?.id });
    expect(foreign.body).toEqual({ __all__: ['Parent power port (PSU1) must belong to the same device type'] });
    const draw = await call(emu, 'PATCH', `/api/dcim/power-port-templates/${psu?.id}/`, { allocated_draw: 200 });
    expect(draw.body).toEqual({ allocated_draw: ['Allocated draw cannot exceed the maximum draw (100W).'] });
    const before = emu.store.get('power-outlet-templates', Number(outlet?.id));
    expect((await call(emu, 'DELETE', `/api/dcim/power-port-templates/${psu?.id}/`)).status).toBe(204);
    const after = emu.store.get('power-outlet-templates', Number(outlet?.id));
    expect(after?.power_port).toBeNull();
    expect(after?.last_updated).toBe(before?.last_updated);
  });

  it('orders names naturally and honours ?ordering=', async () => {
    const { deviceType } = seedType(emu);
    emu.store.seed(
      'interface-templates',
      ['eth10', 'eth2', 'Eth1', 'eth1'].map((name) => ({ device_type: deviceType, name, type: '1000base-t' })),
    );
    const natural = await call<Page>(emu, 'GET', '/api/dcim/interface-templates/');
    expect(natural.body.results.map((r) => r.name)).toEqual(['eth1', 'Eth1', 'eth2', 'eth10']);
    const byId = await call<Page>(emu, 'GET', '/api/dcim/interface-templates/?ordering=id');
    expect(byId.body.results.map((r) => r.name)).toEqual(['eth10', 'eth2', 'Eth1', 'eth1']);
    const descending = await call<Page>(emu, 'GET', '/api/dcim/interface-templates/?ordering=-name');
    expect(descending.body.results.map((r) => r.name)).toEqual(['eth10', 'eth2', 'Eth1', 'eth1']);
  });

  it('searches with q and filters with lookups', async () => {
    const { deviceType } = seedType(emu);
    emu.store.seed('interface-templates', [
      { device_type: deviceType, name: 'uplink1', type: '10gbase-x-sfpp', description: 'to core' },
      { device_type: deviceType, name: 'access1', type: '1000base-t' },
    ]);
    expect((await call<Page>(emu, 'GET', '/api/dcim/interface-templates/?q=CORE')).body.results.map((r) => r.name)).toEqual(['uplink1']);
    expect((await call<Page>(emu, 'GET', '/api/dcim/interface-templates/?name__ic=LINK')).body.count).toBe(1);
    expect((await call<Page>(emu, 'GET', '/api/dcim/interface-templates/?name__n=uplink1')).body.results.map((r) => r.name)).toEqual(['access1']);
    expect((await call<Page>(emu, 'GET', '/api/dcim/interface-templates/?type=warp')).status).toBe(400);
    expect((await call(emu, 'GET', '/api/dcim/interface-templates/?id=abc')).body).toEqual({ id: ['Enter a number.'] });
  });

  it('writes tags by id, name or slug, counts tagged items and removes deleted tags', async () => {
    const { deviceType } = seedType(emu);
    const [gold, silver] = emu.store.seed('tags', [
      { name: 'Gold', slug: 'gold' },
      { name: 'Silver', slug: 'silver', color: 'c0c0c0' },
    ]);
    const tagged = await call<Record<string, Array<Record<string, unknown>>>>(emu, 'PATCH', `/api/dcim/device-types/${deviceType}/`, {
      tags: [gold?.id, { name: 'Silver' }],
    });
    expect(tagged.body.tags?.map((t) => t.slug)).toEqual(['gold', 'silver']);
    expect((await call<Record<string, unknown>>(emu, 'GET', `/api/extras/tags/${gold?.id}/`)).body.tagged_items).toBe(1);
    const both = await call<Page>(emu, 'GET', '/api/dcim/device-types/?tag=gold&tag=silver');
    expect(both.body.count).toBe(1);
    const unknown = await call(emu, 'PATCH', `/api/dcim/device-types/${deviceType}/`, { tags: [{ slug: 'bronze' }] });
    expect(unknown.body).toEqual({ tags: [["Related object not found using the provided attributes: {'slug': 'bronze'}"]] });
    expect((await call(emu, 'DELETE', `/api/extras/tags/${silver?.id}/`)).status).toBe(204);
    expect(emu.store.get('device-types', deviceType)?.tags).toEqual([expect.objectContaining({ slug: 'gold' })]);
  });

  it('enforces inventory item name uniqueness only under a parent, as NetBox does', async () => {
    const { deviceType } = seedType(emu);
    const [parent] = emu.store.seed('inventory-item-templates', [{ device_type: deviceType, name: 'Chassis' }]);
    expect((await call(emu, 'POST', '/api/dcim/inventory-item-templates/', { device_type: deviceType, name: 'Chassis' })).status).toBe(201);
    const child = await call<Record<string, unknown>>(emu, 'POST', '/api/dcim/inventory-item-templates/', {
      device_type: deviceType,
      name: 'Fan',
      parent: parent?.id,
    });
    expect(child.body._depth).toBe(1);
    const twin = await call(emu, 'POST', '/api/dcim/inventory-item-templates/', { device_type: deviceType, name: 'Fan', parent: parent?.id });
    expect(twin.body).toEqual({ __all__: ['Inventory item template with this Device type, Parent and Name already exists.'] });
  });

  it('keeps template counts on device types and manufacturers', async () => {
    const { manufacturer, deviceType } = seedType(emu, 'Parent', { subdevice_role: 'parent' });
    emu.store.seed('device-bay-templates', [{ device_type: deviceType, name: 'Bay1' }]);
    emu.store.seed('console-port-templates', [{ device_type: deviceType, name: 'Con' }]);
    const type = emu.store.get('device-types', deviceType);
    expect(type?.device_bay_template_count).toBe(1);
    expect(type?.console_port_template_count).toBe(1);
    expect(emu.store.get('manufacturers', manufacturer)?.devicetype_count).toBe(1);
    const demote = await call(emu, 'PATCH', `/api/dcim/device-types/${deviceType}/`, { subdevice_role: null });
    expect(demote.body).toEqual({
      subdevice_role: ['Must delete all device bay templates associated with this device before declassifying it as a parent device.'],
    });
  });

  it('replaces an uploaded image and stops serving the old file', async () => {
    const { deviceType } = seedType(emu);
    const upload = async (name: string): Promise<string> => {
      const form = new FormData();
      form.append('front_image', new Blob([PNG], { type: 'image/png' }), name);
      form.append('description', 'with a picture');
      const reply = await fetch(`${emu.url}/api/dcim/device-types/${deviceType}/`, {
        method: 'PATCH',
        headers: { authorization: `Token ${emu.token}` },
        body: form,
      });
      const body = (await reply.json()) as Record<string, unknown>;
      expect(body.description).toBe('with a picture');
      return String(body.front_image);
    };
    const first = await upload('front.png');
    expect(first).toBe(`${emu.url}/media/devicetype-images/front.png`);
    const second = await upload('front.png');
    expect(second).not.toBe(first);
    expect((await fetch(first)).status).toBe(404);
    expect((await fetch(second)).status).toBe(200);
  });

  it('answers protocol errors like NetBox: 404 detail, 405, malformed JSON, read-only token', async () => {
    expect((await call(emu, 'GET', '/api/dcim/device-types/42/')).body).toEqual({ detail: 'No DeviceType matches the given query.' });
    expect((await call(emu, 'POST', '/api/status/', {})).status).toBe(405);
    expect((await call(emu, 'GET', '/api/dcim/devices/')).status).toBe(404);
    const malformed = await fetch(`${emu.url}/api/dcim/manufacturers/`, {
      method: 'POST',
      headers: { authorization: `Token ${emu.token}`, 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { detail: string }).detail).toMatch(/^JSON parse error/);
    expect((await call(emu, 'GET', '/api/dcim/manufacturers/', undefined, 'Token readonly-token')).status).toBe(200);
    expect((await call(emu, 'POST', '/api/dcim/manufacturers/', { name: 'x', slug: 'x' }, 'Token readonly-token')).body).toEqual({
      detail: 'You do not have permission to perform this action.',
    });
    const brief = await call<Record<string, unknown>>(emu, 'GET', `/api/dcim/manufacturers/${seedType(emu).manufacturer}/?brief=1`);
    expect(Object.keys(brief.body).sort()).toEqual(['description', 'display', 'id', 'name', 'slug', 'url']);
  });
});
