import { resolvePlainScalar } from '../catalogue/index.ts';

/**
 * A small block-style YAML writer with comments, written for two kinds of output:
 *
 * - devicetype-library files (`yaml11`): scalars are quoted exactly where PyYAML's emitter
 *   (which the library's tooling and most contributors use) quotes them — plain when the text
 *   reads back as the same string under YAML 1.1, single quotes when it would not (`'1'`,
 *   `'{module}/1'`), double quotes only for text single quotes cannot carry. Mappings indent by
 *   two, sequences sit two in from their key (`  - name: x`), multi-line text is a literal
 *   block (`|`), as the library's yamllint/yamlfmt settings want.
 * - intent files (`portable`): the same, but a scalar is also quoted when YAML 1.2's core
 *   schema would read it as something else (`08`, `1_000`), because the intent loader reads
 *   YAML 1.2 and the custom definitions inside intents are checked against the library's
 *   YAML 1.1 reading. Text that is a string under both stays plain.
 */
export type YamlFlavour = 'yaml11' | 'portable';

export type YamlScalar = string | number | boolean | null;
export type YamlValue = YamlScalar | YamlMap | YamlSeq;

/** One `key: value` line (or block), with an optional comment above it and one after a scalar. */
export interface YamlEntry {
  readonly key: string;
  readonly value: YamlValue;
  /** Written on the lines above the entry, one `#` line per line of text. */
  readonly comment?: string;
  /** Written after a scalar value on the same line. */
  readonly trailing?: string;
}

export interface YamlItem {
  readonly value: YamlValue;
  readonly comment?: string;
  readonly trailing?: string;
}

export class YamlMap {
  readonly entries: YamlEntry[];
  constructor(entries: readonly YamlEntry[] = []) {
    this.entries = [...entries];
  }
  set(key: string, value: YamlValue, extra: { comment?: string; trailing?: string } = {}): this {
    this.entries.push({ key, value, ...extra });
    return this;
  }
}

export class YamlSeq {
  readonly items: YamlItem[];
  constructor(items: readonly YamlItem[] = []) {
    this.items = [...items];
  }
  push(value: YamlValue, extra: { comment?: string; trailing?: string } = {}): this {
    this.items.push({ value, ...extra });
    return this;
  }
}

/** Converts plain data (objects keep their key order) into writer nodes. `undefined` values are left out. */
export function toYamlValue(value: unknown): YamlValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return value;
  if (value instanceof YamlMap || value instanceof YamlSeq) return value;
  if (Array.isArray(value)) return new YamlSeq(value.map((v) => ({ value: toYamlValue(v) })));
  if (typeof value === 'object') {
    return new YamlMap(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([key, v]) => ({ key, value: toYamlValue(v) })),
    );
  }
  throw new TypeError(`cannot write a ${typeof value} as YAML`);
}

export interface WriteOptions {
  readonly flavour: YamlFlavour;
  /** Comment lines before the document start marker. */
  readonly header?: string;
  /** Write the `---` document start marker (the library's files all have it). Default true. */
  readonly documentStart?: boolean;
}

/** Writes one YAML document; the text ends with a newline. */
export function writeYaml(root: YamlMap, options: WriteOptions): string {
  const lines: string[] = [];
  if (options.header) lines.push(...commentLines(options.header, ''));
  if (options.documentStart !== false) lines.push('---');
  writeMap(root, 0, options.flavour, lines);
  return `${lines.join('\n')}\n`;
}

/** Several documents in one file, each starting with `---`. */
export function writeYamlDocuments(roots: readonly YamlMap[], options: WriteOptions): string {
  const header = options.header ? `${commentLines(options.header, '').join('\n')}\n` : '';
  return header + roots.map((root) => writeYaml(root, { flavour: options.flavour, documentStart: true })).join('');
}

function commentLines(text: string, indent: string): string[] {
  return text.split('\n').map((line) => (line === '' ? `${indent}#` : `${indent}# ${line}`));
}

function writeMap(map: YamlMap, indent: number, flavour: YamlFlavour, lines: string[], firstPrefix?: string): void {
  const pad = ' '.repeat(indent);
  map.entries.forEach((entry, index) => {
    // The first entry of a mapping inside a sequence shares the dash's line.
    const prefix = index === 0 && firstPrefix !== undefined ? firstPrefix : pad;
    if (entry.comment) {
      if (index === 0 && firstPrefix !== undefined) {
        // A comment cannot sit between the dash and the key: put it above the dash.
        lines.push(...commentLines(entry.comment, firstPrefix.replace(/- $/, '')));
      } else {
        lines.push(...commentLines(entry.comment, pad));
      }
    }
    const key = formatKey(entry.key, flavour);
    writeValue(`${prefix}${key}:`, entry.value, indent, flavour, lines, entry.trailing);
  });
  if (map.entries.length === 0) {
    lines.push(`${firstPrefix ?? pad}{}`);
  }
}

/** Writes a value after `lead` (`key:` or `-`); nested blocks go on the following lines. */
function writeValue(lead: string, value: YamlValue, indent: number, flavour: YamlFlavour, lines: string[], trailing?: string): void {
  const after = trailing ? `  # ${trailing}` : '';
  if (value instanceof YamlMap) {
    if (value.entries.length === 0) {
      lines.push(`${lead} {}${after}`);
      return;
    }
    if (trailing) lines.push(`${lead}${after}`);
    else lines.push(lead);
    writeMap(value, indent + 2, flavour, lines);
    return;
  }
  if (value instanceof YamlSeq) {
    if (value.items.length === 0) {
      lines.push(`${lead} []${after}`);
      return;
    }
    lines.push(`${lead}${after}`);
    writeSeq(value, indent + 2, flavour, lines);
    return;
  }
  if (typeof value === 'string' && value.includes('\n')) {
    const block = literalBlock(value, indent + 2);
    if (block) {
      lines.push(`${lead} ${block.header}${after}`, ...block.lines);
      return;
    }
  }
  lines.push(`${lead} ${formatScalar(value, flavour)}${after}`);
}

function writeSeq(seq: YamlSeq, indent: number, flavour: YamlFlavour, lines: string[]): void {
  const pad = ' '.repeat(indent);
  for (const item of seq.items) {
    if (item.comment) lines.push(...commentLines(item.comment, pad));
    const value = item.value;
    if (value instanceof YamlMap && value.entries.length > 0) {
      if (item.trailing) throw new TypeError('a trailing comment on a mapping item is not supported');
      writeMap(value, indent + 2, flavour, lines, `${pad}- `);
    } else if (value instanceof YamlSeq && value.items.length > 0) {
      throw new TypeError('sequences of sequences are not written by this writer');
    } else {
      writeValue(`${pad}-`, value, indent, flavour, lines, item.trailing);
    }
  }
}

function formatKey(key: string, flavour: YamlFlavour): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) && typeof resolvePlainScalar(key) === 'string' && !(flavour === 'portable' && resolvesInCore(key))
    ? key
    : quote(key);
}

/** The literal block (`|`, `|-`, `|+`) for multi-line text, or undefined when one cannot carry it exactly. */
function literalBlock(text: string, indent: number): { header: string; lines: string[] } | undefined {
  // A block cannot start with a space or a blank line (that needs an indentation indicator),
  // nor hold characters YAML would escape, nor lines ending in spaces before a break.
  if (text.startsWith(' ') || text.startsWith('\n') || /[^\n\x20-\x7e\u00a0-\ud7ff\ue000-\ufffd]/u.test(text) || / \n/.test(text) || text.endsWith(' '))
    return undefined;
  let body = text;
  let header = '|';
  if (text.endsWith('\n\n')) {
    header = '|+';
    body = text.slice(0, -1);
  } else if (text.endsWith('\n')) {
    body = text.slice(0, -1);
  } else {
    header = '|-';
  }
  const pad = ' '.repeat(indent);
  return { header, lines: body.split('\n').map((line) => (line === '' ? '' : `${pad}${line}`)) };
}

/** A scalar as it appears after `key: ` or `- `. */
export function formatScalar(value: YamlScalar, flavour: YamlFlavour): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return formatNumber(value);
  return formatString(value, flavour);
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf';
  return String(value);
}

function formatString(text: string, flavour: YamlFlavour): string {
  const style = analyse(text);
  if (style.plain && typeof resolvePlainScalar(text) === 'string' && !(flavour === 'portable' && resolvesInCore(text))) return text;
  return style.singleQuoted ? quote(text) : doubleQuote(text);
}

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function doubleQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f || code === 0xfeff || (code >= 0x80 && code < 0xa0)) out += `\\x${code.toString(16).padStart(2, '0').toUpperCase()}`;
    else out += ch;
  }
  return `${out}"`;
}

const BREAKS = new Set(['\n', '\u0085', '\u2028', '\u2029']);
const SPACES_AND_BREAKS = new Set(['\0', ' ', '\t', '\r', '\n', '\u0085', '\u2028', '\u2029']);

/**
 * Which styles can carry a string in block context: PyYAML's `analyze_scalar`, reduced to the
 * two answers the writer needs (may it be plain, may it be single-quoted).
 */
function analyse(text: string): { plain: boolean; singleQuoted: boolean } {
  if (text === '') return { plain: false, singleQuoted: true };
  let blockIndicators = text.startsWith('---') || text.startsWith('...');
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let trailingSpace = false;
  let leadingBreak = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  const chars = [...text];
  let precededByWhitespace = true;
  chars.forEach((ch, index) => {
    const followedByWhitespace = index + 1 >= chars.length || SPACES_AND_BREAKS.has(chars[index + 1] ?? '');
    if (index === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      if ((ch === '?' || ch === ':' || ch === '-') && followedByWhitespace) blockIndicators = true;
    } else {
      if (ch === ':' && followedByWhitespace) blockIndicators = true;
      if (ch === '#' && precededByWhitespace) blockIndicators = true;
    }
    if (BREAKS.has(ch)) lineBreaks = true;
    const code = ch.codePointAt(0) ?? 0;
    if (!(ch === '\n' || (code >= 0x20 && code <= 0x7e))) {
      const printableUnicode = (code === 0x85 || (code >= 0xa0 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000) && code !== 0xfeff;
      // The library is written with allow_unicode: printable non-ASCII text stays as it is.
      if (!printableUnicode) special = true;
    }
    if (ch === ' ') {
      if (index === 0) leadingSpace = true;
      if (index === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (BREAKS.has(ch)) {
      if (index === 0) leadingBreak = true;
      if (index === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = SPACES_AND_BREAKS.has(ch);
  });
  let plain = true;
  let singleQuoted = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) plain = false;
  if (breakSpace) plain = singleQuoted = false;
  if (spaceBreak || special) plain = singleQuoted = false;
  if (lineBreaks) plain = false;
  if (blockIndicators) plain = false;
  // Tabs are legal in YAML text but readers disagree on them in plain scalars.
  if (text.includes('\t')) plain = false;
  // Multi-line single-quoted text folds its breaks; double quotes keep them exact.
  if (lineBreaks) singleQuoted = false;
  return { plain, singleQuoted };
}

/** Plain text YAML 1.2's core schema reads as something other than a string. */
function resolvesInCore(text: string): boolean {
  return (
    /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE)$/.test(text) ||
    /^[-+]?[0-9]+$/.test(text) ||
    /^0o[0-7]+$/.test(text) ||
    /^0x[0-9a-fA-F]+$/.test(text) ||
    /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(text) ||
    /^[-+]?\.(?:inf|Inf|INF)$/.test(text) ||
    /^\.(?:nan|NaN|NAN)$/.test(text) ||
    // The `yaml` package also reads these YAML 1.1 leftovers in its default schema.
    /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/.test(text)
  );
}
