// `netbox-gitops worker`: runs workflow processes from the queue until SIGTERM or SIGINT.
//
// Signal handling: this is a long-running entry point, so its action installs its own SIGTERM
// and SIGINT handlers (process.once) while the worker runs. The first signal closes the worker
// gracefully: it takes no new jobs, lets each running step finish (a step still running after
// --shutdown-grace is asked to stop at its next apply chunk) and hands each unfinished process
// back to the queue, where another worker resumes it after its last completed step. The action
// then resolves and the CLI exits 0. A second signal exits at once (code 130): the jobs it held
// are taken over by another worker once their lock expires (WORKFLOW_LOCK_DURATION_MS).
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import type { AppConfig } from '../../controller/config/index.ts';
import { migrate } from '../../controller/db/index.ts';
import type { Logger } from '../../controller/logging/index.ts';
import { startMetricsServer } from '../../controller/metrics/index.ts';
import type { MetricsServer } from '../../controller/metrics/index.ts';
import { createNotifier } from '../../controller/notify/index.ts';
import { createCachedLibraryProvider } from '../../controller/sources/index.ts';
import { createDefaultDeps, startWorker } from '../../controller/workflow/index.ts';
import type { LibraryProvider } from '../../controller/workflow/index.ts';
import type { CliContext } from '../context.ts';
import { servicesReady, waitForServicesOption } from '../services.ts';
import { waitForSignal } from '../signals.ts';

interface WorkerCommandOptions {
  readonly concurrency: number;
  readonly shutdownGrace: number;
  readonly waitForServices: number;
}

function positiveInteger(what: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < 1) throw new InvalidArgumentError(`expects ${what} (1 or more)`);
    return n;
  };
}

/** Registers `netbox-gitops worker`. */
export function registerWorkerCommand(program: Command, ctx: CliContext): void {
  program
    .command('worker')
    .description('run workflow processes (reconciles, imports) from the queue until SIGTERM/SIGINT; runs migrate first')
    .option('--concurrency <n>', 'processes run at once by this worker (keep DATABASE_POOL_SIZE above it)', positiveInteger('a number of processes'), 4)
    .option(
      '--shutdown-grace <ms>',
      'on SIGTERM, how long a running step may take before it is asked to stop at its next chunk',
      positiveInteger('milliseconds'),
      10_000,
    )
    .addOption(waitForServicesOption())
    .action(async (options: WorkerCommandOptions) => {
      const config = ctx.config();
      const logger = ctx.logger();
      await servicesReady(ctx, options.waitForServices);
      const deps = createDefaultDeps(config, logger, { library: libraryProvider(config, ctx.env, logger) });
      // Drift, failures and upgrades become notifications; this worker also sends what is due.
      const notifier = createNotifier({ pool: deps.pool, config: config.notifications, logger });
      try {
        await migrate(deps.pool, { logger });
        notifier.start();
        const worker = await startWorker(
          { ...deps, observer: notifier },
          {
            concurrency: options.concurrency,
            lockDurationMs: config.workflow.lockDurationMs,
            stalledIntervalMs: config.workflow.stalledIntervalMs,
            shutdownGraceMs: options.shutdownGrace,
          },
        );
        const metrics = await serveMetrics(config.metricsPort, logger);
        const signal = await waitForSignal();
        logger.info({ signal, running: worker.activeProcesses() }, 'stopping: running steps finish, then their processes go back to the queue');
        const again = (): void => {
          logger.warn('second signal: exiting now; another worker takes over the running processes when their lock expires');
          process.exit(130);
        };
        process.once('SIGTERM', again);
        process.once('SIGINT', again);
        try {
          await worker.close();
        } finally {
          process.off('SIGTERM', again);
          process.off('SIGINT', again);
          await metrics?.close();
        }
      } finally {
        await notifier.stop();
        await deps.close();
      }
    });
}

/**
 * The library as the controller sees it: LIBRARY_GIT_URL at LIBRARY_GIT_REF when set, else the
 * LIBRARY_PATH folder; parsed catalogues are cached on disk per revision (CACHE_DIR), so a
 * restarted worker does not parse the whole library again.
 */
function libraryProvider(config: AppConfig, env: Readonly<Record<string, string | undefined>>, logger: Logger): LibraryProvider {
  const pin = config.library.pin !== undefined ? { pin: config.library.pin } : {};
  if (config.library.gitUrl !== undefined) {
    return createCachedLibraryProvider({
      gitUrl: config.library.gitUrl,
      gitRef: config.library.gitRef,
      env,
      cacheDir: config.cacheDir,
      logger,
      maxAgeMs: config.libraryRefreshIntervalMs,
      ...pin,
    });
  }
  // Re-checked as often as the controller refreshes it, so a new library reaches every worker.
  return createCachedLibraryProvider({ root: config.library.path, cacheDir: config.cacheDir, logger, maxAgeMs: config.libraryRefreshIntervalMs, ...pin });
}

/**
 * Each worker serves its own /metrics (Prometheus scrapes every worker pod). A port already
 * taken (several workers on one machine) costs the metrics of this worker, not the worker.
 */
async function serveMetrics(port: number, logger: Logger): Promise<MetricsServer | undefined> {
  if (port === 0) return undefined;
  try {
    return await startMetricsServer({ port, logger });
  } catch (error) {
    logger.warn({ port, err: error }, 'worker metrics not served: the port is taken (set METRICS_PORT per worker, or 0)');
    return undefined;
  }
}
