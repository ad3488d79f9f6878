import { mkdir } from 'node:fs/promises';
import { simpleGit } from 'simple-git';
import type { SimpleGit } from 'simple-git';
import { isRepositoryRoot, redactUrl } from '../catalogue/index.ts';
import type { Secret } from '../config/index.ts';
import { ConfigurationError, IntegrationError } from '../errors/index.ts';

/** A clone of a large repository over a slow link may take minutes. */
const GIT_TIMEOUT_MS = 10 * 60_000;

/** How to reach a repository. */
export interface GitRemote {
  /** https://, ssh://, git@host:path or file:// URL; may not carry credentials itself when `token` is set. */
  readonly url: string;
  /** A branch, a tag, or a full commit SHA. */
  readonly ref: string;
  /** https token: put into the URL for each fetch only, never stored in .git/config, logs or errors. */
  readonly token?: Secret;
  /** Private key for ssh URLs, passed to ssh via GIT_SSH_COMMAND. */
  readonly sshKeyPath?: string;
  /**
   * The environment git runs in when GIT_SSH_COMMAND must be set (simple-git then replaces the
   * child's environment as a whole, so PATH and HOME must come with it). The CLI passes its own.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Brings `directory` to the newest commit of `remote.ref`: init once, shallow-fetch the ref,
 * force-checkout it detached and remove stray files. Returns the commit SHA now checked out.
 * @throws IntegrationError (system `git`) with every credential scrubbed from the message.
 */
export async function fetchCheckout(directory: string, remote: GitRemote): Promise<string> {
  const secrets = remote.token && !remote.token.isEmpty ? [remote.token.reveal(), encodeURIComponent(remote.token.reveal())] : [];
  try {
    await mkdir(directory, { recursive: true });
    const git = gitFor(directory, remote);
    if (!(await isRepositoryRoot(git, directory))) {
      await git.init();
      await git.addRemote('origin', remote.url);
    } else {
      await git.remote(['set-url', 'origin', remote.url]);
    }
    // The token travels in the fetch's own argument, so .git/config keeps the plain URL.
    await git.fetch([withToken(remote.url, remote.token), remote.ref, '--depth', '1', '--no-tags']);
    await git.checkout(['--force', '--detach', 'FETCH_HEAD']);
    await git.clean('f', ['-d', '-x']);
    return (await git.revparse(['HEAD'])).trim();
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    throw new IntegrationError(
      `could not fetch ${redactUrl(remote.url)} at "${remote.ref}": ${scrub(errorText(error), secrets)}; ` +
        'check the URL, the branch, the credentials (GIT_TOKEN or GIT_SSH_KEY_PATH) and network access',
      // No `cause`: git's own error can repeat the URL with its credentials.
      { system: 'git' },
    );
  }
}

function gitFor(directory: string, remote: GitRemote): SimpleGit {
  if (remote.sshKeyPath === undefined) return simpleGit({ baseDir: directory, timeout: { block: GIT_TIMEOUT_MS } });
  if (remote.env === undefined) {
    // Without it git would run with no PATH or HOME at all.
    throw new ConfigurationError('an ssh key for Git needs the environment git runs in; pass `env` with the key path', 'GIT_SSH_KEY_PATH');
  }
  // Our own command (key path quoted, fixed options), not one taken from input: safe to allow.
  const git = simpleGit({
    baseDir: directory,
    timeout: { block: GIT_TIMEOUT_MS },
    allowEnvironment: ['GIT_SSH_COMMAND'],
    unsafe: { allowUnsafeSshCommand: true },
  });
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(remote.env)) {
    // simple-git refuses ambient GIT_* variables it was not told about; only ours is needed.
    if (value !== undefined && !key.toUpperCase().startsWith('GIT_')) env[key] = value;
  }
  env.GIT_SSH_COMMAND = sshCommand(remote.sshKeyPath);
  return git.env(env);
}

/** The ssh command git runs: our key only, and a host key learnt on first contact. */
export function sshCommand(keyPath: string): string {
  return `ssh -i ${shellQuote(keyPath)} -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new`;
}

function shellQuote(text: string): string {
  return /^[\w./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** `https://host/repo.git` + token → `https://x-access-token:<token>@host/repo.git`; other URLs unchanged. */
export function withToken(url: string, token: Secret | undefined): string {
  if (token === undefined || token.isEmpty || !/^https?:\/\//i.test(url)) return url;
  const parsed = new URL(url);
  if (parsed.username === '') parsed.username = 'x-access-token';
  parsed.password = token.reveal();
  return parsed.toString();
}

/** Removes each secret (and URL credentials) from a text. */
export function scrub(text: string, secrets: readonly string[]): string {
  let result = redactUrl(text);
  for (const secret of secrets) if (secret.length > 0) result = result.split(secret).join('[redacted]');
  return result;
}


function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.trim().split('\n').slice(0, 3).join(' ');
}
