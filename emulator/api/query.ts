/** Query parameters in order of appearance, repeated keys kept (Django's QueryDict). */
export type QueryPairs = ReadonlyArray<readonly [string, string]>;

/** Parses a raw query string the way Python's parse_qsl(keep_blank_values=True) does. */
export function parseQuery(raw: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (!raw) return out;
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? '' : part.slice(eq + 1);
    out.push([unquotePlus(key), unquotePlus(value)]);
  }
  return out;
}

function unquotePlus(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }
}

/** Python's urllib.parse.quote_plus. */
export function quotePlus(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** All values of `key`, in order. */
export function values(query: QueryPairs, key: string): string[] {
  const out: string[] = [];
  for (const [k, v] of query) if (k === key) out.push(v);
  return out;
}

/** The last value of `key` (Django's QueryDict.get), or undefined. */
export function lastValue(query: QueryPairs, key: string): string | undefined {
  let found: string | undefined;
  for (const [k, v] of query) if (k === key) found = v;
  return found;
}

/**
 * DRF's replace_query_param / remove_query_param: sets (or, for null, removes) the given
 * parameters, then re-encodes every parameter sorted by name — which is why NetBox's
 * next/previous links list their parameters alphabetically.
 */
export function withParams(query: QueryPairs, changes: Readonly<Record<string, string | null>>): string {
  const grouped = new Map<string, string[]>();
  for (const [k, v] of query) {
    if (k in changes) continue;
    const list = grouped.get(k) ?? [];
    list.push(v);
    grouped.set(k, list);
  }
  for (const [k, v] of Object.entries(changes)) if (v !== null) grouped.set(k, [v]);
  const keys = [...grouped.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const parts: string[] = [];
  for (const k of keys) for (const v of grouped.get(k) ?? []) parts.push(`${quotePlus(k)}=${quotePlus(v)}`);
  return parts.join('&');
}
