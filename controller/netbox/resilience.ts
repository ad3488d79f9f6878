import { CircuitState, ConsecutiveBreaker, ExponentialBackoff, circuitBreaker, handleWhen, isBrokenCircuitError, retry } from 'cockatiel';
import type { CircuitBreakerPolicy, IBackoff, IBackoffFactory, IRetryBackoffContext, RetryPolicy } from 'cockatiel';
import { CircuitOpenError, NetBoxError } from './errors.ts';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface ResilienceOptions {
  readonly maxRetries: number;
  readonly retryBaseMs: number;
  readonly retryMaxDelayMs: number;
  /** Upper bound on a server's Retry-After, so one header cannot stall a reconcile for an hour. */
  readonly maxRetryAfterMs: number;
  readonly breakerThreshold: number;
  readonly halfOpenAfterMs: number;
  /**
   * How long one call may wait for NetBox to come back (the caller's budget, 0 = fail at once):
   * while the breaker is open the call sleeps until its half-open probe is due and tries again,
   * instead of failing with CircuitOpenError; a call whose retries ran out on NetBox being
   * unreachable sleeps a backoff and starts again. Past the budget, the last error is thrown.
   */
  readonly waitForRecoveryMs?: number;
  readonly origin: string;
  readonly onBreakerStateChange?: (state: BreakerState) => void;
  readonly onRetry?: (event: { error: unknown; delayMs: number; attempt: number }) => void;
}

/** Retry (exponential backoff with jitter, honouring Retry-After) around a consecutive-failure circuit breaker. */
export interface Resilience {
  /** Runs `attemptFn` (given the 1-based attempt number) with retries behind the breaker. */
  run<T>(attemptFn: (attempt: number) => Promise<T>, meta: { method: string; path: string }, signal?: AbortSignal): Promise<T>;
  breakerState(): BreakerState;
}

/** A transient NetBox failure the retry policy repeats. */
export function isRetryable(error: unknown): boolean {
  return error instanceof NetBoxError && error.transient;
}

/**
 * Failures that count towards opening the breaker: NetBox down, unreachable, timing out or
 * failing with 502/503/504 (a read's 500 too). A 429 does not: the server is alive and has told us when to come back.
 */
export function isBreakerFailure(error: unknown): boolean {
  if (!(error instanceof NetBoxError) || error.status === 429) return false;
  // A write whose outcome is unknown is not retried, but a timeout or a gateway error still says NetBox is struggling.
  return error.transient || (error.outcomeUnknown && error.status !== 500);
}

/** NetBox down or unreachable (not a NetBox bug: a 500 is not waited out, nor a 429: it says when to come back). */
function isOutage(error: unknown): boolean {
  return isRetryable(error) && isBreakerFailure(error) && (error as NetBoxError).status !== 500;
}

export function createResilience(options: ResilienceOptions): Resilience {
  const breaker: CircuitBreakerPolicy = circuitBreaker(handleWhen(isBreakerFailure), {
    halfOpenAfter: options.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.breakerThreshold),
  });
  // When the breaker last opened, to sleep until its half-open probe is due; and who waits for a change.
  let openedAt = 0;
  const waiters = new Set<() => void>();
  breaker.onStateChange((state) => {
    if (state === CircuitState.Open) openedAt = Date.now();
    for (const wake of [...waiters]) wake();
    options.onBreakerStateChange?.(stateName(state));
  });
  const budget = Math.max(0, options.waitForRecoveryMs ?? 0);

  /** Sleeps until the breaker may let a probe through (or changes state), at most `maxMs`. */
  const waitForProbe = (maxMs: number, signal: AbortSignal | undefined): Promise<void> => {
    const due = breaker.state === CircuitState.Open ? openedAt + options.halfOpenAfterMs - Date.now() : options.retryMaxDelayMs;
    // A few ms past the due time: cockatiel lets the probe through only once the delay has passed.
    const ms = Math.max(5, Math.min(maxMs, due + 5));
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  };

  const backoff = new RetryAfterBackoff(
    new ExponentialBackoff({ initialDelay: options.retryBaseMs, maxDelay: options.retryMaxDelayMs }),
    options.maxRetryAfterMs,
  );
  const retryPolicy: RetryPolicy = retry(handleWhen(isRetryable), { maxAttempts: options.maxRetries, backoff });
  retryPolicy.onRetry((event) => {
    options.onRetry?.({ error: 'error' in event ? event.error : undefined, delayMs: event.delay, attempt: event.attempt });
  });

  return {
    async run<T>(attemptFn: (attempt: number) => Promise<T>, meta: { method: string; path: string }, signal?: AbortSignal): Promise<T> {
      const started = Date.now();
      let attempts = 0;
      for (;;) {
        try {
          return await retryPolicy.execute(() => breaker.execute(() => attemptFn(++attempts)), signal);
        } catch (error) {
          const left = started + budget - Date.now();
          // NetBox down or unreachable: within the budget, wait for the probe and go again.
          if (left > 0 && !signal?.aborted && (isBrokenCircuitError(error) || isOutage(error))) {
            await waitForProbe(left, signal);
            continue;
          }
          if (isBrokenCircuitError(error)) {
            const last = breaker.lastFailure;
            throw new CircuitOpenError(options.origin, options.halfOpenAfterMs, meta.method, meta.path, {
              cause: last && 'error' in last ? last.error : undefined,
              ...(budget > 0 ? { waitedMs: Date.now() - started } : {}),
            });
          }
          throw error;
        }
      }
    },
    breakerState(): BreakerState {
      return stateName(breaker.state);
    },
  };
}

function stateName(state: CircuitState): BreakerState {
  if (state === CircuitState.Closed) return 'closed';
  if (state === CircuitState.HalfOpen) return 'half-open';
  return 'open';
}

/**
 * Exponential backoff with decorrelated jitter (cockatiel's), stretched to at least the server's
 * Retry-After (capped) when the failure carried one.
 */
class RetryAfterBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(
    private readonly inner: IBackoffFactory<unknown>,
    private readonly maxRetryAfterMs: number,
  ) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const innerNext = this.inner.next(context);
    const error = 'error' in context.result ? context.result.error : undefined;
    const retryAfter = error instanceof NetBoxError ? error.retryAfterMs : undefined;
    const duration = retryAfter === undefined ? innerNext.duration : Math.max(innerNext.duration, Math.min(retryAfter, this.maxRetryAfterMs));
    return { duration, next: (ctx) => new RetryAfterBackoff(innerNext, this.maxRetryAfterMs).next(ctx) };
  }
}
