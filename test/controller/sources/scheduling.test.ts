import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { createCachedLibraryProvider, createFolderIntentSource } from '../../../controller/sources/index.ts';
import type { Controller } from '../../../controller/sources/index.ts';
import { createTestController, startLeading, stopTestController } from '../../helpers/controller.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import type { TestDatabase } from '../../helpers/database.ts';
import { tempDir, writeFile } from '../../helpers/files.ts';
import { vendorSetYaml } from '../../helpers/intents.ts';
import { waitUntil } from '../../helpers/wait.ts';
import { createScratchLibrary, deviceTypeYaml } from '../catalogue/fixtures.ts';
import type { ScratchLibrary } from '../catalogue/fixtures.ts';
import { recordingRequester } from './helpers.ts';

let db: TestDatabase;
let folder: ReturnType<typeof tempDir>;
let controller: Controller;
let library: ScratchLibrary;
const requester = recordingRequester();

beforeAll(async () => {
  db = await createTestDatabase();
  folder = tempDir('sources-schedule-');
  writeFile(folder.path, 'every.yaml', vendorSetYaml('every', { interval: '15m' }));
  writeFile(folder.path, 'cron.yaml', vendorSetYaml('cron', { schedule: '0 */6 * * *' }));
  writeFile(folder.path, 'default.yaml', vendorSetYaml('default'));
  library = createScratchLibrary('sources-schedule-library-');
  library.write('device-types/Acme/box-1.yaml', deviceTypeYaml('Acme', 'Box 1', 'acme-box-1'));
  controller = await startLeading(
    createTestController({
      pool: db.pool,
      requester,
      // The folder is synced by hand here (syncNow); the watcher is tested in folder-source.test.ts.
      sources: [{ ...createFolderIntentSource({ dir: folder.path }), watch: undefined }],
      library: createCachedLibraryProvider({ root: library.root, cacheDir: path.join(folder.path, '.cache') }),
      pollIntervalMs: 3_600_000,
      // Refreshed by hand below.
      libraryRefreshIntervalMs: 0,
    }),
  );
});

afterAll(async () => {
  await stopTestController(controller);
  await db?.drop();
  folder?.remove();
  library?.remove();
});

beforeEach(() => requester.clear());

async function schedulers(): Promise<Map<string, { every?: number | null; pattern?: string | null; tz?: string | null }>> {
  const list = await controller.scheduler.queue.getJobSchedulers(0, -1);
  return new Map(list.map((entry) => [entry.key, entry]));
}

async function status(name: string): Promise<string | undefined> {
  const result = await db.pool.query<{ status: string }>('SELECT status FROM intents WHERE name = $1', [name]);
  return result.rows[0]?.status;
}

describe('intent schedules', () => {
  it('turns an interval into a job scheduler with that every, and a cron schedule into a UTC pattern', async () => {
    const found = await schedulers();
    expect(found.get('intent:VendorSet/every')?.every).toBe(15 * 60_000);
    expect(found.get('intent:VendorSet/cron')).toMatchObject({ pattern: '0 */6 * * *', tz: 'UTC' });
    // The schema's default interval when an intent sets neither.
    expect(found.get('intent:VendorSet/default')?.every).toBe(3_600_000);
  });

  it('updates the schedule when the interval changes', async () => {
    writeFile(folder.path, 'every.yaml', vendorSetYaml('every', { interval: '2m' }));
    await controller.syncNow();
    expect((await schedulers()).get('intent:VendorSet/every')?.every).toBe(2 * 60_000);
    expect(requester.keys()).toEqual(['VendorSet/every']);
  });

  it('suspend: true removes the schedule and marks the intent suspended, without a reconcile; unsuspending restores both', async () => {
    writeFile(folder.path, 'every.yaml', vendorSetYaml('every', { interval: '2m', suspend: true }));
    await controller.syncNow();
    expect((await schedulers()).has('intent:VendorSet/every')).toBe(false);
    expect(await status('every')).toBe('suspended');
    expect(requester.requests).toEqual([]);

    writeFile(folder.path, 'every.yaml', vendorSetYaml('every', { interval: '2m' }));
    await controller.syncNow();
    expect((await schedulers()).get('intent:VendorSet/every')?.every).toBe(2 * 60_000);
    expect(await status('every')).toBe('active');
    expect(requester.keys()).toEqual(['VendorSet/every']);
  });

  it('removes the schedule of an intent removed from the source', async () => {
    const { rmSync } = await import('node:fs');
    rmSync(`${folder.path}/cron.yaml`);
    await controller.syncNow();
    expect((await schedulers()).has('intent:VendorSet/cron')).toBe(false);
    expect(await status('cron')).toBe('removed');
  });

  it('a due schedule requests a reconcile of its intent', async () => {
    writeFile(folder.path, 'fast.yaml', vendorSetYaml('fast', { interval: '1s' }));
    await controller.syncNow();
    expect(requester.keys()).toEqual(['VendorSet/fast']);
    await waitUntil('a scheduled request', () => requester.requests.some((request) => request.options?.createdBy === 'schedule'), 20_000, 50);
    const scheduled = requester.requests.filter((request) => request.options?.createdBy === 'schedule');
    expect(scheduled.map((request) => `${request.ref.kind}/${request.ref.name}`)).toContain('VendorSet/fast');
  });

  it('a new library revision requests a reconcile of every active intent, and an unchanged one of none', async () => {
    // The 1s schedule of the previous test keeps firing; only the controller's own requests count here.
    const fromController = (): string[] =>
      requester.requests.filter((request) => request.options?.createdBy === 'controller').map((request) => `${request.ref.kind}/${request.ref.name}`);
    expect(await controller.refreshLibrary()).toMatchObject({ changed: false });
    expect(fromController()).toEqual([]);

    library.write('device-types/Acme/box-2.yaml', deviceTypeYaml('Acme', 'Box 2', 'acme-box-2'));
    const refreshed = await controller.refreshLibrary();
    expect(refreshed?.changed).toBe(true);
    const active = await db.pool.query<{ name: string }>(`SELECT name FROM intents WHERE status = 'active' ORDER BY name`);
    expect(active.rows.length).toBeGreaterThan(0);
    expect(fromController().sort()).toEqual(active.rows.map((row) => `VendorSet/${row.name}`).sort());
    expect(requester.requests.find((request) => request.options?.createdBy === 'controller')?.options?.reason).toContain(refreshed?.revision);
  });
});
