// `npm run bench`: every benchmark, figures printed next to their targets. Nothing here is
// asserted: the figures go into the README and the closing notes.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchApi } from './api.ts';
import { benchCatalogue } from './catalogue.ts';
import { benchCli } from './cli.ts';
import { benchDashboard } from './dashboard.ts';
import { benchBulkCreate, benchEmulatorListing } from './emulator.ts';
import { benchEngine } from './engine.ts';
import { benchOnboarding } from './onboarding.ts';
import { benchReconcileInChild, WORKER_HEAP_MB } from './reconcile.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const library = path.resolve(ROOT, '../shared/devicetype-library');
const only = new Set(process.argv.slice(2));

type Figures = Record<string, number | string>;

function print(title: string, target: string, figures: Figures): void {
  process.stdout.write(`\n## ${title}\n   target: ${target}\n`);
  for (const [k, v] of Object.entries(figures)) process.stdout.write(`   ${k.padEnd(30)} ${v}\n`);
}

async function section(name: string, run: () => Promise<void>): Promise<void> {
  if (only.size > 0 && !only.has(name)) return;
  await run();
}

await section('cli', async () => {
  print(
    'CLI start-up (node bin/netbox-gitops.js, compiled dist/; the sources through tsx for comparison)',
    '--version under 0.15 s and 80 MB peak RSS; validate of the example intents under 1 s',
    await benchCli(library),
  );
});
await section('catalogue', async () => {
  print('library load + validation (whole snapshot, cold, child process)', 'under 3 s wall and 400 MB peak RSS', await benchCatalogue(library));
});
await section('emulator', async () => {
  print('emulator: list 100,000 interface templates', 'under 5 s', await benchEmulatorListing());
  print('emulator: bulk create 10,000 templates', 'at most 10 requests', await benchBulkCreate());
});
await section('reconcile', async () => {
  const figures = await benchReconcileInChild({ library });
  const targets: Record<string, string> = {
    '1 full import (queueing, 2 s timeout, 2% answers lost)': 'at most 1,000 requests; zero failures; zero changes left; wall / write floor reported',
    '2 no-op': 'zero writes, at most 150 requests, zero drift',
    '3 drift repair (1%)': 'writes exactly the drifted objects; diff + plan under 2 s CPU; peak RSS under 800 MB',
  };
  for (const [scenario, values] of Object.entries(figures)) {
    print(
      `reconcile (emulator --latency-ms 20 --write-ms-per-object 1 --workers 3, 4 writes in flight; child process, ${WORKER_HEAP_MB} MB V8 heap as in the worker's container): ${scenario}`,
      targets[scenario] ?? '',
      values,
    );
  }
});
await section('engine', async () => {
  print(
    'workflow engine: 1,000 no-op reconcile processes, two workers, BullMQ + Postgres',
    'at least 50 processes/s; p50/p99 enqueue → completed reported',
    await benchEngine(),
  );
});
await section('api', async () => {
  print(
    'API: GET /api/v1/processes?limit=50 over 100,000 processes at 200 req/s, and GET /health throughput (load from a second process)',
    'p99 under 50 ms at 200 req/s; /health at least 5,000 req/s',
    await benchApi(),
  );
});
await section('onboarding', async () => {
  print(
    'onboarding: init over the whole library loaded into the emulator like the community importer (--latency-ms 20, 3 workers)',
    'under 60 s, under 300 requests',
    await benchOnboarding({ library }),
  );
});
await section('dashboard', async () => {
  print(
    'dashboard: overview first load in Chromium (100 intents, 100,000 processes; cold = new browser context, warm = reload; navigation start → the 100 rows painted)',
    'under 1 s',
    await benchDashboard(),
  );
});
