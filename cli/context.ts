import { loadConfig } from '../controller/config/index.ts';
import type { AppConfig } from '../controller/config/index.ts';
import { createLogger } from '../controller/logging/index.ts';
import type { Logger } from '../controller/logging/index.ts';

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
      config ??= loadConfig(env);
      return config;
    },
    logger(): Logger {
      logger ??= createLogger({ level: this.config().logLevel, pretty: process.stderr.isTTY === true, destination: undefined });
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
