import type { Json } from './types.ts';

/** Python's repr() of a JSON value, for messages NetBox builds with f-strings of dicts. */
export function pythonRepr(value: Json): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return pythonStringRepr(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${pythonStringRepr(k)}: ${pythonRepr(v)}`)
    .join(', ')}}`;
}

function pythonStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch < ' ') out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's str() of a scalar (the `{data}` of "{data} is not a valid choice."). */
export function pythonStr(value: Json): string {
  return typeof value === 'string' ? value : pythonRepr(value);
}

/** Python's type(x).__name__ for a JSON value. */
export function pythonTypeName(value: Json): string {
  if (value === null) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  return Array.isArray(value) ? 'list' : 'dict';
}

const DIGITS = /\d+/g;
const padDigits = (run: string): string => (run.length >= 20 ? run : run.padStart(20, '0'));
const naturalKeys = new Map<string, string>();

/**
 * A string whose plain code-unit order is NetBox's natural order ("Eth2" before "Eth10"), first
 * case-insensitively and then lowercase before uppercase, like its ICU `natural_sort` collation.
 */
export function naturalKey(text: string): string {
  let key = naturalKeys.get(text);
  if (key === undefined) {
    // Ties between spellings go lowercase first, as ICU collations order them.
    key = `${text.toLowerCase().replace(DIGITS, padDigits)}\u0002${swapCase(text).replace(DIGITS, padDigits)}`;
    // Names repeat heavily (Ethernet1..48 on every device type); a bounded cache keeps sorts cheap.
    if (naturalKeys.size > 100_000) naturalKeys.clear();
    naturalKeys.set(text, key);
  }
  return key;
}

function swapCase(text: string): string {
  let out = '';
  for (const ch of text) {
    const lower = ch.toLowerCase();
    out += ch === lower ? ch.toUpperCase() : lower;
  }
  return out;
}

/** Separates the parts of a composite sort key; sorts below every character of a part. */
export const KEY_SEPARATOR = '\u0001';

/** A fixed-width key part for ids, so they order numerically as text. */
export function idKey(id: number | null): string {
  return id === null ? '~' : String(id).padStart(12, '0');
}
