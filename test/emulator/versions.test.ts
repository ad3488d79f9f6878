import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/index.ts';
import type { ApiVersion, Emulator } from '../../emulator/index.ts';
import { call, seedType } from './helpers.ts';

interface Page {
  count: number;
  results: Array<Record<string, unknown>>;
}

describe('emulated NetBox versions', () => {
  let emu: Emulator;
  afterEach(async () => {
    await emu?.close();
  });

  /** Two device types with two and one interface templates. */
  async function twoTypes(version: ApiVersion): Promise<{ a: number; b: number }> {
    emu = await startEmulator({ version });
    const a = seedType(emu, 'A').deviceType;
    const b = seedType(emu, 'B').deviceType;
    emu.store.seed('interface-templates', [
      { device_type: a, name: 'eth0', type: '1000base-t' },
      { device_type: a, name: 'eth1', type: '1000base-t' },
      { device_type: b, name: 'eth0', type: '1000base-t' },
    ]);
    return { a, b };
  }

  for (const version of ['3.7', '4.0'] as const) {
    it(`${version}: filters templates by devicetype_id and silently ignores device_type_id`, async () => {
      const { a } = await twoTypes(version);
      expect((await call<Page>(emu, 'GET', `/api/dcim/interface-templates/?devicetype_id=${a}`)).body.count).toBe(2);
      const ignored = await call<Page>(emu, 'GET', `/api/dcim/interface-templates/?device_type_id=${a}`);
      expect(ignored.status).toBe(200);
      expect(ignored.body.count).toBe(3);
    });
  }

  for (const version of ['4.1', '4.5'] as const) {
    it(`${version}: filters templates by device_type_id and silently ignores devicetype_id`, async () => {
      const { a } = await twoTypes(version);
      expect((await call<Page>(emu, 'GET', `/api/dcim/interface-templates/?device_type_id=${a}`)).body.count).toBe(2);
      expect((await call<Page>(emu, 'GET', `/api/dcim/interface-templates/?devicetype_id=${a}`)).body.count).toBe(3);
    });
  }

  it('reports the version in /api/status/', async () => {
    emu = await startEmulator({ version: '4.0' });
    const status = await call<Record<string, string>>(emu, 'GET', '/api/status/');
    expect(status.body['netbox-version']).toBe('4.0.11');
  });

  it('4.5: maps front ports through rear_ports and drops the old rear_port fields', async () => {
    emu = await startEmulator({ version: '4.5' });
    const { deviceType } = seedType(emu);
    const [rear] = emu.store.seed('rear-port-templates', [{ device_type: deviceType, name: 'R1', type: '8p8c', positions: 4 }]);
    const mapped = await call<Record<string, unknown>>(emu, 'POST', '/api/dcim/front-port-templates/', {
      device_type: deviceType,
      name: 'F1',
      type: '8p8c',
      positions: 2,
      rear_ports: [
        { position: 1, rear_port: rear?.id, rear_port_position: 3 },
        { position: 2, rear_port: rear?.id },
      ],
    });
    expect(mapped.status).toBe(201);
    expect(mapped.body.rear_ports).toEqual([
      { position: 1, rear_port: rear?.id, rear_port_position: 3 },
      { position: 2, rear_port: rear?.id, rear_port_position: 1 },
    ]);
    const old = await call<Record<string, unknown>>(emu, 'POST', '/api/dcim/front-port-templates/', {
      device_type: deviceType,
      name: 'F2',
      type: '8p8c',
      rear_port: rear?.id,
      rear_port_position: 2,
    });
    expect(old.status).toBe(201);
    expect(old.body.rear_ports).toEqual([]);
    expect(old.body).not.toHaveProperty('rear_port');
    const taken = await call<Record<string, unknown>>(emu, 'POST', '/api/dcim/front-port-templates/', {
      device_type: deviceType,
      name: 'F3',
      type: '8p8c',
      rear_ports: [{ position: 1, rear_port: rear?.id, rear_port_position: 3 }],
    });
    expect(taken.status).toBe(400);
    expect(taken.body).toEqual({ rear_ports: [{ non_field_errors: ['The fields rear_port, rear_port_position must make a unique set.'] }] });
    const back = await call<Record<string, unknown>>(emu, 'GET', `/api/dcim/rear-port-templates/${rear?.id}/`);
    expect(back.body.front_ports).toEqual([
      { position: 3, front_port: mapped.body.id, front_port_position: 1 },
      { position: 1, front_port: mapped.body.id, front_port_position: 2 },
    ]);
    const remapped = await call<Record<string, unknown>>(emu, 'PATCH', `/api/dcim/front-port-templates/${String(mapped.body.id)}/`, {
      rear_ports: [{ position: 1, rear_port: rear?.id, rear_port_position: 3 }],
    });
    expect(remapped.body.rear_ports).toEqual([{ position: 1, rear_port: rear?.id, rear_port_position: 3 }]);
  });

  it('4.5: deleting a rear port removes its mappings, not the front ports', async () => {
    emu = await startEmulator({ version: '4.5' });
    const { deviceType } = seedType(emu);
    const [rear] = emu.store.seed('rear-port-templates', [{ device_type: deviceType, name: 'R1', type: '8p8c' }]);
    const [front] = emu.store.seed('front-port-templates', [
      { device_type: deviceType, name: 'F1', type: '8p8c', rear_ports: [{ position: 1, rear_port: Number(rear?.id) }] },
    ]);
    expect((await call(emu, 'DELETE', `/api/dcim/rear-port-templates/${rear?.id}/`)).status).toBe(204);
    expect(emu.store.get('front-port-templates', Number(front?.id))?.rear_ports).toEqual([]);
  });

  for (const version of ['3.7', '4.1'] as const) {
    it(`${version}: front ports carry rear_port + rear_port_position, checked against the rear port`, async () => {
      emu = await startEmulator({ version });
      const { deviceType } = seedType(emu);
      const other = seedType(emu, 'Other').deviceType;
      const [rear] = emu.store.seed('rear-port-templates', [{ device_type: deviceType, name: 'R1', type: '8p8c', positions: 2 }]);
      const [elsewhere] = emu.store.seed('rear-port-templates', [{ device_type: other, name: 'R9', type: '8p8c' }]);
      const front = await call<Record<string, unknown>>(emu, 'POST', '/api/dcim/front-port-templates/', {
        device_type: deviceType,
        name: 'F1',
        type: '8p8c',
        rear_port: rear?.id,
        rear_port_position: 2,
      });
      expect(front.status).toBe(201);
      expect(front.body.rear_port).toMatchObject({ id: rear?.id, name: 'R1' });
      expect(front.body.rear_port_position).toBe(2);
      expect(front.body).not.toHaveProperty('rear_ports');
      const tooFar = await call(emu, 'POST', '/api/dcim/front-port-templates/', {
        device_type: deviceType,
        name: 'F2',
        type: '8p8c',
        rear_port: rear?.id,
        rear_port_position: 3,
      });
      expect(tooFar.body).toEqual({ __all__: ['Invalid rear port position (3); rear port R1 has only 2 positions'] });
      const foreign = await call(emu, 'POST', '/api/dcim/front-port-templates/', {
        device_type: deviceType,
        name: 'F3',
        type: '8p8c',
        rear_port: elsewhere?.id,
      });
      expect(foreign.body).toEqual({ __all__: ['Rear port (R9) must belong to the same device type'] });
      const twice = await call(emu, 'POST', '/api/dcim/front-port-templates/', {
        device_type: deviceType,
        name: 'F4',
        type: '8p8c',
        rear_port: rear?.id,
        rear_port_position: 2,
      });
      expect(twice.body).toEqual({ __all__: ['Front port template with this Rear port and Rear port position already exists.'] });
      expect((await call(emu, 'DELETE', `/api/dcim/rear-port-templates/${rear?.id}/`)).status).toBe(204);
      expect((await call(emu, 'GET', `/api/dcim/front-port-templates/${String(front.body.id)}/`)).status).toBe(404);
    });
  }

  it('accepts v2 Bearer tokens only on 4.5, with the version-specific messages', async () => {
    const v2 = 'nbt_abc123.s3cr3tvalue';
    emu = await startEmulator({ version: '4.5', token: v2 });
    expect((await call(emu, 'GET', '/api/status/', undefined, `Bearer ${v2}`)).status).toBe(200);
    expect((await call(emu, 'GET', '/api/status/', undefined, 'Bearer nbt_abc123.wrong')).body).toEqual({ detail: 'Invalid v2 token' });
    expect((await call(emu, 'GET', '/api/status/', undefined, `Token ${v2}`)).body).toEqual({ detail: 'Invalid v1 token' });
    await emu.close();
    emu = await startEmulator({ version: '4.1' });
    expect((await call(emu, 'GET', '/api/status/', undefined, `Bearer ${emu.token}`)).body).toEqual({
      detail: 'Authentication credentials were not provided.',
    });
    expect((await call(emu, 'GET', '/api/status/', undefined, 'Token wrong')).body).toEqual({ detail: 'Invalid token' });
  });

  it('ignores ?fields= on 3.7 and honours it from 4.0', async () => {
    emu = await startEmulator({ version: '3.7' });
    seedType(emu);
    const full = await call<Page>(emu, 'GET', '/api/dcim/manufacturers/?fields=id,name');
    expect(Object.keys(full.body.results[0] ?? {})).toContain('slug');
    await emu.close();
    emu = await startEmulator({ version: '4.0' });
    seedType(emu);
    const trimmed = await call<Page>(emu, 'GET', '/api/dcim/manufacturers/?fields=id,name');
    expect(Object.keys(trimmed.body.results[0] ?? {})).toEqual(['id', 'name']);
  });
});
