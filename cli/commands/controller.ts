// `netbox-gitops controller`: keeps the intents table in line with the intent source (a folder,
// a Git repository, or VendorSet/DeviceTypeSet custom resources in Kubernetes), schedules each
// intent's drift checks and requests reconciles, which `netbox-gitops worker` processes run.
// Several controllers may run: one leads (a Redis lock, or a Lease for the Kubernetes source),
// the rest stand by. /livez, /readyz (the watches, for Kubernetes) and /metrics on HEALTH_PORT.
//
// Signal handling: this command runs until stopped, so its action installs its own SIGINT and
// SIGTERM handlers (process.once) while the controller runs. A signal stops the controller —
// timers, watchers and the schedule worker end and the leader lock is released, so a standby
// takes over at once — then the workflow service and the database pool are closed, the
// handlers removed, and the action resolves; the process exits on its own once the event
// loop is empty. There is no process.exit here: the CLI entry sets the exit code.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Option } from 'commander';
import type { Command } from 'commander';
import type { AppConfig } from '../../controller/config/index.ts';
import { createPool, migrate } from '../../controller/db/index.ts';
import type { Pool } from '../../controller/db/index.ts';
import { ConfigurationError } from '../../controller/errors/index.ts';
import { createKubernetesApi, createKubernetesSource, createLeaseElection, loadKubeConfig } from '../../controller/kubernetes/index.ts';
import type { Logger } from '../../controller/logging/index.ts';
import { startMetricsServer } from '../../controller/metrics/index.ts';
import type { MetricsServer } from '../../controller/metrics/index.ts';
import { createCachedLibraryProvider, createController, createFolderIntentSource, createGitIntentSource, redactUrl } from '../../controller/sources/index.ts';
import type { CachedLibraryProvider, ControllerDeps, IntentSource } from '../../controller/sources/index.ts';
import { createDefaultDeps, createWorkflowService, subscribeEvents } from '../../controller/workflow/index.ts';
import type { WorkflowService } from '../../controller/workflow/index.ts';
import type { CliContext } from '../context.ts';
import { servicesReady, waitForServicesOption } from '../services.ts';
import { waitForSignal } from '../signals.ts';

type SourceKind = AppConfig['intentsSource'];

interface ControllerCommandOptions {
  readonly source?: SourceKind;
  readonly intents?: string;
  readonly gitUrl?: string;
  readonly gitBranch?: string;
  readonly gitPath?: string;
  readonly namespace?: string;
  readonly library?: string;
  readonly waitForServices: number;
}

/** Registers `netbox-gitops controller`. */
export function registerControllerCommand(program: Command, ctx: CliContext): void {
  program
    .command('controller')
    .description(
      'run the controller until Ctrl-C/SIGTERM: migrate, then sync intents from a folder (watched) or a Git repository (polled every GIT_INTERVAL) ' +
        "into Postgres, schedule each intent's interval, and request reconciles for `netbox-gitops worker` to run; safe to run twice (one leads)",
    )
    .addOption(new Option('--source <source>', 'where intents come from (default INTENTS_SOURCE, folder)').choices(['folder', 'git', 'kubernetes']))
    .addOption(
      new Option('--intents <dir>', 'intent folder to watch (default INTENTS_PATH, or the Git repository when INTENTS_SOURCE=git)').conflicts('gitUrl'),
    )
    .option('--git-url <url>', 'intent Git repository (default GIT_URL); credentials come from GIT_TOKEN or GIT_SSH_KEY_PATH, not the URL')
    .option('--git-branch <branch>', 'branch to follow (default GIT_BRANCH, main)')
    .option('--git-path <path>', 'folder inside the repository holding the intents (default GIT_PATH, the whole repository)')
    .option('--namespace <namespace>', 'kubernetes source: watch VendorSets/DeviceTypeSets in this namespace only (default WATCH_NAMESPACE, else all)')
    .option('--library <dir>', 'devicetype-library folder (default LIBRARY_GIT_URL at LIBRARY_GIT_REF when set, else LIBRARY_PATH)')
    .addOption(waitForServicesOption())
    .action(async (options: ControllerCommandOptions) => {
      await runController(ctx, options);
    });
}

async function runController(ctx: CliContext, options: ControllerCommandOptions): Promise<void> {
  const config = ctx.config();
  const logger = ctx.logger();
  const kind: SourceKind = options.source ?? (options.gitUrl !== undefined ? 'git' : options.intents !== undefined ? 'folder' : config.intentsSource);
  if (kind === 'kubernetes' && (options.intents !== undefined || options.gitUrl !== undefined)) {
    throw new ConfigurationError('--source kubernetes reads custom resources: leave out --intents and --git-url', 'INTENTS_SOURCE');
  }
  const source = kind === 'kubernetes' ? undefined : intentSourceFor(kind, config, options, ctx.env, logger);
  // A missing folder is a typo, not an outage: say so now rather than log it every sync.
  if (source?.kind === 'folder') await source.fetch();
  await servicesReady(ctx, options.waitForServices);
  const library = libraryProviderFor(config, options, ctx.env, logger);
  const pool = createPool(config.database, { applicationName: 'netbox-gitops-controller', logger });
  let health: MetricsServer | undefined;
  try {
    const migrated = await migrate(pool, { logger });
    const deps = createDefaultDeps(config, logger, { pool, library });
    const service = createWorkflowService(deps);
    const kubernetes = kind === 'kubernetes' ? kubernetesParts(config, options, pool, service, logger) : undefined;
    const controller = createController({
      pool,
      redis: config.redis,
      requester: service,
      sources: source ? [source] : [],
      library,
      logger,
      pollIntervalMs: config.git.intervalMs,
      libraryRefreshIntervalMs: config.libraryRefreshIntervalMs,
      leaderTtlMs: config.controllerLeaderTtlMs,
      ...(config.library.pin !== undefined ? { libraryPin: config.library.pin } : {}),
      // Pinned intents are not reconciled onto a new library: preview it and record "upgrade available".
      onLibraryUpgrade: async ({ revision, intents, correlationId }) => {
        await service.startWorkflow(
          'preview_library_upgrade',
          { ref: revision, intents, record: true },
          { createdBy: 'controller', correlationId, reason: `devicetype-library moved to ${revision}` },
        );
      },
      ...kubernetes?.deps,
    });
    try {
      await controller.start();
      if (config.healthPort > 0) {
        health = await startMetricsServer({ port: config.healthPort, logger, readiness: () => ({ ...controller.health() }) });
      }
      ctx.out.write(`controller started (schema version ${migrated.current}); intents from ${source?.id ?? kubernetes?.description}; Ctrl-C stops it\n`);
      await waitForSignal();
    } finally {
      await health?.close();
      await controller.stop();
      await service.close();
      await deps.close();
    }
    ctx.out.write('controller stopped\n');
  } finally {
    await pool.end();
  }
}

/** The Kubernetes source: a Lease instead of the Redis lock, and the watcher as the leader's duty. */
function kubernetesParts(
  config: AppConfig,
  options: ControllerCommandOptions,
  pool: Pool,
  service: WorkflowService,
  logger: Logger,
): { deps: Pick<ControllerDeps, 'election' | 'duties'>; description: string } {
  const api = createKubernetesApi(
    loadKubeConfig({ ...(config.kubernetes.kubeconfig ? { kubeconfig: config.kubernetes.kubeconfig } : {}), inCluster: config.kubernetes.inCluster }),
  );
  const namespace = options.namespace ?? config.kubernetes.watchNamespace;
  const identity = config.kubernetes.identity ?? `${hostname()}-${randomBytes(4).toString('hex')}`;
  const watcher = createKubernetesSource({
    pool,
    api,
    engine: service,
    ...(namespace ? { namespace } : {}),
    identity,
    logger,
    subscribe: (handler) => subscribeEvents(config.redis, handler, config.workflow.queue),
    resyncIntervalMs: config.kubernetes.resyncIntervalMs,
  });
  logger.info(
    { namespace: namespace ?? '(all)', lease: `${config.kubernetes.leaseNamespace}/${config.kubernetes.leaseName}`, identity },
    'intents come from Kubernetes custom resources',
  );
  return {
    description: `Kubernetes custom resources (${namespace ? `namespace ${namespace}` : 'all namespaces'}; Lease ${config.kubernetes.leaseNamespace}/${config.kubernetes.leaseName} as ${identity})`,
    deps: {
      election: (hooks) =>
        createLeaseElection({
          api,
          namespace: config.kubernetes.leaseNamespace,
          name: config.kubernetes.leaseName,
          identity,
          leaseDurationMs: config.controllerLeaderTtlMs,
          logger,
          ...hooks,
        }),
      duties: [watcher],
    },
  };
}

function intentSourceFor(
  kind: 'folder' | 'git',
  config: AppConfig,
  options: ControllerCommandOptions,
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger,
): IntentSource {
  if (kind === 'folder') return createFolderIntentSource({ dir: options.intents ?? config.intentsPath, logger });
  const url = options.gitUrl ?? config.git.url;
  if (url === undefined) {
    throw new ConfigurationError('INTENTS_SOURCE=git needs a repository: set GIT_URL or pass --git-url', 'GIT_URL');
  }
  logger.info({ url: redactUrl(url), branch: options.gitBranch ?? config.git.branch }, 'intents come from Git');
  return createGitIntentSource({
    url,
    branch: options.gitBranch ?? config.git.branch,
    path: options.gitPath ?? config.git.path,
    token: config.git.token,
    ...(config.git.sshKeyPath ? { sshKeyPath: config.git.sshKeyPath } : {}),
    env,
    cacheDir: config.cacheDir,
    logger,
  });
}

function libraryProviderFor(
  config: AppConfig,
  options: ControllerCommandOptions,
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger,
): CachedLibraryProvider {
  const pin = config.library.pin !== undefined ? { pin: config.library.pin } : {};
  if (options.library === undefined && config.library.gitUrl !== undefined) {
    return createCachedLibraryProvider({ gitUrl: config.library.gitUrl, gitRef: config.library.gitRef, env, cacheDir: config.cacheDir, logger, ...pin });
  }
  return createCachedLibraryProvider({ root: options.library ?? config.library.path, cacheDir: config.cacheDir, logger, ...pin });
}
