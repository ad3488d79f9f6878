import { boolYaml11Tag, floatYaml11Tag, intYaml11Tag, NOT_RESOLVED, nullYaml11Tag, timestampTag } from 'js-yaml';
import type { ScalarTagDefinition } from 'js-yaml';

/**
 * A fast path for the plain, block-style YAML the devicetype-library is written in (yamllint
 * keeps it narrow: block mappings and sequences, plain and quoted one-line scalars, literal
 * `|` blocks). It is about an order of magnitude faster than a general YAML parser on these
 * files, and it gives up — returning {@link NOT_HANDLED} — on anything else: flow
 * collections, anchors, aliases, tags, folded or indented blocks, multi-line plain or quoted
 * scalars, escapes, tabs outside text blocks, duplicate keys, several documents. The caller
 * then parses the file with js-yaml, which also reports the real error if there is one.
 *
 * Plain scalars resolve through js-yaml's own YAML 1.1 tags (null, bool, int, float,
 * timestamp), in the order its YAML 1.1 schema tries them, so values match js-yaml's (and
 * PyYAML's) exactly; a test checks this on every file of the snapshot.
 *
 * Kept because the catalogue cache does not hide it where users wait: the library is parsed on
 * every cache miss — the first load of each library revision on a machine, and every CI `plan`
 * run without a kept CACHE_DIR. Measured on the whole library (5,915 files; shared 2-core
 * machine, 3 runs each): `loadCatalogue` takes 0.69–0.75 s with this path and 1.19–1.37 s
 * without; a cold cached provider (parse + write the cache) 0.91–0.99 s vs 1.59–2.31 s. A warm
 * cached load (0.27–0.29 s, from `<CACHE_DIR>/catalogue/<revision>.bin`) parses no YAML, so
 * there it changes nothing.
 */
export const NOT_HANDLED: unique symbol = Symbol('not handled by the fast YAML path');

/** Thrown internally to abandon the fast path; allocated once, so throwing costs nothing. */
const GIVE_UP = new Error('fast YAML path not applicable');

const IMPLICIT_TAGS: readonly ScalarTagDefinition<unknown>[] = [nullYaml11Tag, boolYaml11Tag, intYaml11Tag, floatYaml11Tag, timestampTag];
/** Tags to try per first character, in schema order, the way js-yaml's Schema dispatches them. */
const ANY_FIRST_CHAR = IMPLICIT_TAGS.filter((tag) => tag.implicitFirstChars === null);
const TAGS_BY_FIRST_CHAR = new Map<string, readonly ScalarTagDefinition<unknown>[]>(
  [...new Set(IMPLICIT_TAGS.flatMap((tag) => tag.implicitFirstChars ?? []))].map((char) => [
    char,
    IMPLICIT_TAGS.filter((tag) => tag.implicitFirstChars === null || tag.implicitFirstChars.includes(char)),
  ]),
);

const SPACE = 32;
const TAB = 9;
const HASH = 35;
const DASH = 45;
const COLON = 58;
const KEY = /^[A-Za-z_][A-Za-z0-9_ .-]*$/;
/** Characters that start something other than a plain scalar (flow, anchor, tag, reserved...). */
const INDICATORS = new Set(['&', '*', '!', '%', '@', '`', '[', ']', '{', '}', ',', '>', '#']);

/** Resolves a plain scalar as YAML 1.1 does (`08` → "08", `010` → 8, `yes` → true). */
export function resolvePlainScalar(source: string): unknown {
  for (const tag of TAGS_BY_FIRST_CHAR.get(source.charAt(0)) ?? ANY_FIRST_CHAR) {
    const value = tag.resolve(source, false, tag.tagName);
    if (value !== NOT_RESOLVED) return value;
  }
  return source;
}

/** Parses `text` if it is in the library's simple style; otherwise returns NOT_HANDLED. */
export function parseSimpleYaml(text: string): unknown {
  if (text.includes('\r') || text.charCodeAt(0) === 0xfeff) return NOT_HANDLED;
  try {
    return new SimpleYamlParser(text).parseDocument();
  } catch (error) {
    if (error === GIVE_UP) return NOT_HANDLED;
    throw error;
  }
}

class SimpleYamlParser {
  private readonly lines: string[];
  /** Indent of each line; -1 for blank and comment-only lines. Sequence entries rewrite theirs. */
  private readonly indents: Int32Array;
  private pos = 0;

  constructor(private readonly text: string) {
    this.lines = text.split('\n');
    this.indents = new Int32Array(this.lines.length);
    this.lines.forEach((line, i) => {
      let j = 0;
      while (line.charCodeAt(j) === SPACE) j += 1;
      const next = line.charCodeAt(j);
      this.indents[i] = j === line.length || next === HASH ? -1 : next === TAB ? -2 : j;
    });
  }

  parseDocument(): unknown {
    this.skipBlank();
    const first = this.lines[this.pos];
    if (first !== undefined && first.startsWith('---')) {
      if (first.trimEnd() !== '---') throw GIVE_UP;
      this.pos += 1;
      this.skipBlank();
    }
    if (this.pos >= this.lines.length || this.indents[this.pos] !== 0) throw GIVE_UP;
    const root = this.parseBlock(0);
    this.skipBlank();
    if (this.pos < this.lines.length) throw GIVE_UP;
    return root;
  }

  private skipBlank(): void {
    while (this.pos < this.lines.length && this.indents[this.pos] === -1) this.pos += 1;
  }

  private indentHere(): number {
    const indent = this.indents[this.pos] ?? -1;
    if (indent === -2) throw GIVE_UP;
    return indent;
  }

  private isDash(line: string, at: number): boolean {
    return line.charCodeAt(at) === DASH && (at + 1 === line.length || line.charCodeAt(at + 1) === SPACE);
  }

  private parseBlock(indent: number): unknown {
    const line = this.lines[this.pos] ?? '';
    return this.isDash(line, indent) ? this.parseSequence(indent) : this.parseMapping(indent);
  }

  private parseMapping(indent: number): Record<string, unknown> {
    const mapping: Record<string, unknown> = {};
    for (;;) {
      this.skipBlank();
      if (this.pos >= this.lines.length) break;
      const here = this.indentHere();
      if (here < indent) break;
      const line = this.lines[this.pos] ?? '';
      if (here > indent || this.isDash(line, indent)) throw GIVE_UP;
      const colon = findKeyColon(line, indent);
      const key = line.slice(indent, colon);
      if (!KEY.test(key) || key.endsWith(' ') || key === '__proto__' || Object.hasOwn(mapping, key)) throw GIVE_UP;
      if (typeof resolvePlainScalar(key) !== 'string') throw GIVE_UP;
      let start = colon + 1;
      while (line.charCodeAt(start) === SPACE) start += 1;
      this.pos += 1;
      mapping[key] = start === line.length || line.charCodeAt(start) === HASH ? this.parseNested(indent) : this.parseInline(line, start, indent);
    }
    return mapping;
  }

  private parseSequence(indent: number): unknown[] {
    const sequence: unknown[] = [];
    for (;;) {
      this.skipBlank();
      if (this.pos >= this.lines.length) break;
      const here = this.indentHere();
      if (here < indent) break;
      if (here > indent) throw GIVE_UP;
      const line = this.lines[this.pos] ?? '';
      if (!this.isDash(line, indent)) break;
      let start = indent + 1;
      while (line.charCodeAt(start) === SPACE) start += 1;
      const first = line.charAt(start);
      if (start === line.length || first === '#' || this.isDash(line, start)) throw GIVE_UP;
      if (first !== "'" && first !== '"' && first !== '|' && hasKeyColon(line, start)) {
        // `- name: x`: a mapping whose keys line up with `name`.
        this.indents[this.pos] = start;
        sequence.push(this.parseMapping(start));
      } else {
        this.pos += 1;
        sequence.push(this.parseInline(line, start, indent));
      }
    }
    return sequence;
  }

  /** The value of `key:` with nothing after it: a nested block, a same-indent sequence, or null. */
  private parseNested(indent: number): unknown {
    this.skipBlank();
    if (this.pos >= this.lines.length) return null;
    const here = this.indentHere();
    const line = this.lines[this.pos] ?? '';
    if (here > indent) return this.parseBlock(here);
    if (here === indent && this.isDash(line, indent)) return this.parseSequence(indent);
    return null;
  }

  /** A scalar that starts at `line[start]`; the line it is on has already been consumed. */
  private parseInline(line: string, start: number, indent: number): unknown {
    const first = line.charAt(start);
    if (first === "'") return singleQuoted(line, start);
    if (first === '"') return doubleQuoted(line, start);
    if (first === '|') return this.literalBlock(line, start, indent);
    const next = line.charCodeAt(start + 1);
    if (INDICATORS.has(first) || ((first === '-' || first === '?' || first === ':') && (Number.isNaN(next) || next === SPACE))) throw GIVE_UP;
    const comment = line.indexOf(' #', start);
    const value = (comment === -1 ? line.slice(start) : line.slice(start, comment)).trimEnd();
    if (value.includes('\t') || value.includes(': ') || value.endsWith(':')) throw GIVE_UP;
    return resolvePlainScalar(value);
  }

  /** `|`, `|-` or `|+` followed by lines indented deeper than `indent`. */
  private literalBlock(line: string, start: number, indent: number): string {
    const header = line.slice(start);
    const chomp = header.charAt(1);
    const hasIndicator = chomp === '-' || chomp === '+';
    const rest = header.slice(hasIndicator ? 2 : 1);
    if (rest.trim() !== '' && !/^ +#/.test(rest)) throw GIVE_UP;

    const first = this.lines[this.pos];
    if (first === undefined || first.trim() === '') throw GIVE_UP;
    let blockIndent = 0;
    while (first.charCodeAt(blockIndent) === SPACE) blockIndent += 1;
    if (blockIndent <= indent || first.charCodeAt(blockIndent) === TAB) throw GIVE_UP;

    const content: string[] = [];
    let trailingBlank = 0;
    while (this.pos < this.lines.length) {
      const current = this.lines[this.pos] ?? '';
      if (current.trim() === '') {
        if (current.length > blockIndent || current.includes('\t')) throw GIVE_UP;
        if (this.pos === this.lines.length - 1) break;
        trailingBlank += 1;
        this.pos += 1;
        continue;
      }
      let spaces = 0;
      while (spaces < blockIndent && current.charCodeAt(spaces) === SPACE) spaces += 1;
      if (spaces < blockIndent) {
        if (current.charCodeAt(spaces) === TAB) throw GIVE_UP;
        break;
      }
      for (; trailingBlank > 0; trailingBlank -= 1) content.push('');
      content.push(current.slice(blockIndent));
      this.pos += 1;
    }
    // A block that runs to the end of a file without a final newline chomps differently.
    if (this.pos >= this.lines.length - 1 && !this.text.endsWith('\n')) throw GIVE_UP;
    // Blank lines after the content belong to the block only with `|+`; leave them for skipBlank.
    this.pos -= trailingBlank;
    const body = content.join('\n');
    if (chomp === '-') return body;
    if (chomp === '+') return `${body}\n${'\n'.repeat(trailingBlank)}`;
    return `${body}\n`;
  }
}

/** Index of the `:` that ends a plain key (followed by a space or the end of the line). */
function findKeyColon(line: string, start: number): number {
  for (let i = start; i < line.length; i += 1) {
    const code = line.charCodeAt(i);
    if (code === COLON && (i + 1 === line.length || line.charCodeAt(i + 1) === SPACE)) return i;
    if (code === TAB || (code === HASH && line.charCodeAt(i - 1) === SPACE)) break;
  }
  throw GIVE_UP;
}

function hasKeyColon(line: string, start: number): boolean {
  for (let i = start; i < line.length; i += 1) {
    const code = line.charCodeAt(i);
    if (code === COLON && (i + 1 === line.length || line.charCodeAt(i + 1) === SPACE)) return true;
    if (code === HASH && line.charCodeAt(i - 1) === SPACE) return false;
  }
  return false;
}

function singleQuoted(line: string, start: number): string {
  let out = '';
  let i = start + 1;
  for (;;) {
    const quote = line.indexOf("'", i);
    if (quote === -1) throw GIVE_UP;
    out += line.slice(i, quote);
    if (line.charCodeAt(quote + 1) === 39) {
      out += "'";
      i = quote + 2;
      continue;
    }
    expectLineEnd(line, quote + 1);
    return out;
  }
}

function doubleQuoted(line: string, start: number): string {
  const quote = line.indexOf('"', start + 1);
  if (quote === -1) throw GIVE_UP;
  const value = line.slice(start + 1, quote);
  if (value.includes('\\')) throw GIVE_UP;
  expectLineEnd(line, quote + 1);
  return value;
}

/** After a quoted scalar only spaces or a comment may follow. */
function expectLineEnd(line: string, from: number): void {
  let i = from;
  while (line.charCodeAt(i) === SPACE) i += 1;
  if (i === line.length) return;
  if (line.charCodeAt(i) === HASH && i > from) return;
  throw GIVE_UP;
}
