import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { watch } from 'chokidar';
import { ResourceError } from '../errors/index.ts';
import { DEFAULT_MAX_FILE_BYTES, listIntentFiles, readIntentFile } from '../intents/index.ts';
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
        // The loader does not follow links to folders, nor links out of the folder.
        followSymlinks: false,
        // Dot-folders hold tooling (.git), which the loader skips too.
        ignored: (file) =>
          path
            .relative(dir, file)
            .split(path.sep)
            .some((part) => part.startsWith('.')),
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
 * sha256 over `path\0content` of every YAML file the intent loader would read, in path order
 * (with the loader's rules for links and special files: a FIFO is never opened), plus what the
 * listing refused, so that adding a bad link changes the revision too.
 * @throws ResourceError when `dir` does not exist.
 */
export async function hashIntentFolder(dir: string): Promise<string> {
  await stat(dir).catch((error: unknown) => {
    throw new ResourceError(`intent folder ${dir} cannot be read; pass an existing folder (--intents DIR or INTENTS_PATH)`, dir, { cause: error });
  });
  const listing = await listIntentFiles(dir);
  const hash = createHash('sha256');
  for (const file of listing.files) {
    const content = await readIntentFile(file.path, DEFAULT_MAX_FILE_BYTES);
    const bytes = typeof content === 'string' ? Buffer.from(content) : Buffer.from(`\0${JSON.stringify(content)}`);
    hash.update(`${file.file}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  for (const issue of listing.issues) hash.update(`\0issue\0${issue.file ?? ''}\0${issue.message}`);
  return `sha256:${hash.digest('hex')}`;
}
