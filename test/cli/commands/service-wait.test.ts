// Issue 19: the long-running commands and unreachable Postgres/Redis. At start: a bounded wait
// (--wait-for-services), then one line and exit 1 — or a normal start once the service answers.
// Later: a lost connection is retried, and logged once when lost and once when back.
// Postgres and Redis are taken away through TCP forwarders; the shared servers stay untouched.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../controller/config/index.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import type { TestDatabase } from '../../helpers/database.ts';
import { LIBRARY_PATH } from '../../helpers/library.ts';
import { closedPort, createTcpProxy } from '../../helpers/tcp-proxy.ts';
import type { TcpProxy } from '../../helpers/tcp-proxy.ts';
import { tempDir } from '../../helpers/files.ts';
import { uniqueName } from '../../helpers/redis.ts';
import { waitUntil } from '../../helpers/wait.ts';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/netbox-gitops.js');
const config = loadConfig(process.env);
const queueName = uniqueName('service-wait');

let db: TestDatabase;
let cache: ReturnType<typeof tempDir>;
const proxies: TcpProxy[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  cache = tempDir('service-wait-cache-');
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(proxies.map((p) => p.stop()));
  const queue = new Queue(queueName, { connection: { host: config.redis.host, port: config.redis.port, db: config.redis.db } });
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  await db?.drop();
  cache?.remove();
});

/** The test database's URL on another port (a forwarder, or nothing at all). */
function databaseUrlOn(port: number): string {
  const url = new URL(db.url);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return url.toString();
}

interface Running {
  readonly child: ChildProcess;
  out(): string;
  err(): string;
  /** JSON log lines (on stdout or stderr) whose msg matches. */
  logs(match: RegExp): { msg: string; level: number }[];
  readonly exited: Promise<number | null>;
}

function start(args: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: {
      ...process.env,
      REDIS_HOST: config.redis.host,
      REDIS_PORT: String(config.redis.port),
      REDIS_DATABASE: String(config.redis.db),
      NETBOX_URL: 'http://127.0.0.1:9',
      NETBOX_TOKEN: '0123456789abcdef0123456789abcdef01234567',
      WORKFLOW_QUEUE: queueName,
      METRICS_PORT: '0',
      LIBRARY_PATH,
      CACHE_DIR: cache.path,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    out: () => out,
    err: () => err,
    logs: (match) =>
      `${out}\n${err}`
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { msg: string; level: number })
        .filter((line) => match.test(line.msg)),
    exited,
  };
}

/** Lines that are not JSON log lines: what a person reads. */
const plainLines = (text: string): string[] => text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('{'));

describe('start-up with Postgres or Redis unreachable', () => {
  it('a worker started with Postgres down says so in one line and exits 1 after --wait-for-services', async () => {
    const port = await closedPort();
    const worker = start(['worker', '--wait-for-services', '2'], { DATABASE_URL: databaseUrlOn(port) });
    expect(await worker.exited).toBe(1);
    const lines = plainLines(worker.err());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^error: Postgres at 127\\.0\\.0\\.1:${port} is not reachable \\(connection refused\\) after waiting \\d+ s; start it, or set DATABASE_URL to a running one \\(or wait longer with --wait-for-services\\)$`,
      ),
    );
    // It said once that it waits, and never printed a stack.
    expect(worker.logs(/^waiting up to 2 s for Postgres at 127\.0\.0\.1:\d+$/)).toHaveLength(1);
    expect(worker.err()).not.toMatch(/\n\s+at /);
  });

  it('the API with Redis down and --wait-for-services 0 checks once and exits 1', async () => {
    const port = await closedPort();
    const api = start(['api', '--port', '0', '--host', '127.0.0.1', '--wait-for-services', '0'], { DATABASE_URL: db.url, REDIS_PORT: String(port) });
    expect(await api.exited).toBe(1);
    expect(plainLines(api.err())).toEqual([
      `error: Redis at ${config.redis.host}:${port} is not reachable (connection refused); start it, or set REDIS_URL to a running one (or wait longer with --wait-for-services)`,
    ]);
    expect(plainLines(api.out())).toEqual([]);
  });

  it('names a database that does not exist at once, without waiting', async () => {
    const url = new URL(db.url);
    url.pathname = '/netbox_gitops_no_such_database';
    const controller = start(['controller', '--intents', cache.path, '--wait-for-services', '60'], { DATABASE_URL: url.toString() });
    expect(await controller.exited).toBe(1);
    expect(plainLines(controller.err())).toEqual([
      `error: Postgres at ${url.hostname}:${url.port}: database "netbox_gitops_no_such_database" does not exist (create it, or set DATABASE_NAME / DATABASE_URL)`,
    ]);
    expect(controller.logs(/^waiting/)).toEqual([]);
  });

  it('a worker started with Postgres down starts once Postgres answers within the wait', async () => {
    const postgres = await createTcpProxy({ host: db.database.host, port: db.database.port });
    proxies.push(postgres);
    const worker = start(['worker', '--wait-for-services', '60'], { DATABASE_URL: databaseUrlOn(postgres.port) });
    await waitUntil('the worker to wait', () => worker.logs(/^waiting up to 60 s for Postgres/).length === 1 || worker.child.exitCode !== null, 30_000, 50);
    expect(worker.child.exitCode).toBeNull();
    await postgres.start();
    await waitUntil('the worker to start', () => worker.logs(/workflow worker ready/).length === 1 || worker.child.exitCode !== null, 60_000, 50);
    expect(worker.logs(/^Postgres and Redis answer; starting$/)).toHaveLength(1);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  }, 240_000);
});

describe('a connection lost while running', () => {
  it('the worker retries Redis with backoff and logs the loss once and the return once', async () => {
    const redis = await createTcpProxy({ host: config.redis.host, port: config.redis.port });
    proxies.push(redis);
    await redis.start();
    const worker = start(['worker'], { DATABASE_URL: db.url, REDIS_HOST: '127.0.0.1', REDIS_PORT: String(redis.port) });
    await waitUntil('the worker to start', () => worker.logs(/workflow worker ready/).length === 1 || worker.child.exitCode !== null, 60_000, 50);
    expect(worker.child.exitCode).toBeNull();

    await redis.stop();
    await waitUntil('the loss to be logged', () => worker.logs(/^Redis connection lost/).length > 0, 30_000, 50);
    // Its five connections keep retrying (100 ms, doubling to 5 s); none of that is logged again.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(worker.logs(/^Redis connection lost/)).toHaveLength(1);
    expect(worker.logs(/Redis connection restored/)).toHaveLength(0);
    // No other line about the failing attempts.
    expect(worker.logs(/^(?!Redis connection lost).*(Connection is closed|ECONNREFUSED|Redis)/)).toEqual([]);

    await redis.start();
    await waitUntil('the return to be logged', () => worker.logs(/^Redis connection restored/).length > 0, 30_000, 50);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(worker.logs(/^Redis connection restored/)).toHaveLength(1);
    expect(worker.logs(/^Redis connection lost/)).toHaveLength(1);
    expect(worker.child.exitCode).toBeNull();
    worker.child.kill('SIGTERM');
    // Bounded: a worker that does not stop after its connections came back is the bug to see.
    const stopped = await Promise.race([worker.exited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 60_000))]);
    expect(
      stopped,
      worker
        .logs(/./)
        .slice(-5)
        .map((l) => l.msg)
        .join('\n'),
    ).toBe(0);
  }, 240_000);
});
