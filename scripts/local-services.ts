// Private Postgres and Redis servers for `npm run demo` on a machine where they are installed
// but not running: each in its own temporary directory, on a free loopback port, run by this
// process (never the system's clusters or services), stopped and deleted by stop().
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { access, chown, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkPostgres, checkRedis } from '../controller/connectivity/index.ts';
import { Secret } from '../controller/config/index.ts';

/** A server this process started; `stop()` shuts it down and deletes its directory. */
export interface PrivateServer {
  readonly kind: 'postgres' | 'redis';
  readonly port: number;
  /** postgres://postgres@127.0.0.1:PORT/ or redis://127.0.0.1:PORT/0 (no database name). */
  readonly url: string;
  readonly dir: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/** Postgres server programs found on this machine. */
export interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
}

async function executable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** The first `name` on a PATH string, or undefined. */
export async function onPath(name: string, pathVariable: string | undefined): Promise<string | undefined> {
  for (const dir of (pathVariable ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const file = path.join(dir, name);
    if (await executable(file)) return file;
  }
  return undefined;
}

/**
 * initdb and postgres from one directory: on PATH first, else the newest Debian/Ubuntu
 * installation under `/usr/lib/postgresql/<version>/bin` (apt's postgresql puts them there,
 * not on PATH). `systemRoot` is that parent folder; tests point it elsewhere.
 */
export async function findPostgres(pathVariable: string | undefined, systemRoot = '/usr/lib/postgresql'): Promise<PostgresBinaries | undefined> {
  const dirs: string[] = (pathVariable ?? '').split(path.delimiter).filter((d) => d !== '');
  const versions = await readdir(systemRoot).catch(() => [] as string[]);
  for (const version of versions.sort((a, b) => Number(b) - Number(a))) dirs.push(path.join(systemRoot, version, 'bin'));
  for (const dir of dirs) {
    const initdb = path.join(dir, 'initdb');
    const postgres = path.join(dir, 'postgres');
    if ((await executable(initdb)) && (await executable(postgres))) return { initdb, postgres };
  }
  return undefined;
}

/** A free TCP port on 127.0.0.1 (free now; the server binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The uid/gid to run Postgres as: itself refuses to run as root, so root uses the `postgres` account (or `nobody`). */
async function unprivilegedAccount(): Promise<{ uid: number; gid: number } | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  for (const name of ['postgres', 'nobody']) {
    const line = passwd.split('\n').find((l) => l.startsWith(`${name}:`));
    const [, , uid, gid] = line?.split(':') ?? [];
    if (uid !== undefined && gid !== undefined) return { uid: Number(uid), gid: Number(gid) };
  }
  throw new Error('running as root, and there is no postgres or nobody account to run a private Postgres as');
}

/** Runs a program to its end; rejects with the tail of its output when it fails. */
function run(file: string, args: string[], options: { uid?: number; gid?: number; cwd: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(file)} exited with ${code}: ${output.trim().split('\n').slice(-3).join(' / ')}`)),
    );
  });
}

/** Output a server wrote, kept for the error when it dies early. */
function capture(child: ChildProcess): () => string {
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => output.trim().split('\n').slice(-3).join(' / ');
}

/** Waits until `ready()` or the child exits (rejects with its output) or `ms` pass. */
async function waitReady(child: ChildProcess, what: string, output: () => string, ready: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited at start: ${output()}`);
    if (await ready()) return;
    await sleep(200);
  }
  throw new Error(`${what} did not answer within ${ms / 1000} s: ${output()}`);
}

/** Stops a server (SIGINT: Postgres's fast shutdown; Redis exits too), SIGKILL after 10 s. */
async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function stopper(child: ChildProcess, signal: NodeJS.Signals, dir: string): () => Promise<void> {
  let stopped: Promise<void> | undefined;
  return () => {
    stopped ??= (async () => {
      await stopChild(child, signal);
      await rm(dir, { recursive: true, force: true });
    })();
    return stopped;
  };
}

/**
 * initdb a cluster in a new temporary directory (trust authentication, user postgres) and run
 * `postgres` on it, listening on 127.0.0.1 only (its socket in the same directory). Durability
 * is off: it lives for one demo.
 */
export async function startPrivatePostgres(binaries: PostgresBinaries): Promise<PrivateServer> {
  const account = await unprivilegedAccount();
  const dir = await mkdtemp(path.join(tmpdir(), 'netbox-gitops-demo-postgres-'));
  try {
    if (account) await chown(dir, account.uid, account.gid);
    const data = path.join(dir, 'data');
    await run(binaries.initdb, ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], { cwd: dir, ...account });
    const port = await freePort();
    const args = [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ];
    // Its own process group: a Ctrl-C in the terminal reaches the demo, which stops things in order.
    const child = spawn(binaries.postgres, args, { cwd: dir, ...account, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const stop = stopper(child, 'SIGINT', dir);
    const output = capture(child);
    const database = { host: '127.0.0.1', port, name: 'postgres', user: 'postgres', password: new Secret(''), poolSize: 1 };
    try {
      await waitReady(child, 'the private Postgres', output, async () => (await checkPostgres(database, { timeoutMs: 1_000 })).ok);
    } catch (error) {
      await stop();
      throw error;
    }
    return { kind: 'postgres', port, url: `postgres://postgres@127.0.0.1:${port}/`, dir, pid: child.pid, stop };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Runs `redis-server` on 127.0.0.1 with nothing saved to disk, from a new temporary directory. */
export async function startPrivateRedis(redisServer: string): Promise<PrivateServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'netbox-gitops-demo-redis-'));
  try {
    const port = await freePort();
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'];
    const child = spawn(redisServer, args, { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const stop = stopper(child, 'SIGTERM', dir);
    const output = capture(child);
    const redis = { host: '127.0.0.1', port, db: 0, password: new Secret('') };
    try {
      await waitReady(child, 'the private Redis', output, async () => (await checkRedis(redis, { timeoutMs: 1_000 })).ok);
    } catch (error) {
      await stop();
      throw error;
    }
    return { kind: 'redis', port, url: `redis://127.0.0.1:${port}/0`, dir, pid: child.pid, stop };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
