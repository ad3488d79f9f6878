import { LineCounter, isAlias, isMap, isNode, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import type { ValidationIssue } from '../errors/index.ts';
import type { PathSegment } from './field-path.ts';

/** A 1-based line and column in a source file. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * Finds where a field path sits in the source. `at: 'key'` returns the field name's position,
 * `'value'` (the default) its value's. A path that does not exist (a missing field) resolves
 * to the deepest part of it that does.
 */
export type LocateFn = (path: readonly PathSegment[], at?: 'key' | 'value') => SourcePosition | undefined;

/** One YAML document of a file, parsed to plain data, with a way back to its source positions. */
export interface SourceDocument {
  /** 0-based index of the document within its file. */
  readonly index: number;
  readonly value: unknown;
  readonly position: SourcePosition;
  readonly locate: LocateFn;
}

/**
 * Where one document of a file sits (1-based lines) and what it holds, for every document the
 * file has — also those refused for a syntax error or an alias bomb, whose value is then read
 * as far as it can be (undefined when even that fails). An error's line can so be pinned to
 * the intent its document claims to be, without parsing the file again.
 */
export interface DocumentSpan {
  readonly firstLine: number;
  readonly lastLine: number;
  readonly value: unknown;
}

export interface YamlLimits {
  /** Most alias expansions per document, as the `yaml` package counts them. */
  readonly maxAliasCount: number;
  /** Most nodes a document may hold once every alias is expanded. */
  readonly maxNodes: number;
}

class ExpansionLimit extends Error {}

/**
 * Parses every document of a file. Syntax errors, alias bombs and recursive aliases become
 * issues (that document is skipped); empty documents are skipped silently. `spans` covers
 * every document, skipped or not.
 */
export function parseYamlDocuments(
  text: string,
  file: string,
  limits: YamlLimits,
): { documents: SourceDocument[]; issues: ValidationIssue[]; spans: DocumentSpan[] } {
  const lineCounter = new LineCounter();
  const documents: SourceDocument[] = [];
  const issues: ValidationIssue[] = [];
  const spans: DocumentSpan[] = [];
  let parsed: Document.Parsed[];
  try {
    parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: true }) as Document.Parsed[];
  } catch (error) {
    // The parser recurses; absurd nesting exhausts the stack rather than producing a YAMLError.
    issues.push({ file, message: `cannot parse YAML (${errorText(error)}); is the file nested too deeply?`, severity: 'error' });
    return { documents, issues, spans };
  }
  const positionOf = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  parsed.forEach((doc, index) => {
    const span = { firstLine: lineCounter.linePos(doc.range[0]).line, lastLine: lineCounter.linePos(Math.max(doc.range[2] - 1, doc.range[0])).line };
    // A refused document is still read as far as the alias limit allows: enough to see its kind and name.
    const refused = (): void => {
      spans.push({ ...span, value: readAnyway(doc, limits) });
    };
    let stackExhausted = false;
    for (const problem of [...doc.errors, ...doc.warnings]) {
      // The parser recurses per nesting level and reports an exhausted stack as a plain error,
      // once per level it unwinds through: one report says it all.
      const tooDeep = /call stack/i.test(problem.message);
      if (tooDeep && stackExhausted) continue;
      stackExhausted ||= tooDeep;
      const { line, column } = positionOf(problem.pos[0]);
      const severity = doc.errors.includes(problem) ? 'error' : 'warning';
      const message = tooDeep ? 'nesting is too deep to parse; flatten the document' : problem.message;
      issues.push({ file, line, column, message: `YAML: ${message}`, severity });
    }
    if (doc.errors.length > 0 || isEmptyDocument(doc)) return refused();
    const start = positionOf(doc.contents?.range[0] ?? doc.range[0]);
    const value = toPlainData(doc, limits);
    if (typeof value === 'string') {
      issues.push({ file, ...start, message: value, severity: 'error' });
      return refused();
    }
    spans.push({ ...span, value: value.data });
    documents.push({
      index,
      value: value.data,
      position: start,
      locate: (path, at = 'value') => {
        const offset = locateOffset(doc, path, at);
        return offset === undefined ? undefined : positionOf(offset);
      },
    });
  });
  return { documents, issues, spans };
}

/** Alias expansions allowed when reading a refused document for its span, whatever the limits say (-1 lifts them). */
const SPAN_ALIAS_COUNT = 100;

function readAnyway(doc: Document.Parsed, limits: YamlLimits): unknown {
  try {
    return doc.toJS({ maxAliasCount: limits.maxAliasCount < 0 ? SPAN_ALIAS_COUNT : Math.min(limits.maxAliasCount, SPAN_ALIAS_COUNT) });
  } catch {
    return undefined;
  }
}

function isEmptyDocument(doc: Document.Parsed): boolean {
  const contents = doc.contents;
  return contents === null || (isScalar(contents) && contents.value === null && contents.source === '');
}

/** The document as plain data, or a message saying why it is refused. */
function toPlainData(doc: Document.Parsed, limits: YamlLimits): { data: unknown } | string {
  try {
    const nodes = countExpandedNodes(doc, limits.maxNodes);
    if (nodes === 'recursive') return 'YAML: an alias refers to the node that contains it (recursive structure); intents must be trees';
  } catch (error) {
    if (error instanceof ExpansionLimit) {
      return `YAML: the document expands to more than ${limits.maxNodes} nodes once aliases are resolved (an alias bomb?); write the data out or split it`;
    }
    return `cannot read YAML (${errorText(error)})`;
  }
  try {
    return { data: doc.toJS({ maxAliasCount: limits.maxAliasCount }) };
  } catch (error) {
    if (error instanceof ReferenceError) {
      return `YAML: too many alias expansions (more than ${limits.maxAliasCount}; an alias bomb?); write the data out instead of aliasing it`;
    }
    return `cannot read YAML (${errorText(error)})`;
  }
}

/**
 * Counts nodes as if every alias were expanded, without expanding anything: an alias counts
 * as the size of its anchor, computed once. Throws ExpansionLimit past `limit`.
 */
function countExpandedNodes(doc: Document.Parsed, limit: number): number | 'recursive' {
  const anchors = new Map<string, YamlNode>();
  const sizes = new Map<YamlNode, number>();
  const open = new Set<YamlNode>();
  let recursive = false;
  const visit = (node: unknown): number => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target === undefined) return 1;
      if (open.has(target)) {
        recursive = true;
        return 1;
      }
      return sizes.get(target) ?? 1;
    }
    if (!isNode(node)) return node === null || node === undefined ? 0 : 1;
    // Anchors are defined where they appear, so later aliases see the latest definition.
    if (node.anchor) anchors.set(node.anchor, node);
    open.add(node);
    let size = 1;
    if (isMap(node) || isSeq(node)) {
      for (const item of node.items) {
        size += isPair(item) ? visit(item.key) + visit(item.value) : visit(item);
        if (size > limit) throw new ExpansionLimit();
      }
    }
    open.delete(node);
    sizes.set(node, size);
    return size;
  };
  const total = visit(doc.contents);
  return recursive ? 'recursive' : total;
}

function locateOffset(doc: Document.Parsed, path: readonly PathSegment[], at: 'key' | 'value'): number | undefined {
  let node: unknown = doc.contents;
  let fallback = startOf(node);
  for (const [index, segment] of path.entries()) {
    const container = resolveAlias(doc, node);
    const entry = childEntry(doc, container, segment);
    if (entry === undefined) return fallback;
    const last = index === path.length - 1;
    const keyOffset = startOf(entry.key);
    const valueOffset = isBlank(entry.value) ? undefined : startOf(entry.value);
    if (last) return (at === 'key' ? keyOffset : valueOffset) ?? keyOffset ?? valueOffset ?? fallback;
    // A missing field deeper down is reported at the field that should contain it.
    fallback = keyOffset ?? valueOffset ?? fallback;
    node = entry.value;
  }
  return fallback;
}

function childEntry(doc: Document.Parsed, container: unknown, segment: PathSegment): { key?: unknown; value: unknown } | undefined {
  if (isSeq(container) && typeof segment === 'number') {
    return segment < container.items.length ? { value: container.items[segment] } : undefined;
  }
  if (!isMap(container) || typeof segment !== 'string') return undefined;
  const merged: unknown[] = [];
  for (const pair of container.items) {
    const key = isScalar(pair.key) ? pair.key.value : pair.key;
    // With merge keys enabled, `yaml` turns the `<<` key into a symbol.
    if (key === '<<' || (typeof key === 'symbol' && key.description === '<<')) merged.push(pair.value);
    else if (key !== null && typeof key !== 'object' && String(key) === segment) return { key: pair.key, value: pair.value };
  }
  // Fields that came in through a `<<` merge key live in the merged map.
  for (const source of merged) {
    const resolved = resolveAlias(doc, source);
    const candidates = isSeq(resolved) ? resolved.items.map((item) => resolveAlias(doc, item)) : [resolved];
    for (const candidate of candidates) {
      const entry = childEntry(doc, candidate, segment);
      if (entry !== undefined) return entry;
    }
  }
  return undefined;
}

function resolveAlias(doc: Document.Parsed, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function startOf(node: unknown): number | undefined {
  return isNode(node) && node.range ? node.range[0] : undefined;
}

function isBlank(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null && node.source === '');
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
