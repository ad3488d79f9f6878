import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fixtures } from './fixtures.ts';
import type { Named } from './fixtures.ts';
import { atLeast, connectTarget } from './target.ts';
import type { Target } from './target.ts';

describe('contract: front-port templates in the shape of the server version', () => {
  let target: Target;
  let fx: Fixtures;
  let deviceType: Named;
  let rear: Named;

  beforeAll(async () => {
    target = await connectTarget();
    fx = new Fixtures(target);
    const manufacturer = await fx.manufacturer();
    deviceType = await fx.deviceType(manufacturer, 'patch');
    [rear] = (await fx.createMany('/api/dcim/rear-port-templates/', [{ device_type: deviceType.id, name: 'Rear1', type: '8p8c', positions: 2 }], {
      cascaded: true,
    })) as [Named];
  });
  afterAll(async () => {
    await fx?.cleanup();
    await target?.close();
  });

  it('maps a front port to a rear port position in the shape the version knows', async () => {
    if (atLeast(target, '4.5')) {
      const [front] = await fx.createMany(
        '/api/dcim/front-port-templates/',
        [{ device_type: deviceType.id, name: 'Front2', type: '8p8c', positions: 1, rear_ports: [{ position: 1, rear_port: rear.id, rear_port_position: 2 }] }],
        { cascaded: true },
      );
      expect(front?.rear_ports).toEqual([{ position: 1, rear_port: rear.id, rear_port_position: 2 }]);
      const back = await target.call<Named>('GET', `/api/dcim/rear-port-templates/${rear.id}/`);
      expect(back.body.front_ports).toEqual([{ position: 2, front_port: front?.id, front_port_position: 1 }]);
    } else {
      const [front] = await fx.createMany(
        '/api/dcim/front-port-templates/',
        [{ device_type: deviceType.id, name: 'Front2', type: '8p8c', rear_port: rear.id, rear_port_position: 2 }],
        { cascaded: true },
      );
      expect((front?.rear_port as Named).id).toBe(rear.id);
      expect(front?.rear_port_position).toBe(2);
    }
  });

  it('on 4.5, accepts the old shape but drops the mapping (rear_ports: [])', async (context) => {
    if (!atLeast(target, '4.5')) {
      context.skip();
      return;
    }
    const [front] = await fx.createMany(
      '/api/dcim/front-port-templates/',
      [{ device_type: deviceType.id, name: 'Front1', type: '8p8c', rear_port: rear.id, rear_port_position: 1 }],
      { cascaded: true },
    );
    expect(front?.rear_ports).toEqual([]);
    expect(front?.positions).toBe(1);
    expect(front).not.toHaveProperty('rear_port');
  });

  it('before 4.5, requires the rear port', async (context) => {
    if (atLeast(target, '4.5')) {
      context.skip();
      return;
    }
    const reply = await target.call<Record<string, string[]>>('POST', '/api/dcim/front-port-templates/', {
      device_type: deviceType.id,
      name: 'Lonely',
      type: '8p8c',
    });
    expect(reply.status).toBe(400);
    expect(reply.body.rear_port).toEqual(['This field is required.']);
  });
});
