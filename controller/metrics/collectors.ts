import type { Pool } from '../db/index.ts';
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
      // Served by idx_processes_status (status leads it).
      const { rows } = await withTimeout(
        pool.query<{ status: string; n: string }>('SELECT status, count(*) AS n FROM processes GROUP BY status'),
        timeoutMs,
        'counting processes',
      );
      for (const row of rows) metrics.processes.set({ status: row.status }, Number(row.n));
    }),
    addScrapeCollector('drift', 'postgres:drift', async (metrics) => {
      const { rows } = await withTimeout(
        pool.query<{ kind: string; name: string; object_kind: string; action: string; n: string }>(
          `SELECT i.kind, i.name, d.object_kind, d.action, count(*) AS n
             FROM drift d JOIN intents i ON i.id = d.intent_id
            WHERE i.status <> 'removed'
            GROUP BY i.kind, i.name, d.object_kind, d.action`,
        ),
        timeoutMs,
        'counting drift',
      );
      for (const row of rows) {
        metrics.driftObjects.set({ intent_kind: row.kind, intent_name: row.name, object_kind: row.object_kind, action: row.action }, Number(row.n));
      }
    }),
    addScrapeCollector('intentInfo', 'postgres:intents', async (metrics) => {
      const { rows } = await withTimeout(
        pool.query<{ kind: string; name: string; mode: string; status: string }>(`SELECT kind, name, mode, status FROM intents WHERE status <> 'removed'`),
        timeoutMs,
        'reading intents',
      );
      for (const row of rows) metrics.intentInfo.set({ intent_kind: row.kind, intent_name: row.name, mode: row.mode, status: row.status }, 1);
    }),
    addScrapeCollector('libraryUpgrades', 'postgres:library-upgrades', async (metrics) => {
      const { rows } = await withTimeout(
        pool.query<{ kind: string; name: string; n: string }>(
          `SELECT i.kind, i.name, count(*) AS n FROM library_upgrades u JOIN intents i ON i.id = u.intent_id
            WHERE u.status = 'available' AND i.status <> 'removed' GROUP BY i.kind, i.name`,
        ),
        timeoutMs,
        'counting library upgrades',
      );
      for (const row of rows) metrics.libraryUpgradesAvailable.set({ intent_kind: row.kind, intent_name: row.name }, Number(row.n));
    }),
    addScrapeCollector('lastSuccessfulReconcile', 'postgres:last-reconcile', async (metrics) => {
      // One index probe per intent on idx_processes_intent, newest first until a completed one.
      const { rows } = await withTimeout(
        pool.query<{ kind: string; name: string; at: string }>(
          `SELECT i.kind, i.name, extract(epoch FROM p.completed_at)::float8 AS at
             FROM intents i
             CROSS JOIN LATERAL (
               SELECT completed_at FROM processes
                WHERE intent_kind IS NOT NULL AND intent_kind = i.kind AND intent_name = i.name AND status = 'completed'
                ORDER BY created_at DESC, id DESC LIMIT 1
             ) p
            WHERE i.status <> 'removed' AND p.completed_at IS NOT NULL`,
        ),
        timeoutMs,
        'reading last reconciles',
      );
      for (const row of rows) metrics.lastSuccessfulReconcile.set({ intent_kind: row.kind, intent_name: row.name }, Number(row.at));
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
