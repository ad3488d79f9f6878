import { mkdir, mkdtemp, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import type { SimpleGit } from 'simple-git';
import { IntegrationError, ResourceError } from '../errors/index.ts';

const YAML_FILE = /\.ya?ml$/i;

/** A local Git checkout and the intents folder inside it. */
export interface IntentRepository {
  /** Top of the work tree. */
  readonly root: string;
  /** The intents folder relative to `root`, with `/` separators ('' for the whole repository). */
  readonly intentsPath: string;
  readonly git: SimpleGit;
}

/**
 * Finds the Git work tree that holds `intentsDir` (which need not exist in the work tree: the
 * change under review may remove it) and the folder's path inside it.
 * @throws ResourceError when neither the folder nor the current directory is in a Git work tree.
 */
export async function openIntentRepository(intentsDir: string, cwd: string = process.cwd()): Promise<IntentRepository> {
  const absolute = path.resolve(cwd, intentsDir);
  const probe = (await exists(absolute)) ? absolute : cwd;
  const git = simpleGit({ baseDir: probe, timeout: { block: 120_000 } });
  let root: string;
  try {
    root = await realpath((await git.revparse(['--show-toplevel'])).trim());
  } catch (error) {
    throw new ResourceError(`${probe} is not inside a Git work tree; --base and --head compare two commits of the repository that holds the intents`, probe, {
      cause: error,
    });
  }
  const folder = (await exists(absolute)) ? await realpath(absolute) : absolute;
  const inside = path.relative(root, folder).split(path.sep).join('/');
  if (inside.startsWith('..')) throw new ResourceError(`the intents folder ${intentsDir} is outside the Git work tree ${root}`, intentsDir);
  return { root, intentsPath: inside, git: simpleGit({ baseDir: root, timeout: { block: 120_000 } }) };
}

/** The commit SHA a ref names. @throws ResourceError naming the ref when it does not exist. */
export async function resolveRevision(repo: IntentRepository, ref: string): Promise<string> {
  if (ref.startsWith('-')) throw new ResourceError(`"${ref}" is not a Git ref`, ref);
  const missing = (cause?: unknown): ResourceError =>
    new ResourceError(`Git ref "${ref}" does not name a commit in ${repo.root}; fetch it first (CI checkouts are often shallow: use fetch-depth: 0)`, ref, {
      cause,
    });
  let revision: string;
  try {
    revision = (await repo.git.revparse(['--verify', '--quiet', `${ref}^{commit}`])).trim();
  } catch (error) {
    throw missing(error);
  }
  // `--quiet` makes git exit 1 without a word, which simple-git does not always treat as a failure.
  if (!/^[0-9a-f]{40,64}$/.test(revision)) throw missing();
  return revision;
}

/**
 * Writes the intent files (`.yaml`/`.yml`) of the intents folder at `revision` into a new
 * temporary folder, keeping their paths, so the ordinary loader reads them exactly as it reads
 * a work tree. The caller removes the folder (see {@link withIntentsAt}).
 */
export async function exportIntentsAt(repo: IntentRepository, revision: string): Promise<{ dir: string; files: number }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'netbox-gitops-review-'));
  let listing: string;
  try {
    const args = ['ls-tree', '-r', '-z', '--full-tree', revision];
    if (repo.intentsPath !== '') args.push('--', repo.intentsPath);
    listing = await repo.git.raw(args);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new IntegrationError(`git ls-tree ${revision} failed in ${repo.root}`, { system: 'git' }, { cause: error });
  }
  let files = 0;
  for (const entry of listing.split('\0')) {
    // `<mode> blob <sha>\t<path>`; submodules (commit) and symlinks (120000) are not intent files.
    const match = /^(\d+) blob ([0-9a-f]+)\t(.+)$/s.exec(entry);
    if (!match || match[1] === '120000') continue;
    const file = match[3] as string;
    if (!YAML_FILE.test(file)) continue;
    const relative = repo.intentsPath === '' ? file : file.slice(repo.intentsPath.length + 1);
    if (relative === '' || relative.split('/').some((part) => part.startsWith('.') || part === '..')) continue;
    const content = await repo.git.raw(['cat-file', 'blob', match[2] as string]);
    const target = path.join(dir, ...relative.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
    files += 1;
  }
  return { dir, files };
}

/** Runs `fn` with the intents folder at `revision` exported to a temporary folder, then removes it. */
export async function withIntentsAt<T>(repo: IntentRepository, revision: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const { dir } = await exportIntentsAt(repo, revision);
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
