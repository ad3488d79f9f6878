// A small interpreter for the part of Go's text/template language (with the Sprig functions
// Helm adds) that charts/netbox-gitops uses, so the chart can be rendered and checked without a
// helm binary. It follows Go's semantics where the chart depends on them: trim markers, variable
// scopes, map ranges in key order, truthiness, missing keys printing as nothing, a field of a
// missing value being an error, and numbers printing like Go's float64 `%v` (Helm reads values
// through JSON, so 1000000 prints as 1e+06). Anything outside the subset fails loudly instead of
// rendering something Helm would not.
//
// Kept because no maintained renderer running Helm's engine is available here: Debian has no
// `helm` package, and npm has only wrappers that download or shell out to the helm binary, or Go's
// plain text/template compiled to WebAssembly without Sprig or Helm's own functions.
// go-template-functions.test.ts checks each function in SUPPORTED_FUNCTIONS against the examples
// in Helm's documentation.
//
// NOT supported (each fails with TemplateError naming it, except where noted):
// - functions other than SUPPORTED_FUNCTIONS: notably tpl, lookup, dict/list/merge/set, len,
//   regex*, b64enc/b64dec, semverCompare, date functions, squote, toYaml's Helm-only relatives
//   (fromYaml, toToml), required/fail inside `tpl`;
// - the .Files, .Capabilities and .Template objects beyond what the data given to render has
//   (the chart tests pass .Values, .Release, .Chart, .Capabilities.KubeVersion, .Template and
//   .Files.Get: a function-valued field is called with the command's arguments, as Go calls a
//   method);
// - {{block}}, {{break}}, {{continue}}; `and`/`or` evaluate every argument (Go short-circuits
//   since 1.18: no difference unless an argument fails);
// - printf verbs other than %s %v %d %q %% and any width/precision flags;
// - comparisons across numeric kinds Go would accept (int vs float), and maps/slices as values of
//   eq; chained field access on a function result ((f).x);
// - Helm's rendering pipeline: NOTES.txt, values.schema.json checks, CRD installation order,
//   and YAML post-processing (the tests parse the output with the `yaml` package instead).
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';

/** A template construct outside the supported subset, a syntax error, or an evaluation error. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly template: string,
  ) {
    super(`${template}: ${message}`);
    this.name = 'TemplateError';
  }
}

type Value = unknown;

interface Pipeline {
  readonly declare?: { readonly names: readonly string[]; readonly assign: boolean };
  readonly commands: readonly (readonly Arg[])[];
}

type Arg =
  | { readonly kind: 'field'; readonly base: string | null; readonly path: readonly string[] }
  | { readonly kind: 'literal'; readonly value: Value }
  | { readonly kind: 'function'; readonly name: string }
  | { readonly kind: 'pipeline'; readonly pipeline: Pipeline };

type Node =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'action'; readonly pipeline: Pipeline }
  | { readonly kind: 'if' | 'with'; readonly pipeline: Pipeline; readonly body: Node[]; readonly otherwise: Node[] }
  | { readonly kind: 'range'; readonly pipeline: Pipeline; readonly body: Node[]; readonly otherwise: Node[] }
  | { readonly kind: 'template'; readonly name: string; readonly pipeline: Pipeline | undefined };

type Token = { readonly kind: 'text'; text: string } | { readonly kind: 'action'; readonly source: string };

/** Parsed templates by name (file names and `define`d names), sharing one namespace as in Helm. */
export class TemplateSet {
  private readonly templates = new Map<string, Node[]>();

  /** Parses a file; its `define` blocks become templates of their own. */
  add(name: string, source: string): void {
    const parser = new Parser(name, tokenize(name, source), this.templates);
    this.templates.set(name, parser.parseRoot());
  }

  /** Renders a template with `data` as both `.` and `$`. */
  render(name: string, data: Value): string {
    const nodes = this.templates.get(name);
    if (nodes === undefined) throw new TemplateError(`no template named "${name}"`, name);
    return new Evaluator(this.templates, name).run(nodes, data);
  }
}

function tokenize(name: string, source: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < source.length) {
    const open = source.indexOf('{{', position);
    if (open < 0) {
      tokens.push({ kind: 'text', text: source.slice(position) });
      break;
    }
    tokens.push({ kind: 'text', text: source.slice(position, open) });
    const close = findActionEnd(name, source, open + 2);
    let inner = source.slice(open + 2, close);
    if (/^-\s/.test(inner)) {
      trimEnd(tokens);
      inner = inner.slice(1);
    }
    let trimNext = false;
    if (/\s-$/.test(inner)) {
      trimNext = true;
      inner = inner.slice(0, -1);
    }
    inner = inner.trim();
    if (!(inner.startsWith('/*') && inner.endsWith('*/'))) tokens.push({ kind: 'action', source: inner });
    position = close + 2;
    if (trimNext) {
      while (position < source.length && /\s/.test(source.charAt(position))) position += 1;
    }
  }
  return tokens;
}

function trimEnd(tokens: Token[]): void {
  const last = tokens.at(-1);
  if (last?.kind === 'text') last.text = last.text.replace(/\s+$/, '');
}

/** The index of the `}}` closing an action, skipping string literals and comments. */
function findActionEnd(name: string, source: string, from: number): number {
  let i = from;
  while (i < source.length) {
    const c = source.charAt(i);
    if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) break;
      i = end + 2;
    } else if (c === '"' || c === '`') {
      i = skipString(source, i);
    } else if (source.startsWith('}}', i)) {
      return i;
    } else {
      i += 1;
    }
  }
  throw new TemplateError(`unclosed action at offset ${from - 2}`, name);
}

function skipString(source: string, start: number): number {
  const quote = source.charAt(start);
  let i = start + 1;
  while (i < source.length && source.charAt(i) !== quote) i += quote === '"' && source.charAt(i) === '\\' ? 2 : 1;
  return i + 1;
}

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);

class Parser {
  private index = 0;

  constructor(
    private readonly name: string,
    private readonly tokens: readonly Token[],
    private readonly templates: Map<string, Node[]>,
  ) {}

  parseRoot(): Node[] {
    const { nodes, stop } = this.parseList();
    if (stop !== undefined) throw this.error(`unexpected {{${stop}}}`);
    return nodes;
  }

  /** Nodes up to an `end` or `else` (returned as `stop`, its action text) or the end of input. */
  private parseList(): { nodes: Node[]; stop: string | undefined } {
    const nodes: Node[] = [];
    while (this.index < this.tokens.length) {
      const token = this.tokens[this.index++] as Token;
      if (token.kind === 'text') {
        if (token.text !== '') nodes.push({ kind: 'text', text: token.text });
        continue;
      }
      const keyword = /^[a-z]+/.exec(token.source)?.[0] ?? '';
      const rest = token.source.slice(keyword.length).trim();
      if (keyword === 'end' || keyword === 'else') return { nodes, stop: token.source };
      if (keyword === 'if' || keyword === 'with' || keyword === 'range') nodes.push(this.parseBlock(keyword, rest));
      else if (keyword === 'define') this.parseDefine(rest);
      else if (keyword === 'template') nodes.push(this.parseTemplateCall(rest));
      else if (KEYWORDS.has(keyword) && !/^[a-z]+[\w.]/.test(token.source)) throw this.error(`{{${keyword}}} is not supported`);
      else nodes.push({ kind: 'action', pipeline: parsePipeline(this.name, token.source) });
    }
    return { nodes, stop: undefined };
  }

  private parseBlock(kind: 'if' | 'with' | 'range', source: string): Node {
    const pipeline = parsePipeline(this.name, source);
    const { nodes: body, stop } = this.parseList();
    if (stop === undefined) throw this.error(`{{${kind}}} without {{end}}`);
    let otherwise: Node[] = [];
    if (stop.startsWith('else')) {
      const chained = stop.slice(4).trim();
      if (chained.startsWith('if ') || chained.startsWith('with ')) {
        // `else if x` is `else` + a nested `if x` closed by the same `end`.
        const nestedKind = chained.startsWith('if ') ? 'if' : 'with';
        otherwise = [this.parseBlock(nestedKind, chained.slice(nestedKind.length).trim())];
      } else {
        const tail = this.parseList();
        if (tail.stop !== 'end') throw this.error(`{{${kind}}} ... {{else}} without {{end}}`);
        otherwise = tail.nodes;
      }
    } else if (stop !== 'end') {
      throw this.error(`unexpected {{${stop}}}`);
    }
    return { kind, pipeline, body, otherwise };
  }

  private parseDefine(source: string): void {
    const name = parseStringLiteral(this.name, source);
    const { nodes, stop } = this.parseList();
    if (stop !== 'end') throw this.error(`{{define "${name}"}} without {{end}}`);
    this.templates.set(name, nodes);
  }

  private parseTemplateCall(source: string): Node {
    const match = /^("(?:[^"\\]|\\.)*")\s*(.*)$/.exec(source);
    if (!match) throw this.error(`{{template}} expects a quoted name`);
    const name = parseStringLiteral(this.name, match[1] as string);
    const rest = (match[2] as string).trim();
    return { kind: 'template', name, pipeline: rest === '' ? undefined : parsePipeline(this.name, rest) };
  }

  private error(message: string): TemplateError {
    return new TemplateError(message, this.name);
  }
}

function parseStringLiteral(template: string, source: string): string {
  const text = source.trim();
  if (text.startsWith('`') && text.endsWith('`')) return text.slice(1, -1);
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'string') return value;
  } catch {
    // reported below
  }
  throw new TemplateError(`expected a string literal, got ${text}`, template);
}

type ExprToken =
  | { readonly kind: 'field'; readonly text: string }
  | { readonly kind: 'variable'; readonly text: string }
  | { readonly kind: 'string' | 'number' | 'identifier'; readonly text: string }
  | { readonly kind: '(' | ')' | '|' | ':=' | '=' | ',' };

function lexExpression(template: string, source: string): ExprToken[] {
  const tokens: ExprToken[] = [];
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const c = rest.charAt(0);
    if (c === '"' || c === '`') {
      const end = skipString(source, i);
      tokens.push({ kind: 'string', text: source.slice(i, end) });
      i = end;
      continue;
    }
    const patterns: readonly [RegExp, ExprToken['kind']][] = [
      [/^:=/, ':='],
      [/^[()|=,]/, '('],
      [/^\$[A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/, 'variable'],
      [/^(\.[A-Za-z_][A-Za-z0-9_]*)+|^\./, 'field'],
      [/^-?\d+(\.\d+)?/, 'number'],
      [/^[A-Za-z_][A-Za-z0-9_]*/, 'identifier'],
    ];
    const found = patterns.map(([pattern, kind]) => [pattern.exec(rest)?.[0], kind] as const).find(([text]) => text !== undefined);
    if (found === undefined) throw new TemplateError(`cannot read "${rest}" in an action`, template);
    const [text, kind] = found as readonly [string, ExprToken['kind']];
    if (kind === ':=' || kind === '(') tokens.push({ kind: text as '(' | ')' | '|' | ':=' | '=' | ',' });
    else tokens.push({ kind, text } as ExprToken);
    i += text.length;
  }
  return tokens;
}

function parsePipeline(template: string, source: string): Pipeline {
  const tokens = lexExpression(template, source);
  const position = { index: 0 };
  const pipeline = parsePipelineTokens(template, tokens, position, true);
  if (position.index !== tokens.length) throw new TemplateError(`unexpected tokens in {{${source}}}`, template);
  return pipeline;
}

function parsePipelineTokens(template: string, tokens: readonly ExprToken[], position: { index: number }, topLevel: boolean): Pipeline {
  let declare: Pipeline['declare'];
  if (topLevel) {
    const names: string[] = [];
    let look = position.index;
    while (tokens[look]?.kind === 'variable') {
      names.push((tokens[look] as { text: string }).text);
      look += 1;
      if (tokens[look]?.kind === ',') look += 1;
      else break;
    }
    const operator = tokens[look]?.kind;
    if (names.length > 0 && (operator === ':=' || operator === '=')) {
      declare = { names, assign: operator === '=' };
      position.index = look + 1;
    }
  }
  const commands: Arg[][] = [[]];
  while (position.index < tokens.length) {
    const token = tokens[position.index] as ExprToken;
    if (token.kind === ')') break;
    position.index += 1;
    const current = commands.at(-1) as Arg[];
    if (token.kind === '|') {
      if (current.length === 0) throw new TemplateError('empty command before |', template);
      commands.push([]);
    } else if (token.kind === '(') {
      const inner = parsePipelineTokens(template, tokens, position, false);
      if (tokens[position.index]?.kind !== ')') throw new TemplateError('unclosed (', template);
      position.index += 1;
      current.push({ kind: 'pipeline', pipeline: inner });
    } else {
      current.push(argFor(template, token));
    }
  }
  if ((commands.at(-1) as Arg[]).length === 0) throw new TemplateError('empty pipeline', template);
  return { ...(declare ? { declare } : {}), commands };
}

function argFor(template: string, token: ExprToken): Arg {
  switch (token.kind) {
    case 'field':
      return { kind: 'field', base: null, path: token.text === '.' ? [] : token.text.slice(1).split('.') };
    case 'variable': {
      const [base, ...path] = token.text.split('.');
      return { kind: 'field', base: base as string, path };
    }
    case 'string':
      return { kind: 'literal', value: parseStringLiteral(template, token.text) };
    case 'number':
      return { kind: 'literal', value: Number(token.text) };
    case 'identifier':
      if (token.text === 'true' || token.text === 'false') return { kind: 'literal', value: token.text === 'true' };
      if (token.text === 'nil') return { kind: 'literal', value: null };
      return { kind: 'function', name: token.text };
    default:
      throw new TemplateError(`unexpected "${token.kind}"`, template);
  }
}

/** Go's truth: false, 0, nil, and empty strings, lists and maps are false. */
export function isTruthy(value: Value): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === 0n || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** Go's `%v` for the values Helm reads from YAML (numbers are float64). */
export function formatValue(value: Value): string {
  if (value === undefined) return '';
  if (value === null) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return formatGoFloat(value);
  if (typeof value === 'bigint') return String(value);
  throw new Error(`cannot print a ${Array.isArray(value) ? 'list' : 'map'} (${JSON.stringify(value)}); use toYaml`);
}

function formatGoFloat(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  if (n === 0) return '0';
  const [mantissa, exponentText] = n.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  // fmt's %v is strconv's shortest 'g': exponent form when the exponent is below -4 or 6 and more.
  if (exponent < -4 || exponent >= 6) return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return String(n);
}

type TemplateFunction = (...args: Value[]) => Value;

class Evaluator {
  private readonly functions: Record<string, TemplateFunction>;
  private depth = 0;

  constructor(
    private readonly templates: ReadonlyMap<string, Node[]>,
    private readonly name: string,
  ) {
    this.functions = this.buildFunctions();
  }

  run(nodes: readonly Node[], data: Value): string {
    return this.execute(nodes, data, [new Map([['$', data]])]);
  }

  private execute(nodes: readonly Node[], dot: Value, scopes: Map<string, Value>[]): string {
    let out = '';
    for (const node of nodes) out += this.executeNode(node, dot, scopes);
    return out;
  }

  private executeNode(node: Node, dot: Value, scopes: Map<string, Value>[]): string {
    switch (node.kind) {
      case 'text':
        return node.text;
      case 'action': {
        const value = this.evaluatePipeline(node.pipeline, dot, scopes);
        return node.pipeline.declare ? '' : this.print(value);
      }
      case 'if':
      case 'with': {
        const inner = [...scopes, new Map<string, Value>()];
        const value = this.evaluatePipeline(node.pipeline, dot, inner);
        if (isTruthy(value)) return this.execute(node.body, node.kind === 'with' ? value : dot, inner);
        return this.execute(node.otherwise, dot, inner);
      }
      case 'range':
        return this.executeRange(node, dot, scopes);
      case 'template': {
        const data = node.pipeline ? this.evaluatePipeline(node.pipeline, dot, scopes) : null;
        return this.include(node.name, data);
      }
    }
  }

  private executeRange(node: Extract<Node, { kind: 'range' }>, dot: Value, scopes: Map<string, Value>[]): string {
    const names = node.pipeline.declare?.names ?? [];
    const collection = this.evaluatePipeline({ commands: node.pipeline.commands }, dot, scopes);
    const entries: [Value, Value][] = Array.isArray(collection)
      ? collection.map((item, index) => [index, item])
      : collection !== null && typeof collection === 'object'
        ? Object.keys(collection)
            .sort()
            .map((key) => [key, (collection as Record<string, Value>)[key]])
        : isTruthy(collection)
          ? this.fail(`range over ${typeof collection}`)
          : [];
    if (entries.length === 0) return this.execute(node.otherwise, dot, [...scopes, new Map()]);
    let out = '';
    for (const [key, item] of entries) {
      const scope = new Map<string, Value>();
      if (names.length === 1) scope.set(names[0] as string, item);
      if (names.length === 2) {
        scope.set(names[0] as string, key);
        scope.set(names[1] as string, item);
      }
      out += this.execute(node.body, item, [...scopes, scope]);
    }
    return out;
  }

  private evaluatePipeline(pipeline: Pipeline, dot: Value, scopes: Map<string, Value>[]): Value {
    let value: Value = undefined;
    let piped = false;
    for (const command of pipeline.commands) {
      value = this.evaluateCommand(command, dot, scopes, piped ? [value] : []);
      piped = true;
    }
    if (pipeline.declare) {
      const [name] = pipeline.declare.names;
      if (pipeline.declare.names.length !== 1) this.fail('only one variable per declaration outside range');
      if (pipeline.declare.assign) {
        const owner = [...scopes].reverse().find((scope) => scope.has(name as string));
        if (owner === undefined) this.fail(`assignment to undeclared variable ${name}`);
        owner?.set(name as string, value);
      } else {
        (scopes.at(-1) as Map<string, Value>).set(name as string, value);
      }
    }
    return value;
  }

  private evaluateCommand(command: readonly Arg[], dot: Value, scopes: Map<string, Value>[], piped: readonly Value[]): Value {
    const [head, ...rest] = command;
    if (head?.kind === 'function') {
      const fn = this.functions[head.name];
      if (fn === undefined) this.fail(`function "${head.name}" is not supported by this renderer`);
      const args = [...rest.map((arg) => this.evaluateArg(arg, dot, scopes)), ...piped];
      return (fn as TemplateFunction)(...args);
    }
    if (head?.kind === 'field') {
      // A method of the data (.Files.Get "x"): Go calls it with the command's arguments.
      const value = this.evaluateArg(head, dot, scopes);
      if (typeof value === 'function') return (value as TemplateFunction)(...rest.map((arg) => this.evaluateArg(arg, dot, scopes)), ...piped);
      if (command.length !== 1 || piped.length > 0) this.fail('arguments given to a value that is not a function');
      return value;
    }
    if (command.length !== 1 || piped.length > 0) this.fail('arguments given to a value that is not a function');
    return this.evaluateArg(head as Arg, dot, scopes);
  }

  private evaluateArg(arg: Arg, dot: Value, scopes: Map<string, Value>[]): Value {
    switch (arg.kind) {
      case 'literal':
        return arg.value;
      case 'pipeline':
        return this.evaluatePipeline(arg.pipeline, dot, scopes);
      case 'function': {
        const fn = this.functions[arg.name];
        if (fn === undefined) this.fail(`function "${arg.name}" is not supported by this renderer`);
        return (fn as TemplateFunction)();
      }
      case 'field': {
        let base: Value = dot;
        if (arg.base !== null) {
          const owner = [...scopes].reverse().find((scope) => scope.has(arg.base as string));
          if (owner === undefined) this.fail(`undefined variable ${arg.base}`);
          base = owner?.get(arg.base);
        }
        return arg.path.reduce<Value>((value, key, index) => {
          if (value === undefined || value === null) {
            this.fail(`nil pointer evaluating .${arg.path.slice(0, index + 1).join('.')}`);
          }
          if (typeof value !== 'object' || Array.isArray(value)) this.fail(`can't evaluate field ${key} in a ${typeof value}`);
          return (value as Record<string, Value>)[key];
        }, base);
      }
    }
  }

  private print(value: Value): string {
    try {
      return formatValue(value);
    } catch (error) {
      return this.fail((error as Error).message);
    }
  }

  private include(name: string, data: Value): string {
    const nodes = this.templates.get(name);
    if (nodes === undefined) this.fail(`no template named "${name}"`);
    if (++this.depth > 100) this.fail(`include "${name}" nests too deep`);
    try {
      return this.execute(nodes as Node[], data, [new Map([['$', data]])]);
    } finally {
      this.depth -= 1;
    }
  }

  private fail(message: string): never {
    throw new TemplateError(message, this.name);
  }

  /** The names of the functions templates may call. */
  functionNames(): string[] {
    return Object.keys(this.functions);
  }

  private buildFunctions(): Record<string, TemplateFunction> {
    const text = (value: Value): string => (typeof value === 'string' ? value : formatValue(value));
    const indent = (width: Value, value: Value): string => {
      const pad = ' '.repeat(Number(width));
      return pad + text(value).split('\n').join(`\n${pad}`);
    };
    // Go orders two strings or two numbers; anything else is an error.
    const ordered = (a: Value, b: Value): number => {
      if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
      const numeric = (v: Value): boolean => typeof v === 'number' || typeof v === 'bigint';
      if (!numeric(a) || !numeric(b)) this.fail(`incompatible types for comparison: ${typeof a} and ${typeof b}`);
      return Number(a) - Number(b);
    };
    const compare = (a: Value, b: Value): boolean => {
      if (typeof a !== typeof b && !(a == null && b == null)) this.fail(`incompatible types for comparison: ${typeof a} and ${typeof b}`);
      return a === b;
    };
    return {
      include: (name, data) => this.include(text(name), data),
      toYaml: (value) =>
        value === undefined ? 'null' : stringify(value, { lineWidth: 0, sortMapEntries: true, indentSeq: false, version: '1.1' }).replace(/\n$/, ''),
      toJson: (value) => JSON.stringify(sortKeys(value)) ?? 'null',
      nindent: (width, value) => `\n${indent(width, value)}`,
      indent,
      quote: (...values) =>
        values
          .filter((v) => v !== undefined && v !== null)
          .map((v) => JSON.stringify(text(v)))
          .join(' '),
      toString: (value: Value) => (value === undefined ? '<nil>' : text(value)),
      default: (...args) => {
        const [fallback, given] = args;
        return args.length < 2 || !isTruthy(given) ? fallback : given;
      },
      empty: (value) => !isTruthy(value),
      required: (message, value) => (value === undefined || value === null || value === '' ? this.fail(text(message)) : value),
      fail: (message) => this.fail(text(message)),
      trunc: (length, value) => {
        const n = Number(length);
        const s = text(value);
        return n >= 0 ? s.slice(0, n) : s.slice(Math.max(0, s.length + n));
      },
      trimSuffix: (suffix, value) => (text(value).endsWith(text(suffix)) && text(suffix) !== '' ? text(value).slice(0, -text(suffix).length) : text(value)),
      trimPrefix: (prefix, value) => (text(value).startsWith(text(prefix)) ? text(value).slice(text(prefix).length) : text(value)),
      hasPrefix: (prefix, value) => text(value).startsWith(text(prefix)),
      hasSuffix: (suffix, value) => text(value).endsWith(text(suffix)),
      contains: (substring, value) => text(value).includes(text(substring)),
      replace: (from, to, value) => text(value).split(text(from)).join(text(to)),
      lower: (value) => text(value).toLowerCase(),
      upper: (value) => text(value).toUpperCase(),
      printf: (format, ...args) => formatPrintf(text(format), args, (message) => this.fail(message)),
      // fmt.Sprint: a space between two operands when neither is a string.
      print: (...args) => args.map((a, i) => (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string' ? ' ' : '') + text(a)).join(''),
      eq: (a, ...others) => others.some((b) => compare(a, b)),
      ne: (a, b) => !compare(a, b),
      lt: (a, b) => ordered(a, b) < 0,
      gt: (a, b) => ordered(a, b) > 0,
      not: (value) => !isTruthy(value),
      and: (...values) => values.find((v) => !isTruthy(v)) ?? values.at(-1),
      or: (...values) => values.find((v) => isTruthy(v)) ?? values.at(-1),
      index: (collection, ...keys) =>
        keys.reduce<Value>((value, key) => (value === undefined || value === null ? undefined : (value as Record<string, Value>)[String(key)]), collection),
      hasKey: (map, key) => map !== null && typeof map === 'object' && Object.hasOwn(map, text(key)),
      // Go integers (Sprig's int/int64) are bigints here, so they print without an exponent.
      int: (value) => toGoInt(value),
      int64: (value) => toGoInt(value),
      sha256sum: (value) => createHash('sha256').update(text(value)).digest('hex'),
    };
  }
}

/** Sprig's toInt64 (spf13/cast): floats truncate, numeric strings parse, anything else is 0. */
function toGoInt(value: Value): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.trunc(value));
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return BigInt(value.trim());
  return 0n;
}

function sortKeys(value: Value): Value {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, Value>)[key])]),
    );
  }
  return value;
}

function formatPrintf(format: string, args: readonly Value[], fail: (message: string) => never): string {
  let next = 0;
  return format.replace(/%([svdq%])/g, (_match, verb: string) => {
    if (verb === '%') return '%';
    if (next >= args.length) fail(`printf: missing argument for %${verb}`);
    const value = args[next++];
    if (verb === 'q') return JSON.stringify(formatValue(value));
    if (verb === 'd' && (typeof value !== 'number' || !Number.isInteger(value))) fail(`printf: %d needs an integer`);
    return typeof value === 'string' ? value : formatValue(value);
  });
}

/** Every function this renderer implements; go-template-functions.test.ts checks each. */
export const SUPPORTED_FUNCTIONS: ReadonlySet<string> = new Set(new Evaluator(new Map(), 'functions').functionNames());
