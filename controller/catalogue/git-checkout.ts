import { mkdir } from 'node:fs/promises';
import { simpleGit } from 'simple-git';
import type { SimpleGit } from 'simple-git';
import { isRepositoryRoot, redactUrl } from './git-source.ts';
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
  /** https token: sent as an HTTP header set through git's environment; never in argv, .git/config, logs or errors. */
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
  const credentials = credentialsOf(remote);
  const secrets = credentials ? [credentials.password, encodeURIComponent(credentials.password), credentials.header] : [];
  try {
    await mkdir(directory, { recursive: true });
    const git = gitFor(directory, remote, credentials);
    // Only the plain URL reaches argv and .git/config; credentials travel in git's environment.
    const url = credentials ? credentials.url : remote.url;
    if (!(await isRepositoryRoot(git, directory))) {
      await git.init();
      await git.addRemote('origin', url);
    } else {
      await git.remote(['set-url', 'origin', url]);
    }
    await git.fetch(['origin', remote.ref, '--depth', '1', '--no-tags']);
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

/** https credentials for git: the plain URL, and the Authorization header that carries them. */
interface HttpCredentials {
  /** The URL without user info. */
  readonly url: string;
  readonly password: string;
  /** `Authorization: Basic ...`. */
  readonly header: string;
  /** The `http.<url>.extraHeader` key, scoped to the repository's origin. */
  readonly key: string;
}

/**
 * The token (or the user and password written into an https URL) as an HTTP header: never in
 * argv (visible to every user in the process list), in .git/config or in a URL that reaches logs.
 */
function credentialsOf(remote: GitRemote): HttpCredentials | undefined {
  if (!/^https?:\/\//i.test(remote.url)) return undefined;
  const parsed = new URL(remote.url);
  const token = remote.token && !remote.token.isEmpty ? remote.token.reveal() : undefined;
  const password = token ?? decodeURIComponent(parsed.password);
  const user = decodeURIComponent(parsed.username) || 'x-access-token';
  if (password === '' && parsed.username === '') return undefined;
  parsed.username = '';
  parsed.password = '';
  const header = `Authorization: Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  return { url: parsed.toString(), password, header, key: `http.${parsed.origin}/.extraHeader` };
}

/** Git variables we set ourselves (simple-git refuses unlisted ones). */
const OWN_GIT_ENV = ['GIT_SSH_COMMAND', 'GIT_CONFIG_COUNT', 'GIT_CONFIG_KEY_0', 'GIT_CONFIG_VALUE_0', 'GIT_TERMINAL_PROMPT'];

function gitFor(directory: string, remote: GitRemote, credentials: HttpCredentials | undefined): SimpleGit {
  if (remote.sshKeyPath === undefined && credentials === undefined) return simpleGit({ baseDir: directory, timeout: { block: GIT_TIMEOUT_MS } });
  if (remote.env === undefined) {
    // Without it git would run with no PATH or HOME at all.
    throw new ConfigurationError(
      'Git credentials (a token or an ssh key) need the environment git runs in; pass `env`',
      remote.sshKeyPath !== undefined ? 'GIT_SSH_KEY_PATH' : 'GIT_TOKEN',
    );
  }
  // Our own command (key path quoted, fixed options) and our own config entry, not taken from input: safe to allow.
  const git = simpleGit({
    baseDir: directory,
    timeout: { block: GIT_TIMEOUT_MS },
    allowEnvironment: OWN_GIT_ENV,
    unsafe: { allowUnsafeSshCommand: true, allowUnsafeConfigEnvCount: true },
  });
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(remote.env)) {
    // simple-git refuses ambient GIT_* variables it was not told about; only ours are needed.
    if (value !== undefined && !key.toUpperCase().startsWith('GIT_')) env[key] = value;
  }
  // Never wait for a password on a terminal: fail with git's message instead.
  env.GIT_TERMINAL_PROMPT = '0';
  if (remote.sshKeyPath !== undefined) env.GIT_SSH_COMMAND = sshCommand(remote.sshKeyPath);
  if (credentials) {
    // GIT_CONFIG_* (git 2.31+) is configuration by environment: readable only by this user, unlike argv.
    env.GIT_CONFIG_COUNT = '1';
    env.GIT_CONFIG_KEY_0 = credentials.key;
    env.GIT_CONFIG_VALUE_0 = credentials.header;
  }
  return git.env(env);
}

/** The ssh command git runs: our key only, and a host key learnt on first contact. */
export function sshCommand(keyPath: string): string {
  return `ssh -i ${shellQuote(keyPath)} -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new`;
}

function shellQuote(text: string): string {
  return /^[\w./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
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
