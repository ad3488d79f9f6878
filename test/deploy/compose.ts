// Reading docker-compose.yml the way Compose does, without a Docker engine: YAML with merge keys,
// then `${...}` interpolation from an environment (the .env file), per the Compose specification's
// interpolation section.

/** Raised for `${VAR:?message}` / `${VAR?message}` when VAR is missing, as Compose refuses to start. */
export class InterpolationError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

/** Index of the `}` closing the `${` that starts at `open`, skipping nested `${...}`. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text.startsWith('${', i)) {
      depth++;
      i++;
    } else if (text[i] === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  throw new Error(`unterminated \${ in ${JSON.stringify(text)}`);
}

/** One `${...}` body: NAME, then nothing or one of :- - :? ? :+ + and its (interpolated) argument. */
function substitute(body: string, env: Readonly<Record<string, string | undefined>>): string {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:-|-|:\?|\?|:\+|\+)([\s\S]*))?$/.exec(body);
  if (!match) throw new Error(`invalid interpolation \${${body}}`);
  const [, name = '', operator, argument = ''] = match;
  const value = env[name];
  const unset = value === undefined;
  const empty = unset || value === '';
  switch (operator) {
    case undefined:
      return value ?? '';
    case ':-':
      return empty ? interpolate(argument, env) : (value as string);
    case '-':
      return unset ? interpolate(argument, env) : value;
    case ':?':
      if (empty) throw new InterpolationError(name, interpolate(argument, env));
      return value as string;
    case '?':
      if (unset) throw new InterpolationError(name, interpolate(argument, env));
      return value;
    case ':+':
      return empty ? '' : interpolate(argument, env);
    default:
      return unset ? '' : interpolate(argument, env);
  }
}

/** Replaces `$VAR`, `${VAR...}` and `$$` in one string. */
export function interpolate(text: string, env: Readonly<Record<string, string | undefined>>): string {
  let result = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '$') {
      result += text[i];
    } else if (text[i + 1] === '$') {
      result += '$';
      i++;
    } else if (text[i + 1] === '{') {
      const end = closingBrace(text, i);
      result += substitute(text.slice(i + 2, end), env);
      i = end;
    } else {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1))?.[0];
      if (name === undefined) {
        result += '$';
      } else {
        result += env[name] ?? '';
        i += name.length;
      }
    }
  }
  return result;
}

/** Interpolates every string value (not keys) of a parsed Compose model. */
export function interpolateModel(value: unknown, env: Readonly<Record<string, string | undefined>>): unknown {
  if (typeof value === 'string') return interpolate(value, env);
  if (Array.isArray(value)) return value.map((v) => interpolateModel(v, env));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateModel(v, env)]));
  return value;
}

/** The variables `${NAME...}` / `$NAME` a text refers to (`$$` escapes excluded), nested ones too. */
export function referencedVariables(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.replace(/\$\$/g, '').matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(match[1] as string);
  return names;
}

/** KEY=VALUE lines of a .env file; comments and blank lines skipped, no quoting needed here. */
export function parseDotEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match) env[match[1] as string] = (match[2] as string).trim();
  }
  return env;
}
