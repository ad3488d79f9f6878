import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Every metric name starts with this. */
export const METRICS_PREFIX = 'netbox_gitops_';

/** The process's metrics, created on first use (importing this module registers nothing). */
export interface Metrics {
  readonly registry: Registry;
  readonly reconcileDuration: Histogram<'intent_kind' | 'intent_name' | 'result'>;
  readonly reconcilesTotal: Counter<'intent_kind' | 'intent_name' | 'result'>;
  readonly driftObjects: Gauge<'intent_kind' | 'intent_name' | 'object_kind' | 'action'>;
  readonly lastSuccessfulReconcile: Gauge<'intent_kind' | 'intent_name'>;
  readonly netboxRequestDuration: Histogram<'method' | 'endpoint' | 'status'>;
  readonly breakerState: Gauge;
  readonly queueJobs: Gauge<'queue' | 'state'>;
  readonly processes: Gauge<'status'>;
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly graphqlSubscriptions: Gauge;
  readonly collectErrors: Counter<'collector'>;
  readonly notificationDeliveries: Counter<'channel' | 'event' | 'result'>;
  readonly intentInfo: Gauge<'intent_kind' | 'intent_name' | 'mode' | 'status'>;
  readonly libraryUpgradesAvailable: Gauge<'intent_kind' | 'intent_name'>;
}

/** Fills gauges at scrape time (from Postgres, BullMQ). Registered with addScrapeCollector. */
export type ScrapeCollector = (metrics: Metrics) => Promise<void>;

export type ScrapeTarget = 'processes' | 'drift' | 'lastSuccessfulReconcile' | 'queueJobs' | 'graphqlSubscriptions' | 'intentInfo' | 'libraryUpgrades';

interface Registered {
  readonly id: string;
  readonly collect: ScrapeCollector;
}

const collectors: Record<ScrapeTarget, Set<Registered>> = {
  processes: new Set(),
  drift: new Set(),
  lastSuccessfulReconcile: new Set(),
  queueJobs: new Set(),
  graphqlSubscriptions: new Set(),
  intentInfo: new Set(),
  libraryUpgrades: new Set(),
};

let metrics: Metrics | undefined;

/**
 * The one set of metrics of this process (API or worker), created on first call with the
 * default process metrics (CPU, memory, event loop lag) under the same prefix.
 */
export function getMetrics(): Metrics {
  metrics ??= createMetrics();
  return metrics;
}

function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRICS_PREFIX });
  const registers = [registry];
  const collectErrors = new Counter({
    name: `${METRICS_PREFIX}metrics_collect_errors_total`,
    help: 'Scrape-time collections (Postgres, BullMQ) that failed; the affected gauges keep no values for that scrape',
    labelNames: ['collector'] as const,
    registers,
  });
  // Gauges filled at scrape time are reset first so that series that disappeared (an intent
  // without drift any more) do not linger with their last value.
  const scrapeGauge = <L extends string>(target: ScrapeTarget, name: string, help: string, labelNames: readonly L[] = []): Gauge<L> =>
    new Gauge<L>({
      name: `${METRICS_PREFIX}${name}`,
      help,
      labelNames,
      registers,
      async collect(): Promise<void> {
        this.reset();
        const current = getMetrics();
        await Promise.all(
          [...collectors[target]].map(async ({ id, collect }) => {
            try {
              await collect(current);
            } catch {
              collectErrors.inc({ collector: id });
            }
          }),
        );
      },
    });
  return {
    registry,
    collectErrors,
    reconcileDuration: new Histogram({
      name: `${METRICS_PREFIX}reconcile_duration_seconds`,
      help: 'Wall time of reconcile processes from start to end, by intent and result (completed, failed, cancelled)',
      labelNames: ['intent_kind', 'intent_name', 'result'] as const,
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers,
    }),
    reconcilesTotal: new Counter({
      name: `${METRICS_PREFIX}reconciles_total`,
      help: 'Reconcile processes finished, by intent and result (completed, failed, cancelled)',
      labelNames: ['intent_kind', 'intent_name', 'result'] as const,
      registers,
    }),
    driftObjects: scrapeGauge(
      'drift',
      'drift_objects',
      'Objects that differ from their intent as of its last diff, by intent, object kind and action (from Postgres at scrape time)',
      ['intent_kind', 'intent_name', 'object_kind', 'action'] as const,
    ),
    lastSuccessfulReconcile: scrapeGauge(
      'lastSuccessfulReconcile',
      'last_successful_reconcile_timestamp_seconds',
      'Unix time at which the last completed reconcile of each intent finished (from Postgres at scrape time)',
      ['intent_kind', 'intent_name'] as const,
    ),
    netboxRequestDuration: new Histogram({
      name: `${METRICS_PREFIX}netbox_request_duration_seconds`,
      help: 'NetBox HTTP attempts (retries included) by method, endpoint path template and status ("error" when NetBox did not answer)',
      labelNames: ['method', 'endpoint', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    breakerState: new Gauge({
      name: `${METRICS_PREFIX}netbox_circuit_breaker_state`,
      help: 'State of the NetBox client circuit breaker: 0 closed, 1 half-open, 2 open',
      registers,
    }),
    queueJobs: scrapeGauge('queueJobs', 'queue_jobs', 'Workflow jobs in the BullMQ queue by state (waiting, active, delayed, failed), read at scrape time', [
      'queue',
      'state',
    ] as const),
    processes: scrapeGauge('processes', 'processes', 'Processes by status (from Postgres at scrape time)', ['status'] as const),
    graphqlSubscriptions: scrapeGauge('graphqlSubscriptions', 'graphql_subscriptions', 'Open GraphQL subscriptions (WebSocket) of this API replica'),
    notificationDeliveries: new Counter({
      name: `${METRICS_PREFIX}notification_deliveries_total`,
      help: 'Notification delivery attempts by channel, event and result (delivered, retry, failed, suppressed)',
      labelNames: ['channel', 'event', 'result'] as const,
      registers,
    }),
    intentInfo: scrapeGauge(
      'intentInfo',
      'intent_info',
      'One series per stored intent with its mode and status (value 1), for joining with drift_objects (from Postgres at scrape time)',
      ['intent_kind', 'intent_name', 'mode', 'status'] as const,
    ),
    libraryUpgradesAvailable: scrapeGauge(
      'libraryUpgrades',
      'library_upgrades_available',
      'Library revisions newer than the one an intent pins, previewed and not taken (from Postgres at scrape time)',
      ['intent_kind', 'intent_name'] as const,
    ),
    httpRequestDuration: new Histogram({
      name: `${METRICS_PREFIX}http_request_duration_seconds`,
      help: 'API requests by method, route template and status code',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
  };
}

/**
 * Adds a scrape-time collector for one gauge; returns a function that removes it. `id` names
 * the collector in `metrics_collect_errors_total`. Several collectors may fill one gauge (two
 * apps in one process): the gauge is reset once per scrape, then each collector sets its values.
 */
export function addScrapeCollector(target: ScrapeTarget, id: string, collect: ScrapeCollector): () => void {
  const entry: Registered = { id, collect };
  collectors[target].add(entry);
  return () => {
    collectors[target].delete(entry);
  };
}

/** The Prometheus text exposition of every metric of this process. */
export async function renderMetrics(): Promise<{ readonly contentType: string; readonly body: string }> {
  const { registry } = getMetrics();
  return { contentType: registry.contentType, body: await registry.metrics() };
}
