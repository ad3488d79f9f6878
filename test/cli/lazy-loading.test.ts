// `--version` and `--help` must answer without importing any command, and the commands a CI job
// runs on every pull request (validate, plan) must not drag in the server, queue and database
// stacks. Checked on the static import graph, which is what Node evaluates before any code runs.
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, commandName } from '../../cli/commands/index.ts';
import { createCliContext } from '../../cli/context.ts';
import { importClosure } from '../helpers/import-graph.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Packages only the long-running processes need. */
const SERVER_PACKAGES = [
  'fastify',
  '@fastify/cors',
  '@fastify/helmet',
  '@fastify/swagger',
  'mercurius',
  'graphql',
  'bullmq',
  'ioredis',
  'pg',
  '@kubernetes/client-node',
  'chokidar',
  'prom-client',
  'pino',
];

describe('lazy command loading', () => {
  it('the entry imports only the CLI shell, the error classes, the package-root finder and commander', () => {
    const closure = importClosure(ROOT, 'cli/main.ts');
    expect([...closure.packages]).toEqual(['commander']);
    expect([...closure.files].sort()).toEqual([
      'cli/commands/index.ts',
      'cli/context.ts',
      'cli/failure.ts',
      'cli/main.ts',
      'cli/program.ts',
      'cli/signals.ts',
      'controller/errors/index.ts',
      'controller/package-root/index.ts',
    ]);
  });

  it.each(['validate', 'resolve', 'plan'])('`%s` imports no server, queue, database or Kubernetes package', (name) => {
    const closure = importClosure(ROOT, `cli/commands/${name}.ts`);
    expect(SERVER_PACKAGES.filter((p) => closure.packages.has(p))).toEqual([]);
    expect(
      [...closure.files].filter(
        (f) => f.startsWith('api/') || f.startsWith('emulator/') || f.startsWith('controller/workflow/') || f.startsWith('controller/db/'),
      ),
    ).toEqual([]);
  });

  it('every registry line loads the command it names', async () => {
    const names = COMMANDS.map(commandName);
    expect(new Set(names).size).toBe(names.length);
    for (const entry of COMMANDS) {
      const program = new Command('netbox-gitops');
      (await entry.load())(program, createCliContext({}));
      expect(
        program.commands.map((c) => c.name()),
        entry.usage,
      ).toEqual([commandName(entry)]);
      const declared = program.commands[0]?.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`)) ?? [];
      expect([commandName(entry), ...declared].join(' '), 'usage in the registry matches the command').toBe(entry.usage);
    }
  });
});
