/** One step into a parsed document: an object key or an array index. */
export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/**
 * Formats a field path the way editors and CI logs show it: `spec.include[2]`,
 * `metadata.labels["app.kubernetes.io/name"]`. Keys that are not plain identifiers are
 * quoted so the path stays unambiguous.
 */
export function formatFieldPath(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}
