/**
 * Compiles an include/exclude filter of an intent. Every consumer (validation, the resolver,
 * the dashboard preview) must compile patterns the same way, so they all come through here:
 * JavaScript syntax, no flags (case-sensitive, unanchored), matched against model and slug.
 * @throws SyntaxError when the pattern does not compile.
 */
export function compileIntentPattern(pattern: string): RegExp {
  return new RegExp(pattern);
}

/** Why `pattern` does not compile, in the form `invalid regular expression "([": <reason>`. */
export function describePatternProblem(pattern: string): string | undefined {
  try {
    compileIntentPattern(pattern);
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : '';
    return `invalid regular expression ${JSON.stringify(pattern)}${reason ? `: ${reason}` : ''}`;
  }
}
