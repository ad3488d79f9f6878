import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fixtures } from './fixtures.ts';
import type { Named } from './fixtures.ts';
import { connectTarget } from './target.ts';
import type { Target } from './target.ts';

/** A 1×1 transparent PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

describe('contract: device-type images', () => {
  let target: Target;
  let fx: Fixtures;
  let deviceType: Named;

  beforeAll(async () => {
    target = await connectTarget();
    fx = new Fixtures(target);
    deviceType = await fx.deviceType(await fx.manufacturer(), 'pictured');
  });
  afterAll(async () => {
    await fx?.cleanup();
    await target?.close();
  });

  it('stores a multipart front_image upload and answers with its absolute URL', async () => {
    const form = new FormData();
    form.append('front_image', new Blob([PNG], { type: 'image/png' }), `${target.runId}-front.png`);
    const reply = await target.send<Named>('PATCH', `/api/dcim/device-types/${deviceType.id}/`, form);
    expect(reply.status).toBe(200);
    const url = new URL(String(reply.body.front_image));
    expect(url.pathname.startsWith('/media/devicetype-images/')).toBe(true);
    expect(url.pathname.endsWith('.png')).toBe(true);
    expect(reply.body.rear_image).toBeNull();
    const served = await fetch(url, { headers: { authorization: target.authFor(target.token) }, redirect: 'manual' });
    if (!target.isEmulator && served.status >= 300 && served.status < 400) return; // LOGIN_REQUIRED NetBox redirects media requests
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('clears an image with null', async () => {
    const reply = await target.call<Named>('PATCH', `/api/dcim/device-types/${deviceType.id}/`, { front_image: null });
    expect(reply.status).toBe(200);
    expect(reply.body.front_image).toBeNull();
  });
});
