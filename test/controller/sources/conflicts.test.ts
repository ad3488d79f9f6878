// The controller refuses to reconcile two enforce intents that want one object with different
// values: each would rewrite the other's values on every reconcile.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCachedLibraryProvider, createFolderIntentSource } from '../../../controller/sources/index.ts';
import type { Controller } from '../../../controller/sources/index.ts';
import { createScratchLibrary, deviceTypeYaml } from '../catalogue/fixtures.ts';
import type { ScratchLibrary } from '../catalogue/fixtures.ts';
import { createTestController, startLeading, stopTestController } from '../../helpers/controller.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import type { TestDatabase } from '../../helpers/database.ts';
import { tempDir, writeFile } from '../../helpers/files.ts';
import { memoryLogger } from '../../helpers/logger.ts';
import { waitUntil } from '../../helpers/wait.ts';
import { recordingRequester } from './helpers.ts';

let db: TestDatabase;
let library: ScratchLibrary;
let folder: ReturnType<typeof tempDir>;
let controller: Controller | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  library = createScratchLibrary('sources-conflicts-library-');
  library.write('device-types/Acme/box.yaml', deviceTypeYaml('Acme', 'Box', 'acme-box'));
  folder = tempDir('sources-conflicts-');
});

afterAll(async () => {
  await stopTestController(controller);
  await db?.drop();
  library?.remove();
  folder?.remove();
});

const vendors = (name: string, mode: string, vendorName: string): string =>
  `apiVersion: netbox-gitops.io/v1alpha1\nkind: VendorSet\nmetadata:\n  name: ${name}\nspec:\n  mode: ${mode}\n  custom:\n    - name: ${vendorName}\n      slug: shared\n`;

describe('conflicting intents under the controller', () => {
  it('marks both intents of a conflicting pair invalid, naming both files; the others are reconciled', async () => {
    writeFile(folder.path, 'one.yaml', vendors('one', 'enforce', 'Shared Inc'));
    writeFile(folder.path, 'two.yaml', vendors('two', 'enforce', 'Shared Incorporated'));
    writeFile(folder.path, 'watcher.yaml', vendors('watcher', 'observe', 'Something Else'));
    writeFile(folder.path, 'agrees.yaml', vendors('agrees', 'enforce', 'Shared Inc').replace('slug: shared', 'slug: other'));
    const source = createFolderIntentSource({ dir: folder.path, debounceMs: 300 });
    const requester = recordingRequester();
    const log = memoryLogger();
    controller = await startLeading(
      createTestController({
        pool: db.pool,
        requester,
        sources: [source],
        library: createCachedLibraryProvider({ root: library.root, cacheDir: path.join(folder.path, '.cache') }),
        logger: log.logger,
      }),
    );
    await waitUntil('the first sync', async () => (await db.pool.query(`SELECT 1 FROM intents WHERE source = $1`, [source.id])).rowCount === 4, 15_000, 50);

    const rows = await db.pool.query<{ name: string; status: string; status_message: string | null }>(
      `SELECT name, status, status_message FROM intents WHERE source = $1 ORDER BY name`,
      [source.id],
    );
    const byName = Object.fromEntries(rows.rows.map((r) => [r.name, r]));
    expect(log.lines.filter((l) => /could not be loaded/.test(l))).toEqual([]);
    expect(byName.agrees?.status).toBe('active');
    expect(byName.watcher?.status).toBe('active');
    expect(byName.one?.status).toBe('invalid');
    expect(byName.two?.status).toBe('invalid');
    expect(byName.one?.status_message).toMatch(
      /^one\.yaml:8:7 spec\.custom\[0\]: VendorSet\/one conflicts with VendorSet\/two \(two\.yaml:8:7\): .*manufacturer shared: name \("Shared Inc" vs "Shared Incorporated"\)/,
    );
    expect(byName.two?.status_message).toMatch(/^two\.yaml:8:7 .*VendorSet\/two conflicts with VendorSet\/one \(one\.yaml:8:7\)/);
    expect(requester.keys().sort()).toEqual(['VendorSet/agrees', 'VendorSet/watcher']);
  });
});
