// The Dockerfile and .dockerignore, read as text (there is no Docker engine here): what the image
// runs must exist in the CLI, it must compile once and ship the compiled output with production
// dependencies only (no tsx), and the commands the chart runs must be ones `netbox-gitops --help`
// lists. runtime-layout.test.ts runs that layout.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, renderChart } from './chart.ts';

const run = promisify(execFile);

interface Instruction {
  readonly keyword: string;
  readonly argument: string;
  readonly stage: string;
}

/** Dockerfile instructions with line continuations joined, comments dropped, each with its stage name. */
function readInstructions(): Instruction[] {
  const text = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  const instructions: Instruction[] = [];
  let stage = '';
  for (const line of lines.map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const [, keyword = '', argument = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === 'FROM') stage = /\sAS\s+(\S+)/i.exec(argument)?.[1] ?? argument;
    instructions.push({ keyword: keyword.toUpperCase(), argument, stage });
  }
  return instructions;
}

function jsonForm(instruction: Instruction | undefined): string[] {
  if (instruction === undefined) throw new Error('instruction missing');
  const parsed: unknown = JSON.parse(instruction.argument);
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === 'string')) throw new Error(`${instruction.keyword} is not in JSON (exec) form`);
  return parsed;
}

/** The command names in `netbox-gitops --help`, from the real entry file. */
async function listedCommands(): Promise<Set<string>> {
  const { stdout } = await run(process.execPath, [join(REPO_ROOT, 'bin', 'netbox-gitops.js'), '--help'], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  const section = stdout.split(/^Commands:$/m)[1] ?? '';
  return new Set([...section.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1] as string));
}

describe('Dockerfile', () => {
  const instructions = readInstructions();
  const runtime = instructions.filter((i) => i.stage === 'runtime');
  let commands: Set<string>;

  beforeAll(async () => {
    commands = await listedCommands();
  });

  it('builds from node:20-bookworm-slim in several stages, ending with the runtime stage', () => {
    const froms = instructions.filter((i) => i.keyword === 'FROM');
    expect(froms.length).toBeGreaterThanOrEqual(2);
    const base = instructions.find((i) => i.keyword === 'ARG' && i.argument.startsWith('NODE_IMAGE='));
    expect(base?.argument).toBe('NODE_IMAGE=node:20-bookworm-slim');
    expect(froms.every((f) => f.argument.startsWith('${NODE_IMAGE}'))).toBe(true);
    expect(froms.at(-1)?.stage).toBe('runtime');
  });

  it('ENTRYPOINT runs the CLI entry file through tini, which exists in the repository', () => {
    const entrypoint = jsonForm(runtime.find((i) => i.keyword === 'ENTRYPOINT'));
    expect(entrypoint.slice(0, 3)).toEqual(['/usr/bin/tini', '--', 'node']);
    const script = entrypoint[3] as string;
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(script).toBe(pkg.bin['netbox-gitops']);
    expect(existsSync(join(REPO_ROOT, script)), script).toBe(true);
    const installs = runtime
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.argument)
      .join('\n');
    expect(installs).toMatch(/apt-get install[^\n]*\btini\b/);
    expect(installs).toMatch(/apt-get install[^\n]*\bgit\b/);
  });

  it('CMD is `controller`, a command of the CLI', () => {
    expect(jsonForm(runtime.find((i) => i.keyword === 'CMD'))).toEqual(['controller']);
    expect([...commands]).toContain('controller');
  });

  it('compiles once in the build stage and ships dist/, bin, migrations and production dependencies only', () => {
    const build = instructions.filter((i) => i.stage === 'build' && i.keyword === 'RUN').map((i) => i.argument);
    expect(
      build.some((r) => /^npm ci\b/.test(r) && !r.includes('--omit=dev')),
      'the build stage installs the dev dependencies',
    ).toBe(true);
    expect(build.some((r) => /\bnpm run build\b/.test(r))).toBe(true);
    const gathered = /cp -R ([^&]+?) \/out\//.exec(build.join('\n'))?.[1]?.trim().split(/\s+/) ?? [];
    expect(gathered.sort()).toEqual(['bin', 'dist', 'migrations', 'package.json']);
    const deps = instructions.filter((i) => i.stage === 'deps' && i.keyword === 'RUN').map((i) => i.argument);
    expect(deps.some((r) => /\bnpm ci\b[^&]*--omit=dev/.test(r))).toBe(true);
    const copied = runtime.filter((i) => i.keyword === 'COPY').map((i) => i.argument);
    expect(copied.sort()).toEqual(['--from=build /out ./', '--from=deps /app/node_modules ./node_modules']);
  });

  it('tsx is a dev dependency, reached by no production package, and the bin imports it only as the fallback', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(pkg.dependencies.tsx).toBeUndefined();
    expect(pkg.devDependencies.tsx).toBeDefined();
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    for (const name of ['tsx', 'esbuild', 'typescript']) expect(lock.packages[`node_modules/${name}`]?.dev, `${name} only in dev`).toBe(true);
    const bin = readFileSync(join(REPO_ROOT, 'bin', 'netbox-gitops.js'), 'utf8');
    expect(bin).not.toMatch(/^import .*tsx/m);
    expect(bin).toContain("await import('tsx/esm/api')");
  });

  it('writes only to the cache volume: HOME and TMPDIR point into it, source maps are on', () => {
    const env = runtime
      .filter((i) => i.keyword === 'ENV')
      .map((i) => i.argument)
      .join(' ');
    for (const variable of ['CACHE_DIR', 'HOME', 'TMPDIR']) expect(env).toMatch(new RegExp(`\\b${variable}=/var/cache/netbox-gitops\\b`));
    expect(env).toMatch(/\bNODE_OPTIONS=--enable-source-maps\b/);
  });

  it('runs as a numeric non-root user and does not bake in the devicetype-library', () => {
    const user = runtime.filter((i) => i.keyword === 'USER').at(-1)?.argument ?? '';
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
    const text = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
    expect(
      instructions
        .filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')
        .map((i) => i.argument)
        .join('\n'),
    ).not.toMatch(/devicetype-library/);
    const env = runtime
      .filter((i) => i.keyword === 'ENV')
      .map((i) => i.argument)
      .join(' ');
    expect(env).toMatch(/\bCACHE_DIR=\/var\/cache\/netbox-gitops\b/);
    expect(text).toContain('VOLUME ["/var/cache/netbox-gitops"]');
  });

  it('has OCI labels and no HEALTHCHECK (the chart has probes, docker-compose.yml its own checks)', () => {
    const labels = runtime
      .filter((i) => i.keyword === 'LABEL')
      .map((i) => i.argument)
      .join(' ');
    for (const key of ['title', 'description', 'version', 'revision', 'created', 'licenses']) {
      expect(labels).toContain(`org.opencontainers.image.${key}=`);
    }
    expect(instructions.some((i) => i.keyword === 'HEALTHCHECK')).toBe(false);
  });

  it('every command the chart runs is listed by `netbox-gitops --help`', () => {
    const chart = renderChart();
    const used = new Set<string>();
    for (const object of chart.objects) {
      const spec = (object.spec as { template?: { spec?: { containers?: { args?: string[] }[] } } } | undefined)?.template?.spec;
      for (const c of spec?.containers ?? []) if (c.args?.[0]) used.add(c.args[0]);
    }
    expect([...used].sort()).toEqual(['api', 'controller', 'migrate', 'worker']);
    expect(
      [...used].filter((c) => !commands.has(c)),
      'commands the chart runs but the CLI lacks',
    ).toEqual([]);
  });
});

describe('.dockerignore', () => {
  const entries = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));

  it('keeps dependencies, Git data, caches, tests and the library out of the build context', () => {
    expect(entries).toEqual(expect.arrayContaining(['**/node_modules', '.git', '.cache', 'test', 'devicetype-library']));
  });

  it('keeps what the image needs', () => {
    for (const needed of [
      'package.json',
      'package-lock.json',
      'bin',
      'cli',
      'controller',
      'migrations',
      'emulator',
      'api',
      'web',
      'tsconfig.json',
      'tsconfig.build.json',
    ]) {
      expect(
        entries.filter((e) => e === needed || e === `${needed}/` || e === `/${needed}`),
        needed,
      ).toEqual([]);
    }
  });
});
