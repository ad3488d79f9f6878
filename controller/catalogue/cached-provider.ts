import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { checkoutDirectory, readGitRevision, redactUrl } from './git-source.ts';
import { loadCatalogue } from './load.ts';
import { indexCatalogue } from './lookup.ts';
import type { Catalogue, LibraryProvider } from './types.ts';
import type { Secret } from '../config/index.ts';
import { ResourceError } from '../errors/index.ts';
import type { Logger } from '../logging/index.ts';
import { fetchCheckout } from './git-checkout.ts';

export interface CachedLibraryProviderOptions {
  /** The library folder; ignored when `gitUrl` is set. */
  readonly root?: string;
  /** Fetch the library from this repository into `<cacheDir>/library/<hash of url>` instead. */
  readonly gitUrl?: string;
  /** Branch, tag or full commit SHA; default `master` (the upstream library's branch). */
  readonly gitRef?: string;
  readonly token?: Secret;
  readonly sshKeyPath?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Parsed catalogues are kept in `<cacheDir>/catalogue/<revision>.bin`. */
  readonly cacheDir: string;
  readonly logger?: Logger;
  /**
   * current() refreshes first when the last refresh is older than this, so a long-running
   * worker follows the library; default: only an explicit refresh() (or the first current()) looks.
   */
  readonly maxAgeMs?: number;
  /**
   * The installation's pin (LIBRARY_PIN): a Git ref or a content revision. current() then
   * serves the library at the pin, while refresh() still follows the source, so a new revision
   * upstream is noticed (and previewed) without being applied.
   */
  readonly pin?: string;
}

/** Where the catalogue last returned by current() came from, and how often each path was taken. */
export interface LibraryCacheStats {
  /** Full parses of the library (loadCatalogue). */
  parses: number;
  /** Catalogues read from `<cacheDir>/catalogue/<revision>.bin` instead of parsing. */
  diskHits: number;
  memoryHits: number;
  lastSource: 'parse' | 'disk' | 'memory' | undefined;
  /** How long the last parse or disk load took. */
  lastLoadMs: number | undefined;
}

/**
 * The devicetype-library as the workflow engine and the controller consume it (their
 * LibraryProvider), parsing each revision once per machine, not once per reconcile.
 */
export interface CachedLibraryProvider extends LibraryProvider {
  /** The catalogue at the revision last seen by refresh() (refreshing first when none was seen), or at the pin. */
  current(): Promise<Catalogue>;
  /** Fetches (Git) or re-hashes (folder) the library; `changed` when the revision differs from the last one seen. */
  refresh(): Promise<{ revision: string; changed: boolean }>;
  readonly stats: Readonly<LibraryCacheStats>;
  /** The revision of the source last seen by refresh(), if any (not the pin). */
  readonly revision: string | undefined;
  /** The installation's pin, when there is one. */
  readonly pin: string | undefined;
  /** The library at a Git ref or content revision (see {@link LibraryProvider.at}). */
  at(ref: string): Promise<Catalogue>;
  /** The library at the source's newest revision, whatever the pin says. */
  latest(): Promise<Catalogue>;
}

const MEMORY_SLOTS = 2;

/**
 * Creates a library provider that caches the parsed catalogue per revision in memory and on
 * disk (v8-serialised: the vendors Map survives; the lookup index and validators are rebuilt
 * on first use). A folder's revision is its HEAD commit when it is a Git work tree's top,
 * else the catalogue's own content hash, found again without parsing through a pointer file
 * keyed by a hash of the folder's file sizes and modification times.
 */
export function createCachedLibraryProvider(options: CachedLibraryProviderOptions): CachedLibraryProvider {
  const cacheFolder = path.join(options.cacheDir, 'catalogue');
  const gitDirectory = options.gitUrl === undefined ? undefined : checkoutDirectory(options.cacheDir, options.gitUrl);
  const root = gitDirectory ?? path.resolve(options.root ?? 'devicetype-library');
  const stats: LibraryCacheStats = { parses: 0, diskHits: 0, memoryHits: 0, lastSource: undefined, lastLoadMs: undefined };
  const memory = new Map<string, Catalogue>();
  let revision: string | undefined;
  let refreshedAt = 0;
  let pending: Promise<unknown> = Promise.resolve();

  /** Runs operations on the provider one at a time, so two reconciles never parse the same revision twice. */
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = pending.catch(() => undefined).then(fn);
    pending = run;
    return run;
  };

  const remember = (catalogue: Catalogue): Catalogue => {
    memory.delete(catalogue.revision);
    memory.set(catalogue.revision, catalogue);
    while (memory.size > MEMORY_SLOTS) memory.delete(memory.keys().next().value as string);
    return catalogue;
  };

  const parse = async (folder: string = root): Promise<Catalogue> => {
    const started = performance.now();
    const catalogue = await loadCatalogue({ root: folder, ...(options.logger ? { logger: options.logger } : {}) });
    stats.parses += 1;
    stats.lastSource = 'parse';
    stats.lastLoadMs = performance.now() - started;
    await writeCacheFile(cacheFolder, catalogue, options.logger);
    return catalogue;
  };

  const loadFromDisk = async (at: string): Promise<Catalogue | undefined> => {
    const started = performance.now();
    const catalogue = await readCacheFile(cacheFolder, at, options.logger);
    if (catalogue === undefined || catalogue.revision !== at) return undefined;
    stats.diskHits += 1;
    stats.lastSource = 'disk';
    stats.lastLoadMs = performance.now() - started;
    return catalogue;
  };

  const catalogueAt = async (at: string | undefined): Promise<Catalogue> => {
    const cached = at === undefined ? undefined : memory.get(at);
    if (cached) {
      stats.memoryHits += 1;
      stats.lastSource = 'memory';
      return cached;
    }
    return remember((at === undefined ? undefined : await loadFromDisk(at)) ?? (await parse()));
  };

  const refreshNow = async (): Promise<{ revision: string; changed: boolean }> => {
    let next: string;
    if (gitDirectory !== undefined && options.gitUrl !== undefined) {
      next = await fetchCheckout(gitDirectory, {
        url: options.gitUrl,
        ref: options.gitRef ?? 'master',
        ...(options.token ? { token: options.token } : {}),
        ...(options.sshKeyPath ? { sshKeyPath: options.sshKeyPath } : {}),
        ...(options.env ? { env: options.env } : {}),
      });
    } else {
      next = (await readGitRevision(root)) ?? (await folderRevision(root, cacheFolder, () => catalogueAt(undefined)));
    }
    const changed = next !== revision;
    if (changed) {
      options.logger?.info(
        { library: options.gitUrl ? redactUrl(options.gitUrl) : root, previous: revision, revision: next },
        'devicetype-library revision changed',
      );
    }
    revision = next;
    refreshedAt = Date.now();
    return { revision: next, changed };
  };

  /** The catalogue at a ref other than the tracked one: from the caches, else checked out of Git. */
  const atRef = async (ref: string): Promise<Catalogue> => {
    if (revision === undefined) await refreshNow();
    if (ref === revision) return catalogueAt(revision);
    const cached = memory.get(ref) ?? (await loadFromDisk(ref));
    if (cached) return remember(cached);
    const url = options.gitUrl ?? ((await readGitRevision(root)) !== undefined ? root : undefined);
    if (url === undefined) {
      throw new ResourceError(
        `devicetype-library ref "${ref}" is not available: the library at ${root} is a plain folder (revision ${revision ?? 'unknown'}) and no parsed copy of that revision is cached in ${cacheFolder}; ` +
          'use a Git library (LIBRARY_GIT_URL, or a LIBRARY_PATH that is a Git checkout) to pin Git refs',
        ref,
      );
    }
    const folder = path.join(options.cacheDir, 'library-refs', createHash('sha256').update(`${url}\0${ref}`).digest('hex').slice(0, 16));
    const sha = await fetchCheckout(folder, {
      url,
      ref,
      ...(options.token ? { token: options.token } : {}),
      ...(options.sshKeyPath ? { sshKeyPath: options.sshKeyPath } : {}),
      ...(options.env ? { env: options.env } : {}),
    });
    const known = memory.get(sha) ?? (await loadFromDisk(sha));
    return remember(known ?? (await parse(folder)));
  };

  const refreshIfStale = async (): Promise<void> => {
    const stale = options.maxAgeMs !== undefined && Date.now() - refreshedAt >= options.maxAgeMs;
    if (revision === undefined || stale) await refreshNow();
  };

  return {
    stats,
    pin: options.pin,
    get revision(): string | undefined {
      return revision;
    },
    refresh: () => serial(refreshNow),
    current: () =>
      serial(async () => {
        await refreshIfStale();
        return options.pin === undefined ? catalogueAt(revision) : atRef(options.pin);
      }),
    latest: () =>
      serial(async () => {
        await refreshIfStale();
        return catalogueAt(revision);
      }),
    at: (ref: string) => serial(() => atRef(ref)),
  };
}

/**
 * The catalogue revision of a plain folder without parsing it when a pointer from its file
 * listing's fingerprint exists; otherwise `parseNow` parses it (writing the pointer).
 */
async function folderRevision(root: string, cacheFolder: string, parseNow: () => Promise<Catalogue>): Promise<string> {
  const probe = await fingerprintFolder(root);
  const pointer = path.join(cacheFolder, `folder-${probe}.txt`);
  const known = await readFile(pointer, 'utf8').catch(() => undefined);
  if (known !== undefined && known.trim() !== '') return known.trim();
  const catalogue = await parseNow();
  await writeAtomically(pointer, catalogue.revision);
  return catalogue.revision;
}

/** sha256 over the relative path, size and mtime of every file under the library's data folders (no contents read). */
export async function fingerprintFolder(root: string): Promise<string> {
  const entries: string[] = [root];
  for (const folder of ['device-types', 'module-types', 'schema', 'elevation-images']) {
    await collectStats(root, path.join(root, folder), entries);
  }
  entries.sort();
  return createHash('sha256').update(entries.join('\n')).digest('hex').slice(0, 32);
}

async function collectStats(root: string, dir: string, into: string[]): Promise<void> {
  const names = await readdir(dir, { withFileTypes: true }).catch(() => []);
  await Promise.all(
    names.map(async (entry) => {
      const absolute = path.join(dir, entry.name);
      if (entry.isDirectory()) return collectStats(root, absolute, into);
      const info = await stat(absolute).catch(() => undefined);
      into.push(`${path.relative(root, absolute)}\0${info ? `${info.size}:${info.mtimeMs}` : 'unreadable'}`);
    }),
  );
}

function cacheFileName(cacheFolder: string, revision: string): string {
  return path.join(cacheFolder, `${revision.replace(/[^\w.-]/g, '_')}.bin`);
}

async function writeCacheFile(cacheFolder: string, catalogue: Catalogue, logger: Logger | undefined): Promise<void> {
  try {
    await writeAtomically(cacheFileName(cacheFolder, catalogue.revision), serialize(catalogue));
  } catch (error) {
    // A read-only or full disk costs a parse next time, nothing more.
    logger?.warn({ err: error, cacheFolder }, 'could not write the catalogue cache');
  }
}

async function readCacheFile(cacheFolder: string, revision: string, logger: Logger | undefined): Promise<Catalogue | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(cacheFileName(cacheFolder, revision));
  } catch {
    return undefined;
  }
  try {
    const catalogue = deserialize(bytes) as Catalogue;
    if (!(catalogue.vendors instanceof Map) || !Array.isArray(catalogue.deviceTypes)) throw new Error('not a catalogue');
    indexCatalogue(catalogue);
    return catalogue;
  } catch (error) {
    logger?.warn({ err: error, revision }, 'ignoring an unreadable catalogue cache file; parsing the library instead');
    return undefined;
  }
}

/** Write-then-rename, so a reader (another worker on the machine) never sees half a file. */
async function writeAtomically(file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, file);
}
