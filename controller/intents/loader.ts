import { constants } from 'node:fs';
import { lstat, open, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { ResourceError, escapeControlCharacters } from '../errors/index.ts';
import type { ValidationIssue } from '../errors/index.ts';
import { formatFieldPath } from './field-path.ts';
import type { PathSegment } from './field-path.ts';
import { intentKey } from './schema.ts';
import type { Intent } from './schema.ts';
import type { NotificationResource } from './notification.ts';
import { checkIntentDocument } from './validate.ts';
import { parseYamlDocuments } from './yaml-source.ts';
import type { DocumentSpan, LocateFn, SourcePosition, YamlLimits } from './yaml-source.ts';

/** A valid intent and where it came from. */
export interface LoadedIntent {
  readonly intent: Intent;
  /** File relative to the loaded folder, with `/` separators. */
  readonly file: string;
  /** Position of the document's first node. */
  readonly line: number;
  readonly column: number;
  /** 0-based index of the document within its file. */
  readonly documentIndex: number;
  /**
   * Source position of a field path inside this document, e.g. `['spec', 'include', 2]`, so
   * later checks (the resolver's library lookups) can report file:line:col too.
   */
  readonly locate: LocateFn;
}

export interface LoadIntentsOptions {
  /**
   * The boundary symbolic links must stay inside: the repository root for a Git source.
   * Default: the loaded folder itself. A link that leaves it is an error naming the link.
   */
  readonly root?: string;
  /** Files larger than this are refused without being read. Default 1 MiB. */
  readonly maxFileBytes?: number;
  /** Alias expansions allowed per document (the `yaml` package's count). Default 100. */
  readonly maxAliasCount?: number;
  /** Nodes a document may expand to once aliases are resolved. Default 100,000. */
  readonly maxNodes?: number;
}

export interface LoadIntentsResult {
  readonly intents: LoadedIntent[];
  readonly issues: ValidationIssue[];
  /** Valid Notification resources found among the documents (outgoing notification channels). */
  readonly notifications?: LoadedNotification[];
  /**
   * The line span and plain value of every document, valid or not, per file (keyed as `file` of
   * the issues, before control characters are escaped): what a caller needs to pin an error to
   * the intent its document claims to be. Files that could not be read or parsed have none.
   */
  readonly spans?: ReadonlyMap<string, readonly DocumentSpan[]>;
}

/** A valid Notification resource and the file it came from. */
export interface LoadedNotification {
  readonly notification: NotificationResource;
  readonly file: string;
}

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
/** Problems shown per file; a binary or badly broken file would otherwise produce thousands. */
export const MAX_ISSUES_PER_FILE = 20;
/** Longest message kept for one problem (messages can quote keys and values of the file). */
const MAX_MESSAGE_LENGTH = 500;
const DEFAULT_LIMITS: YamlLimits = { maxAliasCount: 100, maxNodes: 100_000 };
const YAML_FILE = /\.ya?ml$/i;

/**
 * Loads every `.yaml`/`.yml` file under `dir` (recursively, in a stable order; see
 * listIntentFiles for dot-folders, symbolic links and special files) — or a single file when
 * `dir` is one. Several documents per file are allowed. Never throws for bad content: every
 * problem becomes an issue with file, line, column and field path, at most
 * MAX_ISSUES_PER_FILE per file, control characters escaped. When a `metadata.name` repeats
 * within a kind, the first (in file order) is kept and each repeat is reported.
 * @throws ResourceError when `dir` does not exist or cannot be read.
 */
export async function loadIntents(dir: string, options: LoadIntentsOptions = {}): Promise<LoadIntentsResult> {
  const listing = await listIntentFiles(dir, options);
  const intents: LoadedIntent[] = [];
  const notifications: LoadedNotification[] = [];
  const issues: ValidationIssue[] = [...listing.issues];
  const spans = new Map<string, readonly DocumentSpan[]>();
  for (const { path, file } of listing.files) {
    const result = await loadFile(path, file, options);
    intents.push(...result.intents);
    notifications.push(...(result.notifications ?? []));
    issues.push(...capIssues(file, result.issues));
    const fileSpans = result.spans?.get(file);
    if (fileSpans && fileSpans.length > 0) spans.set(file, fileSpans);
  }
  return { ...withoutDuplicates(intents, issues), notifications, spans };
}

/**
 * Parses the text of one intent file (several documents allowed). `file` only names the
 * source in issues. Used for files, Kubernetes objects in YAML form and API bodies.
 */
export function parseIntentText(text: string, file: string, options: LoadIntentsOptions = {}): LoadIntentsResult {
  const bytes = Buffer.byteLength(text, 'utf8');
  const sizeIssue = checkSize(bytes, file, options);
  if (sizeIssue) return { intents: [], issues: [sizeIssue] };
  const { intents, issues, notifications, spans } = parseChecked(text, file, options);
  return { ...withoutDuplicates(intents, capIssues(file, issues)), notifications, spans: new Map([[file, spans]]) };
}

/**
 * At most MAX_ISSUES_PER_FILE problems of one file, each message at most MAX_MESSAGE_LENGTH
 * characters with control characters escaped, then one line saying how many more there are.
 */
function capIssues(file: string, issues: readonly ValidationIssue[]): ValidationIssue[] {
  const clean = (issue: ValidationIssue): ValidationIssue => {
    const message = escapeControlCharacters(issue.message);
    return {
      ...issue,
      ...(issue.file !== undefined ? { file: escapeControlCharacters(issue.file) } : {}),
      ...(issue.path !== undefined ? { path: escapeControlCharacters(issue.path) } : {}),
      message: message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}… (message cut)` : message,
    };
  };
  if (issues.length <= MAX_ISSUES_PER_FILE) return issues.map(clean);
  // Errors first: a warning must not hide the reason a file is refused.
  const ordered = [...issues.filter((i) => i.severity === 'error'), ...issues.filter((i) => i.severity === 'warning')];
  const shown = ordered.slice(0, MAX_ISSUES_PER_FILE).sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  const hidden = ordered.slice(MAX_ISSUES_PER_FILE);
  const hiddenErrors = hidden.filter((i) => i.severity === 'error').length;
  return [
    ...shown.map(clean),
    {
      file: escapeControlCharacters(file),
      message: `${hidden.length} more problems in this file not shown (${hiddenErrors} errors); fix the ones above first${issues.length > 200 ? ' — is it an intent file at all?' : ''}`,
      severity: hiddenErrors > 0 ? 'error' : 'warning',
    },
  ];
}

function parseChecked(
  text: string,
  file: string,
  options: LoadIntentsOptions,
): { intents: LoadedIntent[]; issues: ValidationIssue[]; notifications: LoadedNotification[]; spans: DocumentSpan[] } {
  const limits: YamlLimits = {
    maxAliasCount: options.maxAliasCount ?? DEFAULT_LIMITS.maxAliasCount,
    maxNodes: options.maxNodes ?? DEFAULT_LIMITS.maxNodes,
  };
  const { documents, issues, spans } = parseYamlDocuments(text, file, limits);
  const intents: LoadedIntent[] = [];
  const notifications: LoadedNotification[] = [];
  for (const document of documents) {
    const { intent, notification, problems } = checkIntentDocument(document.value);
    if (notification !== undefined) notifications.push({ notification, file });
    const located = problems.map((problem) => {
      const position = document.locate(problem.path, problem.at) ?? document.position;
      return issueAt(file, position, problem.path, problem.message, problem.severity);
    });
    // Reading order: the order zod finds problems in is not the order of the file.
    issues.push(...located.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)));
    if (intent !== undefined) {
      intents.push({
        intent,
        file,
        line: document.position.line,
        column: document.position.column,
        documentIndex: document.index,
        locate: document.locate,
      });
    }
  }
  return { intents, issues, notifications, spans };
}

async function loadFile(path: string, file: string, options: LoadIntentsOptions): Promise<LoadIntentsResult> {
  const read = await readIntentFile(path, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
  if (typeof read !== 'string') {
    if ('tooLarge' in read) return { intents: [], issues: [checkSize(read.tooLarge, file, options) as ValidationIssue] };
    return { intents: [], issues: [{ file, message: read.problem, severity: 'error' }] };
  }
  const { spans, ...result } = parseChecked(read, file, options);
  return { ...result, spans: new Map([[file, spans]]) };
}

/**
 * Reads one intent file without following a symbolic link (the listing resolved and checked
 * those) and without blocking on a FIFO: only a regular file of at most `maxBytes` is read.
 * Returns its text, its size when too large, or why it cannot be read.
 */
export async function readIntentFile(path: string, maxBytes: number): Promise<string | { readonly tooLarge: number } | { readonly problem: string }> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return { problem: 'is a symbolic link (it changed while loading); not read' };
    return { problem: `cannot read file (${code ?? 'error'}); check that it exists and is readable` };
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { problem: `is not a regular file (${fileTypeOf(info)}); not read` };
    if (info.size > maxBytes) return { tooLarge: info.size };
    return await handle.readFile('utf8');
  } catch (error) {
    return { problem: `cannot read file (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  } finally {
    await handle.close();
  }
}

function checkSize(bytes: number, file: string, options: LoadIntentsOptions): ValidationIssue | undefined {
  const limit = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (bytes <= limit) return undefined;
  return {
    file,
    message: `file is ${bytes} bytes, over the ${limit}-byte limit for intent files; split it into several files`,
    severity: 'error',
  };
}

function issueAt(
  file: string,
  position: SourcePosition,
  path: readonly PathSegment[],
  message: string,
  severity: ValidationIssue['severity'],
): ValidationIssue {
  return { file, line: position.line, column: position.column, path: formatFieldPath(path), message, severity };
}

/** Keeps the first intent of each kind/name and reports every repeat at its own name. */
function withoutDuplicates(intents: readonly LoadedIntent[], issues: ValidationIssue[]): LoadIntentsResult {
  const first = new Map<string, LoadedIntent>();
  const kept: LoadedIntent[] = [];
  for (const loaded of intents) {
    const key = intentKey(loaded.intent);
    const original = first.get(key);
    if (original === undefined) {
      first.set(key, loaded);
      kept.push(loaded);
      continue;
    }
    const here = loaded.locate(['metadata', 'name']) ?? loaded;
    const there = original.locate(['metadata', 'name']) ?? original;
    issues.push(
      issueAt(
        loaded.file,
        here,
        ['metadata', 'name'],
        `duplicate ${loaded.intent.kind} name "${loaded.intent.metadata.name}", already defined at ${original.file}:${there.line}:${there.column}; names must be unique per kind`,
        'error',
      ),
    );
  }
  return { intents: kept, issues };
}

/** The intent files of a folder, and what was skipped or refused on the way. */
export interface IntentFileListing {
  /** Absolute (or given) path to read and the name issues use (relative, `/` separators), in stable order. */
  readonly files: readonly { readonly path: string; readonly file: string }[];
  /** Links that leave the folder (errors), link loops, broken links, FIFOs and other special files (warnings). */
  readonly issues: readonly ValidationIssue[];
}

/**
 * Lists the `.yaml`/`.yml` files the loader reads under `dir` (recursively; dot-folders skipped),
 * or `dir` itself when it is a file. Symbolic links are resolved and must stay inside
 * `options.root` (default `dir`): a link that leaves it — to `/proc/self/environ`, say — is an
 * error naming the link, and is never read. Links to folders are not followed, and link loops,
 * broken links, FIFOs, sockets and devices are skipped with a warning (reading a FIFO would
 * block forever).
 * @throws ResourceError when `dir` does not exist or cannot be read.
 */
export async function listIntentFiles(dir: string, options: { readonly root?: string } = {}): Promise<IntentFileListing> {
  let info;
  try {
    info = await stat(dir);
  } catch (error) {
    throw new ResourceError(`intent folder ${dir} cannot be read; pass an existing folder (--intents DIR or INTENTS_PATH)`, dir, {
      cause: error,
    });
  }
  if (info.isFile()) return { files: [{ path: dir, file: basename(dir) }], issues: [] };
  const issues: ValidationIssue[] = [];
  const realDir = await realpath(dir);
  const boundary = options.root !== undefined ? await realpath(options.root).catch(() => realDir) : realDir;
  if (!isInside(realDir, boundary)) {
    issues.push({
      file: escapeControlCharacters(basename(dir)),
      message: 'the intent folder is a symbolic link that leaves the repository; refused',
      severity: 'error',
    });
    return { files: [], issues };
  }
  const found: { path: string; file: string }[] = [];
  await collectYamlFiles(dir, dir, boundary, found, issues);
  found.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  issues.sort((a, b) => ((a.file ?? '') < (b.file ?? '') ? -1 : (a.file ?? '') > (b.file ?? '') ? 1 : 0));
  return { files: found, issues };
}

function isInside(path: string, boundary: string): boolean {
  return path === boundary || path.startsWith(boundary.endsWith(sep) ? boundary : `${boundary}${sep}`);
}

function fileTypeOf(info: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isDirectory(): boolean }): string {
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isDirectory()) return 'a folder';
  return 'not a regular file';
}

async function collectYamlFiles(top: string, dir: string, boundary: string, into: { path: string; file: string }[], issues: ValidationIssue[]): Promise<void> {
  const name = (path: string): string => escapeControlCharacters(relative(top, path).split(sep).join('/'));
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    issues.push({
      file: name(dir),
      message: `cannot read folder (${(error as NodeJS.ErrnoException).code ?? 'error'}); its intents are not loaded`,
      severity: 'error',
    });
    return;
  }
  for (const entry of entries) {
    // Dot-folders hold tooling (.git, .github), not intents.
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    const yaml = YAML_FILE.test(entry.name);
    if (entry.isDirectory()) {
      await collectYamlFiles(top, path, boundary, into, issues);
    } else if (entry.isFile()) {
      if (yaml) into.push({ path, file: relative(top, path).split(sep).join('/') });
    } else if (entry.isSymbolicLink()) {
      await checkLink(path, yaml, boundary, name(path), into, relative(top, path).split(sep).join('/'), issues);
    } else {
      const info = await lstat(path).catch(() => undefined);
      issues.push({ file: name(path), message: `is ${info ? fileTypeOf(info) : 'not a regular file'}, not an intent file; skipped`, severity: 'warning' });
    }
  }
}

/** A symbolic link: followed to a regular YAML file inside the boundary; refused or skipped (with an issue) otherwise. */
async function checkLink(
  path: string,
  yaml: boolean,
  boundary: string,
  shown: string,
  into: { path: string; file: string }[],
  file: string,
  issues: ValidationIssue[],
): Promise<void> {
  let target: string;
  try {
    target = await realpath(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') issues.push({ file: shown, message: 'symbolic link loop (the link resolves to itself); skipped', severity: 'warning' });
    else if (yaml) issues.push({ file: shown, message: 'broken symbolic link (its target does not exist); skipped', severity: 'warning' });
    return;
  }
  const info = await stat(target).catch(() => undefined);
  if (!isInside(target, boundary)) {
    // Never read, and the target is not named: it may be anything on the machine.
    if (yaml || info?.isDirectory()) {
      issues.push({
        file: shown,
        message: 'symbolic link to a path outside the intent folder or repository; refused (links must stay inside it)',
        severity: 'error',
      });
    }
    return;
  }
  if (info?.isDirectory()) {
    issues.push({ file: shown, message: 'symbolic link to a folder; not followed (intents in it are not loaded)', severity: 'warning' });
    return;
  }
  if (!yaml) return;
  if (!info?.isFile()) {
    issues.push({
      file: shown,
      message: `symbolic link to ${info ? fileTypeOf(info) : 'something that is not a regular file'}, not an intent file; skipped`,
      severity: 'warning',
    });
    return;
  }
  into.push({ path: target, file });
}
