// An informer that keeps running: client-node's ListWatch lists, then watches from the list's
// resourceVersion (asking for bookmarks), relists on 410 Gone and re-watches when the server
// ends a watch; on any other failure it stops by itself, so this restarts it with backoff.
// Every watch asks the server to end it after 5-10 minutes (timeoutSeconds, as client-go's
// reflector does) and is aborted here if it has not ended a little after that: a connection
// that went half-open (a dead node or NAT entry, no RST) would otherwise wait forever.
import { ListWatch, Watch } from '@kubernetes/client-node';
import type { KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import type { IntentKind } from '../intents/index.ts';
import type { Logger } from '../logging/index.ts';
import type { KubernetesApi } from './client.ts';
import { collectionPath } from './resources.ts';
import type { IntentResource } from './resources.ts';

export type InformerEvent = 'add' | 'update' | 'delete';

export interface ResourceInformer {
  readonly kind: IntentKind;
  /** Lists and starts watching; resolves after the first list (or its first failure, which is retried). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Every object in the cache. */
  list(): IntentResource[];
  get(namespace: string, name: string): IntentResource | undefined;
  /** Listed at least once and watching now (not waiting to restart after a failure). */
  readonly healthy: boolean;
  /** Why it is not healthy, for /readyz and the log. */
  readonly problem: string | undefined;
  /** Restarts after failures so far (for tests and metrics). */
  readonly restarts: number;
}

export interface ResourceInformerOptions {
  readonly api: KubernetesApi;
  readonly kind: IntentKind;
  /** Undefined watches every namespace. */
  readonly namespace?: string;
  readonly logger: Logger;
  /** Called for every change the cache sees (including the deletions a relist finds). */
  onEvent(event: InformerEvent, resource: IntentResource): void;
  /** First restart delay after a failure; doubles up to maxBackoffMs. Default 500 ms. */
  readonly initialBackoffMs?: number;
  /** Default 30 s. */
  readonly maxBackoffMs?: number;
  /**
   * Each watch asks the server to end it after a random time between this and twice this
   * (`timeoutSeconds`); default 300 s. It is aborted here and resumed from its last
   * resourceVersion if it is still open `watchGraceMs` after that.
   */
  readonly watchTimeoutSeconds?: number;
  /** Default 30 s. */
  readonly watchGraceMs?: number;
}

/** Creates the informer; nothing is requested until start(). */
export function createResourceInformer(options: ResourceInformerOptions): ResourceInformer {
  const logger = options.logger.child({ informer: options.kind, namespace: options.namespace ?? '*' });
  const initialBackoff = options.initialBackoffMs ?? 500;
  const maxBackoff = options.maxBackoffMs ?? 30_000;
  const watchTimeout = Math.max(1, Math.round(options.watchTimeoutSeconds ?? 300));
  const watchGrace = options.watchGraceMs ?? 30_000;
  const path = collectionPath(options.kind, options.namespace);
  let listed = false;
  let failing: string | undefined = 'not started';
  let stopped = true;
  let restarts = 0;
  let backoff = initialBackoff;
  let restartTimer: NodeJS.Timeout | undefined;
  let firstList: { resolve: () => void } | undefined;

  const watcher = new Watch(options.api.kubeConfig);
  // Bookmarks keep the resourceVersion fresh while nothing changes, so a reconnect after a quiet
  // hour resumes where it left instead of failing with 410 and relisting.
  const bookmarkingWatch = {
    watch: (
      watchPath: string,
      query: Record<string, unknown>,
      callback: (phase: string, obj: unknown, watchObj?: unknown) => void,
      done: (err: unknown) => void,
    ) => {
      let ended = false;
      let overdue = false;
      let deadline: NodeJS.Timeout | undefined;
      const timeoutSeconds = watchTimeout + Math.floor(Math.random() * (watchTimeout + 1));
      return watcher
        .watch(watchPath, { ...query, allowWatchBookmarks: true, timeoutSeconds }, callback, (err: unknown) => {
          ended = true;
          clearTimeout(deadline);
          if (overdue) {
            // Our own abort of a silent watch: resume from the last resourceVersion at once, as after a server timeout.
            logger.warn({ timeoutSeconds }, 'watch still open after its timeout (a half-open connection?); aborted, re-watching from the last resourceVersion');
            done(null);
            return;
          }
          if (err === null || err === undefined) logger.debug('watch ended by the server; re-watching from the last resourceVersion');
          done(err);
        })
        .then((controller) => {
          // The watch request got its 200 and is still open: the informer is live again.
          if (!stopped && !ended) {
            markHealthy();
            deadline = setTimeout(
              () => {
                overdue = true;
                controller.abort();
              },
              timeoutSeconds * 1000 + watchGrace,
            );
            deadline.unref();
          }
          return controller;
        });
    },
  } as unknown as Watch;

  const markHealthy = (): void => {
    if (failing !== undefined) logger.info({ restarts }, 'watching');
    failing = undefined;
    backoff = initialBackoff;
  };

  const listFn = async (): Promise<KubernetesListObject<KubernetesObject>> => {
    try {
      const list = await options.api.list(options.kind, options.namespace);
      listed = true;
      return { apiVersion: 'v1', kind: 'List', items: list.items as unknown as KubernetesObject[], metadata: list.metadata };
    } finally {
      firstList?.resolve();
      firstList = undefined;
    }
  };

  const informer = new ListWatch<KubernetesObject>(path, bookmarkingWatch, listFn, false);
  informer.on('add', (obj) => options.onEvent('add', obj as unknown as IntentResource));
  informer.on('update', (obj) => options.onEvent('update', obj as unknown as IntentResource));
  informer.on('delete', (obj) => options.onEvent('delete', obj as unknown as IntentResource));
  informer.on('error', (error: unknown) => {
    if (stopped) return;
    failing = error instanceof Error ? error.message : String(error);
    const delay = backoff;
    backoff = Math.min(maxBackoff, backoff * 2);
    logger.warn({ err: error, retryInMs: delay }, 'list/watch failed; restarting with backoff');
    clearTimeout(restartTimer);
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (stopped) return;
      restarts += 1;
      // From the last resourceVersion seen: a 410 there makes ListWatch relist, so nothing is missed.
      informer.start().catch((err: unknown) => logger.warn({ err }, 'restarting the informer failed'));
    }, delay);
  });

  return {
    kind: options.kind,
    async start(): Promise<void> {
      if (!stopped) return;
      stopped = false;
      failing = 'starting';
      const listedOnce = new Promise<void>((resolve) => {
        firstList = { resolve };
      });
      informer.start().catch((error: unknown) => logger.warn({ err: error }, 'starting the informer failed'));
      await listedOnce;
    },
    async stop(): Promise<void> {
      stopped = true;
      failing = 'stopped';
      clearTimeout(restartTimer);
      restartTimer = undefined;
      await informer.stop();
    },
    list: () => informer.list() as unknown as IntentResource[],
    get: (namespace, name) => informer.get(name, namespace) as unknown as IntentResource | undefined,
    get healthy(): boolean {
      return listed && failing === undefined && !stopped;
    },
    get problem(): string | undefined {
      return listed ? failing : (failing ?? 'not listed yet');
    },
    get restarts(): number {
      return restarts;
    },
  };
}
