import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';

/**
 * Line and column (1-based) of the node at `segments` in a YAML text, or of the deepest
 * ancestor that exists. Only called for files that failed validation, so the slower
 * position-keeping parser is fine here.
 */
export function locateInYaml(text: string, segments: readonly (string | number)[]): { line: number; column: number } | undefined {
  try {
    const lineCounter = new LineCounter();
    const document = parseDocument(text, { version: '1.1', lineCounter, uniqueKeys: false });
    let node: unknown = document.contents;
    let offset = rangeStart(node);
    for (const segment of segments) {
      const next = childOf(node, segment);
      if (next === undefined) break;
      node = next.node;
      offset = next.offset ?? offset;
    }
    if (offset === undefined) return undefined;
    const position = lineCounter.linePos(offset);
    return { line: position.line, column: position.col };
  } catch {
    return undefined;
  }
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range?.[0];
}

function childOf(node: unknown, segment: string | number): { node: unknown; offset: number | undefined } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
    if (!pair) return undefined;
    // Point at the key: for an unknown or misspelt field that is where the fix goes.
    return { node: pair.value, offset: rangeStart(pair.key) };
  }
  const items = (node as { items?: unknown[] } | null)?.items;
  if (typeof segment === 'number' && Array.isArray(items) && segment < items.length) {
    const item = items[segment];
    return { node: item, offset: rangeStart(item) };
  }
  return undefined;
}
