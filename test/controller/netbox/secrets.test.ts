import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../../controller/config/index.ts';
import { createNetBoxClient, NetBoxError } from '../../../controller/netbox/index.ts';
import type { NetBoxClient } from '../../../controller/netbox/index.ts';
import { captureLogger, caught, serialiseError } from './helpers.ts';
import { clientFor, startEmulator } from './emulator-helpers.ts';
import type { TestEmulator } from './emulator-helpers.ts';

const V1 = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const V2 = 'nbt_K3yPart0123.S3cretPartThatMustNeverLeak';

describe('the token never leaks (emulator)', () => {
  for (const token of [V1, V2]) {
    describe(token.startsWith('nbt_') ? 'v2 token' : 'v1 token', () => {
      let emu: TestEmulator;
      beforeAll(async () => {
        emu = await startEmulator({ port: 0, token, version: '4.5' });
        const [m] = emu.store.seed('manufacturers', [{ name: 'Acme', slug: 'acme' }]);
        const [dt] = emu.store.seed('device-types', [{ manufacturer: Number(m?.id), model: 'A1', slug: 'acme-a1' }]);
        emu.store.seed('interface-templates', [{ device_type: Number(dt?.id), name: 'eth0', type: '1000base-t' }]);
      });
      afterAll(async () => {
        await emu.close();
      });

      it('is accepted by the emulator with the right scheme', async () => {
        const { client } = clientFor(emu);
        try {
          expect((await client.list('manufacturers')).map((m) => m.slug)).toEqual(['acme']);
        } finally {
          await client.close();
        }
      });

      it('appears in no error and no log line, whatever fails', async () => {
        const { logger, output } = captureLogger();
        const errors: unknown[] = [];
        const base = { logger, retryBaseMs: 1, retryMaxDelayMs: 2, maxRetries: 1 } as const;
        const run = async (client: NetBoxClient, call: (c: NetBoxClient) => Promise<unknown>): Promise<void> => {
          try {
            errors.push(await caught(call(client)));
          } finally {
            await client.close();
          }
        };
        const healthy = (extra = {}): NetBoxClient => clientFor(emu, { ...base, ...extra }).client;

        // Wrong token of the same kind (403).
        const wrong = token.startsWith('nbt_') ? `${token.slice(0, -4)}XXXX` : `${token.slice(0, -4)}ffff`;
        await run(createNetBoxClient({ url: emu.url, token: new Secret(wrong), ...base }), (c) => c.list('manufacturers'));
        // Validation (400), bulk (list-aligned 400), protected delete (409).
        await run(healthy(), (c) => c.create('manufacturers', { name: 'Acme', slug: 'acme' }));
        await run(healthy(), (c) =>
          c.bulkCreate('manufacturers', [
            { name: 'B', slug: 'b' },
            { name: 'Acme', slug: 'acme' },
          ]),
        );
        await run(healthy(), async (c) => c.delete('manufacturers', Number((await c.list('manufacturers'))[0]?.id)));
        // 503 until retries run out, dropped connections, timeouts, an open breaker.
        emu.setFaults({ errorRate: 1, errorStatuses: [503] });
        await run(healthy(), (c) => c.list('manufacturers'));
        emu.setFaults({ errorRate: 0, dropRate: 1 });
        await run(healthy(), (c) => c.list('device-types'));
        emu.setFaults({ dropRate: 0, latencyMs: 300 });
        await run(healthy({ timeoutMs: 50 }), (c) => c.status());
        emu.setFaults({ latencyMs: 0, down: true });
        await run(healthy({ maxRetries: 3, breaker: { threshold: 2, halfOpenAfterMs: 60_000 } }), (c) => c.list('manufacturers'));
        emu.setFaults({ down: false });
        // An ignored filter, and nobody listening at all.
        await run(healthy({ serverVersion: '4.0.0' }), (c) => c.list('interface-templates', { device_type_id: 999 }));
        const closed = await startEmulator({ port: 0, token });
        const deadUrl = closed.url;
        await closed.close();
        await run(createNetBoxClient({ url: deadUrl, token: new Secret(token), ...base }), (c) => c.status());

        expect(errors).toHaveLength(10);
        expect(errors.filter((e) => e instanceof NetBoxError).length).toBeGreaterThanOrEqual(7);
        const secretPart = token.startsWith('nbt_') ? (token.split('.')[1] ?? token) : token;
        for (const error of errors) {
          const text = serialiseError(error);
          expect(text).not.toContain(token);
          expect(text).not.toContain(secretPart);
        }
        const log = output();
        expect(log).toContain('retrying');
        expect(log).not.toContain(token);
        expect(log).not.toContain(secretPart);
      });
    });
  }
});
