import { z } from 'zod';
import { excerpt } from '../errors/index.ts';
import type { PathSegment } from './field-path.ts';

/**
 * A problem in one document, located by field path. The loader turns it into a
 * ValidationIssue with file, line and column; `at: 'key'` points at the field name
 * (unknown fields), `'value'` at its value.
 */
export interface FieldProblem {
  readonly path: readonly PathSegment[];
  readonly message: string;
  readonly severity: 'error' | 'warning';
  readonly at: 'key' | 'value';
}

/** Turns zod's issues into field problems that say what was expected and what was found. */
export function problemsFromZod(issues: readonly z.core.$ZodIssue[], schema: z.ZodType, input: unknown): FieldProblem[] {
  return issues.flatMap((issue) => problemsFromIssue(issue, [], schema, input));
}

function problemsFromIssue(issue: z.core.$ZodIssue, prefix: readonly PathSegment[], schema: z.ZodType, input: unknown): FieldProblem[] {
  const path = [...prefix, ...(issue.path as PathSegment[])];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = objectKeysAt(schema, path);
      return issue.keys.map((key) => ({
        path: [...path, key],
        message: unknownFieldMessage(key, allowed),
        severity: 'error',
        at: 'key',
      }));
    }
    case 'invalid_union': {
      const matching = issue.errors.filter((branch) => !branch.some(isShapeMismatchAtRoot));
      // Exactly one alternative had the right shape: its own problems say more than "invalid input".
      if (matching.length === 1) {
        return (matching[0] ?? []).flatMap((inner) => problemsFromIssue(inner, path, schema, input));
      }
      return [valueProblem(path, `${issue.message}, got ${describeValue(valueAt(input, path))}`)];
    }
    case 'invalid_type': {
      const value = valueAt(input, path);
      if (value === undefined) return [valueProblem(path, `missing required field; expected ${issue.expected}`)];
      return [valueProblem(path, `expected ${issue.expected}, got ${describeValue(value)}`)];
    }
    case 'invalid_value': {
      const value = valueAt(input, path);
      const expected = issue.values.map((option) => JSON.stringify(option)).join(' or ');
      if (value === undefined) return [valueProblem(path, `missing required field; expected ${expected}`)];
      return [valueProblem(path, `expected ${expected}, got ${describeValue(value)}`)];
    }
    default:
      return [valueProblem(path, issue.message)];
  }
}

function valueProblem(path: readonly PathSegment[], message: string): FieldProblem {
  return { path, message, severity: 'error', at: 'value' };
}

function isShapeMismatchAtRoot(issue: z.core.$ZodIssue): boolean {
  return issue.path.length === 0 && (issue.code === 'invalid_type' || issue.code === 'invalid_value');
}

function unknownFieldMessage(key: string, allowed: readonly string[]): string {
  if (allowed.length === 0) return `unknown field "${key}"`;
  const suggestion = closestName(key, allowed);
  const hint = suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
  return `unknown field "${key}"${hint} (expected one of: ${allowed.join(', ')})`;
}

/** A known name within edit distance 2 (or differing only in case), to catch typos. */
function closestName(key: string, names: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = name.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, name);
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The field names the schema allows for the object at `path` (empty when unknown). */
function objectKeysAt(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  let current: z.ZodType | undefined = schema;
  for (const segment of path) {
    current = current === undefined ? undefined : childSchema(objectLike(current), segment);
  }
  const target = current === undefined ? undefined : objectLike(current);
  return target instanceof z.ZodObject ? Object.keys(target.shape) : [];
}

/** Looks through wrappers (optional, default, pipes) and picks the object/array branch of a union. */
function objectLike(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodPrefault || current instanceof z.ZodNullable) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else if (current instanceof z.ZodUnion) {
      const options = current.options as readonly z.ZodType[];
      const structured = options.map(objectLike).find((option) => option instanceof z.ZodObject || option instanceof z.ZodArray);
      return structured ?? current;
    } else {
      return current;
    }
  }
}

function childSchema(schema: z.ZodType, segment: PathSegment): z.ZodType | undefined {
  if (schema instanceof z.ZodArray && typeof segment === 'number') return schema.element as z.ZodType;
  if (schema instanceof z.ZodObject && typeof segment === 'string') {
    const shape = schema.shape as Record<string, z.ZodType>;
    return Object.hasOwn(shape, segment) ? shape[segment] : undefined;
  }
  if (schema instanceof z.ZodRecord && typeof segment === 'string') return schema.valueType as z.ZodType;
  return undefined;
}

/** The value at `path` inside a plain parsed document. */
export function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let current: unknown = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PathSegment, unknown>)[segment];
  }
  return current;
}

/**
 * A short description of a value for messages: `number 3`, `string "x"`, `a list`, `a mapping`.
 * A string is shown as a short excerpt with control characters escaped: the value may be the
 * whole content of a file that is not an intent at all.
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return value.length > 40 ? `a string of ${value.length} characters starting ${excerpt(value, 24)}` : `string ${excerpt(value)}`;
  return `${typeof value} ${String(value).slice(0, 40)}`;
}
