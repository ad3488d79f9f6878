// Reading the workflows' form JSON Schemas (zod's toJSONSchema output, draft 2020-12): which
// input each property needs, its defaults, and the values to send.
import type { JsonSchema } from '../api/types.ts';

export type FieldKind = 'enum' | 'string' | 'string-list' | 'enum-list' | 'boolean' | 'number' | 'integer' | 'json';

function types(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type as string[];
  if (typeof schema.type === 'string') return [schema.type];
  const alternatives = schema.anyOf ?? schema.oneOf ?? [];
  return alternatives.flatMap((s) => types(s));
}

/** Whether the property also accepts null (an empty input then sends null). */
export function isNullable(schema: JsonSchema): boolean {
  return types(schema).includes('null');
}

/** The schema without its null alternative. */
function nonNull(schema: JsonSchema): JsonSchema {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return alternatives.find((s) => !types(s).includes('null') || types(s).length > 1) ?? schema;
  return schema;
}

export function fieldKind(schema: JsonSchema): FieldKind {
  const s = nonNull(schema);
  if (s.enum) return 'enum';
  const t = types(s).filter((x) => x !== 'null');
  if (t.includes('array')) return s.items?.enum ? 'enum-list' : types(s.items ?? {}).includes('string') ? 'string-list' : 'json';
  if (t.includes('boolean')) return 'boolean';
  if (t.includes('integer')) return 'integer';
  if (t.includes('number')) return 'number';
  if (t.includes('string')) return 'string';
  return 'json';
}

export function enumOptions(schema: JsonSchema): string[] {
  const s = nonNull(schema);
  return (s.enum ?? s.items?.enum ?? []).map(String);
}

/** The label of a property: its description (zod's .describe), its title, or its name made readable. */
export function labelOf(name: string, schema: JsonSchema): string {
  return schema.description ?? schema.title ?? name.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}

/** Starting values: each property's default, else empty. */
export function initialValues(schema: JsonSchema): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (property.default !== undefined) values[name] = structuredClone(property.default);
    else {
      const kind = fieldKind(property);
      values[name] = kind === 'boolean' ? false : kind === 'string-list' || kind === 'enum-list' ? [] : '';
    }
  }
  return values;
}

/**
 * The form to send: empty optional inputs are left out (or null where the schema allows it), so
 * the server applies its defaults and its validation reports what is really missing.
 */
export function formToSend(schema: JsonSchema, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const required = new Set(schema.required ?? []);
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const value = values[name];
    const empty = value === '' || value === undefined || (Array.isArray(value) && value.length === 0);
    if (empty && !required.has(name)) {
      if (isNullable(property) && value === '') out[name] = null;
      continue;
    }
    const kind = fieldKind(property);
    if ((kind === 'integer' || kind === 'number') && typeof value === 'string') out[name] = value === '' ? value : Number(value);
    else out[name] = value;
  }
  return out;
}
