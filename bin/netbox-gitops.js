#!/usr/bin/env node
// Runs the compiled CLI (dist/, from `npm run build`) when it is there and current. In a
// development checkout with no build, or with sources edited since the last build, it runs the
// TypeScript sources through tsx instead (a dev dependency), so `npx netbox-gitops` works straight
// after `npm ci` and never runs stale code. An installed package or the image ships dist/ and no
// sources: no check, no tsx.
import { existsSync, readdirSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const compiled = new URL('dist/cli/main.js', root);
const source = new URL('cli/main.ts', root);

/** Folders whose .ts files make up the build (tsconfig.build.json's `include`). */
const SOURCE_DIRS = ['cli', 'controller', 'api', 'emulator'];

/** True when a source file changed after `since` (ms); stops at the first one. */
function sourcesChangedSince(since) {
  for (const dir of SOURCE_DIRS) {
    const base = new URL(`${dir}/`, root);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base, { recursive: true, withFileTypes: true })) {
      if (
        entry.isFile() &&
        entry.name.endsWith('.ts') &&
        !entry.name.endsWith('.test.ts') &&
        statSync(`${entry.parentPath ?? entry.path}/${entry.name}`).mtimeMs > since
      )
        return true;
    }
  }
  return false;
}

if (existsSync(compiled) && !(existsSync(source) && sourcesChangedSince(statSync(compiled).mtimeMs))) {
  await import(compiled.href);
} else if (existsSync(source)) {
  const { register } = await import('tsx/esm/api').catch((error) => {
    process.stderr.write(
      `error: dist/ is missing or older than the sources, and tsx (a dev dependency) is not installed: run \`npm ci\` then \`npm run build\` (${error.message})\n`,
    );
    process.exit(1);
  });
  register();
  await import(source.href);
} else {
  process.stderr.write('error: the package has no dist/ (compiled CLI) and no sources: reinstall it\n');
  process.exitCode = 1;
}
