import {
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
  retry,
} from 'cockatiel';
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

export function createResilience(options: ResilienceOptions): Resilience {
  const breaker: CircuitBreakerPolicy = circuitBreaker(handleWhen(isBreakerFailure), {
    halfOpenAfter: options.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.breakerThreshold),
  });
  breaker.onStateChange((state) => options.onBreakerStateChange?.(stateName(state)));

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
      try {
        return await retryPolicy.execute(({ attempt }) => breaker.execute(() => attemptFn(attempt + 1)), signal);
      } catch (error) {
        if (isBrokenCircuitError(error)) {
          const last = breaker.lastFailure;
          throw new CircuitOpenError(options.origin, options.halfOpenAfterMs, meta.method, meta.path, {
            cause: last && 'error' in last ? last.error : undefined,
          });
        }
        throw error;
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
