// Reconcile benchmark: the whole devicetype-library snapshot against the NetBox
// emulator with a cost model like a real NetBox (20 ms per request, 1 ms per template written,
// 2.5x for device types, 2x for module types, 3 workers that queue what is beyond them). The emulator runs in its own process so that its CPU does not distort ours.
// Scenarios: 1 full import into an empty emulator, 2 a no-op reconcile, 3 drift repair after
// 1% of device types were edited by hand.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadCatalogue } from '../controller/catalogue/index.ts';
import { Secret } from '../controller/config/index.ts';
import type { Intent } from '../controller/intents/index.ts';
import { createNetBoxClient } from '../controller/netbox/index.ts';
import { applyAndVerify, driftCount, netBoxPortFor, pendingWrites, planIntents } from '../controller/reconcile/index.ts';
import type { NetBoxPort } from '../controller/reconcile/index.ts';
import { resolveIntents } from '../controller/resolve/index.ts';
import { runJsonChild } from './child.ts';
import type { DesiredIntent } from '../controller/resolve/index.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOKEN = '0123456789abcdef0123456789abcdef01234567';

export interface EmulatorProcess {
  readonly url: string;
  readonly child: ChildProcess;
  stats(): Promise<EmulatorStatsBody>;
  resetStats(): Promise<void>;
  setFaults(faults: Record<string, unknown>): Promise<void>;
  stop(): Promise<void>;
}

interface EmulatorStatsBody {
  requests: { total: number; byMethod: Record<string, number> };
  objectsWritten: number;
  busyMs: number;
  writeBusyMs: number;
  workers: number;
  maxQueued: number;
  faultsInjected: { committedThenTimedOut: number };
}

/** Starts `netbox-gitops emulator` in a child process and waits for its URL. */
export async function spawnEmulator(args: readonly string[]): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/netbox-gitops.js'), 'emulator', '--port', '0', '--token', TOKEN, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (match?.[1]) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`emulator exited with ${code}: ${seen}`)));
  });
  const control = async (method: string, route: string, body?: unknown): Promise<unknown> =>
    (
      await fetch(`${url}${route}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) })
    ).json();
  return {
    url,
    child,
    stats: async () => (await control('GET', '/_emulator/stats')) as EmulatorStatsBody,
    resetStats: async () => void (await control('POST', '/_emulator/reset?stats_only=1')),
    setFaults: async (faults: Record<string, unknown>) => void (await control('POST', '/_emulator/faults', faults)),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function wholeLibraryIntents(): Intent[] {
  const common = { mode: 'enforce' as const, prune: false, adopt: false, suspend: false, interval: '1h', ignoreFields: [] };
  return [
    { apiVersion: 'netbox-gitops.io/v1alpha1', kind: 'VendorSet', metadata: { name: 'all-vendors' }, spec: { ...common, vendors: ['all'], custom: [] } },
    {
      apiVersion: 'netbox-gitops.io/v1alpha1',
      kind: 'DeviceTypeSet',
      metadata: { name: 'whole-library' },
      spec: { ...common, vendors: ['all'], moduleTypes: true, components: true, images: false },
    },
  ] as Intent[];
}

interface Figures {
  [key: string]: number | string;
}

async function reconcileOnce(
  api: NetBoxPort,
  emu: EmulatorProcess,
  intents: readonly DesiredIntent[],
  tuning: { concurrency: number; baseTimeoutMs: number },
): Promise<Figures> {
  await emu.resetStats();
  resetPeakRss();
  const started = performance.now();
  const { plan, planCpuMs } = await planIntents(api, intents, { concurrency: 4 });
  const result = await applyAndVerify(api, intents, plan, { tuning: { maxChunk: 1000, ...tuning }, readConcurrency: 4 });
  const wall = performance.now() - started;
  const stats = await emu.stats();
  const writes = Object.entries(stats.requests.byMethod)
    .filter(([m]) => m !== 'GET')
    .reduce((n, [, c]) => n + c, 0);
  const busyPerWorker = stats.busyMs / stats.workers;
  const writeFloor = stats.writeBusyMs / stats.workers;
  return {
    'requests (reads)': stats.requests.total - writes,
    'requests (writes)': writes,
    'objects written': stats.objectsWritten,
    'changes planned': plan.summary.changes,
    'apply rounds': result.rounds,
    'writes answered late (fault)': stats.faultsInjected.committedThenTimedOut,
    'unknown outcomes': result.apply.unknownOutcomes,
    'read-backs': result.apply.readBacks,
    'confirmed by read-back': result.apply.records.filter((r) => r.confirmedBy === 'read-back').length,
    failures: result.apply.failures.length,
    'changes left after verify': pendingWrites(result.verify),
    'most requests queued': stats.maxQueued,
    'wall s': +(wall / 1000).toFixed(2),
    'wall / write floor': writeFloor > 0 ? +(wall / writeFloor).toFixed(3) : 'n/a',
    'wall / (busy / workers)': busyPerWorker > 0 ? +(wall / busyPerWorker).toFixed(3) : 'n/a',
    'diff + plan CPU ms': Math.round(planCpuMs),
    'peak RSS MB': peakRssMb(),
    'process peak RSS MB': Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

const STATUS = '/proc/self/status';

/**
 * Lets the next `peakRssMb` cover one scenario only: Linux resets the high-water mark to the
 * current RSS when "5" is written to clear_refs. Without it the scenarios after the import would
 * all report the import's peak.
 */
function resetPeakRss(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not Linux, or not allowed: peakRssMb then reports the process's peak so far.
  }
}

function peakRssMb(): number {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(STATUS, 'utf8'))?.[1];
    if (hwm) return Math.round(Number(hwm) / 1024);
  } catch {
    // Falls through to the process's peak.
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/**
 * Runs the three scenarios and returns their figures. The import runs against a NetBox with
 * 3 workers, more writes in flight than workers (queueing), a short client timeout and 2% of
 * writes committed but never answered, so the ambiguous-write path is measured too.
 */
export async function benchReconcile(
  options: {
    library?: string;
    latencyMs?: number;
    writeMsPerObject?: number;
    workers?: number;
    writeConcurrency?: number;
    timeoutMs?: number;
    lateAnswerRate?: number;
  } = {},
): Promise<Record<string, Figures>> {
  const library = options.library ?? path.resolve(ROOT, '../shared/devicetype-library');
  const workers = options.workers ?? 3;
  const timeoutMs = options.timeoutMs ?? 2_000;
  const tuning = { concurrency: options.writeConcurrency ?? workers + 1, baseTimeoutMs: timeoutMs };
  const emu = await spawnEmulator([
    '--latency-ms',
    String(options.latencyMs ?? 20),
    '--write-ms-per-object',
    String(options.writeMsPerObject ?? 1),
    '--workers',
    String(workers),
  ]);
  const client = createNetBoxClient({ url: emu.url, token: new Secret(TOKEN), writeChunk: 1000, concurrency: 4, timeoutMs });
  const api = netBoxPortFor(client);
  try {
    const catalogue = await loadCatalogue({ root: library });
    const desired = resolveIntents(
      wholeLibraryIntents().map((intent) => ({ intent })),
      catalogue,
    ).intents;
    await emu.setFaults({ commitThenTimeout: { rate: options.lateAnswerRate ?? 0.02, answerAfterMs: null } });
    const full = await reconcileOnce(api, emu, desired, tuning);
    await emu.setFaults({ commitThenTimeout: null });
    const noop = await reconcileOnce(api, emu, desired, tuning);
    noop['drift reported'] = driftCount((await planIntents(api, desired)).plan);

    // 1% of the device types edited by hand, as NetBox users do: a height the library sets
    // for every type (so each edit is drift), plus a note the library does not set (drift too).
    const types = await client.list('device-types', {});
    // (Child device types must stay 0U, so the edits go to the others.)
    const drifted = types.filter((t) => t.subdevice_role?.value !== 'child').slice(0, Math.ceil(types.length / 100));
    await client.bulkUpdate(
      'device-types',
      drifted.map((t) => ({ id: t.id, u_height: Number(t.u_height) + 1, description: 'edited by hand' })),
    );
    const repair = await reconcileOnce(api, emu, desired, tuning);
    repair['device types drifted'] = drifted.length;
    return { '1 full import (queueing, 2 s timeout, 2% answers lost)': full, '2 no-op': noop, '3 drift repair (1%)': repair };
  } finally {
    await client.close();
    await emu.stop();
  }
}

/**
 * The old-space size Node gives itself in the chart's worker container: V8 takes a quarter of
 * the memory it may use, and Node reads that from the cgroup limit (2 GiB in values.yaml). On
 * a bigger host without a limit V8 lets garbage pile up to gigabytes before collecting, and
 * peak RSS then says more about the host than about the reconcile.
 */
export const WORKER_HEAP_MB = 512;
const CHILD_FLAG = '--reconcile-bench-child';

/**
 * Runs {@link benchReconcile} in a child process whose V8 heap is sized as in the worker's
 * container, so that peak RSS is the reconcile's own and comparable from host to host.
 */
export async function benchReconcileInChild(options: { library?: string; heapMb?: number } = {}): Promise<Record<string, Figures>> {
  const heapMb = options.heapMb ?? WORKER_HEAP_MB;
  const args = [CHILD_FLAG, ...(options.library ? [options.library] : [])];
  const figures = await runJsonChild<Record<string, Figures>>(fileURLToPath(import.meta.url), args, [`--max-old-space-size=${heapMb}`]);
  for (const values of Object.values(figures)) values['V8 heap limit MB'] = heapMb;
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2] === CHILD_FLAG) {
    process.stdout.write(`${JSON.stringify(await benchReconcile(process.argv[3] ? { library: process.argv[3] } : {}))}\n`);
  } else {
    const figures = await benchReconcileInChild();
    for (const [scenario, values] of Object.entries(figures)) {
      process.stdout.write(`\n${scenario}\n`);
      for (const [k, v] of Object.entries(values)) process.stdout.write(`  ${k.padEnd(28)} ${v}\n`);
    }
  }
}
