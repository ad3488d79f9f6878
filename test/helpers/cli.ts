import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as sourceContext from '../../cli/context.ts';
import type * as ContextModule from '../../cli/context.ts';
import * as sourceProgram from '../../cli/program.ts';
import type * as ProgramModule from '../../cli/program.ts';
import { LIBRARY_PATH } from './library.ts';
import { redisEnv } from './redis.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Which CLI the tests drive: the TypeScript sources (default), or the compiled JavaScript in
 * dist/ with `CLI_UNDER_TEST=dist` (after `npm run build`). CI runs test/cli both ways.
 */
export const CLI_UNDER_TEST: 'source' | 'dist' = process.env.CLI_UNDER_TEST === 'dist' ? 'dist' : 'source';

interface CliModules {
  readonly program: typeof ProgramModule;
  readonly context: typeof ContextModule;
}

let modules: Promise<CliModules> | undefined;

function distFile(relative: string): string {
  const file = join(ROOT, 'dist', relative);
  if (!existsSync(file)) throw new Error(`CLI_UNDER_TEST=dist but ${file} does not exist: run \`npm run build\` first`);
  return file;
}

function cliModules(): Promise<CliModules> {
  modules ??=
    CLI_UNDER_TEST === 'dist'
      ? Promise.all([import(pathToFileURL(distFile('cli/program.js')).href), import(pathToFileURL(distFile('cli/context.js')).href)]).then(
          ([program, context]) => ({ program: program as typeof ProgramModule, context: context as typeof ContextModule }),
        )
      : Promise.resolve({ program: sourceProgram, context: sourceContext });
  return modules;
}

/**
 * The node arguments that start the CLI as its own process: `dist/cli/main.js` or the sources
 * through tsx. Not the bin: it picks one itself (dist when current), and a test must know which.
 */
export function cliProcessArgs(): string[] {
  return CLI_UNDER_TEST === 'dist' ? ['--enable-source-maps', distFile('cli/main.js')] : ['--import', 'tsx', join(ROOT, 'cli', 'main.ts')];
}

export interface CliRun {
  readonly out: string;
  readonly err: string;
  readonly code: number;
}

/** Runs `netbox-gitops <args>` in-process with its own environment; returns output and exit code. */
export async function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  const { program: programModule, context } = await cliModules();
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: '', err: '' };
  out.on('data', (chunk: Buffer) => (chunks.out += chunk.toString()));
  err.on('data', (chunk: Buffer) => (chunks.err += chunk.toString()));
  const program = (await programModule.buildProgram(context.createCliContext({ LOG_LEVEL: 'silent', ...env }, out, err), args)).exitOverride();
  for (const command of program.commands) command.exitOverride();
  let code = 0;
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (error) {
    if (error instanceof context.ExitCode) code = error.code;
    else if (typeof (error as { exitCode?: unknown }).exitCode === 'number') code = (error as { exitCode: number }).exitCode;
    else throw error;
  }
  return { ...chunks, code };
}

/** What a CLI run talks to, for {@link cliEnv}. */
export interface CliServices {
  /** NetBox: NETBOX_URL and NETBOX_TOKEN (an emulator). */
  readonly netbox?: { readonly url: string; readonly token: string };
  /** Postgres for a recorded run: DATABASE_URL (a test database), and the test Redis with it (REDIS_*). */
  readonly database?: { readonly url: string };
  /** WORKFLOW_QUEUE: the queue of a test engine. */
  readonly queueName?: string;
}

/** The environment for `runCli` or a CLI child process that reaches `services`; `extra` adds or overrides variables. */
export function cliEnv(services: CliServices, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...(services.database ? { DATABASE_URL: services.database.url, ...redisEnv() } : {}),
    ...(services.netbox ? { NETBOX_URL: services.netbox.url, NETBOX_TOKEN: services.netbox.token } : {}),
    ...(services.queueName ? { WORKFLOW_QUEUE: services.queueName } : {}),
    ...extra,
  };
}

/** `--intents <folder> --library <library>`: where plan and apply read intents and the devicetype-library (default the shared snapshot). */
export function sourceArgs(intents: string, library: string = LIBRARY_PATH): string[] {
  return ['--intents', intents, '--library', library];
}
