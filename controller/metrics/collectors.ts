import type { Pool } from '../db/index.ts';
import { countAvailableUpgrades, countDriftObjects, countProcessesByStatus, lastCompletedPerIntent, listIntentModes } from '../store/index.ts';
import { addScrapeCollector } from './registry.ts';

/** The part of a BullMQ Queue the queue collector reads. */
export interface JobCountSource {
  readonly name: string;
  getJobCounts(...types: ('waiting' | 'active' | 'delayed' | 'failed')[]): Promise<Record<string, number>>;
}

/** Rejects after `ms`, so that a hung Postgres or Redis cannot hang a scrape. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Fills the Postgres-derived gauges at scrape time: processes by status, drift objects by
 * intent/kind/action, and the last successful reconcile per intent. Register it in one kind
 * of process only (the API): every API replica reports the same values, so aggregate with max.
 * Returns a function that unregisters it.
 */
export function registerDatabaseCollectors(pool: Pool, options: { readonly timeoutMs?: number } = {}): () => void {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const removers = [
    addScrapeCollector('processes', 'postgres:processes', async (metrics) => {
      const rows = await withTimeout(countProcessesByStatus(pool), timeoutMs, 'counting processes');
      for (const row of rows) metrics.processes.set({ status: row.status }, row.count);
    }),
    addScrapeCollector('drift', 'postgres:drift', async (metrics) => {
      const rows = await withTimeout(countDriftObjects(pool), timeoutMs, 'counting drift');
      for (const row of rows) {
        metrics.driftObjects.set({ intent_kind: row.kind, intent_name: row.name, object_kind: row.objectKind, action: row.action }, row.count);
      }
    }),
    addScrapeCollector('intentInfo', 'postgres:intents', async (metrics) => {
      const rows = await withTimeout(listIntentModes(pool), timeoutMs, 'reading intents');
      for (const row of rows) metrics.intentInfo.set({ intent_kind: row.kind, intent_name: row.name, mode: row.mode, status: row.status }, 1);
    }),
    addScrapeCollector('libraryUpgrades', 'postgres:library-upgrades', async (metrics) => {
      const rows = await withTimeout(countAvailableUpgrades(pool), timeoutMs, 'counting library upgrades');
      for (const row of rows) metrics.libraryUpgradesAvailable.set({ intent_kind: row.kind, intent_name: row.name }, row.count);
    }),
    addScrapeCollector('lastSuccessfulReconcile', 'postgres:last-reconcile', async (metrics) => {
      const rows = await withTimeout(lastCompletedPerIntent(pool), timeoutMs, 'reading last reconciles');
      for (const row of rows) metrics.lastSuccessfulReconcile.set({ intent_kind: row.kind, intent_name: row.name }, row.at);
    }),
  ];
  return () => {
    for (const remove of removers) remove();
  };
}

/** Fills `queue_jobs` from a BullMQ queue at scrape time. Returns a function that unregisters it. */
export function registerQueueCollector(queue: JobCountSource, options: { readonly timeoutMs?: number } = {}): () => void {
  const timeoutMs = options.timeoutMs ?? 5_000;
  return addScrapeCollector('queueJobs', `bullmq:${queue.name}`, async (metrics) => {
    const counts = await withTimeout(queue.getJobCounts('waiting', 'active', 'delayed', 'failed'), timeoutMs, 'reading queue counts');
    for (const [state, n] of Object.entries(counts)) metrics.queueJobs.set({ queue: queue.name, state }, n);
  });
}
