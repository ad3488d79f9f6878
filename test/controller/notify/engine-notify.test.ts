// Notifications from the workflow engine: a worker with the notifier as its observer, real
// Postgres, Redis and the emulator, a local HTTP receiver. Drift detected and resolved, a
// failed reconcile with its step, and a library upgrade previewed for a pinned intent.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCachedLibraryProvider } from '../../../controller/catalogue/index.ts';
import type { CachedLibraryProvider } from '../../../controller/catalogue/index.ts';
import { loadConfig } from '../../../controller/config/index.ts';
import { createLogger } from '../../../controller/logging/index.ts';
import { createNotifier } from '../../../controller/notify/index.ts';
import type { Notifier } from '../../../controller/notify/index.ts';
import { listLibraryUpgrades, startWorker } from '../../../controller/workflow/index.ts';
import type { WorkerHandle } from '../../../controller/workflow/index.ts';
import { createScratchLibrary, deviceTypeYaml } from '../catalogue/fixtures.ts';
import type { ScratchLibrary } from '../catalogue/fixtures.ts';
import { tempDir } from '../../helpers/files.ts';
import { putIntent, startEngine, vendorIntent, waitFor, waitForStatus } from '../workflow/helpers.ts';
import type { EngineFixture } from '../workflow/helpers.ts';
import { startReceiver } from './receiver.ts';
import type { Receiver } from './receiver.ts';

let engine: EngineFixture;
let receiver: Receiver;
let notifier: Notifier;
let worker: WorkerHandle;
let before: ScratchLibrary;
let after: ScratchLibrary;
let cache: ReturnType<typeof tempDir>;
let library: CachedLibraryProvider;
let oldRevision: string;

interface Received {
  type: string;
  summary: string;
  intent: { kind: string; name: string; url?: string } | null;
  processId: string | null;
  details: Record<string, unknown>;
}

const received = (): Received[] => receiver.requests.map((r) => JSON.parse(r.body) as Received);
const find = (type: string, name: string): Received | undefined => received().find((e) => e.type === type && e.intent?.name === name);

beforeAll(async () => {
  receiver = await startReceiver();
  before = createScratchLibrary('notify-before-');
  before.write('device-types/Acme/box-1.yaml', deviceTypeYaml('Acme', 'Box 1', 'acme-box-1'));
  after = createScratchLibrary('notify-after-');
  after.write('device-types/Acme/box-1.yaml', deviceTypeYaml('Acme', 'Box 1', 'acme-box-1'));
  after.write('device-types/Acme/box-2.yaml', deviceTypeYaml('Acme', 'Box 2', 'acme-box-2'));
  cache = tempDir('notify-cache-');
  // The old revision was parsed on this machine before, so a pin to it is served from the cache.
  oldRevision = (await createCachedLibraryProvider({ root: before.root, cacheDir: path.join(cache.path, 'c') }).current()).revision;
  library = createCachedLibraryProvider({ root: after.root, cacheDir: path.join(cache.path, 'c') });
  engine = await startEngine();
  const logger = createLogger({ level: 'silent', pretty: false });
  const config = loadConfig({ NOTIFY_WEBHOOK_URL: receiver.url, NOTIFY_RATE_LIMIT: '0', DASHBOARD_URL: 'https://dash.example.com' }).notifications;
  notifier = createNotifier({ pool: engine.db.pool, config, logger, channelCacheMs: 0, dispatcher: { retryBaseMs: 20, pollMs: 200 } });
  notifier.start();
  worker = await startWorker(
    { ...engine.deps, library, observer: notifier },
    { lockDurationMs: 2_000, stalledIntervalMs: 500, shutdownGraceMs: 2_000, recoveryIntervalMs: 0 },
  );
});

afterAll(async () => {
  await worker?.close({ graceMs: 100 });
  await notifier?.stop();
  await engine?.close();
  await receiver?.close();
  before?.remove();
  after?.remove();
  cache?.remove();
});

async function reconcile(kind: 'VendorSet' | 'DeviceTypeSet', name: string, status: 'completed' | 'failed' = 'completed'): Promise<string> {
  const process = await engine.service.requestReconcile({ kind, name });
  const done = await waitForStatus(engine.service, process.id, ['completed', 'failed', 'cancelled'], 60_000);
  expect(done.status, JSON.stringify(done.error)).toBe(status);
  return process.id;
}

describe('notifications from the workflow engine', () => {
  it('drift detected on an observe intent, then resolved once it enforces', async () => {
    const ref = await putIntent(engine.db, vendorIntent('watch', 2, { mode: 'observe' }));
    const first = await reconcile(ref.kind, ref.name);
    const detected = await waitFor('drift.detected', () => find('drift.detected', 'watch'));
    expect(detected).toMatchObject({
      intent: { kind: 'VendorSet', name: 'watch', url: 'https://dash.example.com/intents/VendorSet/watch' },
      processId: first,
      details: { mode: 'observe', previous: 0 },
    });
    expect(Number(detected.details.new)).toBeGreaterThanOrEqual(2);
    expect((detected.details.byAction as Record<string, number>).create).toBeGreaterThanOrEqual(2);

    // The same drift again is not news.
    await reconcile(ref.kind, ref.name);
    await notifier.dispatcher.runOnce();
    expect(received().filter((e) => e.type === 'drift.detected' && e.intent?.name === 'watch')).toHaveLength(1);

    await putIntent(engine.db, vendorIntent('watch', 2, { mode: 'enforce' }), { revision: 'rev-2' });
    await reconcile(ref.kind, ref.name);
    const resolved = await waitFor('drift.resolved', () => find('drift.resolved', 'watch'));
    expect(resolved.details.previous).toBe(detected.details.total);
  });

  it('a failed reconcile names its step and message', async () => {
    const ref = await putIntent(engine.db, {
      apiVersion: 'netbox-gitops.io/v1alpha1',
      kind: 'DeviceTypeSet',
      metadata: { name: 'broken' },
      spec: { vendors: ['NoSuchVendor'] },
    });
    const id = await reconcile(ref.kind, ref.name, 'failed');
    const failed = await waitFor('reconcile.failed', () => find('reconcile.failed', 'broken'));
    expect(failed).toMatchObject({ processId: id, details: { workflow: 'reconcile_intent', step: 'resolve', errorType: 'ValidationError' } });
    expect(String(failed.details.message)).toContain('NoSuchVendor');
    expect(failed.summary).toMatch(/^DeviceTypeSet\/broken: reconcile_intent failed at step resolve: /);
  });

  it('a pinned intent reconciles at its pin; a preview records "upgrade available" and notifies once', async () => {
    const pinned = {
      apiVersion: 'netbox-gitops.io/v1alpha1',
      kind: 'DeviceTypeSet',
      metadata: { name: 'acme' },
      spec: { vendors: ['Acme'], library: { ref: oldRevision } },
    };
    const ref = await putIntent(engine.db, pinned);
    await reconcile(ref.kind, ref.name);
    const drift = await engine.db.pool.query<{ identity: string }>(
      `SELECT d.identity FROM drift d JOIN intents i ON i.id = d.intent_id WHERE i.name = 'acme' AND d.object_kind = 'device-type' ORDER BY 1`,
    );
    expect(drift.rows.map((r) => r.identity)).toEqual(['acme/Box 1']);

    const preview = await engine.service.startWorkflow('preview_library_upgrade', { intents: [ref], record: true });
    const done = await waitForStatus(engine.service, preview.id, ['completed', 'failed'], 60_000);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    const [entry] = await listLibraryUpgrades(engine.db.pool);
    expect(entry).toMatchObject({ intent: { kind: 'DeviceTypeSet', name: 'acme' }, fromRevision: oldRevision, status: 'available', processId: preview.id });
    expect(entry?.effect.introduced).toMatchObject({ create: 1 });
    expect(entry?.effect.sample).toContain('create device-type acme/Box 2');
    expect(entry?.changes.added.map((f) => f.file)).toEqual(['device-types/Acme/box-2.yaml']);
    const upgrade = await waitFor('library.upgrade_available', () => find('library.upgrade_available', 'acme'));
    expect(upgrade.details).toMatchObject({ from: oldRevision, to: entry?.toRevision, introduced: { create: 1 }, libraryChanges: { added: 1 } });

    // Previewing the same revision again refreshes the entry without a second notification.
    const again = await engine.service.startWorkflow('preview_library_upgrade', { intents: [ref], record: true });
    await waitForStatus(engine.service, again.id, ['completed'], 60_000);
    await notifier.dispatcher.runOnce();
    expect(received().filter((e) => e.type === 'library.upgrade_available')).toHaveLength(1);
    expect(await listLibraryUpgrades(engine.db.pool)).toHaveLength(1);
  });
});
