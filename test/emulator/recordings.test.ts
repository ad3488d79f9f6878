import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/index.ts';
import type { Emulator } from '../../emulator/index.ts';
import { IdMap, loadSamples, mask } from './replay.ts';

describe('NetBox 4.5.10 recordings replayed against a fresh emulator', () => {
  let emulator: Emulator;
  const ids = new IdMap();
  const samples = loadSamples();

  beforeAll(async () => {
    emulator = await startEmulator({ version: '4.5' });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('has recordings to replay', () => {
    expect(samples.length).toBeGreaterThan(30);
  });

  // In file order: later samples refer to objects earlier ones created.
  for (const [name, sample] of samples) {
    it(`answers ${name} (${sample.request.method} ${sample.request.path}) as NetBox did`, async () => {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (name === 'bad_token') headers.authorization = 'Token 0123456789abcdef0123456789abcdef01234567';
      else if (name !== 'no_token') headers.authorization = `Token ${emulator.token}`;
      const init: RequestInit = { method: sample.request.method, headers };
      if (sample.request.body !== null) {
        headers['content-type'] = 'application/json';
        init.body = JSON.stringify(ids.body(sample.request.body));
      }
      const response = await fetch(emulator.url + ids.path(sample.request.path), init);
      const text = await response.text();
      const actual: unknown = text ? JSON.parse(text) : null;
      expect(response.status).toBe(sample.status);
      ids.learn(sample.response, actual);
      expect(mask(actual)).toEqual(mask(ids.expected(sample.response, emulator.url)));
    });
  }
});
