import { getMetrics } from './registry.ts';

/** One NetBox HTTP attempt, as the NetBox client's `onRequest` reports it. */
export interface NetBoxRequestEvent {
  readonly method: string;
  /** Path template, e.g. `/api/dcim/device-types/{id}/`. */
  readonly endpoint: string;
  readonly status: number | 'error';
  readonly durationMs: number;
}

/**
 * Records a NetBox request. Pass it as the NetBox client's `onRequest`:
 * `createNetBoxClient({ ..., onRequest: recordNetBoxRequest })`.
 */
export function recordNetBoxRequest(event: NetBoxRequestEvent): void {
  getMetrics().netboxRequestDuration.observe(
    { method: event.method, endpoint: event.endpoint, status: String(event.status) },
    Math.max(0, event.durationMs) / 1000,
  );
}

/** One notification delivery attempt (or a suppression by the rate limit). */
export function recordNotificationDelivery(channel: string, event: string, result: 'delivered' | 'retry' | 'failed' | 'suppressed'): void {
  getMetrics().notificationDeliveries.inc({ channel, event, result });
}

const BREAKER_VALUES = { closed: 0, 'half-open': 1, open: 2 } as const;

/** Records the NetBox circuit breaker state; pass it as the client's `onBreakerStateChange`. */
export function recordBreakerState(state: keyof typeof BREAKER_VALUES): void {
  getMetrics().breakerState.set(BREAKER_VALUES[state]);
}

/** A finished reconcile of one intent. */
export interface ReconcileOutcome {
  readonly intent: { readonly kind: string; readonly name: string };
  /** completed, failed or cancelled. */
  readonly result: string;
  readonly durationSeconds: number;
}

/** Records a finished reconcile (duration histogram and counter, by intent and result). */
export function recordReconcile(outcome: ReconcileOutcome): void {
  const labels = { intent_kind: outcome.intent.kind, intent_name: outcome.intent.name, result: outcome.result };
  const metrics = getMetrics();
  metrics.reconcileDuration.observe(labels, Math.max(0, outcome.durationSeconds));
  metrics.reconcilesTotal.inc(labels);
}

/** The fields of a finished process that {@link recordProcessFinished} reads (the engine's ProcessRecord has them). */
export interface FinishedProcess {
  readonly workflowName: string;
  readonly status: string;
  readonly intent: { readonly kind: string; readonly name: string } | null;
  /** ISO 8601 */
  readonly startedAt: string | null;
  /** ISO 8601 */
  readonly completedAt: string | null;
}

const FINISHED = new Set(['completed', 'failed', 'cancelled']);

/**
 * For the worker: call once when a process ends. Records reconcile metrics when the process
 * worked on an intent and finished (completed, failed or cancelled); ignores anything else.
 * Returns whether it recorded.
 */
export function recordProcessFinished(process: FinishedProcess): boolean {
  if (!process.intent || !FINISHED.has(process.status)) return false;
  const started = process.startedAt ? Date.parse(process.startedAt) : Number.NaN;
  const ended = process.completedAt ? Date.parse(process.completedAt) : Date.now();
  const durationSeconds = Number.isNaN(started) ? 0 : (ended - started) / 1000;
  recordReconcile({ intent: process.intent, result: process.status, durationSeconds });
  return true;
}

/** Records one API request (the API's onResponse hook calls it). */
export function recordHttpRequest(event: { readonly method: string; readonly route: string; readonly statusCode: number; readonly durationMs: number }): void {
  getMetrics().httpRequestDuration.observe({ method: event.method, route: event.route, status_code: String(event.statusCode) }, event.durationMs / 1000);
}
