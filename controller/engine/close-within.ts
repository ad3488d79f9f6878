/**
 * Runs `close`, and `force` when it has not finished within `ms` (or failed); `force` is given
 * `ms` as well. Shutdown paths use it for Redis clients, whose orderly close waits for a server
 * that may never answer (an ioredis client left reconnecting never ends).
 */
export async function closeWithin(ms: number, close: () => Promise<unknown>, force: () => Promise<unknown> | void): Promise<void> {
  if (await settlesWithin(ms, close())) return;
  await settlesWithin(ms, Promise.resolve().then(force));
}

/** Whether `work` succeeds within `ms` (it keeps running either way). */
async function settlesWithin(ms: number, work: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => false,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
