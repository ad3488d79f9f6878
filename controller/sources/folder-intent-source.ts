import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { watch } from 'chokidar';
import { ResourceError } from '../errors/index.ts';
import type { Logger } from '../logging/index.ts';
import { snapshotIntents } from './snapshot.ts';
import type { IntentSnapshot, IntentSource } from './types.ts';

export interface FolderIntentSourceOptions {
  readonly dir: string;
  /** Quiet time after the last file event before one sync runs; default 500 ms. */
  readonly debounceMs?: number;
  readonly logger?: Logger;
}

export const DEFAULT_DEBOUNCE_MS = 500;
const YAML_FILE = /\.ya?ml$/i;

/**
 * A local folder of intent files, for development. The revision is a sha256 over the
 * relative paths and contents of the YAML files the loader reads; `watch()` reports a burst
 * of edits (an editor's save, a `git checkout`) once, after `debounceMs` of quiet.
 */
export function createFolderIntentSource(options: FolderIntentSourceOptions): IntentSource {
  const dir = path.resolve(options.dir);
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  let revision: string | undefined;

  const fetch = async (): Promise<{ revision: string; changed: boolean }> => {
    const next = await hashIntentFolder(dir);
    const changed = next !== revision;
    revision = next;
    return { revision: next, changed };
  };

  return {
    id: `folder:${dir}`,
    kind: 'folder',
    fetch,
    async load(): Promise<IntentSnapshot> {
      return snapshotIntents(dir, revision ?? (await fetch()).revision);
    },
    async watch(onChange: () => void): Promise<() => Promise<void>> {
      let timer: NodeJS.Timeout | undefined;
      const watcher = watch(dir, {
        ignoreInitial: true,
        // Dot-folders hold tooling (.git), which the loader skips too.
        ignored: (file) => path.relative(dir, file).split(path.sep).some((part) => part.startsWith('.')),
      });
      watcher.on('all', (event, file) => {
        options.logger?.trace({ event, file }, 'intent folder changed');
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          timer = undefined;
          onChange();
        }, debounceMs);
      });
      watcher.on('error', (error) => options.logger?.warn({ err: error, dir }, 'watching the intent folder failed'));
      await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
      return async () => {
        if (timer) clearTimeout(timer);
        await watcher.close();
      };
    },
  };
}

/**
 * sha256 over `path\0content` of every YAML file the intent loader would read, in path order.
 * @throws ResourceError when `dir` does not exist.
 */
export async function hashIntentFolder(dir: string): Promise<string> {
  const info = await stat(dir).catch((error: unknown) => {
    throw new ResourceError(`intent folder ${dir} cannot be read; pass an existing folder (--intents DIR or INTENTS_PATH)`, dir, { cause: error });
  });
  const files = info.isFile() ? [{ absolute: dir, relative: path.basename(dir) }] : await listYamlFiles(dir, dir);
  files.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  const hash = createHash('sha256');
  for (const file of files) {
    const content = await readFile(file.absolute).catch(() => Buffer.from('\0unreadable'));
    hash.update(`${file.relative}\0${content.length}\0`);
    hash.update(content);
  }
  return `sha256:${hash.digest('hex')}`;
}

async function listYamlFiles(root: string, dir: string): Promise<{ absolute: string; relative: string }[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: { absolute: string; relative: string }[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const absolute = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listYamlFiles(root, absolute)));
    else if (YAML_FILE.test(entry.name)) files.push({ absolute, relative: path.relative(root, absolute).split(path.sep).join('/') });
  }
  return files;
}
