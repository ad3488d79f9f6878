import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** tsconfig.build.json's `include`: the folders compiled into dist/. */
const SOURCE_DIRS = ['cli', 'controller', 'api', 'emulator'];

/** True when dist/ is missing or a source file changed after it was built (the bin's own test). */
export function distIsStale(): boolean {
  const compiled = join(ROOT, 'dist', 'cli', 'main.js');
  if (!existsSync(compiled)) return true;
  const built = statSync(compiled).mtimeMs;
  for (const dir of SOURCE_DIRS) {
    for (const entry of readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && statSync(join(entry.parentPath, entry.name)).mtimeMs > built)
        return true;
    }
  }
  return false;
}

let building: Promise<void> | undefined;

/**
 * Compiles the sources into dist/ (tsc -p tsconfig.build.json, what `npm run build` runs) unless
 * it is current. CI builds before the tests, so there this costs nothing.
 */
export function ensureBuilt(): Promise<void> {
  building ??= distIsStale()
    ? run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT }).then(
        () => undefined,
      )
    : Promise.resolve();
  return building;
}
