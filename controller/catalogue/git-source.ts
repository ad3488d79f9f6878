import { createHash } from 'node:crypto';
import { mkdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import type { SimpleGit } from 'simple-git';
import { IntegrationError } from '../errors/index.ts';
import type { Logger } from '../logging/index.ts';

/** A fetch of the full upstream library (≈1 GB with images) can take minutes. */
const GIT_TIMEOUT_MS = 10 * 60_000;

/** Where a Git URL is checked out: `<cacheDir>/library/<sha256(url), 16 hex>`. */
export function checkoutDirectory(cacheDir: string, gitUrl: string): string {
  const digest = createHash('sha256').update(gitUrl).digest('hex').slice(0, 16);
  return path.join(cacheDir, 'library', digest);
}

/** Checkouts of the same folder in this process run one after another. */
const inFlight = new Map<string, Promise<unknown>>();

export interface GitCheckout {
  readonly directory: string;
  /** The commit SHA now checked out. */
  readonly revision: string;
}

/**
 * Brings the cached checkout of `gitUrl` to `gitRef` (a branch, tag or full commit SHA;
 * `HEAD` = the remote's default branch): init once, shallow-fetch the ref, force-checkout
 * it detached and remove stray files, so the folder holds exactly that commit.
 *
 * @throws IntegrationError (system `git`) when the URL or ref cannot be fetched.
 */
export async function checkoutLibrary(options: {
  readonly gitUrl: string;
  readonly gitRef: string;
  readonly cacheDir: string;
  readonly logger?: Logger;
}): Promise<GitCheckout> {
  const directory = checkoutDirectory(options.cacheDir, options.gitUrl);
  const previous = inFlight.get(directory) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => fetchAndCheckout(directory, options));
  inFlight.set(directory, run);
  try {
    return await run;
  } finally {
    if (inFlight.get(directory) === run) inFlight.delete(directory);
  }
}

async function fetchAndCheckout(
  directory: string,
  options: { readonly gitUrl: string; readonly gitRef: string; readonly logger?: Logger },
): Promise<GitCheckout> {
  const shownUrl = redactUrl(options.gitUrl);
  const started = performance.now();
  try {
    await mkdir(directory, { recursive: true });
    const git = simpleGit({ baseDir: directory, timeout: { block: GIT_TIMEOUT_MS } });
    if (!(await isRepositoryRoot(git, directory))) {
      await git.init();
      await git.addRemote('origin', options.gitUrl);
    } else {
      await git.remote(['set-url', 'origin', options.gitUrl]);
    }
    await git.fetch(['--depth', '1', '--no-tags', 'origin', options.gitRef]);
    await git.checkout(['--force', '--detach', 'FETCH_HEAD']);
    await git.clean('f', ['-d', '-x']);
    const revision = (await git.revparse(['HEAD'])).trim();
    options.logger?.info(
      { gitUrl: shownUrl, gitRef: options.gitRef, revision, durationMs: Math.round(performance.now() - started) },
      'devicetype-library checked out',
    );
    return { directory, revision };
  } catch (error) {
    throw new IntegrationError(
      `could not fetch the devicetype-library from ${shownUrl} at "${options.gitRef}": ${errorText(error)}; ` +
        'check the URL, that the ref is a branch, tag or full commit SHA, and network access',
      // No `cause`: git's own error can repeat the URL with its credentials.
      { system: 'git' },
    );
  }
}

/**
 * The commit SHA when `root` is the top of a Git work tree, else undefined (not a repository,
 * or a folder inside a larger one whose HEAD would not describe the library alone).
 */
export async function readGitRevision(root: string): Promise<string | undefined> {
  try {
    await stat(path.join(root, '.git'));
  } catch {
    return undefined;
  }
  try {
    const git = simpleGit({ baseDir: root, timeout: { block: 30_000 } });
    if (!(await isRepositoryRoot(git, root))) return undefined;
    return (await git.revparse(['HEAD'])).trim();
  } catch {
    return undefined;
  }
}

/** Whether `directory` is the top of a Git work tree (not a folder inside a larger one). */
export async function isRepositoryRoot(git: SimpleGit, directory: string): Promise<boolean> {
  try {
    const top = (await git.revparse(['--show-toplevel'])).trim();
    return (await realpath(top)) === (await realpath(directory));
  } catch {
    return false;
  }
}

/** Hides credentials in `https://user:token@host/...` before a URL reaches logs or errors. */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1[redacted]@');
}

function errorText(error: unknown): string {
  const text = redactUrl(error instanceof Error ? error.message : String(error));
  return text.trim().split('\n').slice(0, 3).join(' ');
}
