// The image's runtime stage, laid out in a scratch folder as the Dockerfile assembles it (there is
// no Docker engine here): package.json, bin/, dist/, migrations/ and a node_modules holding the
// production dependencies only (no tsx, no TypeScript sources). Run with HOME, TMPDIR and CACHE_DIR
// on one cache folder, the processes must work and write nothing into the package folder.
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.ts';
import { createTestDatabase } from '../helpers/database.ts';
import type { TestDatabase } from '../helpers/database.ts';
import { EXAMPLE_INTENTS, LIBRARY_PATH } from '../helpers/library.ts';
import { REPO_ROOT } from './chart.ts';

const run = promisify(execFile);

let app: string;
let cache: string;
let db: TestDatabase;
let before: string[];

/** Every file and folder under `dir`, relative to it, sorted. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !relative(dir, e.parentPath).startsWith('node_modules') && !(e.parentPath === dir && e.name === 'node_modules'))
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** Links each production package of the lock file into `<appDir>/node_modules` (what `npm ci --omit=dev` installs). */
function linkProductionPackages(appDir: string): string[] {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; devOptional?: boolean }> };
  const linked: string[] = [];
  for (const [key, entry] of Object.entries(lock.packages)) {
    // Top-level packages only: nested ones live inside the package folders linked here.
    if (!key.startsWith('node_modules/') || key.indexOf('/node_modules/', 1) !== -1 || entry.dev === true || entry.devOptional === true) continue;
    const source = join(REPO_ROOT, key);
    if (!existsSync(source)) continue; // an optional package for another platform
    const link = join(appDir, key);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(source, link, 'dir');
    linked.push(key.slice('node_modules/'.length));
  }
  return linked;
}

function environment(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    NODE_OPTIONS: '--enable-source-maps',
    CACHE_DIR: cache,
    HOME: cache,
    TMPDIR: cache,
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

function cli(args: string[], extra: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [join(app, 'bin', 'netbox-gitops.js'), ...args], { cwd: app, env: environment(extra) });
}

beforeAll(async () => {
  await ensureBuilt();
  app = mkdtempSync(join(tmpdir(), 'runtime-app-'));
  cache = mkdtempSync(join(tmpdir(), 'runtime-cache-'));
  for (const part of ['package.json', 'bin', 'dist', 'migrations']) cpSync(join(REPO_ROOT, part), join(app, part), { recursive: true });
  linkProductionPackages(app);
  before = listing(app);
  db = await createTestDatabase({ migrated: false });
}, 300_000);

afterAll(async () => {
  await db?.drop();
  for (const dir of [app, cache]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the runtime layout of the image', () => {
  it('holds no TypeScript source and no tsx', () => {
    expect(before.filter((f) => f.endsWith('.ts'))).toEqual([]);
    expect(existsSync(join(app, 'node_modules', 'tsx'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'typescript'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'commander'))).toBe(true);
  });

  it('answers --version and --help, and validates intents', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect((await cli(['--version'])).stdout).toBe(`${version}\n`);
    expect((await cli(['--help'])).stdout).toMatch(/^ {2}controller /m);
    expect((await cli(['validate', '--intents', EXAMPLE_INTENTS, '--library', LIBRARY_PATH])).stdout).toMatch(/intents valid/);
  });

  it('migrates, then serves the API until SIGTERM', async () => {
    const count = readdirSync(join(REPO_ROOT, 'migrations')).filter((f) => f.endsWith('.up.sql')).length;
    const migrated = await cli(['migrate'], { DATABASE_URL: db.url });
    expect(migrated.stdout).toMatch(new RegExp(`^applied: 1, .*\\ncurrent version: ${count}\\n$`));
    const child = spawn(process.execPath, [join(app, 'bin', 'netbox-gitops.js'), 'api', '--port', '0', '--host', '127.0.0.1'], {
      cwd: app,
      env: environment({ DATABASE_URL: db.url, WORKFLOW_QUEUE: `test-runtime-${process.pid}` }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', () => {
          const match = /API listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (match?.[1]) resolve(match[1]);
        });
        void exited.then((code) => reject(new Error(`api exited with ${code}: ${err}`)));
      });
      expect((await fetch(`${url}/livez`)).status).toBe(200);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('wrote nothing into the package folder', () => {
    expect(listing(app)).toEqual(before);
  });
});
