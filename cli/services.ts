// `--wait-for-services` of the long-running commands (worker, controller, api): at start, wait a
// bounded time for Postgres and Redis, then exit 1 with one line saying what is missing, instead
// of hanging on a connection that never comes or printing a driver's stack trace.
import { InvalidArgumentError, Option } from 'commander';
import { waitForServices } from '../controller/connectivity/index.ts';
import type { CliContext } from './context.ts';

/** Default of `--wait-for-services`. */
export const DEFAULT_SERVICE_WAIT_MS = 30_000;

/** `30`, `30s`, `2m`, `1m30s` (0 checks once) in milliseconds. */
export function parseWait(text: string): number {
  const value = text.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const match = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
  if (!match || value === '') throw new InvalidArgumentError('expects a duration such as 30s, 2m, 1m30s or a number of seconds (0 checks once)');
  return (Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0)) * 1000;
}

/** The `--wait-for-services <duration>` option. */
export function waitForServicesOption(): Option {
  return new Option('--wait-for-services <duration>', 'at start, how long to wait for Postgres and Redis before exiting 1 (30s, 2m, or seconds; 0 checks once)')
    .argParser(parseWait)
    .default(DEFAULT_SERVICE_WAIT_MS, '30s');
}

/**
 * Waits until the configured Postgres database and Redis answer, at most `waitMs`.
 * @throws ServiceUnavailableError (one line, printed by the CLI entry, exit 1).
 */
export async function servicesReady(ctx: CliContext, waitMs: number): Promise<void> {
  await waitForServices(ctx.config(), { timeoutMs: waitMs, logger: ctx.logger(), hint: '(or wait longer with --wait-for-services)' });
}

/** Default of `--wait-for-netbox`. */
export const DEFAULT_NETBOX_WAIT_MS = 120_000;

/**
 * The `--wait-for-netbox <duration>` option of the commands that talk to NetBox (plan, apply):
 * how long each request may wait for an unreachable NetBox to come back (the client sleeps
 * until its circuit breaker's next probe instead of failing), before the command fails.
 */
export function waitForNetBoxOption(): Option {
  return new Option('--wait-for-netbox <duration>', 'how long to wait for NetBox when it is down or unreachable before failing (30s, 2m, or seconds; 0 fails at once)')
    .argParser(parseWait)
    .default(DEFAULT_NETBOX_WAIT_MS, '2m');
}
