import type { ValidationIssue } from '../errors/index.ts';

/** What kind of problem a catalogue issue reports; stable, for the API and dashboards. */
export type CatalogueIssueCode =
  | 'read-failed'
  | 'file-too-large'
  | 'yaml-syntax'
  | 'yaml-aliases'
  | 'not-a-mapping'
  | 'schema'
  | 'unknown-key'
  | 'known-typo'
  | 'renamed-key'
  | 'duplicate-slug'
  | 'duplicate-model'
  | 'manufacturer-conflict';

/** A ValidationIssue as the catalogue reports it, with a machine-readable code. */
export interface CatalogueIssue extends ValidationIssue {
  readonly code: CatalogueIssueCode;
}

/** True when the issue came from the catalogue loader (it then carries a code). */
export function isCatalogueIssue(issue: ValidationIssue): issue is CatalogueIssue {
  return typeof (issue as { code?: unknown }).code === 'string';
}

/** Builds an issue, leaving out location fields that are unknown. */
export function createIssue(
  code: CatalogueIssueCode,
  severity: ValidationIssue['severity'],
  message: string,
  where: { file?: string; path?: string; line?: number; column?: number } = {},
): CatalogueIssue {
  const issue: { -readonly [K in keyof CatalogueIssue]?: CatalogueIssue[K] } = { code, severity, message };
  if (where.file !== undefined) issue.file = where.file;
  if (where.line !== undefined) issue.line = where.line;
  if (where.column !== undefined) issue.column = where.column;
  if (where.path !== undefined && where.path !== '') issue.path = where.path;
  return issue as CatalogueIssue;
}

/** Turns path segments into the dotted form issues use: `interfaces[3].poe_mode`. */
export function formatPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** A problem found inside one definition, located by path segments within it. */
export interface Finding {
  readonly code: CatalogueIssueCode;
  readonly severity: ValidationIssue['severity'];
  readonly message: string;
  readonly segments: readonly (string | number)[];
}
