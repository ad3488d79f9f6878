/**
 * Prometheus metrics (prom-client), one registry per process, every name prefixed
 * `netbox_gitops_`. Workers record reconciles and NetBox requests and serve them with
 * startMetricsServer (METRICS_PORT); the API serves its own at /metrics and adds the gauges
 * read from Postgres and BullMQ at scrape time.
 */
export { METRICS_PREFIX, addScrapeCollector, getMetrics, renderMetrics } from './registry.ts';
export type { Metrics, ScrapeCollector, ScrapeTarget } from './registry.ts';
export { recordBreakerState, recordHttpRequest, recordNetBoxRequest, recordNotificationDelivery, recordProcessFinished, recordReconcile } from './recorders.ts';
export type { FinishedProcess, NetBoxRequestEvent, ReconcileOutcome } from './recorders.ts';
export { registerDatabaseCollectors, registerQueueCollector, withTimeout } from './collectors.ts';
export type { JobCountSource } from './collectors.ts';
export { startMetricsServer } from './server.ts';
export type { MetricsServer, ReadinessCheck } from './server.ts';
