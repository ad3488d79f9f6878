import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFolderIntentSource, hashIntentFolder } from '../../../controller/sources/index.ts';
import type { Controller, IntentSnapshot, IntentSource } from '../../../controller/sources/index.ts';
import { createTestController, startLeading, stopTestController } from '../../helpers/controller.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import type { TestDatabase } from '../../helpers/database.ts';
import { tempDir, writeFile } from '../../helpers/files.ts';
import { vendorSetYaml } from '../../helpers/intents.ts';
import { waitUntil } from '../../helpers/wait.ts';
import { recordingRequester } from './helpers.ts';

let db: TestDatabase;
const folders: ReturnType<typeof tempDir>[] = [];

function newFolder(): string {
  const folder = tempDir('sources-folder-');
  folders.push(folder);
  return folder.path;
}

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
  for (const folder of folders) folder.remove();
});

describe('folder intent source', () => {
  it('revision is a sha256 of the YAML files that changes with any content and ignores other files', async () => {
    const dir = newFolder();
    writeFile(dir, 'a.yaml', vendorSetYaml('a'));
    const first = await hashIntentFolder(dir);
    expect(first).toMatch(/^sha256:[0-9a-f]{64}$/);
    writeFile(dir, 'notes.txt', 'not an intent');
    writeFile(dir, '.git/config', 'ignored');
    expect(await hashIntentFolder(dir)).toBe(first);
    writeFile(dir, 'a.yaml', vendorSetYaml('a', { interval: '5m' }));
    expect(await hashIntentFolder(dir)).not.toBe(first);
  });

  it('reports a burst of changes once, after the debounce', async () => {
    const dir = newFolder();
    const source = createFolderIntentSource({ dir, debounceMs: 500 });
    let calls = 0;
    const unwatch = await source.watch!(() => {
      calls += 1;
    });
    try {
      for (let i = 0; i < 5; i += 1) writeFile(dir, `burst-${i}.yaml`, vendorSetYaml(`burst-${i}`));
      await waitUntil('the debounced change', () => calls > 0, 10_000, 50);
      // Well past another debounce period: a second call would have come by now.
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect(calls).toBe(1);
    } finally {
      await unwatch();
    }
  });

  describe('under a controller', () => {
    let controller: Controller | undefined;
    afterEach(async () => {
      await stopTestController(controller);
      controller = undefined;
    });

    it('writing 5 files quickly leads to one sync that stores all five', async () => {
      const dir = newFolder();
      writeFile(dir, 'seed.yaml', vendorSetYaml('seed'));
      const folderSource = createFolderIntentSource({ dir, debounceMs: 500 });
      const loads: IntentSnapshot[] = [];
      const counted: IntentSource = {
        ...folderSource,
        load: async () => {
          const snapshot = await folderSource.load();
          loads.push(snapshot);
          return snapshot;
        },
      };
      const requester = recordingRequester();
      controller = await startLeading(createTestController({ pool: db.pool, requester, sources: [counted] }));
      expect(loads).toHaveLength(1);
      expect(requester.keys()).toEqual(['VendorSet/seed']);

      for (let i = 0; i < 5; i += 1) writeFile(dir, `new-${i}.yaml`, vendorSetYaml(`new-${i}`));
      await waitUntil('the sync after the burst', () => loads.length > 1, 10_000, 50);
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect(loads).toHaveLength(2);
      expect(loads[1]?.intents).toHaveLength(6);
      const names = await db.pool.query<{ name: string }>(`SELECT name FROM intents WHERE source = $1 AND status = 'active' ORDER BY name`, [folderSource.id]);
      expect(names.rows.map((row) => row.name)).toEqual(['new-0', 'new-1', 'new-2', 'new-3', 'new-4', 'seed']);
      expect(requester.keys().sort()).toEqual([
        'VendorSet/new-0',
        'VendorSet/new-1',
        'VendorSet/new-2',
        'VendorSet/new-3',
        'VendorSet/new-4',
        'VendorSet/seed',
      ]);
    });
  });
});
