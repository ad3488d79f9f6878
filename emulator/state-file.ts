import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Row, TableName } from './model/types.ts';
import type { Store } from './store/store.ts';
import type { ApiVersion } from './version.ts';

const FORMAT = 'netbox-gitops-emulator-state';

/** A state file that cannot be loaded; the message says what to do about it. */
export class StateFileError extends Error {
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StateFileError';
  }
}

interface StateDocument {
  format: string;
  version: 1;
  apiVersion: ApiVersion;
  tables: Record<string, { nextId: number; rows: Row[] }>;
  media: Record<string, { contentType: string; data: string }>;
}

/** Writes the whole store to `file` (atomically: a temporary file renamed into place). */
export async function saveStateFile(store: Store, apiVersion: ApiVersion, file: string): Promise<void> {
  const doc: StateDocument = { format: FORMAT, version: 1, apiVersion, tables: {}, media: {} };
  for (const name of store.tableNames()) {
    const table = store.table(name);
    doc.tables[name] = { nextId: table.nextId, rows: [...table.values()] };
  }
  for (const [path, media] of store.media) doc.media[path] = { contentType: media.contentType, data: media.data.toString('base64') };
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(doc));
  await rename(temporary, file);
}

/** Loads a state file into an empty store; false when the file does not exist. */
export async function loadStateFile(store: Store, apiVersion: ApiVersion, file: string): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new StateFileError(`cannot read emulator state file ${file}: ${(error as Error).message}`, file, { cause: error });
  }
  let doc: StateDocument;
  try {
    doc = JSON.parse(text) as StateDocument;
  } catch (error) {
    throw new StateFileError(`emulator state file ${file} is not valid JSON; delete it to start empty`, file, { cause: error });
  }
  if (doc.format !== FORMAT || doc.version !== 1 || typeof doc.tables !== 'object') {
    throw new StateFileError(`${file} is not an emulator state file (format ${FORMAT} v1); delete it or pass another --state`, file);
  }
  if (doc.apiVersion !== apiVersion) {
    throw new StateFileError(
      `emulator state file ${file} was written by a NetBox ${doc.apiVersion} emulator; start with --version ${doc.apiVersion} or delete the file`,
      file,
    );
  }
  const known = new Set<string>(store.tableNames());
  for (const [name, table] of Object.entries(doc.tables)) {
    if (!known.has(name)) continue;
    for (const row of table.rows) store.restore(name as TableName, row);
    store.table(name as TableName).nextId = Math.max(store.table(name as TableName).nextId, table.nextId);
  }
  for (const [path, media] of Object.entries(doc.media ?? {}))
    store.media.set(path, { contentType: media.contentType, data: Buffer.from(media.data, 'base64') });
  return true;
}
