import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { clientFor, served, startEmulator } from './emulator-helpers.ts';

const LIBRARY = fileURLToPath(new URL('../../../../shared/devicetype-library/', import.meta.url));

describe('device-type images (emulator)', () => {
  it('uploads front and rear images as multipart and downloads what NetBox serves', async () => {
    const emu = await startEmulator({ port: 0 });
    const { client } = clientFor(emu);
    try {
      const front = await readFile(`${LIBRARY}elevation-images/Cisco/cisco-sg350xg-24t.front.jpg`);
      const rear = await readFile(`${LIBRARY}elevation-images/Cisco/cisco-sg350xg-24t.rear.jpg`);
      const [m] = await client.bulkCreate('manufacturers', [{ name: 'Cisco', slug: 'cisco' }]);
      const [dt] = await client.bulkCreate('device-types', [{ manufacturer: Number(m?.id), model: 'SG350XG-24T', slug: 'cisco-sg350xg-24t' }]);
      const updated = await client.uploadImage(Number(dt?.id), {
        front: { filename: 'cisco-sg350xg-24t.front.jpg', data: front, contentType: 'image/jpeg' },
        rear: { filename: 'cisco-sg350xg-24t.rear.jpg', data: rear, contentType: 'image/jpeg' },
      });
      expect(served(emu, 'PATCH /api/dcim/device-types/{id}/')).toBe(1);
      expect(updated.front_image).toEqual(expect.any(String));
      expect(updated.rear_image).toEqual(expect.any(String));
      expect((await client.download(String(updated.front_image))).equals(front)).toBe(true);
      expect((await client.download(String(updated.rear_image))).equals(rear)).toBe(true);
      const [listed] = await client.list('device-types', { slug: 'cisco-sg350xg-24t' });
      expect(listed?.front_image).toBe(updated.front_image);
    } finally {
      await client.close();
      await emu.close();
    }
  });
});
