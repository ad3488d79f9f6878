import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The package's root folder (the one holding package.json and migrations/), found by walking up
 * from this file: `controller/package-root/` in a checkout run through tsx, and
 * `dist/controller/package-root/` in the compiled build, where a fixed `../../` would land in
 * dist/. Works from any working directory.
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}: the package is incomplete`);
    dir = parent;
  }
  root = dir;
  return root;
}

/** The `version` field of the package's package.json. */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof manifest.version !== 'string') throw new Error(`${join(packageRoot(), 'package.json')} has no version`);
  return manifest.version;
}
