// Conflicts between enforce intents: one object, two different desired values. Each intent is
// reconciled on its own, so NetBox would flip between them on every reconcile; validate refuses
// such a pair instead, naming both files and the fields that differ.
import { TEMPLATE_KINDS } from '../catalogue/index.ts';
import type { TemplateSet } from '../catalogue/index.ts';
import type { ValidationIssue } from '../errors/index.ts';
import type { IgnoreFieldsRule, Intent, LoadedIntent } from '../intents/index.ts';
import type { DesiredDeviceType, DesiredIntent, DesiredManufacturer, DesiredModuleType } from './types.ts';

/** Where an intent came from, for messages and positions; absent for intents without a file. */
export interface IntentSourceInfo {
  readonly intent: Intent;
  readonly source: Pick<LoadedIntent, 'file' | 'locate'> | undefined;
}

type Path = (string | number)[];

/** Objects listed per conflicting pair before "and N more". */
const MAX_OBJECTS_PER_PAIR = 10;
/** Differences listed per object. */
const MAX_DIFFERENCES = 6;

interface Claim<T> {
  readonly index: number;
  readonly value: T;
}

/** A difference between two claims on one object, e.g. `u_height (1 vs 2)`. */
type Difference = string;

interface Conflict {
  readonly object: string;
  readonly a: number;
  readonly b: number;
  readonly differences: readonly Difference[];
  readonly pathA: Path;
  readonly pathB: Path;
}

/** Stable text of a value for comparing and showing: keys sorted. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function shown(value: unknown): string {
  const text = canonical(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function ignored(rules: readonly IgnoreFieldsRule[], kind: string, field: string): boolean {
  return rules.some((r) => (r.kind === undefined || r.kind === kind) && r.fields.includes(field));
}

function fieldDifferences(
  kind: string,
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
  ignoreA: readonly IgnoreFieldsRule[],
  ignoreB: readonly IgnoreFieldsRule[],
  prefix = '',
): Difference[] {
  if (a === b) return [];
  const out: Difference[] = [];
  for (const [field, value] of Object.entries(a)) {
    // A field only one of them sets is not a conflict: the other leaves it alone.
    if (!(field in b) || ignored(ignoreA, kind, field) || ignored(ignoreB, kind, field)) continue;
    if (canonical(value) !== canonical(b[field])) out.push(`${prefix}${field} (${shown(value)} vs ${shown(b[field])})`);
  }
  return out;
}

function templateDifferences(a: Claim<TypeLike>, b: Claim<TypeLike>, pa: DesiredIntent, pb: DesiredIntent): Difference[] {
  if (!pa.policy.components || !pb.policy.components || a.value.templates === b.value.templates) return [];
  const out: Difference[] = [];
  for (const kind of TEMPLATE_KINDS) {
    const objectKind = `${kind}-template`;
    const mine = new Map((a.value.templates[kind] ?? []).map((t) => [t.name, t]));
    const theirs = new Map((b.value.templates[kind] ?? []).map((t) => [t.name, t]));
    for (const [name, spec] of mine) {
      const other = theirs.get(name);
      if (other)
        out.push(...fieldDifferences(objectKind, spec.fields, other.fields, pa.policy.ignoreFields, pb.policy.ignoreFields, `${objectKind} ${name}: `));
      // Only a pruning intent deletes what it does not want: otherwise the union is stable.
      else if (pb.policy.prune) out.push(`${objectKind} ${name} (only ${refOf(pa)} wants it, ${refOf(pb)} prunes it)`);
    }
    if (pa.policy.prune)
      for (const name of theirs.keys()) if (!mine.has(name)) out.push(`${objectKind} ${name} (only ${refOf(pb)} wants it, ${refOf(pa)} prunes it)`);
  }
  return out;
}

interface TypeLike {
  readonly slug?: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly templates: TemplateSet;
  readonly images?: { readonly front?: string; readonly rear?: string };
  readonly source: string;
  readonly model: string;
}

/** Where an intent selects a device or module type, for the issue's position. */
function selectionPath(intent: Intent, type: TypeLike, kind: 'device-type' | 'module-type'): Path {
  if (intent.kind !== 'DeviceTypeSet') return ['spec'];
  const spec = intent.spec;
  if (type.source.startsWith('intent')) {
    const list = kind === 'device-type' ? spec.custom : spec.customModuleTypes;
    const index = (list ?? []).findIndex((c) => c.model === type.model);
    if (index >= 0) return ['spec', kind === 'device-type' ? 'custom' : 'customModuleTypes', index];
  }
  if (kind === 'module-type') return ['spec', 'moduleTypes'];
  const bySlug = (spec.deviceTypes?.slugs ?? []).findIndex((s) => s.toLowerCase() === type.slug?.toLowerCase());
  if (bySlug >= 0) return ['spec', 'deviceTypes', 'slugs', bySlug];
  const byModel = (spec.deviceTypes?.models ?? []).indexOf(type.model);
  if (byModel >= 0) return ['spec', 'deviceTypes', 'models', byModel];
  return spec.include !== undefined ? ['spec', 'include'] : ['spec', 'vendors'];
}

function manufacturerPath(intent: Intent, slug: string): Path {
  if (intent.kind === 'VendorSet') {
    const index = intent.spec.custom.findIndex((c) => c.slug.toLowerCase() === slug);
    if (index >= 0) return ['spec', 'custom', index];
  }
  return ['spec', 'vendors'];
}

/**
 * Finds objects that two enforce intents both want with different values: manufacturer name or
 * description (VendorSets), device and module type fields and slug, component templates (when
 * both manage them; a template only one wants conflicts when the other prunes) and images.
 * Observe intents never conflict (they contribute nothing to what is written), nor do equal
 * values or fields only one intent sets or either ignores. Each conflicting pair gives one error
 * in each intent's file, naming both files and what differs.
 */
export function findConflicts(desired: readonly DesiredIntent[], sources: readonly IntentSourceInfo[]): ValidationIssue[] {
  return [...findConflictsByIntent(desired, sources).values()].flat();
}

/** findConflicts, by the index of the intent each issue belongs to (the controller marks those intents invalid). */
export function findConflictsByIntent(desired: readonly DesiredIntent[], sources: readonly IntentSourceInfo[]): Map<number, ValidationIssue[]> {
  const enforcing = desired.map((d, index) => ({ d, index })).filter(({ d }) => d.policy.mode === 'enforce');
  if (enforcing.length < 2) return new Map();
  const conflicts: Conflict[] = [];

  const manufacturers = new Map<string, Claim<DesiredManufacturer>[]>();
  const types = new Map<string, { kind: 'device-type' | 'module-type'; claims: Claim<DesiredDeviceType | DesiredModuleType>[] }>();
  for (const { d, index } of enforcing) {
    for (const m of d.manufacturers) {
      if (!m.managed) continue;
      const slug = m.slug.toLowerCase();
      manufacturers.set(slug, [...(manufacturers.get(slug) ?? []), { index, value: m }]);
    }
    const add = (kind: 'device-type' | 'module-type', t: DesiredDeviceType | DesiredModuleType): void => {
      const key = `${kind}:${t.manufacturer.toLowerCase()}/${t.model}`;
      let entry = types.get(key);
      if (!entry) types.set(key, (entry = { kind, claims: [] }));
      if (!entry.claims.some((c) => c.index === index)) entry.claims.push({ index, value: t });
    };
    for (const t of d.deviceTypes) add('device-type', t);
    for (const t of d.moduleTypes) add('module-type', t);
  }

  for (const [slug, claims] of manufacturers) {
    const [first, ...rest] = claims;
    if (!first) continue;
    for (const other of rest) {
      const differences = fieldDifferences(
        'manufacturer',
        { name: first.value.name, ...(first.value.description !== undefined ? { description: first.value.description } : {}) },
        { name: other.value.name, ...(other.value.description !== undefined ? { description: other.value.description } : {}) },
        desired[first.index]!.policy.ignoreFields,
        desired[other.index]!.policy.ignoreFields,
      );
      if (differences.length > 0) {
        conflicts.push({
          object: `manufacturer ${slug}`,
          a: first.index,
          b: other.index,
          differences,
          pathA: manufacturerPath(sources[first.index]!.intent, slug),
          pathB: manufacturerPath(sources[other.index]!.intent, slug),
        });
      }
    }
  }

  for (const [key, { kind, claims }] of types) {
    const [first, ...rest] = claims;
    if (!first) continue;
    const identity = key.slice(kind.length + 1);
    for (const other of rest) {
      const pa = desired[first.index]!;
      const pb = desired[other.index]!;
      const a = first.value as TypeLike;
      const b = other.value as TypeLike;
      const differences = [
        ...(a.slug !== undefined && b.slug !== undefined && a.slug.toLowerCase() !== b.slug.toLowerCase()
          ? [`slug (${shown(a.slug)} vs ${shown(b.slug)})`]
          : []),
        ...fieldDifferences(kind, a.fields, b.fields, pa.policy.ignoreFields, pb.policy.ignoreFields),
        ...templateDifferences(first as Claim<TypeLike>, other as Claim<TypeLike>, pa, pb),
        ...(pa.policy.images && pb.policy.images
          ? (['front', 'rear'] as const)
              .filter((side) => a.images?.[side] && b.images?.[side] && a.images[side] !== b.images[side])
              .map((side) => `${side} image`)
          : []),
      ];
      if (differences.length > 0) {
        conflicts.push({
          object: `${kind} ${identity}`,
          a: first.index,
          b: other.index,
          differences,
          pathA: selectionPath(sources[first.index]!.intent, a, kind),
          pathB: selectionPath(sources[other.index]!.intent, b, kind),
        });
      }
    }
  }
  return issuesOf(conflicts, desired, sources);
}

function where(info: IntentSourceInfo, path: Path): string {
  if (!info.source) return '';
  const pos = info.source.locate(path);
  return pos ? `${info.source.file}:${pos.line}:${pos.column}` : info.source.file;
}

function refOf(d: DesiredIntent): string {
  return `${d.ref.kind}/${d.ref.name}`;
}

function dotted(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** One issue per intent of each conflicting pair: located in that intent's file, naming the other. */
function issuesOf(conflicts: readonly Conflict[], desired: readonly DesiredIntent[], sources: readonly IntentSourceInfo[]): Map<number, ValidationIssue[]> {
  const byPair = new Map<string, Conflict[]>();
  for (const c of conflicts) byPair.set(`${c.a}:${c.b}`, [...(byPair.get(`${c.a}:${c.b}`) ?? []), c]);
  const issues = new Map<number, ValidationIssue[]>();
  for (const list of byPair.values()) {
    const first = list[0]!;
    const objects = list
      .slice(0, MAX_OBJECTS_PER_PAIR)
      .map(
        (c) =>
          `${c.object}: ${c.differences.slice(0, MAX_DIFFERENCES).join(', ')}${c.differences.length > MAX_DIFFERENCES ? `, and ${c.differences.length - MAX_DIFFERENCES} more` : ''}`,
      )
      .join('; ');
    const more = list.length > MAX_OBJECTS_PER_PAIR ? `; and ${list.length - MAX_OBJECTS_PER_PAIR} more objects` : '';
    const sides = [
      { self: first.a, other: first.b, path: first.pathA, otherPath: first.pathB },
      { self: first.b, other: first.a, path: first.pathB, otherPath: first.pathA },
    ];
    for (const side of sides) {
      const info = sources[side.self]!;
      const otherInfo = sources[side.other]!;
      const otherAt = where(otherInfo, side.otherPath);
      const pos = info.source?.locate(side.path);
      const list = issues.get(side.self) ?? [];
      issues.set(side.self, list);
      list.push({
        severity: 'error',
        message:
          `${refOf(desired[side.self]!)} conflicts with ${refOf(desired[side.other]!)}${otherAt ? ` (${otherAt})` : ''}: both enforce different values ` +
          `(${refOf(desired[first.a]!)}'s vs ${refOf(desired[first.b]!)}'s) for ${objects}${more}. ` +
          'NetBox would flip between them on every reconcile: make the values agree, select the object in only one of them, or set one to mode: observe',
        path: dotted(side.path),
        ...(info.source ? { file: info.source.file } : {}),
        ...(pos ? { line: pos.line, column: pos.column } : {}),
      });
    }
  }
  return issues;
}
