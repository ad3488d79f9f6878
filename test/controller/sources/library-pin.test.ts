// Library pins: the cached provider serves other revisions (a Git ref of a library repository, a
// content revision it parsed before), an installation pin keeps current() where it is while
// refresh() follows the source, and the controller previews a new revision for pinned intents
// instead of reconciling them. Notification resources in the folder reach notification_channels.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCachedLibraryProvider, createFolderIntentSource } from '../../../controller/sources/index.ts';
import type { Controller } from '../../../controller/sources/index.ts';
import { createTestController, startLeading, stopTestController } from '../../helpers/controller.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import type { TestDatabase } from '../../helpers/database.ts';
import { tempDir, writeFile } from '../../helpers/files.ts';
import { vendorSetYaml } from '../../helpers/intents.ts';
import { createScratchLibrary, deviceTypeYaml } from '../catalogue/fixtures.ts';
import type { ScratchLibrary } from '../catalogue/fixtures.ts';
import { git, recordingRequester } from './helpers.ts';

describe('a library in Git, pinned to a ref', () => {
  let library: ScratchLibrary;
  let cache: ReturnType<typeof tempDir>;
  const commits: Record<string, string> = {};

  beforeAll(() => {
    library = createScratchLibrary('pin-git-library-');
    cache = tempDir('pin-git-cache-');
    git(library.root, 'init', '-q');
    library.write('device-types/Acme/box-1.yaml', deviceTypeYaml('Acme', 'Box 1', 'acme-box-1'));
    git(library.root, 'add', '-A');
    git(library.root, 'commit', '-q', '-m', 'v1');
    git(library.root, 'tag', 'v1');
    commits.v1 = git(library.root, 'rev-parse', 'HEAD');
    library.write('device-types/Acme/box-2.yaml', deviceTypeYaml('Acme', 'Box 2', 'acme-box-2'));
    git(library.root, 'add', '-A');
    git(library.root, 'commit', '-q', '-m', 'v2');
    commits.v2 = git(library.root, 'rev-parse', 'HEAD');
  });

  afterAll(() => {
    library?.remove();
    cache?.remove();
  });

  it('serves a tag of the library repository beside the current revision', async () => {
    const provider = createCachedLibraryProvider({ root: library.root, cacheDir: cache.path });
    const current = await provider.current();
    expect(current.revision).toBe(commits.v2);
    expect(current.deviceTypes.map((d) => d.model).sort()).toEqual(['Box 1', 'Box 2']);
    const old = await provider.at('v1');
    expect(old.revision).toBe(commits.v1);
    expect(old.deviceTypes.map((d) => d.model)).toEqual(['Box 1']);
    // A full SHA works as well, and the same revision is not parsed again.
    const parses = provider.stats.parses;
    expect((await provider.at(commits.v1!)).revision).toBe(commits.v1);
    expect(provider.stats.parses).toBe(parses);
  });

  it('an installation pin holds current() while refresh() and latest() follow the source', async () => {
    const provider = createCachedLibraryProvider({ root: library.root, cacheDir: cache.path, pin: 'v1' });
    expect((await provider.current()).revision).toBe(commits.v1);
    expect((await provider.latest()).revision).toBe(commits.v2);
    expect((await provider.refresh()).revision).toBe(commits.v2);
    expect((await provider.current()).revision).toBe(commits.v1);
  });

  it('names a ref that does not exist', async () => {
    const provider = createCachedLibraryProvider({ root: library.root, cacheDir: cache.path });
    await expect(provider.at('v9')).rejects.toThrow(/at "v9"/);
  });
});

describe('a plain library folder', () => {
  it('serves an earlier content revision from the cache, and says when it cannot', async () => {
    const library = createScratchLibrary('pin-folder-library-');
    const cache = tempDir('pin-folder-cache-');
    try {
      library.write('device-types/Acme/box-1.yaml', deviceTypeYaml('Acme', 'Box 1', 'acme-box-1'));
      const provider = createCachedLibraryProvider({ root: library.root, cacheDir: cache.path });
      const first = await provider.current();
      library.write('device-types/Acme/box-2.yaml', deviceTypeYaml('Acme', 'Box 2', 'acme-box-2'));
      const refreshed = await provider.refresh();
      expect(refreshed.changed).toBe(true);
      expect((await provider.current()).deviceTypes).toHaveLength(2);
      const pinned = await provider.at(first.revision);
      expect(pinned.revision).toBe(first.revision);
      expect(pinned.deviceTypes).toHaveLength(1);
      await expect(provider.at('v2025.05')).rejects.toThrow(/plain folder .* no parsed copy of that revision is cached/);
    } finally {
      library.remove();
      cache.remove();
    }
  });
});

describe('the controller and pinned intents', () => {
  let db: TestDatabase;
  let folder: ReturnType<typeof tempDir>;
  let library: ScratchLibrary;
  let controller: Controller;
  const requester = recordingRequester();
  const upgrades: { revision: string; intents: string[] }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    folder = tempDir('pin-controller-');
    library = createScratchLibrary('pin-controller-library-');
    library.write('device-types/Acme/box-1.yaml', deviceTypeYaml('Acme', 'Box 1', 'acme-box-1'));
    writeFile(folder.path, 'follows.yaml', vendorSetYaml('follows'));
    writeFile(folder.path, 'pinned.yaml', `${vendorSetYaml('pinned')}  library:\n    ref: v2025.05\n`);
    writeFile(
      folder.path,
      'notify.yaml',
      'apiVersion: netbox-gitops.io/v1alpha1\nkind: Notification\nmetadata:\n  name: team-slack\nspec:\n  format: slack\n  urlFrom: { secret: TEAM_SLACK }\n  events: [drift.detected]\n',
    );
    controller = await startLeading(
      createTestController({
        pool: db.pool,
        requester,
        sources: [{ ...createFolderIntentSource({ dir: folder.path }), watch: undefined }],
        library: createCachedLibraryProvider({ root: library.root, cacheDir: path.join(folder.path, '.cache') }),
        onLibraryUpgrade: async ({ revision, intents }) => {
          upgrades.push({ revision, intents: intents.map((i) => `${i.kind}/${i.name}`) });
        },
        pollIntervalMs: 3_600_000,
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

  it('stores Notification resources of the source and drops them when they go', async () => {
    const channels = async (): Promise<unknown[]> => (await db.pool.query('SELECT name, source, spec FROM notification_channels ORDER BY name')).rows;
    await controller.syncNow();
    expect(await channels()).toMatchObject([{ name: 'team-slack', spec: { format: 'slack', urlFrom: { secret: 'TEAM_SLACK' }, events: ['drift.detected'] } }]);
    folder.remove();
    writeFile(folder.path, 'follows.yaml', vendorSetYaml('follows'));
    writeFile(folder.path, 'pinned.yaml', `${vendorSetYaml('pinned')}  library:\n    ref: v2025.05\n`);
    await controller.syncNow();
    expect(await channels()).toEqual([]);
  });

  it('reconciles intents that follow the library and previews the new revision for pinned ones', async () => {
    requester.clear();
    library.write('device-types/Acme/box-2.yaml', deviceTypeYaml('Acme', 'Box 2', 'acme-box-2'));
    const refreshed = await controller.refreshLibrary();
    expect(refreshed?.changed).toBe(true);
    const fromController = requester.requests.filter((r) => r.options?.createdBy === 'controller').map((r) => `${r.ref.kind}/${r.ref.name}`);
    expect(fromController).toEqual(['VendorSet/follows']);
    expect(upgrades).toEqual([{ revision: refreshed?.revision, intents: ['VendorSet/pinned'] }]);
  });
});
