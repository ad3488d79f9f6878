import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateFileError, startEmulator } from '../../emulator/index.ts';
import type { Emulator } from '../../emulator/index.ts';
import { call, seedType } from './helpers.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

describe('emulator state file', () => {
  let dir: string;
  const running: Emulator[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'emulator-state-'));
  });
  afterEach(async () => {
    for (const emu of running.splice(0)) await emu.close();
    await rm(dir, { recursive: true, force: true });
  });

  const start = async (options: Parameters<typeof startEmulator>[0]): Promise<Emulator> => {
    const emu = await startEmulator(options);
    running.push(emu);
    return emu;
  };

  it('saves on close and loads at start: same objects, same ids, ids continue, images kept', async () => {
    const file = join(dir, 'state.json');
    const first = await startEmulator({ stateFile: file });
    const { deviceType } = seedType(first, 'Saved');
    first.store.seed('interface-templates', [{ device_type: deviceType, name: 'eth0', type: '1000base-t' }]);
    const form = new FormData();
    form.append('front_image', new Blob([PNG], { type: 'image/png' }), 'front.png');
    const upload = await fetch(`${first.url}/api/dcim/device-types/${deviceType}/`, {
      method: 'PATCH',
      headers: { authorization: `Token ${first.token}` },
      body: form,
    });
    expect(upload.status).toBe(200);
    const before = first.store.get('device-types', deviceType);
    await first.close();

    const second = await start({ stateFile: file });
    const after = second.store.get('device-types', deviceType);
    expect(after?.model).toBe('Saved');
    expect(after?.created).toBe(before?.created);
    expect(after?.interface_template_count).toBe(1);
    const image = new URL(String(after?.front_image));
    const served = await fetch(`${second.url}${image.pathname}`);
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);
    const [next] = second.store.seed('manufacturers', [{ name: 'Later', slug: 'later' }]);
    expect(next?.id).toBe(2);
  });

  it('saves on POST /_emulator/state and starts empty when the file does not exist yet', async () => {
    const file = join(dir, 'nested', 'state.json');
    const emu = await start({ stateFile: file });
    expect(emu.store.count('manufacturers')).toBe(0);
    seedType(emu, 'Posted');
    const reply = await call<{ saved: string }>(emu, 'POST', '/_emulator/state', undefined, null);
    expect(reply.status).toBe(200);
    expect(reply.body.saved).toBe(file);
    const copy = await start({ stateFile: file });
    expect(copy.store.list('device-types').map((d) => d.model)).toEqual(['Posted']);
  });

  it('refuses a state file of another emulated version or format with a named error', async () => {
    const file = join(dir, 'old.json');
    const emu = await startEmulator({ stateFile: file, version: '4.1' });
    await emu.close();
    await expect(startEmulator({ stateFile: file, version: '4.5' })).rejects.toThrow(StateFileError);
    const junk = join(dir, 'junk.json');
    await writeFile(junk, '{"hello": 1}');
    await expect(startEmulator({ stateFile: junk })).rejects.toThrow(/not an emulator state file/);
  });

  it('resets everything, or only the statistics', async () => {
    const emu = await start({});
    seedType(emu);
    await call(emu, 'GET', '/api/dcim/manufacturers/');
    expect((await call(emu, 'POST', '/_emulator/reset?stats_only=1', undefined, null)).status).toBe(200);
    expect(emu.store.count('manufacturers')).toBe(1);
    expect(emu.stats().requests.total).toBe(0);
    await call(emu, 'POST', '/_emulator/reset', undefined, null);
    expect(emu.store.count('manufacturers')).toBe(0);
    const [again] = emu.store.seed('manufacturers', [{ name: 'Again', slug: 'again' }]);
    expect(again?.id).toBe(1);
  });
});
