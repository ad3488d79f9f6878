// Duration options of the CLI. Kept apart from services.ts (which imports the Postgres and Redis
// checks) so that `plan` and the other light commands load no database or queue package.
import { InvalidArgumentError, Option } from 'commander';

/** `30`, `30s`, `2m`, `1m30s` (0 checks once) in milliseconds. */
export function parseWait(text: string): number {
  const value = text.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const match = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
  if (!match || value === '') throw new InvalidArgumentError('expects a duration such as 30s, 2m, 1m30s or a number of seconds (0 checks once)');
  return (Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0)) * 1000;
}

/** Default of `--wait-for-netbox`. */
export const DEFAULT_NETBOX_WAIT_MS = 120_000;

/**
 * The `--wait-for-netbox <duration>` option of the commands that talk to NetBox (plan, apply):
 * how long each request may wait for an unreachable NetBox to come back (the client sleeps
 * until its circuit breaker's next probe instead of failing), before the command fails.
 */
export function waitForNetBoxOption(): Option {
  return new Option(
    '--wait-for-netbox <duration>',
    'how long to wait for NetBox when it is down or unreachable before failing (30s, 2m, or seconds; 0 fails at once)',
  )
    .argParser(parseWait)
    .default(DEFAULT_NETBOX_WAIT_MS, '2m');
}
