import { RE2JS } from 're2js';
import { escapeControlCharacters } from '../errors/index.ts';

/**
 * Longest pattern accepted anywhere a user supplies one (intent include/exclude, module type
 * filters, the import form's device_type_filter). Matching is linear in the input, but the
 * compiled program grows with the pattern: the cap bounds that too.
 */
export const MAX_PATTERN_LENGTH = 1000;

/** Where to read about the accepted syntax. */
const SYNTAX_URL = 'https://github.com/google/re2/wiki/Syntax';

/** A compiled user pattern: unanchored, case-sensitive search in linear time. */
export interface IntentPattern {
  /** The pattern as written. */
  readonly source: string;
  /** Whether the pattern matches anywhere in `text` (like RegExp#test, without its lastIndex state). */
  test(text: string): boolean;
}

/** A user-supplied pattern was refused: too long, bad syntax, or syntax RE2 cannot run in linear time. */
export class PatternSyntaxError extends SyntaxError {
  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`invalid regular expression ${quote(pattern)}: ${reason}`);
    this.name = 'PatternSyntaxError';
  }
}

/**
 * Compiles a user-supplied pattern. Every consumer (validation, the resolver, the import forms,
 * the dashboard preview) compiles patterns here, so all agree: RE2 syntax — JavaScript's for
 * everything but lookaround and backreferences, which cannot run in linear time — no flags
 * (case-sensitive, unanchored), matched against model and slug. RE2 runs in time linear in the
 * input whatever the pattern (`^([\w-]+)+!$` cannot backtrack), so a hostile pattern cannot stall
 * a worker.
 * @throws PatternSyntaxError when the pattern is too long or does not compile.
 */
export function compileIntentPattern(pattern: string): IntentPattern {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new PatternSyntaxError(pattern, `${pattern.length} characters, over the limit of ${MAX_PATTERN_LENGTH}`);
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (error) {
    throw new PatternSyntaxError(pattern, reasonOf(error));
  }
  return { source: pattern, test: (text) => compiled.test(text) };
}

/** Why `pattern` is refused, in the form `invalid regular expression "([": <reason>`; undefined when it compiles. */
export function describePatternProblem(pattern: string): string | undefined {
  try {
    compileIntentPattern(pattern);
    return undefined;
  } catch (error) {
    return error instanceof PatternSyntaxError ? error.message : `invalid regular expression ${quote(pattern)}`;
  }
}

function reasonOf(error: unknown): string {
  const raw = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
  const text = escapeControlCharacters(raw);
  if (/\(\?[=!<]|\\[1-9]|unsupported Perl syntax|invalid escape sequence: `\\[1-9k]/.test(raw)) {
    return `${text}; lookahead, lookbehind and backreferences are not supported (patterns use RE2 syntax, which runs in linear time: ${SYNTAX_URL})`;
  }
  if (/invalid escape sequence: `\\u/.test(raw)) return `${text}; write \\x{00e9} instead of \\u00e9 (RE2 syntax: ${SYNTAX_URL})`;
  if (/invalid repeat count/.test(raw)) return `${text}; repeat counts are limited to 1000 in total`;
  return `${text} (RE2 syntax: ${SYNTAX_URL})`;
}

/** JSON-quoted, shortened for messages: a pattern may be up to MAX_PATTERN_LENGTH long. */
function quote(pattern: string): string {
  return escapeControlCharacters(JSON.stringify(pattern.length > 80 ? `${pattern.slice(0, 77)}...` : pattern));
}
