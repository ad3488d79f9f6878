// The published entry `bin/netbox-gitops.js` chooses between the compiled CLI and the sources.
// Each case is a scratch package holding a copy of the real bin and stand-in entries that print
// which one ran, with file times set explicitly; then the real package is run both ways.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI_UNDER_TEST, cliProcessArgs } from '../helpers/cli.ts';
import { EXAMPLE_INTENTS, LIBRARY_PATH } from '../helpers/library.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Scratch {
  readonly root: string;
  write(relative: string, text: string, mtime?: Date): void;
}

const scratches: string[] = [];
afterEach(() => {
  for (const dir of scratches.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A package folder with the real bin; `withTsx` links the repository's node_modules (tsx in it). */
function scratchPackage(withTsx: boolean): Scratch {
  const root = mkdtempSync(join(tmpdir(), 'bin-'));
  scratches.push(root);
  mkdirSync(join(root, 'bin'));
  copyFileSync(join(ROOT, 'bin', 'netbox-gitops.js'), join(root, 'bin', 'netbox-gitops.js'));
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  if (withTsx) symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  return {
    root,
    write(relative, text, mtime) {
      const file = join(root, relative);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      if (mtime) utimesSync(file, mtime, mtime);
    },
  };
}

async function runBin(pkg: Scratch): Promise<{ out: string; err: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(pkg.root, 'bin', 'netbox-gitops.js')], { cwd: pkg.root });
    return { out: stdout, err: stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { out: e.stdout, err: e.stderr, code: e.code };
  }
}

const EARLIER = new Date('2024-01-01T00:00:00Z');
const LATER = new Date('2024-01-02T00:00:00Z');
const COMPILED = "process.stdout.write('compiled\\n');\n";
// A type annotation, so only tsx can run it.
const SOURCE = "const which: string = 'source';\nprocess.stdout.write(`${which}\\n`);\n";

describe('bin/netbox-gitops.js', () => {
  it('runs dist/ when it is newer than every source file', async () => {
    const pkg = scratchPackage(true);
    pkg.write('cli/main.ts', SOURCE, EARLIER);
    pkg.write('controller/x/index.ts', 'export {};\n', EARLIER);
    pkg.write('dist/cli/main.js', COMPILED, LATER);
    expect((await runBin(pkg)).out).toBe('compiled\n');
  });

  it('runs the sources through tsx when one of them changed after the build', async () => {
    const pkg = scratchPackage(true);
    pkg.write('cli/main.ts', SOURCE, EARLIER);
    pkg.write('controller/x/index.ts', 'export {};\n', LATER);
    pkg.write('dist/cli/main.js', COMPILED, EARLIER);
    expect((await runBin(pkg)).out).toBe('source\n');
  });

  it('runs the sources through tsx in a checkout that was never built (straight after npm ci)', async () => {
    const pkg = scratchPackage(true);
    pkg.write('cli/main.ts', SOURCE);
    expect((await runBin(pkg)).out).toBe('source\n');
  });

  it('runs dist/ without looking for sources or tsx in an installed package or the image', async () => {
    const pkg = scratchPackage(false);
    pkg.write('dist/cli/main.js', COMPILED);
    expect((await runBin(pkg)).out).toBe('compiled\n');
  });

  it('says what to do when dist/ is stale and tsx is not installed', async () => {
    const pkg = scratchPackage(false);
    pkg.write('cli/main.ts', SOURCE, LATER);
    pkg.write('dist/cli/main.js', COMPILED, EARLIER);
    const result = await runBin(pkg);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/tsx \(a dev dependency\) is not installed: run `npm ci` then `npm run build`/);
  });

  it('fails clearly with neither dist/ nor sources', async () => {
    const result = await runBin(scratchPackage(false));
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/no dist\/ \(compiled CLI\) and no sources/);
  });
});

describe(`the CLI as a process (${CLI_UNDER_TEST})`, () => {
  const env = { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent' };

  it('prints the version and validates the example intents', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect((await run(process.execPath, [...cliProcessArgs(), '--version'], { env })).stdout).toBe(`${version}\n`);
    const validate = await run(process.execPath, [...cliProcessArgs(), 'validate', '--intents', EXAMPLE_INTENTS, '--library', LIBRARY_PATH], { env });
    expect(validate.stdout).toMatch(/^\d+ intents valid \(0 warnings\)\n$/);
  });

  it('exits 1 with one line naming the problem for a bad environment, and 1 with usage for an unknown command', async () => {
    const bad = await run(process.execPath, [...cliProcessArgs(), 'plan', '--intents', EXAMPLE_INTENTS, '--library', LIBRARY_PATH], {
      env: { ...env, NETBOX_TIMEOUT: 'soon' },
    }).catch((e: unknown) => e as { code: number; stderr: string });
    expect((bad as { code: number }).code).toBe(1);
    expect((bad as { stderr: string }).stderr).toMatch(/^error: .*NETBOX_TIMEOUT/);
    const unknown = await run(process.execPath, [...cliProcessArgs(), 'valdate'], { env }).catch((e: unknown) => e as { code: number; stderr: string });
    expect((unknown as { code: number }).code).toBe(1);
    expect((unknown as { stderr: string }).stderr).toMatch(/unknown command 'valdate'\n\(Did you mean validate\?\)/);
  });
});
