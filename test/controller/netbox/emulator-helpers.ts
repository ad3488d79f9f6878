import { performance } from 'node:perf_hooks';
import { Secret } from '../../../controller/config/index.ts';
import { createNetBoxClient } from '../../../controller/netbox/index.ts';
import type { NetBoxClient, NetBoxClientOptions, RequestEvent } from '../../../controller/netbox/index.ts';
import { startEmulator } from '../../../emulator/index.ts';

export type TestEmulator = Awaited<ReturnType<typeof startEmulator>>;
export type EmulatorStartOptions = NonNullable<Parameters<typeof startEmulator>[0]>;

/** An attempt as the client reported it, with the time it ended. */
export type TimedEvent = RequestEvent & { readonly endedAt: number; readonly startedAt: number };

/** A client pointed at an emulator that records every attempt it reports. */
export function clientFor(emu: TestEmulator, options: Partial<NetBoxClientOptions> = {}): { client: NetBoxClient; events: TimedEvent[] } {
  const events: TimedEvent[] = [];
  const client = createNetBoxClient({
    url: emu.url,
    token: new Secret(emu.token),
    retryBaseMs: 1,
    retryMaxDelayMs: 5,
    ...options,
    onRequest: (e) => {
      const endedAt = performance.now();
      events.push({ ...e, endedAt, startedAt: endedAt - e.durationMs });
      options.onRequest?.(e);
    },
  });
  return { client, events };
}

/** Requests the emulator counted for `METHOD /path/`. */
export function served(emu: TestEmulator, key: string): number {
  return emu.stats().requests.byEndpoint[key] ?? 0;
}

export { startEmulator };
