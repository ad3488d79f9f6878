import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { ResourceError } from '../errors/index.ts';
import type { ValidationIssue } from '../errors/index.ts';
import { formatFieldPath } from './field-path.ts';
import type { PathSegment } from './field-path.ts';
import { intentKey } from './schema.ts';
import type { Intent } from './schema.ts';
import { checkIntentDocument } from './validate.ts';
import { parseYamlDocuments } from './yaml-source.ts';
import type { LocateFn, SourcePosition, YamlLimits } from './yaml-source.ts';

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
}

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
const DEFAULT_LIMITS: YamlLimits = { maxAliasCount: 100, maxNodes: 100_000 };
const YAML_FILE = /\.ya?ml$/i;

/**
 * Loads every `.yaml`/`.yml` file under `dir` (recursively, in a stable order; dot-folders
 * and symlinked folders are skipped) — or a single file when `dir` is one. Several documents
 * per file are allowed. Never throws for bad content: every problem becomes an issue with
 * file, line, column and field path. When a `metadata.name` repeats within a kind, the first
 * (in file order) is kept and each repeat is reported.
 * @throws ResourceError when `dir` does not exist or cannot be read.
 */
export async function loadIntents(dir: string, options: LoadIntentsOptions = {}): Promise<LoadIntentsResult> {
  const files = await listIntentFiles(dir);
  const intents: LoadedIntent[] = [];
  const issues: ValidationIssue[] = [];
  for (const { path, file } of files) {
    const result = await loadFile(path, file, options);
    intents.push(...result.intents);
    issues.push(...result.issues);
  }
  return withoutDuplicates(intents, issues);
}

/**
 * Parses the text of one intent file (several documents allowed). `file` only names the
 * source in issues. Used for files, Kubernetes objects in YAML form and API bodies.
 */
export function parseIntentText(text: string, file: string, options: LoadIntentsOptions = {}): LoadIntentsResult {
  const bytes = Buffer.byteLength(text, 'utf8');
  const sizeIssue = checkSize(bytes, file, options);
  if (sizeIssue) return { intents: [], issues: [sizeIssue] };
  const { intents, issues } = parseChecked(text, file, options);
  return withoutDuplicates(intents, issues);
}

function parseChecked(
  text: string,
  file: string,
  options: LoadIntentsOptions,
): { intents: LoadedIntent[]; issues: ValidationIssue[] } {
  const limits: YamlLimits = {
    maxAliasCount: options.maxAliasCount ?? DEFAULT_LIMITS.maxAliasCount,
    maxNodes: options.maxNodes ?? DEFAULT_LIMITS.maxNodes,
  };
  const { documents, issues } = parseYamlDocuments(text, file, limits);
  const intents: LoadedIntent[] = [];
  for (const document of documents) {
    const { intent, problems } = checkIntentDocument(document.value);
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
  return { intents, issues };
}

async function loadFile(path: string, file: string, options: LoadIntentsOptions): Promise<LoadIntentsResult> {
  try {
    const size = (await stat(path)).size;
    const sizeIssue = checkSize(size, file, options);
    if (sizeIssue) return { intents: [], issues: [sizeIssue] };
    return parseChecked(await readFile(path, 'utf8'), file, options);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { intents: [], issues: [{ file, message: `cannot read file: ${reason}`, severity: 'error' }] };
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

async function listIntentFiles(dir: string): Promise<{ path: string; file: string }[]> {
  let info;
  try {
    info = await stat(dir);
  } catch (error) {
    throw new ResourceError(`intent folder ${dir} cannot be read; pass an existing folder (--intents DIR or INTENTS_PATH)`, dir, {
      cause: error,
    });
  }
  if (info.isFile()) return [{ path: dir, file: basename(dir) }];
  const paths: string[] = [];
  await collectYamlFiles(dir, paths);
  return paths
    .map((path) => ({ path, file: relative(dir, path).split(sep).join('/') }))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

async function collectYamlFiles(dir: string, into: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    // Dot-folders hold tooling (.git, .github), not intents.
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await collectYamlFiles(path, into);
    else if (YAML_FILE.test(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && (await isFile(path))))) into.push(path);
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
