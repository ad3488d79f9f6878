import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalogue } from '../../controller/catalogue/index.ts';
import type { Catalogue } from '../../controller/catalogue/index.ts';

/** The devicetype-library snapshot beside this repository (never copied into it). */
export const LIBRARY_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/devicetype-library');
/** The repository's example intents. */
export const EXAMPLE_INTENTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../intents');

let cached: Promise<Catalogue> | undefined;

/** The whole snapshot, loaded once per test file. */
export function loadLibrary(): Promise<Catalogue> {
  cached ??= loadCatalogue({ root: LIBRARY_PATH });
  return cached;
}
