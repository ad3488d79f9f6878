import type { ImageIndex } from './images.ts';
import { readLibraryFileSync } from './read-file.ts';
import type { FileOutcome, LibraryFile, ReadSettings } from './read-file.ts';
import type { LibraryValidators } from './schemas.ts';

/** Files per slice of work between yields: about 10 ms, so the event loop stays responsive. */
const BATCH_SIZE = 64;

/**
 * Reads all files in order, in batches, yielding to the event loop between batches so that
 * a server loading the library keeps answering requests. The whole snapshot takes about a
 * second of CPU on one core, so worker threads would cost more to start than they save.
 */
export async function processLibraryFiles(
  files: readonly LibraryFile[],
  validators: LibraryValidators,
  images: ImageIndex,
  settings: ReadSettings,
): Promise<FileOutcome[]> {
  const outcomes: FileOutcome[] = [];
  for (let start = 0; start < files.length; start += BATCH_SIZE) {
    const end = Math.min(start + BATCH_SIZE, files.length);
    for (let i = start; i < end; i += 1) {
      outcomes.push(readLibraryFileSync(files[i] as LibraryFile, validators, images, settings));
    }
    if (end < files.length) await new Promise((resolve) => setImmediate(resolve));
  }
  return outcomes;
}
