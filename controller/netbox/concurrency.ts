import pLimit from 'p-limit';

/** What became of one task run by {@link runBounded}. */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown } | { readonly skipped: true };

/**
 * Runs tasks with at most `concurrency` in flight. After the first failure no new task starts;
 * tasks already running are awaited, so the caller knows exactly which ones completed.
 */
export async function runBounded<T>(tasks: readonly (() => Promise<T>)[], concurrency: number): Promise<Outcome<T>[]> {
  const limit = pLimit(Math.max(1, concurrency));
  let failed = false;
  return Promise.all(
    tasks.map((task) =>
      limit(async (): Promise<Outcome<T>> => {
        if (failed) return { skipped: true };
        try {
          return { ok: true, value: await task() };
        } catch (error) {
          failed = true;
          return { ok: false, error };
        }
      }),
    ),
  );
}

/** Like {@link runBounded}, but resolves to the values in task order or throws the first (by index) failure. */
export async function runAllBounded<T>(tasks: readonly (() => Promise<T>)[], concurrency: number): Promise<T[]> {
  const outcomes = await runBounded(tasks, concurrency);
  const failure = outcomes.find((o): o is { ok: false; error: unknown } => 'ok' in o && !o.ok);
  if (failure) throw failure.error;
  return outcomes.map((o) => (o as { ok: true; value: T }).value);
}
