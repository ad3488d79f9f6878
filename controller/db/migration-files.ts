import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../package-root/index.ts';
import { MigrationError } from './errors.ts';

/** One numbered migration: its up script, the down script that undoes it, and their checksum. */
export interface Migration {
  readonly version: number;
  /** The part of the file name after the number, e.g. `workflow_tables`. */
  readonly name: string;
  readonly upFile: string;
  readonly downFile: string;
  readonly up: string;
  readonly down: string;
  /** SHA-256 (hex) of the up script; recorded when applied so later edits are caught. */
  readonly checksum: string;
}

const FILE_PATTERN = /^(\d{4})_([a-z0-9]+(?:_[a-z0-9]+)*)\.(up|down)\.sql$/;

/** The package's `migrations/` folder, found from the code's location, not the working directory. */
export function defaultMigrationsDirectory(): string {
  return join(packageRoot(), 'migrations');
}

/**
 * Reads and checks the migrations folder: every `.sql` file must be named
 * `NNNN_name.up.sql` / `NNNN_name.down.sql`, every version needs both, and versions run 1, 2, 3...
 * with no gaps. Returns the migrations in version order.
 */
export async function loadMigrations(directory: string = defaultMigrationsDirectory()): Promise<Migration[]> {
  const entries = await readdir(directory).catch((error: unknown) => {
    throw new MigrationError(`Cannot read the migrations folder ${directory}: ${String(error)}`, {}, { cause: error });
  });
  const halves = new Map<number, { name: string; up?: string; down?: string }>();
  for (const file of entries.filter((entry) => entry.endsWith('.sql')).sort()) {
    const match = FILE_PATTERN.exec(file);
    if (!match) {
      throw new MigrationError(`Migration file ${file} is misnamed: name it NNNN_snake_case_name.up.sql or NNNN_snake_case_name.down.sql.`, { file });
    }
    const [, number = '', name = '', direction] = match;
    const version = Number(number);
    const entry = halves.get(version) ?? { name };
    if (entry.name !== name) {
      throw new MigrationError(`Migration version ${number} has two names (${entry.name}, ${name}): give its up and down files the same name.`, {
        file,
        version,
      });
    }
    entry[direction === 'up' ? 'up' : 'down'] = file;
    halves.set(version, entry);
  }
  const versions = [...halves.keys()].sort((a, b) => a - b);
  const migrations: Migration[] = [];
  for (const [index, version] of versions.entries()) {
    const entry = halves.get(version);
    if (!entry) continue;
    if (version !== index + 1) {
      throw new MigrationError(`Migration versions must run 1, 2, 3... without gaps; expected ${pad(index + 1)} but found ${pad(version)}.`, {
        version,
      });
    }
    if (!entry.up || !entry.down) {
      const missing = `${pad(version)}_${entry.name}.${entry.up ? 'down' : 'up'}.sql`;
      throw new MigrationError(`Migration ${pad(version)}_${entry.name} has no ${missing}: every migration needs an up and a down script.`, {
        file: missing,
        version,
      });
    }
    const up = await readFile(join(directory, entry.up), 'utf8');
    const down = await readFile(join(directory, entry.down), 'utf8');
    migrations.push({ version, name: entry.name, upFile: entry.up, downFile: entry.down, up, down, checksum: checksumOf(up) });
  }
  return migrations;
}

/** SHA-256 of a script with line endings normalised, so a CRLF checkout does not look like an edit. */
export function checksumOf(script: string): string {
  return createHash('sha256').update(script.replace(/\r\n/g, '\n')).digest('hex');
}

/** Formats a version the way files are numbered, e.g. 1 → `0001`. */
export function pad(version: number): string {
  return String(version).padStart(4, '0');
}
