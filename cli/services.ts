// `--wait-for-services` of the long-running commands (worker, controller, api): at start, wait a
// bounded time for Postgres and Redis, then exit 1 with one line saying what is missing, instead
// of hanging on a connection that never comes or printing a driver's stack trace.
import { Option } from 'commander';
import { waitForServices } from '../controller/connectivity/index.ts';
import type { CliContext } from './context.ts';
import { parseWait } from './durations.ts';

/** Default of `--wait-for-services`. */
export const DEFAULT_SERVICE_WAIT_MS = 30_000;

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
