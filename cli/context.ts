// Type-only imports of config and logging: their modules (zod, pino) are imported by
// loadCliRuntime() when a command is about to run, so `--version` and `--help` never load them.
import type { AppConfig, loadConfig } from '../controller/config/index.ts';
import type { createLogger, Logger } from '../controller/logging/index.ts';

/**
 * What every command needs, built lazily so that `--help` works without a valid environment.
 * The CLI entry passes the real process environment; tests pass their own.
 */
export interface CliContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  config(): AppConfig;
  logger(): Logger;
  /** Where commands write their human or JSON output. */
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
}

interface CliRuntime {
  readonly loadConfig: typeof loadConfig;
  readonly createLogger: typeof createLogger;
}

let runtime: CliRuntime | undefined;

/**
 * Imports the configuration and logging modules that `CliContext.config()` and `logger()` use.
 * The program runs it before every action (a preAction hook); idempotent.
 */
export async function loadCliRuntime(): Promise<void> {
  if (runtime) return;
  const [config, logging] = await Promise.all([import('../controller/config/index.ts'), import('../controller/logging/index.ts')]);
  runtime = { loadConfig: config.loadConfig, createLogger: logging.createLogger };
}

function loadedRuntime(): CliRuntime {
  if (!runtime) throw new Error('loadCliRuntime() must run before a command reads the configuration');
  return runtime;
}

export function createCliContext(
  env: Readonly<Record<string, string | undefined>>,
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): CliContext {
  let config: AppConfig | undefined;
  let logger: Logger | undefined;
  return {
    env,
    out,
    err,
    config(): AppConfig {
      config ??= loadedRuntime().loadConfig(env);
      return config;
    },
    logger(): Logger {
      logger ??= loadedRuntime().createLogger({ level: this.config().logLevel, pretty: process.stderr.isTTY === true, destination: undefined });
      return logger;
    },
  };
}

/** Thrown by a command to end the process with a given exit code after printing its output. */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
