// The chaos suite's stack, one per scenario: a private redis-server on a free port (the shared
// Redis on 6379 is never touched — scenarios restart theirs), a database of its own (cloned from
// the migrated test template, dropped at the end), the NetBox emulator in this process, and
// real `netbox-gitops worker`, `api` and `controller` child processes. Child output goes to
// .cache/chaos/<scenario>-<name>.log.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { dump } from 'js-yaml';
import { validateIntentObject } from '../../controller/intents/index.ts';
import { startEmulator } from '../../emulator/index.ts';
import type { Emulator, EmulatorOptions } from '../../emulator/index.ts';
import { createTestDatabase } from '../../test/helpers/database.ts';
import type { TestDatabase } from '../../test/helpers/database.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const LIBRARY_PATH = path.resolve(ROOT, '../shared/devicetype-library');
const BIN = path.join(ROOT, 'bin/netbox-gitops.js');
const LOG_DIR = path.join(ROOT, '.cache/chaos');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `everyMs` until it returns something other than undefined/false; throws after `timeoutMs`. */
export async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

export interface Child {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<number | null>;
  /** Output so far (stdout + stderr). */
  output(): string;
}

/** A private redis-server with an append-only file, so that a restart keeps the queue. */
export class PrivateRedis {
  #child: ChildProcess | undefined;
  readonly dir = mkdtempSync(path.join(tmpdir(), 'nbg-chaos-redis-'));
  constructor(readonly port: number) {}

  async start(): Promise<void> {
    this.#child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.dir],
      { stdio: 'ignore' },
    );
    await until('the private redis-server to answer', async () => this.ping(), 10_000, 50);
  }

  async ping(): Promise<boolean> {
    const client = new Redis({ port: this.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }

  async get(key: string): Promise<string | null> {
    const client = new Redis({ port: this.port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
    try {
      return await client.get(key);
    } finally {
      client.disconnect();
    }
  }

  /** Stops it the hard way (SIGKILL: no goodbye to clients). */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;
  }

  async close(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface StackOptions {
  readonly scenario: string;
  readonly emulator?: EmulatorOptions;
  /** Extra environment of every child (e.g. NETBOX_OUTAGE_BUDGET). */
  readonly env?: Record<string, string>;
}

/** Everything one scenario runs against. */
export class Stack {
  readonly children: Child[] = [];
  readonly intentsDir = mkdtempSync(path.join(tmpdir(), 'nbg-chaos-intents-'));
  readonly cacheDir = mkdtempSync(path.join(tmpdir(), 'nbg-chaos-cache-'));
  apiUrl = '';
  /** API answers of 5xx (or no answer) to the suite's reads, which are tried again. */
  apiErrors = 0;

  private constructor(
    readonly options: StackOptions,
    readonly redis: PrivateRedis,
    readonly db: TestDatabase,
    readonly emu: Emulator,
  ) {}

  static async start(options: StackOptions): Promise<Stack> {
    mkdirSync(LOG_DIR, { recursive: true });
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    const db = await createTestDatabase();
    // A NetBox that takes some time per write, so that faults land in the middle of an apply.
    const emu = await startEmulator({ port: 0, latencyMs: 10, writeMsPerObject: 2, ...options.emulator });
    return new Stack(options, redis, db, emu);
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(DATABASE_|REDIS_|NETBOX_|WORKFLOW_|INTENTS_|LIBRARY_|API_|METRICS_|HEALTH_)/.test(k)),
    ) as Record<string, string>;
    return {
      ...inherited,
      DATABASE_URL: this.db.url,
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: String(this.redis.port),
      NETBOX_URL: this.emu.url,
      NETBOX_TOKEN: this.emu.token,
      // Many chunks per apply: kills and faults land between them.
      NETBOX_WRITE_CHUNK: '20',
      WORKFLOW_QUEUE: 'chaos',
      // A dead worker's job is taken over within a few seconds.
      WORKFLOW_LOCK_DURATION_MS: '3000',
      WORKFLOW_STALLED_INTERVAL_MS: '1000',
      LIBRARY_PATH,
      CACHE_DIR: this.cacheDir,
      METRICS_PORT: '0',
      HEALTH_PORT: '0',
      LOG_LEVEL: 'info',
      AUTH_DISABLED: 'true',
      ...this.options.env,
      ...extra,
    };
  }

  spawn(name: string, args: readonly string[], extraEnv: Record<string, string> = {}): Child {
    const log = createWriteStream(path.join(LOG_DIR, `${this.options.scenario}-${name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: this.env(extraEnv), stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    const keep = (chunk: Buffer): void => {
      log.write(chunk);
      if (text.length < 2_000_000) text += chunk.toString();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => {
        log.end();
        resolve(code);
      }),
    );
    const handle: Child = { name, child, pid: child.pid ?? -1, exited, output: () => text };
    this.children.push(handle);
    return handle;
  }

  /** Starts a worker and waits until it says it is ready. */
  async startWorker(name = `worker-${this.children.length}`): Promise<Child> {
    const worker = this.spawn(name, ['worker', '--concurrency', '2', '--shutdown-grace', '3000', '--wait-for-services', '10']);
    await until(
      `${name} to be ready`,
      () =>
        worker.output().includes('workflow worker ready') ||
        (worker.child.exitCode !== null ? Promise.reject(new Error(`${name} exited: ${worker.output().slice(-2000)}`)) : false),
      90_000,
      50,
    );
    return worker;
  }

  async startApi(): Promise<Child> {
    const port = await freePort();
    const api = this.spawn('api', ['api', '--port', String(port), '--host', '127.0.0.1', '--wait-for-services', '10']);
    this.apiUrl = `http://127.0.0.1:${port}`;
    await until(
      'the API to answer',
      async () => {
        if (api.child.exitCode !== null) throw new Error(`the API exited: ${api.output().slice(-2000)}`);
        return fetch(`${this.apiUrl}/health`).then(
          (r) => r.ok,
          () => false,
        );
      },
      90_000,
      100,
    );
    return api;
  }

  /** Calls the API; a GET answered 5xx (or not at all) is counted and tried again, up to 10 times. */
  async apiCall<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let status = 0;
      let text = '';
      try {
        const res = await fetch(`${this.apiUrl}/api/v1${route}`, {
          method,
          ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
        });
        status = res.status;
        text = await res.text();
        if (res.ok) return JSON.parse(text) as T;
      } catch (error) {
        text = (error as Error).message;
      }
      const retry = method === 'GET' && (status === 0 || status >= 500) && attempt < 10;
      if (retry) this.apiErrors += 1;
      if (!retry) throw new Error(`${method} ${route}: ${status} ${text.slice(0, 300)}`);
      await sleep(200);
    }
  }

  /**
   * Writes the intent to the intents folder (for `plan` and controllers) and, unless
   * `fileOnly` (a controller reads the folder), the intents table (for workers).
   */
  async putIntent(document: Record<string, unknown>, fileOnly = false): Promise<{ kind: string; name: string }> {
    const { intent, issues } = validateIntentObject(document);
    if (!intent) throw new Error(`chaos intent is invalid: ${JSON.stringify(issues)}`);
    writeFileSync(path.join(this.intentsDir, `${intent.metadata.name}.yaml`), dump(document));
    if (fileOnly) return { kind: intent.kind, name: intent.metadata.name };
    await this.db.pool.query(
      `INSERT INTO intents (kind, name, source, revision, spec, status, mode) VALUES ($1, $2, 'chaos', 'rev-1', $3::jsonb, 'active', $4)
       ON CONFLICT (kind, name) DO UPDATE SET spec = EXCLUDED.spec, mode = EXCLUDED.mode`,
      [intent.kind, intent.metadata.name, JSON.stringify(intent), intent.spec.mode],
    );
    return { kind: intent.kind, name: intent.metadata.name };
  }

  /** Runs `netbox-gitops plan` over the intents folder: the operations NetBox still differs by. */
  async driftAfter(): Promise<number> {
    const plan = this.spawn('plan', ['plan', '--intents', this.intentsDir, '--library', LIBRARY_PATH, '--json', '--wait-for-netbox', '30s'], {
      LOG_LEVEL: 'warn',
    });
    const code = await plan.exited;
    const out = plan.output();
    const start = out.indexOf('{\n');
    if (code !== 0 || start < 0) throw new Error(`plan failed (${code}): ${out.slice(-1000)}`);
    const parsed = JSON.parse(out.slice(start, out.lastIndexOf('}') + 1)) as { summary: { changes: number } };
    return parsed.summary.changes;
  }

  /** Kills a child with SIGKILL and waits for it to be gone. */
  async kill9(handle: Child): Promise<void> {
    if (handle.child.exitCode === null && handle.child.signalCode === null) handle.child.kill('SIGKILL');
    await handle.exited;
  }

  async close(): Promise<void> {
    await Promise.all(
      this.children.map(async (c) => {
        if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
        await c.exited;
      }),
    );
    await this.emu.close();
    await this.redis.close();
    await this.db.drop();
    rmSync(this.intentsDir, { recursive: true, force: true });
    rmSync(this.cacheDir, { recursive: true, force: true });
  }
}

/** The worker process that runs a step attempt, from its `worker` input (`host:pid:n`). */
export function pidOfWorkerId(workerId: string): number | undefined {
  const pid = Number(workerId.split(':').at(-2));
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}
