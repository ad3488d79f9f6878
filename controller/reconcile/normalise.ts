/**
 * Values NetBox reads back differ in form from what was written or what the library says:
 * choices come back as `{value, label}`, decimals as `1.0`, references as nested objects,
 * empty text as `""` where the library leaves the key out. Both sides go through the same
 * normalisation before comparing, so that an unchanged intent shows zero drift.
 */

/** Fields holding decimals in NetBox (u_height is DecimalField(4,1); weight DecimalField(8,2)). */
const DECIMAL_FIELDS = new Set(['u_height', 'weight', 'maximum_draw', 'allocated_draw']);
const SLUG_FIELDS = new Set(['slug']);

/** Normalises one field value for comparison; the same function serves both sides. */
export function normaliseValue(field: string, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') {
    // NetBox's serializers trim text (DRF CharField trim_whitespace), so "x\n" reads back as "x".
    const text = value.trim();
    if (text === '') return null;
    if (DECIMAL_FIELDS.has(field) && Number.isFinite(Number(text))) return Number(text);
    return SLUG_FIELDS.has(field) ? text.toLowerCase() : text;
  }
  if (Array.isArray(value)) return value.map((v) => normaliseValue(field, v));
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if ('value' in record && 'label' in record) return normaliseValue(field, record.value);
    if ('slug' in record && typeof record.slug === 'string') return record.slug.toLowerCase();
    if ('name' in record && typeof record.name === 'string' && 'id' in record) return record.name;
    if ('id' in record) return record.id;
    return value;
  }
  return value;
}

/** Deep equality of two normalised values (plain JSON data). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => valuesEqual(v, b[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => valuesEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * Compares the fields the desired side sets against the actual object. Fields the library
 * does not set are not compared: NetBox fills in its own defaults for them.
 */
export function diffFields(
  desired: Readonly<Record<string, unknown>>,
  actual: Readonly<Record<string, unknown>>,
  normaliseActual: (field: string, value: unknown) => unknown = normaliseValue,
): Record<string, { before: unknown; after: unknown }> {
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  for (const field of Object.keys(desired)) {
    const after = normaliseValue(field, desired[field]);
    const before = normaliseActual(field, actual[field]);
    if (!valuesEqual(before, after)) changes[field] = { before, after };
  }
  return changes;
}
