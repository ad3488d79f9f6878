import { load, YAML11_SCHEMA, YAMLException } from 'js-yaml';
import { NOT_HANDLED, parseSimpleYaml } from './fast-yaml.ts';
import { createIssue } from './issues.ts';
import type { CatalogueIssue } from './issues.ts';

/** Limits that keep a hostile or broken file from exhausting memory or time. */
export interface YamlLimits {
  /** Alias nodes (`*name`) allowed in one file. The library itself uses none. */
  readonly maxAliases: number;
  /** Nodes the document may have once aliases are expanded (a billion-laughs guard). */
  readonly maxExpandedNodes: number;
}

export const DEFAULT_YAML_LIMITS: YamlLimits = { maxAliases: 100, maxExpandedNodes: 100_000 };

export type ParsedYaml = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly issue: CatalogueIssue };

/**
 * Parses one library file the way the library's own tooling (PyYAML's safe_load, YAML 1.1)
 * reads it. The YAML 1.1 schema is what keeps `name: 08` and `part_number: 02351930` strings:
 * they are not YAML 1.1 integers (a leading zero means octal, and 8/9 are not octal digits),
 * whereas the YAML 1.2 core schema of js-yaml's and `yaml`'s defaults turns them into 8 and
 * 2351930. On the snapshot this gives exactly PyYAML's values for all 5,915 files.
 * Files in the library's plain style go through a fast path with the same results.
 */
export function parseLibraryYaml(text: string, file: string, limits: YamlLimits = DEFAULT_YAML_LIMITS): ParsedYaml {
  // 96% of the library's files take the fast path; it never produces aliases.
  const simple = parseSimpleYaml(text);
  if (simple !== NOT_HANDLED) return { ok: true, value: simple };
  let value: unknown;
  try {
    value = load(text, { schema: YAML11_SCHEMA, maxAliases: limits.maxAliases, filename: file });
  } catch (error) {
    return { ok: false, issue: describeYamlError(error, file) };
  }
  // Aliases share one object in memory, but everything that walks the document afterwards
  // (schema validation, mapping) pays for the expanded size, so measure it first.
  if (text.includes('*') && countExpandedNodes(value, limits.maxExpandedNodes) > limits.maxExpandedNodes) {
    return {
      ok: false,
      issue: createIssue(
        'yaml-aliases',
        'error',
        `aliases expand to more than ${limits.maxExpandedNodes} nodes (an alias bomb?); file skipped — write the values out instead of aliasing them`,
        { file },
      ),
    };
  }
  return { ok: true, value };
}

function describeYamlError(error: unknown, file: string): CatalogueIssue {
  if (error instanceof YAMLException) {
    const where = error.mark ? { file, line: error.mark.line + 1, column: error.mark.column + 1 } : { file };
    const aliases = error.reason.includes('maxAliases');
    return createIssue(
      aliases ? 'yaml-aliases' : 'yaml-syntax',
      'error',
      aliases
        ? `too many YAML aliases (${error.reason}); file skipped — write the values out instead of aliasing them`
        : `invalid YAML: ${error.reason}; file skipped — fix the syntax`,
      where,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return createIssue('yaml-syntax', 'error', `could not parse YAML: ${message}; file skipped`, { file });
}

/**
 * Counts nodes as if every alias were copied out, stopping once `limit` is passed. Shared
 * objects are counted once per reference via a memo, so a bomb costs O(distinct nodes).
 * A cycle (a recursive alias) counts as unbounded.
 */
function countExpandedNodes(root: unknown, limit: number): number {
  const memo = new Map<object, number>();
  const visiting = new Set<object>();
  const count = (node: unknown): number => {
    if (node === null || typeof node !== 'object') return 1;
    const known = memo.get(node);
    if (known !== undefined) return known;
    if (visiting.has(node)) return Number.POSITIVE_INFINITY;
    visiting.add(node);
    let total = 1;
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) {
      total += count(child);
      if (total > limit) break;
    }
    visiting.delete(node);
    memo.set(node, total);
    return total;
  };
  return count(root);
}
