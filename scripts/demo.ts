// `npm run demo`: the main job end to end on this machine, against the bundled NetBox emulator
// (not NetBox). It seeds the emulator with some objects an earlier run created, drifts a few
// of them by hand, adds one object nobody manages, then runs the real commands: validate,
// plan, apply, and plan again to show that no drift is left. Then it runs the controller as a
// service would: migrate a fresh demo database, start a worker and the controller on intents/,
// drift NetBox again by hand, and show the recorded processes that found and repaired it; then
// the Kubernetes source (scripts/demo-kubernetes.ts): the controller against a stand-in API
// server, custom resources applied and shown Ready as `kubectl get` prints them; finally start the API and print its URL, the dashboard's URL and a token (on a terminal,
// everything keeps running until Ctrl-C). The dashboard is built first when web/dist is missing.
// First it checks Postgres and Redis (a few seconds at most). One that is not running but is
// installed here is started privately for the demo (scripts/local-services.ts) and removed at
// the end; otherwise the demo says what is missing and how to get it, and exits 1.
// This file is an entry point: it reads the environment and owns its child processes. However
// it ends (done, an error, Ctrl-C/SIGTERM), end() stops every child and private server.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import { databaseConnectionString, loadConfig, Secret } from '../controller/config/index.ts';
import type { AppConfig } from '../controller/config/index.ts';
import { checkPostgres, checkRedis, postgresAddress, redisAddress } from '../controller/connectivity/index.ts';
import type { ServiceCheck } from '../controller/connectivity/index.ts';
import { loadCatalogue } from '../controller/catalogue/index.ts';
import { loadIntents } from '../controller/intents/index.ts';
import { createNetBoxClient } from '../controller/netbox/index.ts';
import { applyPlan, netBoxPortFor, planIntents } from '../controller/reconcile/index.ts';
import { resolveIntents } from '../controller/resolve/index.ts';
import { startEmulator } from '../emulator/index.ts';
import type { Emulator } from '../emulator/index.ts';
import { runKubernetesDemo } from './demo-kubernetes.ts';
import { findPostgres, freePort, onPath, startPrivatePostgres, startPrivateRedis } from './local-services.ts';
import type { PrivateServer } from './local-services.ts';

// The demo honours DATABASE_* / DATABASE_URL for its server, but always uses its own database.
const config = loadConfig(process.env);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const library = process.env.LIBRARY_PATH ?? path.resolve(root, '../shared/devicetype-library');
const intents = path.join(root, 'intents');

/** Every child process the demo started (CLI runs and services), stopped by end(). */
const children = new Set<ChildProcess>();
/** What end() undoes, newest first: the emulator, private servers. */
const cleanups: (() => Promise<void>)[] = [];
/** Set while the demo waits for Ctrl-C at the end: the signal then ends the wait, not the demo. */
let ctrlC: (() => void) | undefined;
let ending: Promise<never> | undefined;

/** Stops every child and private server, deletes their directories, and exits with `code`. */
function end(code: number): Promise<never> {
  ending ??= (async () => {
    await Promise.all([...children].map(stop));
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => process.stderr.write(`cleanup: ${String(error)}\n`));
    process.exit(code);
  })();
  return ending;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (ctrlC) {
      ctrlC();
      ctrlC = undefined;
      return;
    }
    process.stderr.write(`\n${signal}: stopping the demo and what it started\n`);
    void end(130);
  });
}

function banner(text: string): void {
  process.stdout.write(`\n\x1b[1m== ${text}\x1b[0m\n`);
}

/** Runs the real CLI in a child process, as a user would, and returns its exit code. */
function cli(args: string[], env: Record<string, string>): Promise<number> {
  process.stdout.write(`$ netbox-gitops ${args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/netbox-gitops.js'), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    track(child);
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Starts a long-running command (worker, controller, api) in the background. */
function service(name: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [path.join(root, 'bin/netbox-gitops.js'), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[${name}] ${chunk.toString()}`));
  return track(child);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Runs the CLI and returns what it printed on stdout. */
function cliOutput(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = track(
      spawn(process.execPath, [path.join(root, 'bin/netbox-gitops.js'), ...args], {
        cwd: root,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`netbox-gitops ${args.join(' ')} exited with ${code}`))));
  });
}

async function waitForHttp(url: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(250);
  }
  throw new Error(`${url} did not answer in time`);
}

/** The Postgres server the demo uses: the configured one, or its private one. */
let server: AppConfig['database'] = config.database;

/** A connection to one database of the demo's Postgres server. */
function databaseClient(name: string): pg.Client {
  return new pg.Client({ connectionString: databaseConnectionString(server, name) });
}

/** A fresh database for the demo on its Postgres server. */
async function freshDatabase(name: string): Promise<void> {
  const admin = databaseClient('postgres');
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
}

/** Polls the processes until `count` reconciles have finished, or gives up after `ms`. */
async function waitForProcesses(env: Record<string, string>, count: number, ms: number): Promise<void> {
  const database = databaseClient(env.DATABASE_NAME ?? '');
  await database.connect();
  try {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const { rows } = await database
        .query<{ done: string; open: string }>(
          "SELECT count(*) FILTER (WHERE status IN ('completed','failed','cancelled')) AS done, count(*) FILTER (WHERE status NOT IN ('completed','failed','cancelled')) AS open FROM processes",
        )
        .catch(() => ({ rows: [{ done: '0', open: '0' }] }));
      const row = rows[0];
      if (row && Number(row.done) >= count && Number(row.open) === 0) return;
      await sleep(500);
    }
    throw new Error(`the controller and worker did not finish ${count} processes in time`);
  } finally {
    await database.end();
  }
}

/** Puts NetBox in a realistic state: most of the intents applied earlier, then hand edits. */
async function seedEmulator(emulator: Emulator): Promise<void> {
  const [loaded, catalogue] = await Promise.all([loadIntents(intents), loadCatalogue({ root: library })]);
  const desired = resolveIntents(loaded.intents, catalogue);
  const client = createNetBoxClient({ url: emulator.url, token: new Secret(emulator.token) });
  const api = netBoxPortFor(client);
  // An earlier run that applied the data-centre switches only.
  const earlier = desired.intents.filter((i) => i.ref.name === 'datacenter-switches');
  await applyPlan(api, (await planIntents(api, earlier)).plan);
  // Hand edits since: a changed height and part number, a retyped interface, a deleted console port.
  const types = await client.list('device-types', { manufacturer: 'arista' });
  const [first, second] = types;
  if (first) emulator.store.mutate('device-types', first.id, { u_height: 2, part_number: 'EDITED-BY-HAND' });
  if (second) {
    const [iface] = await client.list('interface-templates', { device_type_id: second.id });
    if (iface) emulator.store.mutate('interface-templates', iface.id, { type: '1000base-t' });
    const [consolePort] = await client.list('console-port-templates', { device_type_id: second.id });
    if (consolePort) emulator.store.remove('console-port-templates', consolePort.id);
  }
  // A manufacturer someone created by hand: the VendorSet does not adopt it, so it is reported.
  emulator.store.seed('manufacturers', [{ name: 'Juniper', slug: 'juniper', description: 'created by hand' }]);
  await client.close();
}

/** The API serves the dashboard from web/dist; build it on the first demo run. */
async function ensureDashboard(): Promise<void> {
  if (existsSync(path.join(root, 'web', 'dist', 'index.html'))) return;
  banner('building the dashboard (web/dist, once)');
  const code = await new Promise<number>((resolve, reject) => {
    const child = track(spawn('npm', ['run', '--silent', 'build:web'], { cwd: root, stdio: 'inherit' }));
    child.on('error', reject);
    child.on('exit', (exit) => resolve(exit ?? 1));
  });
  if (code !== 0) throw new Error('building the dashboard failed (npm run build:web)');
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** What the demo's services need from the environment of its commands. */
interface DemoServices {
  /** Extra variables for the worker, controller and API (the private servers' URLs). */
  readonly env: Record<string, string>;
}

/**
 * Checks Postgres and Redis (2.5 s each, at the same time). One that is not running on this
 * machine but is installed is started privately; otherwise prints what is missing and how to
 * get it, and returns undefined.
 */
async function prepareServices(): Promise<DemoServices | undefined> {
  const [postgres, redis] = await Promise.all([
    checkPostgres(config.database, { databaseName: 'postgres', timeoutMs: 2_500 }),
    checkRedis(config.redis, { timeoutMs: 2_500 }),
  ]);
  const env: Record<string, string> = {};
  const missing: { readonly what: 'postgres' | 'redis'; readonly line: string }[] = [];
  const lines: string[] = [];

  if (postgres.ok) lines.push(`${postgresAddress(config.database)}: running`);
  else {
    const binaries = privateAllowed(postgres, config.database.host) ? await findPostgres(process.env.PATH) : undefined;
    if (binaries) {
      const started = await startPrivate('Postgres', () => startPrivatePostgres(binaries));
      server = { ...config.database, host: '127.0.0.1', port: started.port, user: 'postgres', password: new Secret('') };
      lines.push(
        `${postgresAddress(config.database)}: ${postgres.reason}; started a private Postgres (${path.dirname(binaries.postgres)}) on 127.0.0.1:${started.port} in ${started.dir}, removed at the end`,
      );
    } else
      missing.push({
        what: 'postgres',
        line: `${postgresAddress(config.database)}: ${postgres.reason}${postgres.fatal ? '' : ', and no Postgres server (initdb + postgres) is installed here to start one'}`,
      });
  }

  if (redis.ok) lines.push(`${redisAddress(config.redis)}: running`);
  else {
    const redisServer = privateAllowed(redis, config.redis.host) ? await onPath('redis-server', process.env.PATH) : undefined;
    if (redisServer) {
      const started = await startPrivate('Redis', () => startPrivateRedis(redisServer));
      env.REDIS_URL = started.url;
      lines.push(
        `${redisAddress(config.redis)}: ${redis.reason}; started a private Redis (${redisServer}) on 127.0.0.1:${started.port} in ${started.dir}, removed at the end`,
      );
    } else
      missing.push({
        what: 'redis',
        line: `${redisAddress(config.redis)}: ${redis.reason}${redis.fatal ? '' : ', and redis-server is not installed here to start one'}`,
      });
  }

  if (missing.length > 0) {
    process.stderr.write(howToGet(missing, lines));
    return undefined;
  }
  banner('services');
  for (const line of lines) process.stdout.write(`${line}\n`);
  return { env };
}

/** A private server only stands in for one that should run on this machine, and only when waiting could help. */
function privateAllowed(check: ServiceCheck, host: string): boolean {
  return !check.ok && !check.fatal && LOOPBACK.has(host);
}

async function startPrivate(what: string, start: () => Promise<PrivateServer>): Promise<PrivateServer> {
  process.stdout.write(`${what} is not running here; starting a private one for the demo...\n`);
  const started = await start();
  cleanups.push(() => started.stop());
  return started;
}

/** What is missing and the ways to get it, ready to print. */
function howToGet(missing: readonly { what: 'postgres' | 'redis'; line: string }[], running: readonly string[]): string {
  const names = missing.map((m) => m.what);
  const packages = names.map((n) => (n === 'postgres' ? 'postgresql' : 'redis-server')).join(' ');
  const urls = names
    .map((n) => (n === 'postgres' ? 'DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/netbox_gitops' : 'REDIS_URL=redis://HOST:6379/0'))
    .join(' ');
  const compose = ['docker-compose.yml', 'compose.yaml', 'compose.yml', 'docker-compose.yaml'].find((f) => existsSync(path.join(root, f)));
  const ways = [
    `install ${names.length > 1 ? 'them' : 'it'} (Debian/Ubuntu): sudo apt-get install ${packages}   (the demo then starts a private one by itself)`,
    ...(compose
      ? [
          `with Docker: cp .env.example .env && docker compose up -d ${names.join(' ')}   (${compose} in this repository publishes them on 127.0.0.1), then ` +
            'DATABASE_URL=postgres://netbox_gitops:change-me@127.0.0.1:5432/netbox_gitops REDIS_URL=redis://127.0.0.1:6379/0 npm run demo',
        ]
      : []),
    `use running servers: ${urls} npm run demo`,
  ];
  return [
    '',
    `npm run demo needs PostgreSQL and Redis; ${names.map((n) => (n === 'postgres' ? 'Postgres' : 'Redis')).join(' and ')} cannot be used:`,
    ...missing.map((m) => `  x ${m.line}`),
    ...running.map((line) => `  ok ${line}`),
    'Get what is missing in one of these ways, then run npm run demo again:',
    ...ways.map((w) => `  - ${w}`),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const services = await prepareServices();
  if (!services) return end(1);
  await ensureDashboard();
  const emulator = await startEmulator({ port: 0 });
  cleanups.push(() => emulator.close());
  banner(`NetBox emulator (a stand-in for NetBox, for tests and demos) at ${emulator.url}`);
  await seedEmulator(emulator);
  process.stdout.write('seeded: the data-centre switches from an earlier run, three hand edits, one hand-made manufacturer\n');
  const env = { NETBOX_URL: emulator.url, NETBOX_TOKEN: emulator.token, LOG_LEVEL: 'warn' };
  const source = ['--intents', intents, '--library', library];

  banner('1. validate the example intents against the schema and the devicetype-library');
  if ((await cli(['validate', ...source], env)) !== 0) throw new Error('validate failed');

  banner('2. plan: what differs between NetBox and the intents');
  const planned = await cli(['plan', ...source, '--detailed-exitcode'], env);
  if (planned !== 2) throw new Error(`plan should have found changes (exit ${planned})`);

  banner('3. apply: bulk writes in reference order, then verify');
  if ((await cli(['apply', ...source, '--yes'], env)) !== 0) throw new Error('apply failed');

  banner('4. plan again: nothing left to do (the hand-made manufacturer stays unmanaged)');
  const after = await cli(['plan', ...source, '--detailed-exitcode'], env);
  if (after !== 0) throw new Error(`drift remains after apply (exit ${after})`);
  banner('5. as a service: migrate a fresh database, start a worker and the controller on intents/');
  const database = `${config.database.name}_demo`;
  await freshDatabase(database);
  const serviceEnv = {
    ...env,
    DATABASE_NAME: database,
    DATABASE_URL: databaseConnectionString(server, database),
    ...services.env,
    WORKFLOW_QUEUE: `netbox-gitops-demo-${randomUUID().slice(0, 8)}`,
    INTENTS_PATH: intents,
    LIBRARY_PATH: library,
  };
  if ((await cli(['migrate'], serviceEnv)) !== 0) throw new Error('migrate failed');
  // Hand edits while nobody watches: the controller's first reconcile finds and repairs them.
  await driftAgain(emulator);
  // Worker metrics on a free port each, so the demo does not collide with anything running.
  const running = [
    service('worker', ['worker'], { ...serviceEnv, METRICS_PORT: String(await freePort()) }),
    // Its health server on a free port too: 8081 may be taken by a controller already running here.
    service('controller', ['controller'], { ...serviceEnv, HEALTH_PORT: String(await freePort()) }),
  ];
  try {
    await waitForProcesses(serviceEnv, 4, 120_000);
    banner('6. the recorded processes: one reconcile per intent, each with its steps and audit trail');
    await cli(['processes'], serviceEnv);
    const repaired = await firstProcessWithAudit(serviceEnv);
    if (repaired) await cli(['process', repaired], serviceEnv);

    banner('7. Kubernetes: VendorSet/DeviceTypeSet custom resources, with a stand-in API server (no cluster needed)');
    await runKubernetesDemo({ root, env: serviceEnv, service, stop, freePort, cleanup: (step) => void cleanups.push(step) });

    banner('8. the API: REST, GraphQL, /health and /metrics, with a token (intents of both sources, the folder and the cluster)');
    const token = JSON.parse(await cliOutput(['token', 'create', '--name', 'demo-admin', '--role', 'admin', '--json'], serviceEnv)) as { token: string };
    const port = await freePort();
    running.push(service('api', ['api', '--port', String(port), '--host', '127.0.0.1'], serviceEnv));
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/livez`, 30_000);
    const health = (await (await fetch(`${url}/health`)).json()) as { status: string };
    const listed = (await (await fetch(`${url}/api/v1/intents`, { headers: { authorization: `Bearer ${token.token}` } })).json()) as {
      items: { kind: string; name: string; mode: string; status: string; driftTotal: number; lastReconcileAt: string | null }[];
    };
    process.stdout.write(`GET /health → ${health.status}\nGET /api/v1/intents →\n`);
    for (const i of listed.items)
      process.stdout.write(
        `  ${`${i.kind}/${i.name}`.padEnd(36)} ${i.mode.padEnd(8)} ${i.status.padEnd(8)} drift ${i.driftTotal}, last reconcile ${i.lastReconcileAt ?? 'never'}\n`,
      );
    process.stdout.write(
      [
        '',
        `API        ${url}/api/v1   (OpenAPI: ${url}/api/docs, GraphQL: ${url}/graphql, metrics: ${url}/metrics)`,
        `token      ${token.token}   (admin; send it as Authorization: Bearer <token>)`,
        `try        curl -H 'Authorization: Bearer ${token.token}' ${url}/api/v1/processes?limit=5`,
        '',
        `dashboard  ${url}/   (open it and sign in with the token: ${token.token})`,
        '',
      ].join('\n'),
    );
    if (process.stdin.isTTY) {
      process.stdout.write('The emulator, worker, controller and API keep running: edit intents/ and watch; Ctrl-C stops everything.\n');
      await new Promise<void>((resolve) => (ctrlC = resolve));
    }
  } finally {
    await Promise.all(running.map(stop));
  }
  const stats = emulator.stats();
  banner(`done: the emulator served ${stats.requests.total} requests (${stats.objectsWritten} objects written)`);

  return end(0);
}

/** A hand edit of one device type that the library describes (its part number). */
async function driftAgain(emulator: Emulator): Promise<void> {
  const client = createNetBoxClient({ url: emulator.url, token: new Secret(emulator.token) });
  const [first] = await client.list('device-types', { manufacturer: 'arista' });
  if (first) emulator.store.mutate('device-types', first.id, { part_number: 'EDITED-AGAIN' });
  await client.close();
  process.stdout.write(`drifted by hand: ${String(first?.model)} part_number → EDITED-AGAIN\n`);
}

async function firstProcessWithAudit(env: Record<string, string>): Promise<string | undefined> {
  const database = databaseClient(env.DATABASE_NAME ?? '');
  await database.connect();
  try {
    const { rows } = await database.query<{ process_id: string }>('SELECT process_id FROM audit_log WHERE process_id IS NOT NULL ORDER BY timestamp LIMIT 1');
    return rows[0]?.process_id;
  } finally {
    await database.end();
  }
}

try {
  await main();
} catch (error) {
  // A failed step says what failed; the stack helps only when debugging the demo itself.
  process.stderr.write(
    `\ndemo failed: ${error instanceof Error ? error.message : String(error)}\n${process.env.DEBUG === 'true' && error instanceof Error ? `${error.stack ?? ''}\n` : ''}`,
  );
  await end(1);
}
