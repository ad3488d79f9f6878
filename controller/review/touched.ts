import { isDeepStrictEqual } from 'node:util';
import { intentKey } from '../intents/index.ts';
import type { LoadedIntent } from '../intents/index.ts';
import type { TouchedIntent } from '../report/index.ts';

/** An invalid intent (its document names a kind and name but does not validate). */
export interface NamedIntent {
  readonly key: string;
  readonly file: string;
}

/**
 * The intents a change touches: added, removed, or with a different document (metadata or
 * spec; the status a controller writes is ignored). Invalid intents at the head count as
 * modified so their errors reach the review. Sorted by `Kind/name`.
 */
export function touchedIntents(base: readonly LoadedIntent[], head: readonly LoadedIntent[], headInvalid: readonly NamedIntent[] = []): TouchedIntent[] {
  const before = new Map(base.map((loaded) => [intentKey(loaded.intent), loaded]));
  const after = new Map(head.map((loaded) => [intentKey(loaded.intent), loaded]));
  const touched: TouchedIntent[] = [];
  for (const [key, loaded] of after) {
    const previous = before.get(key);
    if (!previous) touched.push({ intent: key, change: 'added', file: loaded.file });
    else if (!sameDocument(previous, loaded)) touched.push({ intent: key, change: 'modified', file: loaded.file });
  }
  for (const [key, loaded] of before)
    if (!after.has(key) && !headInvalid.some((i) => i.key === key)) touched.push({ intent: key, change: 'removed', file: loaded.file });
  for (const invalid of headInvalid)
    if (!after.has(invalid.key)) touched.push({ intent: invalid.key, change: before.has(invalid.key) ? 'modified' : 'added', file: invalid.file });
  return touched.sort((a, b) => (a.intent < b.intent ? -1 : a.intent > b.intent ? 1 : 0));
}

function sameDocument(a: LoadedIntent, b: LoadedIntent): boolean {
  const strip = (loaded: LoadedIntent): unknown => {
    const { status: _status, ...rest } = loaded.intent as typeof loaded.intent & { status?: unknown };
    return rest;
  };
  return isDeepStrictEqual(strip(a), strip(b));
}
