// How the CLI reports an error it did not expect: one line saying what failed and what to
// check; the stack only with --debug (or DEBUG=true).
import { AppError, escapeControlCharacters } from '../controller/errors/index.ts';

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'EPIPE']);
/** Postgres SQLSTATEs that mean "cannot use this database" rather than a bug. */
const POSTGRES_ACCESS: Record<string, string> = {
  '28P01': 'password authentication failed',
  '28000': 'the server refused the user',
  '3D000': 'the database does not exist',
  '57P03': 'the server is starting up or shutting down',
  '53300': 'too many connections',
};

interface SystemError {
  readonly code?: unknown;
  readonly address?: unknown;
  readonly port?: unknown;
  readonly errors?: unknown;
  readonly stack?: unknown;
  readonly message?: unknown;
}

/** The connection error inside `error` (an AggregateError of several addresses included). */
function connectionError(error: unknown): SystemError | undefined {
  const e = error as SystemError | null;
  if (e === null || typeof e !== 'object') return undefined;
  if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return e;
  if (Array.isArray(e.errors)) for (const inner of e.errors) if (connectionError(inner)) return connectionError(inner);
  return undefined;
}

function systemOf(error: unknown): 'Postgres' | 'Redis' | undefined {
  const stack = String((error as SystemError | null)?.stack ?? '');
  if (/[/\\]pg(-pool)?[/\\]|pg-protocol/.test(stack)) return 'Postgres';
  if (/ioredis|bullmq/.test(stack)) return 'Redis';
  return undefined;
}

const HINTS = {
  Postgres: 'check DATABASE_URL (or DATABASE_HOST, DATABASE_PORT, DATABASE_NAME, DATABASE_USER, DATABASE_PASSWORD) and that Postgres is running',
  Redis: 'check REDIS_URL (or REDIS_HOST, REDIS_PORT, REDIS_PASSWORD) and that Redis is running',
};

/** The message to print for a failure: one line unless `debug`. */
export function describeFailure(error: unknown, debug: boolean): string {
  if (error instanceof AppError && !debug) return `error: ${escapeControlCharacters(error.message)}`;
  if (debug) return `error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  const connection = connectionError(error);
  const system = systemOf(connection ?? error);
  if (connection) {
    const where =
      connection.address !== undefined ? ` at ${String(connection.address)}${connection.port !== undefined ? `:${String(connection.port)}` : ''}` : '';
    const what = system ?? 'a server';
    return `error: cannot reach ${what}${where} (${String(connection.code)}); ${system ? HINTS[system] : 'check the address and that the server is running'}. Run with --debug for details.`;
  }
  const code = (error as SystemError | null)?.code;
  if (typeof code === 'string' && POSTGRES_ACCESS[code]) {
    return `error: Postgres: ${POSTGRES_ACCESS[code]} (${escapeControlCharacters(String((error as Error).message))}); ${HINTS.Postgres}. Run with --debug for details.`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `error: ${escapeControlCharacters(message.split('\n')[0] ?? '')}${system ? ` (${system}; ${HINTS[system]})` : ''}. Run with --debug for the stack.`;
}
