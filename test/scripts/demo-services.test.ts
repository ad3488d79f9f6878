// Issue 19: `npm run demo` where Postgres or Redis is not running. It says what is missing and
// exits 1 (no stack, no hang), or — when the server is installed here — runs a private one and
// removes it at the end, Ctrl-C included. The demo runs as a user runs it, in a child process;
// PATH decides whether redis-server is "installed". The shared servers are never touched: the
// demo is pointed at closed ports instead.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Secret } from '../../controller/config/index.ts';
import { checkPostgres, checkRedis } from '../../controller/connectivity/index.ts';
import { findPostgres, onPath } from '../../scripts/local-services.ts';
import { closedPort } from '../helpers/tcp-proxy.ts';
import { waitUntil } from '../helpers/wait.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const redisServer = await onPath('redis-server', process.env.PATH);
const postgresBinaries = await findPostgres(process.env.PATH);
const npm = await onPath('npm', process.env.PATH);
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A folder to use as PATH, holding links to the given programs only. */
function pathWith(programs: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'demo-path-'));
  dirs.push(dir);
  for (const [name, target] of Object.entries(programs)) symlinkSync(target, path.join(dir, name));
  return dir;
}

interface DemoRun {
  readonly child: ChildProcess;
  out(): string;
  err(): string;
  readonly exited: Promise<number | null>;
}

function demo(env: Record<string, string>): DemoRun {
  // The demo's own database name: a demo that got as far as part 5 would not touch anyone else's.
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_NAME: `demo_services_test_${process.pid}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
  return { child, out: () => out, err: () => err, exited };
}

describe('npm run demo: Postgres and Redis first', () => {
  it('with Redis not running and redis-server not installed: says what is missing and how to get it, exits 1', async () => {
    const port = await closedPort();
    const run = demo({ REDIS_HOST: '127.0.0.1', REDIS_PORT: String(port), PATH: pathWith({}) });
    expect(await run.exited).toBe(1);
    const err = run.err();
    expect(err).toContain(`x Redis at 127.0.0.1:${port}: connection refused, and redis-server is not installed here to start one`);
    expect(err).toMatch(/ok Postgres at \S+: running/);
    expect(err).toContain('sudo apt-get install redis-server');
    expect(err).toContain('REDIS_URL=redis://HOST:6379/0 npm run demo');
    // Nothing else ran, and no stack trace.
    expect(err).not.toMatch(/\n\s+at /);
    expect(run.out()).not.toContain('NetBox emulator');
  }, 120_000);

  it.skipIf(redisServer === undefined)(
    'with Redis not running and redis-server installed: runs a private Redis, and Ctrl-C stops and removes it',
    async () => {
      const port = await closedPort();
      // node and npm too: the demo builds the dashboard with npm when web/dist is missing.
      const tools = { node: process.execPath, ...(npm ? { npm } : {}) };
      const run = demo({ REDIS_HOST: '127.0.0.1', REDIS_PORT: String(port), PATH: pathWith({ 'redis-server': redisServer as string, ...tools }) });
      const started = /started a private Redis \(.*\) on 127\.0\.0\.1:(\d+) in (\S+), removed at the end/;
      await waitUntil('the private Redis', () => started.test(run.out()) || run.child.exitCode !== null, 90_000, 100);
      const [, privatePort, dir] = started.exec(run.out()) as RegExpExecArray;
      const privateRedis = { host: '127.0.0.1', port: Number(privatePort), db: 0, password: new Secret('') };
      expect(await checkRedis(privateRedis)).toEqual({ ok: true });
      expect(existsSync(dir as string)).toBe(true);

      // Ctrl-C, whatever the demo is doing by then, ends everything it started.
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(130);
      expect(run.err()).toContain('SIGINT: stopping the demo');
      expect(existsSync(dir as string)).toBe(false);
      expect((await checkRedis(privateRedis, { timeoutMs: 1_000 })).ok).toBe(false);
    },
    180_000,
  );

  it.skipIf(postgresBinaries === undefined)(
    'with Postgres not running but installed: runs a private cluster in a temporary directory, and SIGTERM stops and removes it',
    async () => {
      const port = await closedPort();
      const run = demo({ DATABASE_HOST: '127.0.0.1', DATABASE_PORT: String(port) });
      const started = /started a private Postgres \(.*\) on 127\.0\.0\.1:(\d+) in (\S+), removed at the end/;
      await waitUntil('the private Postgres', () => started.test(run.out()) || run.child.exitCode !== null, 90_000, 100);
      const [, privatePort, dir] = started.exec(run.out()) as RegExpExecArray;
      const privatePostgres = { host: '127.0.0.1', port: Number(privatePort), name: 'postgres', user: 'postgres', password: new Secret(''), poolSize: 1 };
      expect(await checkPostgres(privatePostgres)).toEqual({ ok: true });
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(130);
      expect(existsSync(dir as string)).toBe(false);
      expect((await checkPostgres(privatePostgres, { timeoutMs: 1_000 })).ok).toBe(false);
    },
    180_000,
  );
});
