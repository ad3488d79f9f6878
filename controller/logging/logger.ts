import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import type { Logger, LevelWithSilent, DestinationStream } from 'pino';

const correlation = new AsyncLocalStorage<string>();

/** Runs `fn` with a correlation id that every log line written inside it carries. */
export function withCorrelationId<T>(id: string, fn: () => T): T {
  return correlation.run(id, fn);
}

/** The correlation id of the current request or process, if one is active. */
export function currentCorrelationId(): string | undefined {
  return correlation.getStore();
}

/** A new random correlation id. */
export function newCorrelationId(): string {
  return randomUUID();
}

/** Paths pino blanks out wherever a caller logs a config, request or error object. */
const REDACT = [
  'token',
  '*.token',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'netbox.token',
  'config.netbox.token',
];

export interface LoggerOptions {
  readonly level: LevelWithSilent;
  /** Pretty, coloured lines for a person at a terminal; JSON otherwise. */
  readonly pretty?: boolean;
  readonly name?: string;
  /** Where lines go; stderr by default (stdout is for command output). Tests pass a stream to capture them. */
  readonly destination?: DestinationStream;
}

/** Creates the process's one pino logger; child loggers carry component fields. */
export function createLogger(options: LoggerOptions): Logger {
  const base = {
    level: options.level,
    name: options.name ?? 'netbox-gitops',
    redact: { paths: REDACT, censor: '[redacted]' },
    mixin(): Record<string, unknown> {
      const id = correlation.getStore();
      return id ? { correlationId: id } : {};
    },
  };
  if (options.destination) return pino(base, options.destination);
  // Logs go to stderr, always: stdout belongs to the command's output (`--json` must parse).
  const pretty = options.pretty ?? process.stderr.isTTY === true;
  if (pretty) {
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name', destination: 2 } },
    });
  }
  return pino(base, pino.destination({ fd: 2, sync: true }));
}

export type { Logger };
