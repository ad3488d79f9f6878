import { describe, expect, it } from 'vitest';
import { FrontPortMappingError, NetBoxVersionError } from '../../../controller/netbox/index.ts';
import type { NetBoxClient } from '../../../controller/netbox/index.ts';
import { caught } from './helpers.ts';
import { clientFor, served, startEmulator } from './emulator-helpers.ts';
import type { EmulatorStartOptions, TestEmulator } from './emulator-helpers.ts';

/** Runs `body` against a fresh emulator holding one device type, then closes both. */
async function withDeviceType(
  version: EmulatorStartOptions['version'],
  clientOptions: Parameters<typeof clientFor>[1],
  body: (ctx: { emu: TestEmulator; client: NetBoxClient; deviceType: number }) => Promise<void>,
): Promise<void> {
  const emu = await startEmulator({ port: 0, version });
  const { client } = clientFor(emu, clientOptions);
  try {
    const [m] = emu.store.seed('manufacturers', [{ name: 'Acme', slug: 'acme' }]);
    const [dt] = emu.store.seed('device-types', [{ manufacturer: Number(m?.id), model: 'P1', slug: 'acme-p1' }]);
    await body({ emu, client, deviceType: Number(dt?.id) });
  } finally {
    await client.close();
    await emu.close();
  }
}

describe('front-port templates: one canonical shape for every version', () => {
  for (const version of ['4.5', '4.1', '3.7'] as const) {
    it(`writes and reads the mapping on a ${version} server`, async () => {
      await withDeviceType(version, {}, async ({ client, deviceType }) => {
        const [rear] = await client.bulkCreate('rear-port-templates', [{ device_type: deviceType, name: 'Rear1', type: '8p8c', positions: 3 }]);
        const rearId = Number(rear?.id);
        const created = await client.bulkCreate('front-port-templates', [
          { device_type: deviceType, name: 'Front1', type: '8p8c', positions: 1, rear_ports: [{ position: 1, rear_port: rearId, rear_port_position: 1 }] },
          { device_type: deviceType, name: 'Front2', type: '8p8c', positions: 1, rear_ports: [{ position: 1, rear_port: rearId, rear_port_position: 2 }] },
        ]);
        expect(created.map((f) => f.rear_ports)).toEqual([
          [{ position: 1, rear_port: rearId, rear_port_position: 1 }],
          [{ position: 1, rear_port: rearId, rear_port_position: 2 }],
        ]);
        const listed = await client.list('front-port-templates', { device_type_id: deviceType });
        expect(listed.map((f) => [f.name, f.positions, f.rear_ports])).toEqual([
          ['Front1', 1, [{ position: 1, rear_port: rearId, rear_port_position: 1 }]],
          ['Front2', 1, [{ position: 1, rear_port: rearId, rear_port_position: 2 }]],
        ]);
        expect(listed.every((f) => !('rear_port' in f))).toBe(true);
        const updated = await client.update('front-port-templates', Number(created[0]?.id), {
          rear_ports: [{ position: 1, rear_port: rearId, rear_port_position: 3 }],
          name: 'Front1b',
        });
        expect(updated.rear_ports).toEqual([{ position: 1, rear_port: rearId, rear_port_position: 3 }]);
        expect(updated.name).toBe('Front1b');
      });
    });
  }

  it('writes several positions on 4.5', async () => {
    await withDeviceType('4.5', {}, async ({ client, deviceType }) => {
      const [rear] = await client.bulkCreate('rear-port-templates', [{ device_type: deviceType, name: 'Rear1', type: 'lc', positions: 4 }]);
      const mappings = [1, 2].map((p) => ({ position: p, rear_port: Number(rear?.id), rear_port_position: p + 2 }));
      const [front] = await client.bulkCreate('front-port-templates', [
        { device_type: deviceType, name: 'Front1', type: 'lc', positions: 2, rear_ports: mappings },
      ]);
      expect(front?.rear_ports).toEqual(mappings);
    });
  });

  it('detects the mapping a 4.5 server dropped when the client wrote the old shape', async () => {
    await withDeviceType('4.5', { serverVersion: '4.1.0' }, async ({ client, deviceType }) => {
      const [rear] = await client.bulkCreate('rear-port-templates', [{ device_type: deviceType, name: 'Rear1', type: '8p8c', positions: 1 }]);
      const error = await caught(
        client.bulkCreate('front-port-templates', [
          { device_type: deviceType, name: 'Front1', type: '8p8c', rear_ports: [{ position: 1, rear_port: Number(rear?.id), rear_port_position: 1 }] },
        ]),
      );
      expect(error).toBeInstanceOf(FrontPortMappingError);
      const e = error as FrontPortMappingError;
      expect(e.items).toHaveLength(1);
      expect(e.items[0]).toMatchObject({ index: 0, name: 'Front1', actual: [] });
      expect(e.message).toContain('did not keep their rear-port mapping');
    });
  });

  it('refuses several mappings for a server before 4.5 without sending anything', async () => {
    await withDeviceType('4.1', {}, async ({ emu, client, deviceType }) => {
      const [rear] = await client.bulkCreate('rear-port-templates', [{ device_type: deviceType, name: 'Rear1', type: 'lc', positions: 4 }]);
      const before = served(emu, 'POST /api/dcim/front-port-templates/');
      const error = await caught(
        client.bulkCreate('front-port-templates', [
          {
            device_type: deviceType,
            name: 'Front1',
            type: 'lc',
            positions: 2,
            rear_ports: [1, 2].map((p) => ({ position: p, rear_port: Number(rear?.id), rear_port_position: p })),
          },
        ]),
      );
      expect(error).toBeInstanceOf(NetBoxVersionError);
      expect(served(emu, 'POST /api/dcim/front-port-templates/')).toBe(before);
    });
  });
});
