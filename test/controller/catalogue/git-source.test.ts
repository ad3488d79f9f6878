import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutDirectory, findDeviceTypeBySlug, loadCatalogue } from '../../../controller/catalogue/index.ts';
import { IntegrationError } from '../../../controller/errors/index.ts';
import { createScratchLibrary, deviceTypeYaml } from './fixtures.ts';
import type { ScratchLibrary } from './fixtures.ts';

let work: ScratchLibrary;
let scratch: string;
let bare: string;
let url: string;
let cacheDir: string;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
}

beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'catalogue-git-'));
  work = createScratchLibrary('catalogue-git-work-');
  work.write('device-types/Acme/box-1.yaml', deviceTypeYaml('Acme', 'Box 1', 'acme-box-1', 'part_number: 0812\n'));
  git(work.root, 'init', '-q');
  git(work.root, 'add', '-A');
  git(work.root, 'commit', '-q', '-m', 'first');
  bare = path.join(scratch, 'library.git');
  git(scratch, 'clone', '-q', '--bare', work.root, bare);
  git(work.root, 'remote', 'add', 'origin', bare);
  url = `file://${bare}`;
  cacheDir = path.join(scratch, 'cache');
  mkdirSync(cacheDir);
});

afterAll(() => {
  work.remove();
  rmSync(scratch, { recursive: true, force: true });
});

describe('loading the library from a Git URL', () => {
  it('clones into <cacheDir>/library/<hash of url> and uses the commit SHA as revision', async () => {
    const catalogue = await loadCatalogue({ root: 'unused', gitUrl: url, gitRef: 'main', cacheDir });
    const sha = git(bare, 'rev-parse', 'main');
    expect(catalogue.revision).toBe(sha);
    expect(catalogue.root).toBe(checkoutDirectory(cacheDir, url));
    expect(catalogue.root.startsWith(path.join(cacheDir, 'library'))).toBe(true);
    expect(findDeviceTypeBySlug(catalogue, 'acme-box-1')?.fields.part_number).toBe('0812');
  });

  it('fetches new commits into the same checkout, and can pin a commit SHA', async () => {
    const first = git(bare, 'rev-parse', 'main');
    work.write('device-types/Acme/box-2.yaml', deviceTypeYaml('Acme', 'Box 2', 'acme-box-2'));
    git(work.root, 'add', '-A');
    git(work.root, 'commit', '-q', '-m', 'second');
    git(work.root, 'push', '-q', 'origin', 'HEAD:main');
    const second = git(bare, 'rev-parse', 'main');

    const latest = await loadCatalogue({ root: 'unused', gitUrl: url, cacheDir });
    expect(latest.revision).toBe(second);
    expect(latest.deviceTypes.map((d) => d.slug).sort()).toEqual(['acme-box-1', 'acme-box-2']);

    const pinned = await loadCatalogue({ root: 'unused', gitUrl: url, gitRef: first, cacheDir });
    expect(pinned.revision).toBe(first);
    expect(pinned.deviceTypes.map((d) => d.slug)).toEqual(['acme-box-1']);
    expect(existsSync(path.join(pinned.root, 'device-types/Acme/box-2.yaml'))).toBe(false);
  });

  it('uses HEAD of a local checkout as its revision', async () => {
    const catalogue = await loadCatalogue({ root: work.root });
    expect(catalogue.revision).toBe(git(work.root, 'rev-parse', 'HEAD'));
  });

  it('fails with an IntegrationError naming the URL and ref, with credentials hidden', async () => {
    const missing = `file://${path.join(scratch, 'missing.git')}`;
    await expect(loadCatalogue({ root: 'unused', gitUrl: missing, cacheDir })).rejects.toThrow(IntegrationError);
    await expect(loadCatalogue({ root: 'unused', gitUrl: url, gitRef: 'no-such-branch', cacheDir })).rejects.toThrow(/"no-such-branch"/);
    const secret = 'https://user:s3cret@127.0.0.1:9/library.git';
    const error = await loadCatalogue({ root: 'unused', gitUrl: secret, cacheDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrationError);
    expect(String((error as Error).message)).not.toContain('s3cret');
    expect(String((error as Error).message)).toContain('https://[redacted]@127.0.0.1:9/library.git');
  });
});
