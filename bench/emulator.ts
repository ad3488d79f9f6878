// Emulator benchmarks: listing 100,000 interface templates page by page in
// under 5 s, and a bulk create of 10,000 templates in at most 10 requests.
//
//   npx tsx bench/emulator.ts
import { pathToFileURL } from 'node:url';
import pLimit from 'p-limit';
import { Pool } from 'undici';
import { startEmulator } from '../emulator/index.ts';
import type { Emulator, Json } from '../emulator/index.ts';

const PAGE = 1000;

/** Seeds 100,000 interface templates over 2,000 device types, then lists them all over HTTP. */
export async function benchEmulatorListing(
  options: { templates?: number; deviceTypes?: number; inFlight?: number } = {},
): Promise<Record<string, number | string>> {
  const templates = options.templates ?? 100_000;
  const deviceTypes = options.deviceTypes ?? 2_000;
  const inFlight = options.inFlight ?? 4;
  const emulator = await startEmulator();
  try {
    const seedStart = performance.now();
    await seedTemplates(emulator, deviceTypes, templates);
    const seedMs = performance.now() - seedStart;
    const full = await listAll(emulator, '/api/dcim/interface-templates/', inFlight);
    const brief = await listAll(emulator, '/api/dcim/interface-templates/?brief=1', inFlight);
    if (full.objects !== templates || brief.objects !== templates) throw new Error(`listed ${full.objects}/${brief.objects} of ${templates} templates`);
    return {
      scenario: `list ${templates} interface templates, pages of ${PAGE}, ${inFlight} in flight`,
      seedMs: Math.round(seedMs),
      fullWallMs: Math.round(full.wallMs),
      fullRequests: full.requests,
      briefWallMs: Math.round(brief.wallMs),
      briefRequests: brief.requests,
      targetMs: 5000,
    };
  } finally {
    await emulator.close();
  }
}

/** Creates 10,000 interface templates through bulk POSTs of 1,000. */
export async function benchBulkCreate(options: { templates?: number; chunk?: number } = {}): Promise<Record<string, number | string>> {
  const templates = options.templates ?? 10_000;
  const chunk = options.chunk ?? 1000;
  const emulator = await startEmulator();
  try {
    const [manufacturer] = emulator.store.seed('manufacturers', [{ name: 'Bench', slug: 'bench' }]);
    const types = emulator.store.seed(
      'device-types',
      Array.from({ length: 100 }, (_, i) => ({ manufacturer: manufacturer?.id ?? 0, model: `B-${i}`, slug: `b-${i}` })),
    );
    const items: Json[] = Array.from({ length: templates }, (_, i) => ({
      device_type: types[i % types.length]?.id ?? 0,
      name: `eth${Math.floor(i / types.length)}`,
      type: '10gbase-x-sfpp',
    }));
    emulator.resetStats();
    const start = performance.now();
    for (let offset = 0; offset < items.length; offset += chunk) {
      const response = await fetch(`${emulator.url}/api/dcim/interface-templates/`, {
        method: 'POST',
        headers: { authorization: `Token ${emulator.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(items.slice(offset, offset + chunk)),
      });
      if (response.status !== 201) throw new Error(`bulk create answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
      await response.arrayBuffer();
    }
    const wallMs = performance.now() - start;
    const stats = emulator.stats();
    return {
      scenario: `bulk create ${templates} interface templates, chunks of ${chunk}`,
      requests: stats.requests.total,
      objectsWritten: stats.objectsWritten,
      wallMs: Math.round(wallMs),
      targetRequests: 10,
    };
  } finally {
    await emulator.close();
  }
}

async function seedTemplates(emulator: Emulator, deviceTypes: number, templates: number): Promise<void> {
  const manufacturers = emulator.store.seed(
    'manufacturers',
    Array.from({ length: 20 }, (_, i) => ({ name: `Vendor ${i}`, slug: `vendor-${i}` })),
  );
  const types = emulator.store.seed(
    'device-types',
    Array.from({ length: deviceTypes }, (_, i) => ({
      manufacturer: manufacturers[i % manufacturers.length]?.id ?? 0,
      model: `Model ${i}`,
      slug: `model-${i}`,
    })),
  );
  const perType = Math.ceil(templates / deviceTypes);
  const batch: Json[] = [];
  for (let i = 0; i < templates; i += 1) {
    const type = types[Math.floor(i / perType)];
    batch.push({ device_type: type?.id ?? 0, name: `Ethernet${(i % perType) + 1}`, type: '10gbase-x-sfpp', description: 'seeded' });
    if (batch.length === 10_000 || i === templates - 1) emulator.store.seed('interface-templates', batch.splice(0));
  }
}

/**
 * Pages through a list the way the NetBox client does: first page for the count, then the other
 * pages `inFlight` at a time over a keep-alive undici pool.
 */
async function listAll(emulator: Emulator, path: string, inFlight: number): Promise<{ wallMs: number; requests: number; objects: number }> {
  emulator.resetStats();
  const pool = new Pool(emulator.url, { connections: inFlight });
  const headers = { authorization: `Token ${emulator.token}`, accept: 'application/json' };
  const separator = path.includes('?') ? '&' : '?';
  const page = async (offset: number): Promise<{ count: number; results: unknown[] }> => {
    const response = await pool.request({ method: 'GET', path: `${path}${separator}limit=${PAGE}&offset=${offset}`, headers });
    if (response.statusCode !== 200) throw new Error(`listing answered ${response.statusCode}`);
    return (await response.body.json()) as { count: number; results: unknown[] };
  };
  try {
    const start = performance.now();
    const first = await page(0);
    const limit = pLimit(inFlight);
    const offsets: number[] = [];
    for (let offset = PAGE; offset < first.count; offset += PAGE) offsets.push(offset);
    const sizes = await Promise.all(offsets.map((offset) => limit(async () => (await page(offset)).results.length)));
    const objects = first.results.length + sizes.reduce((a, b) => a + b, 0);
    return { wallMs: performance.now() - start, requests: emulator.stats().requests.total, objects };
  } finally {
    await pool.close();
  }
}

async function main(): Promise<void> {
  const listing = await benchEmulatorListing();
  process.stdout.write(`${JSON.stringify(listing)}\n`);
  const bulk = await benchBulkCreate();
  process.stdout.write(`${JSON.stringify(bulk)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
