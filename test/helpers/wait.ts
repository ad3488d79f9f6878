import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `check` every `everyMs` until it returns a value (anything but undefined) and returns
 * it; fails after `timeoutMs` naming `what`. The timeout is a bound, not a timing assertion.
 */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Polls `check` until it returns true; fails after `timeoutMs` naming `what`. */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000, everyMs = 25): Promise<void> {
  await waitFor(what, async () => ((await check()) ? true : undefined), timeoutMs, everyMs);
}
