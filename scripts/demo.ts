// `npm run demo`: the main job end to end on this machine, against the bundled NetBox emulator
// (not NetBox). It seeds the emulator with some objects an earlier run created, drifts a few
// of them by hand, adds one object nobody manages, then runs the real commands: validate,
// plan, apply, and plan again to show that no drift is left.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Secret } from '../controller/config/index.ts';
import { loadCatalogue } from '../controller/catalogue/index.ts';
import { loadIntents } from '../controller/intents/index.ts';
import { createNetBoxClient } from '../controller/netbox/index.ts';
import { applyPlan, netBoxPortFor, planIntents } from '../controller/reconcile/index.ts';
import { resolveIntents } from '../controller/resolve/index.ts';
import { startEmulator } from '../emulator/index.ts';
import type { Emulator } from '../emulator/index.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const library = process.env.LIBRARY_PATH ?? path.resolve(root, '../shared/devicetype-library');
const intents = path.join(root, 'intents');

function banner(text: string): void {
  process.stdout.write(`\n\x1b[1m== ${text}\x1b[0m\n`);
}

/** Runs the real CLI in a child process, as a user would, and returns its exit code. */
function cli(args: string[], env: Record<string, string>): Promise<number> {
  process.stdout.write(`$ netbox-gitops ${args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/netbox-gitops.js'), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

/** Puts NetBox in a realistic state: most of the intents applied earlier, then hand edits. */
async function seedEmulator(emulator: Emulator): Promise<void> {
  const [loaded, catalogue] = await Promise.all([loadIntents(intents), loadCatalogue({ root: library })]);
  const desired = resolveIntents(loaded.intents, catalogue);
  const client = createNetBoxClient({ url: emulator.url, token: new Secret(emulator.token) });
  const api = netBoxPortFor(client);
  // An earlier run that applied the data-centre switches only.
  const earlier = desired.intents.filter((i) => i.ref.name === 'datacenter-switches');
  await applyPlan(api, (await planIntents(api, earlier)).plan);
  // Hand edits since: a changed height and part number, a retyped interface, a deleted console port.
  const types = await client.list('device-types', { manufacturer: 'arista' });
  const [first, second] = types;
  if (first) emulator.store.mutate('device-types', first.id, { u_height: 2, part_number: 'EDITED-BY-HAND' });
  if (second) {
    const [iface] = await client.list('interface-templates', { device_type_id: second.id });
    if (iface) emulator.store.mutate('interface-templates', iface.id, { type: '1000base-t' });
    const [consolePort] = await client.list('console-port-templates', { device_type_id: second.id });
    if (consolePort) emulator.store.remove('console-port-templates', consolePort.id);
  }
  // A manufacturer someone created by hand: the VendorSet does not adopt it, so it is reported.
  emulator.store.seed('manufacturers', [{ name: 'Juniper', slug: 'juniper', description: 'created by hand' }]);
  await client.close();
}

const emulator = await startEmulator({ port: 0 });
try {
  banner(`NetBox emulator (a stand-in for NetBox, for tests and demos) at ${emulator.url}`);
  await seedEmulator(emulator);
  process.stdout.write('seeded: the data-centre switches from an earlier run, three hand edits, one hand-made manufacturer\n');
  const env = { NETBOX_URL: emulator.url, NETBOX_TOKEN: emulator.token, LOG_LEVEL: 'warn' };
  const source = ['--intents', intents, '--library', library];

  banner('1. validate the example intents against the schema and the devicetype-library');
  if ((await cli(['validate', ...source], env)) !== 0) throw new Error('validate failed');

  banner('2. plan: what differs between NetBox and the intents');
  const planned = await cli(['plan', ...source, '--detailed-exitcode'], env);
  if (planned !== 2) throw new Error(`plan should have found changes (exit ${planned})`);

  banner('3. apply: bulk writes in reference order, then verify');
  if ((await cli(['apply', ...source, '--yes'], env)) !== 0) throw new Error('apply failed');

  banner('4. plan again: nothing left to do (the hand-made manufacturer stays unmanaged)');
  const after = await cli(['plan', ...source, '--detailed-exitcode'], env);
  if (after !== 0) throw new Error(`drift remains after apply (exit ${after})`);
  const stats = emulator.stats();
  banner(`done: the emulator served ${stats.requests.total} requests (${stats.objectsWritten} objects written)`);
} finally {
  await emulator.close();
}
