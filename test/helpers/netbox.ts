import { Secret } from '../../controller/config/index.ts';
import { createNetBoxClient } from '../../controller/netbox/index.ts';
import type { NetBoxClient, NetBoxClientOptions } from '../../controller/netbox/index.ts';
import { netBoxPortFor } from '../../controller/reconcile/index.ts';
import type { NetBoxPort } from '../../controller/reconcile/index.ts';
import { startEmulator } from '../../emulator/index.ts';
import type { Emulator, EmulatorOptions } from '../../emulator/index.ts';

export interface NetBoxFixture {
  readonly emulator: Emulator;
  readonly client: NetBoxClient;
  readonly api: NetBoxPort;
  close(): Promise<void>;
}

/** A fresh emulator on a free port and a real client talking to it over HTTP. */
export async function startNetBox(options: EmulatorOptions = {}, client: Partial<NetBoxClientOptions> = {}): Promise<NetBoxFixture> {
  const emulator = await startEmulator({ port: 0, ...options });
  const c = createNetBoxClient({ url: emulator.url, token: new Secret(emulator.token), retryBaseMs: 1, retryMaxDelayMs: 5, ...client });
  return {
    emulator,
    client: c,
    api: netBoxPortFor(c),
    async close(): Promise<void> {
      await c.close();
      await emulator.close();
    },
  };
}

/** Writes the emulator served, all endpoints together. */
export function writesServed(emulator: Emulator): number {
  return Object.entries(emulator.stats().requests.byMethod)
    .filter(([method]) => method !== 'GET')
    .reduce((n, [, count]) => n + count, 0);
}

/** The slugs of the emulator's manufacturers that start with `prefix`, sorted, read over its REST API as NetBox serves them. */
export async function manufacturerSlugs(emulator: Pick<Emulator, 'url' | 'token'>, prefix: string): Promise<string[]> {
  const response = await fetch(`${emulator.url}/api/dcim/manufacturers/?limit=1000&brief=true`, {
    headers: { authorization: `Token ${emulator.token}`, accept: 'application/json' },
  });
  const body = (await response.json()) as { results: { slug: string }[] };
  return body.results
    .map((m) => m.slug)
    .filter((slug) => slug.startsWith(prefix))
    .sort();
}
