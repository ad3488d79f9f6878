import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleGit } from 'simple-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDeviceTypeBySlug, findVendor } from '../../../controller/catalogue/index.ts';
import { createCachedLibraryProvider } from '../../../controller/sources/index.ts';
import { createScratchLibrary, deviceTypeYaml } from '../catalogue/fixtures.ts';
import type { ScratchLibrary } from '../catalogue/fixtures.ts';
import { tempDir } from '../../helpers/files.ts';

/** The real devicetype-library snapshot beside the repository. */
const SNAPSHOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/devicetype-library');

let cache: ReturnType<typeof tempDir>;
let scratch: ScratchLibrary;

beforeAll(() => {
  cache = tempDir('sources-library-cache-');
  scratch = createScratchLibrary('sources-library-');
  scratch.write('device-types/Acme/box-1.yaml', deviceTypeYaml('Acme', 'Box 1', 'acme-box-1', 'part_number: 0812\n'));
});

afterAll(() => {
  cache?.remove();
  scratch?.remove();
});

describe('cached library provider', () => {
  it('parses the real snapshot once; a second provider instance loads it from the disk cache without parsing', async () => {
    const cacheDir = path.join(cache.path, 'snapshot');
    const first = createCachedLibraryProvider({ root: SNAPSHOT, cacheDir });
    const parsed = await first.current();
    expect(first.stats).toMatchObject({ parses: 1, diskHits: 0 });
    expect(existsSync(path.join(cacheDir, 'catalogue'))).toBe(true);
    expect(readdirSync(path.join(cacheDir, 'catalogue')).filter((name) => name.endsWith('.bin'))).toHaveLength(1);

    // Same instance: memory.
    const memoryHits = first.stats.memoryHits;
    expect(await first.current()).toBe(parsed);
    expect(first.stats).toMatchObject({ parses: 1, memoryHits: memoryHits + 1, lastSource: 'memory' });

    const second = createCachedLibraryProvider({ root: SNAPSHOT, cacheDir });
    const loaded = await second.current();
    expect(second.stats).toMatchObject({ parses: 0, diskHits: 1, lastSource: 'disk' });
    expect(loaded.revision).toBe(parsed.revision);
    expect(loaded.vendors).toBeInstanceOf(Map);
    expect(loaded.vendors.size).toBe(parsed.vendors.size);
    expect(loaded.deviceTypes).toHaveLength(parsed.deviceTypes.length);
    expect(loaded.moduleTypes).toHaveLength(parsed.moduleTypes.length);
    expect(loaded.issues).toEqual(parsed.issues);
    // Lookups (a per-object index) work on the deserialised copy.
    const slug = parsed.deviceTypes[100]!.slug;
    expect(findDeviceTypeBySlug(loaded, slug)).toEqual(findDeviceTypeBySlug(parsed, slug));
    expect(findVendor(loaded, 'nabu casa')?.slug).toBe('nabu-casa');

    expect(await second.refresh()).toEqual({ revision: parsed.revision, changed: false });
    expect(second.stats.parses).toBe(0);
  });

  it('a folder edit changes the revision on refresh(); the new revision is parsed once and cached too', async () => {
    const cacheDir = path.join(cache.path, 'scratch');
    const provider = createCachedLibraryProvider({ root: scratch.root, cacheDir });
    const before = await provider.current();
    expect(before.deviceTypes.map((type) => type.slug)).toEqual(['acme-box-1']);
    expect(await provider.refresh()).toEqual({ revision: before.revision, changed: false });

    scratch.write('device-types/Acme/box-2.yaml', deviceTypeYaml('Acme', 'Box 2', 'acme-box-2'));
    const refreshed = await provider.refresh();
    expect(refreshed.changed).toBe(true);
    expect(refreshed.revision).not.toBe(before.revision);
    const after = await provider.current();
    expect(after.revision).toBe(refreshed.revision);
    expect(after.deviceTypes.map((type) => type.slug).sort()).toEqual(['acme-box-1', 'acme-box-2']);
    expect(provider.stats.parses).toBe(2);

    const other = createCachedLibraryProvider({ root: scratch.root, cacheDir });
    expect((await other.current()).revision).toBe(refreshed.revision);
    expect(other.stats).toMatchObject({ parses: 0, diskHits: 1 });
  });

  it('a Git library is cached under its commit SHA and follows new commits', async () => {
    const repos = tempDir('sources-library-git-');
    try {
      const work = simpleGit(scratch.root);
      await work.init().addConfig('user.name', 'Test').addConfig('user.email', 'test@example.invalid');
      await work.add(['-A', '.']);
      await work.commit('library');
      const bare = path.join(repos.path, 'library.git');
      await simpleGit(repos.path).clone(scratch.root, bare, ['--bare']);
      const branch = (await work.revparse(['--abbrev-ref', 'HEAD'])).trim();
      const gitUrl = `file://${bare}`;
      const cacheDir = path.join(repos.path, 'cache');

      const first = createCachedLibraryProvider({ gitUrl, gitRef: branch, cacheDir });
      const catalogue = await first.current();
      const sha = (await simpleGit(bare).revparse([branch])).trim();
      expect(catalogue.revision).toBe(sha);
      expect(first.stats.parses).toBe(1);

      const second = createCachedLibraryProvider({ gitUrl, gitRef: branch, cacheDir });
      expect((await second.current()).revision).toBe(sha);
      expect(second.stats).toMatchObject({ parses: 0, diskHits: 1 });

      scratch.write('device-types/Acme/box-3.yaml', deviceTypeYaml('Acme', 'Box 3', 'acme-box-3'));
      await work.add(['-A', '.']);
      await work.commit('box 3');
      await work.push(bare, `HEAD:${branch}`);
      const next = await second.refresh();
      expect(next.changed).toBe(true);
      expect(next.revision).toBe((await simpleGit(bare).revparse([branch])).trim());
      expect((await second.current()).deviceTypes.map((type) => type.slug)).toContain('acme-box-3');
    } finally {
      repos.remove();
    }
  });
});
