// A worker's process waits out an outage of the system its steps talk to instead of failing: the
// step attempt that met it down or unreachable ends, the process goes to `waiting` with a message
// saying what it waits for, and the job runs again after a backoff — until the outage budget is
// spent, when the process fails saying what it waited for and how long. The application says
// which errors are outages and how the system and its budget setting are named (OutagePolicy).
import type { Tuning } from './definition.ts';
import type { ProcessRow } from '../store/index.ts';
import type { OutagePolicy } from './definition.ts';
import type { JsonObject, ProcessError } from './types.ts';

/** What the process state keeps of the outage it is waiting out (`state[policy.stateKey]`). */
interface OutageState extends JsonObject {
  /** When the first step attempt of this outage failed (ISO 8601). */
  readonly since: string;
  /** The step (position) and attempt that failed last: the next attempt of it continues the outage. */
  readonly step: number;
  readonly attempt: number;
  /** Step attempts failed on the outage so far. */
  readonly tries: number;
  /** When the next attempt runs (ISO 8601). */
  readonly nextAt: string;
  readonly budgetMs: number;
}

export type OutageDecision =
  /** Wait `delayMs`, with the process `waiting` and this error and state. */
  | { readonly kind: 'wait'; readonly delayMs: number; readonly error: ProcessError; readonly state: JsonObject }
  /** The budget is spent: fail with this error. */
  | { readonly kind: 'give-up'; readonly error: ProcessError; readonly state: JsonObject };

/**
 * What to do after step attempt `attempt` of step `position` failed on an outage of the system
 * `policy` names (`described` is the step's error). Consecutive failed attempts of one step are one outage; the
 * budget counts from its first failure. Backoff: `backoffMs` doubling per try, at most
 * `outageMaxDelayMs`, never past the budget's end (the last try runs when it ends).
 */
export function decideOutage(
  policy: Pick<OutagePolicy, 'system' | 'budgetSetting' | 'stateKey' | 'code'>,
  row: Pick<ProcessRow, 'state'>,
  position: number,
  attempt: number,
  described: ProcessError,
  tuning: Pick<Tuning, 'outageBudgetMs' | 'outageMaxDelayMs' | 'backoffMs'>,
  now = Date.now(),
): OutageDecision {
  const previous = row.state[policy.stateKey] as Partial<OutageState> | undefined;
  const continues = previous !== undefined && previous.step === position && previous.attempt === attempt - 1 && typeof previous.since === 'string';
  const since = continues ? Date.parse(previous.since as string) : now;
  const tries = (continues ? Number(previous.tries ?? 0) : 0) + 1;
  const budgetMs = tuning.outageBudgetMs;
  const end = since + budgetMs;
  const reason = described.message;
  if (now >= end) {
    const message =
      `gave up waiting for ${policy.system}: it was down or unreachable for ${formatSpan(now - since)} ` +
      `(from ${clock(since)} to ${clock(now)} UTC, ${tries} tries of step ${described.step ?? '?'}; ${policy.budgetSetting} is ${formatSpan(budgetMs)}). Last error: ${reason}`;
    return {
      kind: 'give-up',
      error: { ...described, message, transient: false, code: policy.code },
      state: { [policy.stateKey]: null },
    };
  }
  const delayMs = Math.max(0, Math.min(tuning.backoffMs * 2 ** Math.min(tries - 1, 20), tuning.outageMaxDelayMs, end - now));
  const nextAt = now + delayMs;
  const message =
    `waiting for ${policy.system} to answer again (down or unreachable since ${clock(since)} UTC): next try at ${clock(nextAt)} UTC, ` +
    `giving up at ${clock(end)} UTC (${policy.budgetSetting} ${formatSpan(budgetMs)}). Last error: ${reason}`;
  const state: OutageState = { since: new Date(since).toISOString(), step: position, attempt, tries, nextAt: new Date(nextAt).toISOString(), budgetMs };
  return { kind: 'wait', delayMs, error: { ...described, message, code: policy.code }, state: { [policy.stateKey]: state } };
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** `40 s`, `15 min`, `1 h 2 min`. */
export function formatSpan(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min${s % 60 ? ` ${s % 60} s` : ''}`;
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}
