// Onboarding benchmark: `init` over the whole devicetype-library loaded into the
// NetBox emulator the way the community importer leaves it (untagged, templates in file order).
// The emulator runs in its own process; seeding is fast (no cost model), then init reads with the
// reconcile benchmark's cost model (20 ms per request, 3 workers).
import { Secret } from '../controller/config/index.ts';
import { loadCatalogue } from '../controller/catalogue/index.ts';
import { createNetBoxClient } from '../controller/netbox/index.ts';
import { generateIntents, readInventory } from '../controller/onboarding/index.ts';
import { netBoxPortFor } from '../controller/reconcile/index.ts';
import { importLikeCommunityImporter } from '../test/helpers/importer.ts';
import { spawnEmulator } from './reconcile.ts';

const TOKEN = '0123456789abcdef0123456789abcdef01234567';

export async function benchOnboarding(options: { library: string }): Promise<Record<string, number | string>> {
  const catalogue = await loadCatalogue({ root: options.library });
  const emulator = await spawnEmulator(['--workers', '3']);
  try {
    const seeder = createNetBoxClient({ url: emulator.url, token: new Secret(TOKEN), writeChunk: 1000, concurrency: 1, timeoutMs: 120_000 });
    const seedStart = performance.now();
    await importLikeCommunityImporter(netBoxPortFor(seeder), catalogue.deviceTypes, catalogue.moduleTypes);
    const seedMs = performance.now() - seedStart;
    await seeder.close();
    await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: 20 }),
    });
    await emulator.resetStats();

    const client = createNetBoxClient({ url: emulator.url, token: new Secret(TOKEN), timeoutMs: 120_000 });
    const started = performance.now();
    const cpu = process.cpuUsage();
    const inventory = await readInventory(netBoxPortFor(client));
    const readMs = performance.now() - started;
    const { files, report } = generateIntents(inventory, catalogue);
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const stats = await emulator.stats();
    await client.close();
    const identical = report.summary.deviceTypes.identical + report.summary.moduleTypes.identical;
    return {
      'seeded (importer-like)': `${inventory.deviceTypes.length} device types, ${inventory.moduleTypes.length} module types in ${(seedMs / 1000).toFixed(1)} s`,
      'init wall time': `${(wallMs / 1000).toFixed(1)} s (NetBox reads ${(readMs / 1000).toFixed(1)} s, classify + write ${((wallMs - readMs) / 1000).toFixed(1)} s)`,
      'init CPU': `${((used.user + used.system) / 1e6).toFixed(1)} s`,
      requests: stats.requests.total,
      'types classified identical': `${identical} of ${inventory.deviceTypes.length + inventory.moduleTypes.length}`,
      'intent files written': files.length,
    };
  } finally {
    await emulator.stop();
  }
}
