import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Secret } from '../config/index.ts';
import { ConfigurationError } from '../errors/index.ts';
import type { Logger } from '../logging/index.ts';
import { redactUrl } from '../catalogue/index.ts';
import { fetchCheckout } from '../catalogue/index.ts';
import { snapshotIntents } from './snapshot.ts';
import type { IntentSnapshot, IntentSource } from './types.ts';

export interface GitIntentSourceOptions {
  /** Repository URL (https, ssh or file); credentials belong in `token`, not here. */
  readonly url: string;
  /** Default `main`. */
  readonly branch?: string;
  /** Folder inside the repository that holds the intents; default the whole repository. */
  readonly path?: string;
  readonly token?: Secret;
  readonly sshKeyPath?: string;
  /** Base environment for git when an ssh key is used (see GitRemote.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The checkout lives in `<cacheDir>/intents/<sha256(url, branch), 16 hex>`. */
  readonly cacheDir: string;
  readonly logger?: Logger;
}

/**
 * A Git repository of intent files. `fetch()` brings a private checkout to the branch's newest
 * commit (its SHA is the revision); `load()` reads the intents under the sub-path at that commit.
 */
export function createGitIntentSource(options: GitIntentSourceOptions): IntentSource {
  const branch = options.branch ?? 'main';
  const subPath = normaliseSubPath(options.path ?? '');
  const shownUrl = redactUrl(options.url);
  const directory = path.join(options.cacheDir, 'intents', createHash('sha256').update(`${shownUrl}\0${branch}`).digest('hex').slice(0, 16));
  let revision: string | undefined;
  // One git operation at a time on the checkout; a second fetch waits for the first.
  let running: Promise<unknown> = Promise.resolve();

  const fetch = async (): Promise<{ revision: string; changed: boolean }> => {
    const run = running
      .catch(() => undefined)
      .then(async () => {
        const started = performance.now();
        const next = await fetchCheckout(directory, {
          url: options.url,
          ref: branch,
          ...(options.token ? { token: options.token } : {}),
          ...(options.sshKeyPath ? { sshKeyPath: options.sshKeyPath } : {}),
          ...(options.env ? { env: options.env } : {}),
        });
        const changed = next !== revision;
        revision = next;
        options.logger?.debug(
          { source: shownUrl, branch, revision: next, changed, durationMs: Math.round(performance.now() - started) },
          'intent repository fetched',
        );
        return { revision: next, changed };
      });
    running = run;
    return run;
  };

  return {
    id: `git:${shownUrl}#${branch}${subPath === '' ? '' : `:${subPath}`}`,
    kind: 'git',
    url: shownUrl,
    fetch,
    async load(): Promise<IntentSnapshot> {
      const at = revision ?? (await fetch()).revision;
      // Loads wait for a running fetch so they never read a half-updated work tree.
      await running.catch(() => undefined);
      // Links in the repository may point anywhere inside it, never out of it.
      return snapshotIntents(path.join(directory, subPath), revision ?? at, { root: directory });
    },
  };
}

/** `intents/`, `./intents` and `/intents` all mean `intents`; a path that leaves the repository is refused. */
function normaliseSubPath(text: string): string {
  const normalised = path.posix.normalize(text.replace(/\\/g, '/')).replace(/^\/+|\/+$/g, '');
  if (normalised === '.' || normalised === '') return '';
  if (normalised === '..' || normalised.startsWith('../')) {
    throw new ConfigurationError(`GIT_PATH "${text}" points outside the repository; give a folder inside it, e.g. intents`, 'GIT_PATH');
  }
  return normalised;
}
