// docker-compose.yml without a Docker engine: valid against the Compose specification's JSON
// schema (as shipped by the dclint package, which tracks compose-spec), before and after
// interpolation with .env.example, and what it describes is what the README promises: Postgres
// 14+, Redis 7, migrate, api, a scalable worker, the controller, the emulator as the NetBox
// unless NETBOX_URL is set, healthchecks, depends_on conditions, named volumes, read-only roots,
// and an environment the processes' own configuration accepts.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, commandName } from '../../cli/commands/index.ts';
import { loadConfig } from '../../controller/config/index.ts';
import { runCli } from '../helpers/cli.ts';
import { REPO_ROOT } from './chart.ts';
import { InterpolationError, interpolate, interpolateModel, parseDotEnv, referencedVariables } from './compose.ts';

interface Healthcheck {
  test: string[];
}
interface Service {
  image?: string;
  build?: { context: string };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: Healthcheck;
  read_only?: boolean;
  container_name?: string;
}
interface ComposeModel {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const COMPOSE_TEXT = readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
const ENV_EXAMPLE_TEXT = readFileSync(join(REPO_ROOT, '.env.example'), 'utf8');
const ENV_EXAMPLE = parseDotEnv(ENV_EXAMPLE_TEXT);
const APP_SERVICES = ['migrate', 'api', 'worker', 'controller'];
const CACHE = '/var/cache/netbox-gitops';

/** The file as Compose reads it (YAML 1.1 merge keys on), interpolated with `env`. */
function model(env: Record<string, string | undefined> = ENV_EXAMPLE): ComposeModel {
  return interpolateModel(parse(COMPOSE_TEXT, { merge: true }), env) as ComposeModel;
}

let validate: ValidateFunction;

beforeAll(() => {
  const require = createRequire(import.meta.url);
  const schemaFile = join(dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as { title: string };
  expect(schema.title).toBe('Compose Specification');
  // The schema names draft-07's meta-schema by its https address; Ajv knows it by the http one.
  const draft07 = require('ajv/dist/refs/json-schema-draft-07.json') as Record<string, unknown>;
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addMetaSchema({ ...draft07, $id: 'https://json-schema.org/draft-07/schema' });
  validate = ajv.compile(schema);
});

describe('docker-compose.yml against the Compose specification schema', () => {
  it('is valid as written and after interpolation with .env.example', () => {
    for (const document of [parse(COMPOSE_TEXT, { merge: true }), model()]) {
      const ok = validate(document);
      expect(ok ? [] : validate.errors?.map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`)).toEqual([]);
    }
  });

  it('the schema catches a mistake (a depends_on condition Compose does not know, an unknown key)', () => {
    const broken = model();
    (broken.services.api as Service).depends_on = { postgres: { condition: 'service_ready' } };
    expect(validate(broken)).toBe(false);
    const unknown = model() as unknown as { services: Record<string, Record<string, unknown>> };
    (unknown.services.worker as Record<string, unknown>).replicas = 3;
    expect(validate(unknown)).toBe(false);
  });
});

describe('docker-compose.yml services', () => {
  const compose = model();
  const services = compose.services;

  it('has Postgres 14 or later, Redis 7, migrate, api, worker, controller and the emulator', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'controller', 'emulator', 'migrate', 'postgres', 'redis', 'worker']);
    const postgresMajor = Number(/^postgres:(\d+)/.exec(services.postgres?.image ?? '')?.[1]);
    expect(postgresMajor).toBeGreaterThanOrEqual(14);
    expect(services.redis?.image).toMatch(/^redis:7(\.|-|$)/);
    for (const name of [...APP_SERVICES, 'emulator']) {
      expect(services[name]?.image, name).toBe('netbox-gitops:local');
      expect(services[name]?.build?.context, name).toBe('.');
    }
  });

  it('runs CLI commands with options the CLI has', async () => {
    const known = new Set(COMMANDS.map(commandName));
    for (const name of [...APP_SERVICES, 'emulator']) {
      const [command = '', ...args] = services[name]?.command ?? [];
      expect(known.has(command), `${name}: ${command}`).toBe(true);
      const help = (await runCli([command, '--help'])).out;
      for (const flag of args.filter((a) => a.startsWith('--'))) expect(help, `${name} ${flag}`).toContain(flag);
    }
  });

  it('has a healthcheck on every long-running service that serves something, and depends_on with conditions', () => {
    for (const name of ['postgres', 'redis', 'emulator', 'api', 'worker']) expect(services[name]?.healthcheck?.test.length, name).toBeGreaterThan(1);
    for (const name of ['api', 'worker', 'controller']) {
      expect(services[name]?.depends_on, name).toEqual({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
        emulator: { condition: 'service_healthy' },
      });
    }
    expect(services.migrate?.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    // Every service it waits for to be healthy has a healthcheck.
    for (const service of Object.values(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        if (condition === 'service_healthy') expect(services[dependency]?.healthcheck, dependency).toBeDefined();
      }
    }
  });

  it('healthchecks ask the ports the processes listen on', () => {
    expect(services.api?.healthcheck?.test.join(' ')).toContain('http://127.0.0.1:8080/readyz');
    expect(services.api?.command).toEqual(expect.arrayContaining(['--port', '8080']));
    expect(services.worker?.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${services.worker?.environment?.METRICS_PORT}/livez`);
    expect(services.emulator?.healthcheck?.test.join(' ')).toContain('http://127.0.0.1:8001/');
    expect(services.emulator?.command).toEqual(expect.arrayContaining(['--port', '8001', '--host', '0.0.0.0']));
  });

  it('publishes Postgres and Redis on loopback only, matching the URLs the demo suggests', () => {
    expect(services.postgres?.ports).toEqual(['127.0.0.1:5432:5432']);
    expect(services.redis?.ports).toEqual(['127.0.0.1:6379:6379']);
    const demo = readFileSync(join(REPO_ROOT, 'scripts/demo.ts'), 'utf8');
    const url = /DATABASE_URL=(postgres:\/\/[^ ]+)/.exec(demo.slice(demo.indexOf('with Docker')))?.[1] ?? '';
    const parsed = new URL(url);
    expect([parsed.username, parsed.password, parsed.pathname.slice(1), parsed.hostname, parsed.port]).toEqual([
      ENV_EXAMPLE.POSTGRES_USER,
      ENV_EXAMPLE.POSTGRES_PASSWORD,
      ENV_EXAMPLE.POSTGRES_DB,
      ENV_EXAMPLE.POSTGRES_BIND,
      ENV_EXAMPLE.POSTGRES_PORT,
    ]);
  });

  it('lets the worker scale: no container name, no published port', () => {
    expect(services.worker?.container_name).toBeUndefined();
    expect(services.worker?.ports).toBeUndefined();
  });

  it('keeps data in named volumes and runs netbox-gitops on a read-only root whose only writable mount is the cache', () => {
    const declared = new Set(Object.keys(compose.volumes ?? {}));
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const [source = '', target, mode] = volume.split(':');
        if (target === undefined) continue; // anonymous volume: one per container
        if (!source.startsWith('.') && !source.startsWith('/')) expect(declared.has(source), `${name}: volume ${source} declared`).toBe(true);
        if (source.startsWith('.') || source.startsWith('/')) expect(mode, `${name}: bind mount ${volume} read-only`).toBe('ro');
      }
    }
    expect(services.postgres?.volumes).toContain('postgres-data:/var/lib/postgresql/data');
    expect(services.redis?.volumes).toContain('redis-data:/data');
    for (const name of [...APP_SERVICES, 'emulator']) {
      const service = services[name] as Service;
      expect(service.read_only, name).toBe(true);
      const writable = (service.volumes ?? []).filter((v) => !v.endsWith(':ro')).map((v) => v.split(':').at(v.includes(':') ? 1 : 0));
      if (name !== 'migrate') expect(writable, name).toEqual([CACHE]);
    }
  });

  it('gives the processes an environment their configuration accepts, NetBox being the emulator by default', () => {
    const emulatorToken = services.emulator?.command?.[services.emulator.command.indexOf('--token') + 1];
    for (const name of APP_SERVICES) {
      const config = loadConfig(services[name]?.environment ?? {});
      expect(config.database.host, name).toBe('postgres');
      expect(config.database.password.reveal(), name).toBe(ENV_EXAMPLE.POSTGRES_PASSWORD);
      expect(config.redis.host, name).toBe('redis');
      expect(config.netbox.url, name).toBe('http://emulator:8001');
      expect(config.netbox.token.reveal(), name).toBe(emulatorToken);
      expect(config.intentsPath, name).toBe('/intents');
      expect(config.library.path, name).toBe('/library');
    }
    const postgres = services.postgres?.environment ?? {};
    expect([postgres.POSTGRES_USER, postgres.POSTGRES_DB]).toEqual([services.api?.environment?.DATABASE_USER, services.api?.environment?.DATABASE_NAME]);
  });

  it('talks to the NetBox NETBOX_URL names when it is set', () => {
    const real = model({ ...ENV_EXAMPLE, NETBOX_URL: 'https://netbox.example.com', NETBOX_TOKEN: 'real-token' });
    for (const name of APP_SERVICES) {
      const config = loadConfig(real.services[name]?.environment ?? {});
      expect([config.netbox.url, config.netbox.token.reveal()], name).toEqual(['https://netbox.example.com', 'real-token']);
    }
    // The emulator never sees the real token.
    expect(JSON.stringify(real.services.emulator)).not.toContain('real-token');
  });

  it('refuses to start without POSTGRES_PASSWORD, naming it', () => {
    const { POSTGRES_PASSWORD: _dropped, ...rest } = ENV_EXAMPLE;
    expect(() => model(rest)).toThrow(InterpolationError);
    expect(() => model(rest)).toThrow(/^POSTGRES_PASSWORD: set POSTGRES_PASSWORD in \.env/);
  });
});

describe('.env.example', () => {
  it('documents every variable docker-compose.yml reads', () => {
    const documented = new Set([...ENV_EXAMPLE_TEXT.matchAll(/^#?\s*([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1] as string));
    const missing = [...referencedVariables(COMPOSE_TEXT)].filter((v) => !documented.has(v));
    expect(missing).toEqual([]);
  });

  it('is kept out of Git and of the image build context as .env', () => {
    expect(readFileSync(join(REPO_ROOT, '.gitignore'), 'utf8').split('\n')).toContain('.env');
    expect(readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n')).toContain('.env');
  });
});

describe('interpolation as Compose does it', () => {
  it('handles defaults, required values, alternatives, nesting and $$', () => {
    const env = { SET: 'x', EMPTY: '' };
    expect(interpolate('${SET:-d} ${EMPTY:-d} ${UNSET:-d} ${EMPTY-d} ${UNSET-d}', env)).toBe('x d d  d');
    expect(interpolate('${SET:+alt} [${EMPTY:+alt}] [${EMPTY+alt}] $SET $$SET', env)).toBe('alt [] [alt] x $SET');
    expect(interpolate('${UNSET:-${SET:-no}}/${UNSET:-${ALSO_UNSET:-deep}}', env)).toBe('x/deep');
    expect(() => interpolate('${EMPTY:?must be set}', env)).toThrow(/^EMPTY: must be set$/);
    expect(interpolate('${EMPTY?must be set}', env)).toBe('');
  });
});
