import type { ChoiceSet } from '../choices.ts';
import type { ErrorDetail, FieldValue, Json, TableName } from './types.ts';
import { pythonStr, pythonTypeName } from './text.ts';

/** How a writable field is parsed; the messages follow Django REST framework and NetBox. */
export type FieldKind =
  | { readonly type: 'char'; readonly maxLength?: number; readonly blank: boolean }
  | { readonly type: 'slug'; readonly maxLength: number; readonly unicode?: boolean }
  | { readonly type: 'int'; readonly min?: number; readonly max?: number; readonly nullable: boolean }
  | { readonly type: 'decimal'; readonly maxDigits: number; readonly places: number; readonly min?: number; readonly max?: number; readonly nullable: boolean }
  | { readonly type: 'bool' }
  | { readonly type: 'choice'; readonly set: ChoiceSet; readonly nullable: boolean }
  | { readonly type: 'color' }
  | { readonly type: 'ref'; readonly target: TableName; readonly nullable: boolean; readonly style: 'nested' | 'pk' }
  /** A relation we do not emulate (platforms, owners, roles, profiles): only null is accepted. */
  | { readonly type: 'absent-ref'; readonly what: string }
  | { readonly type: 'tags' }
  | { readonly type: 'custom-fields' }
  | { readonly type: 'json' }
  | { readonly type: 'string-list' }
  | { readonly type: 'image' }
  | { readonly type: 'content-type'; readonly allowed: readonly string[] }
  | { readonly type: 'mappings'; readonly side: 'front' | 'rear' };

export interface FieldSpec {
  readonly name: string;
  readonly kind: FieldKind;
  /** Must be present when creating (and in a full PUT). */
  readonly required?: boolean;
  /** Applied when creating without the field. */
  readonly default?: FieldValue;
}

/** A port mapping as written in `rear_ports` / `front_ports` (4.5). */
export interface MappingInput {
  readonly position: number;
  readonly peer: number;
  readonly peerPosition: number;
}

/** Resolves references while parsing; implemented by the operations layer over the store. */
export interface ReferenceResolver {
  /** The id of the object `value` refers to (numeric id or attribute dict), or a message. */
  resolveNested(target: TableName, value: Json): number | string;
  /** The id of the object a primary-key field refers to, or a message. */
  resolvePk(target: TableName, value: Json): number | string;
}

export type ParseResult = { readonly ok: true; readonly value: FieldValue } | { readonly ok: false; readonly error: ErrorDetail };

const ok = (value: FieldValue): ParseResult => ({ ok: true, value });
const fail = (...messages: string[]): ParseResult => ({ ok: false, error: messages });

const TRUE_VALUES = new Set<Json>(['t', 'T', 'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON', '1', 1, true]);
const FALSE_VALUES = new Set<Json>(['f', 'F', 'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF', '0', 0, false]);
const SLUG = /^[-a-zA-Z0-9_]+$/;
const UNICODE_SLUG = /^[-\p{L}\p{N}_]+$/u;
const COLOR = /^[0-9a-f]{6}$/;

/** Parses one incoming value the way NetBox's serializer field would. */
export function parseField(kind: FieldKind, raw: Json, refs: ReferenceResolver): ParseResult {
  switch (kind.type) {
    case 'char':
      return parseChar(raw, kind.blank, kind.maxLength);
    case 'slug':
      return parseSlug(raw, kind.maxLength, kind.unicode === true);
    case 'int':
      return parseInteger(raw, kind);
    case 'decimal':
      return parseDecimal(raw, kind);
    case 'bool':
      return parseBool(raw);
    case 'choice':
      return parseChoice(raw, kind.set, kind.nullable);
    case 'color':
      return parseColor(raw);
    case 'ref':
      return parseRef(raw, kind, refs);
    case 'absent-ref':
      if (raw === null) return ok(null);
      return fail(
        typeof raw === 'object'
          ? `Related object not found using the provided attributes: ${pythonStr(raw)}`
          : `Related object not found using the provided numeric ID: ${pythonStr(raw)}`,
      );
    case 'tags':
      return parseTags(raw, refs);
    case 'custom-fields':
      return parseCustomFields(raw);
    case 'json':
      return ok(raw);
    case 'string-list':
      if (!Array.isArray(raw)) return fail(`Expected a list of items but got type "${pythonTypeName(raw)}".`);
      return ok(raw.map((item) => pythonStr(item)));
    case 'image':
      if (raw === null || raw === '') return ok(null);
      return fail('The submitted data was not a file. Check the encoding type on the form.');
    case 'content-type':
      if (raw === null) return ok(null);
      if (typeof raw !== 'string' || !kind.allowed.includes(raw)) return fail(`Invalid content type: ${pythonStr(raw)}`);
      return ok(raw);
    case 'mappings':
      return parseMappings(raw, kind.side, refs);
  }
}

function parseChar(raw: Json, blank: boolean, maxLength: number | undefined): ParseResult {
  if (raw === null) return fail('This field may not be null.');
  if (typeof raw === 'boolean' || typeof raw === 'object') return fail('Not a valid string.');
  const text = String(raw).trim();
  if (text === '' && !blank) return fail('This field may not be blank.');
  if (maxLength !== undefined && [...text].length > maxLength) return fail(`Ensure this field has no more than ${maxLength} characters.`);
  return ok(text);
}

function parseSlug(raw: Json, maxLength: number, unicode: boolean): ParseResult {
  const text = parseChar(raw, false, maxLength);
  if (!text.ok) return text;
  const value = text.value as string;
  if (!(unicode ? UNICODE_SLUG : SLUG).test(value)) {
    return fail(
      unicode
        ? 'Enter a valid "slug" consisting of Unicode letters, numbers, underscores, or hyphens.'
        : 'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.',
    );
  }
  return ok(value);
}

function parseInteger(raw: Json, kind: { min?: number; max?: number; nullable: boolean }): ParseResult {
  if (raw === null || raw === '') return kind.nullable ? ok(null) : fail(raw === null ? 'This field may not be null.' : 'A valid integer is required.');
  let value: number;
  if (typeof raw === 'number') value = raw;
  else if (typeof raw === 'string' && /^\s*[+-]?\d+(\.0*)?\s*$/.test(raw)) value = Number(raw);
  else return fail('A valid integer is required.');
  if (!Number.isInteger(value)) return fail('A valid integer is required.');
  if (kind.min !== undefined && value < kind.min) return fail(`Ensure this value is greater than or equal to ${kind.min}.`);
  if (kind.max !== undefined && value > kind.max) return fail(`Ensure this value is less than or equal to ${kind.max}.`);
  return ok(value);
}

function parseDecimal(raw: Json, kind: { maxDigits: number; places: number; min?: number; max?: number; nullable: boolean }): ParseResult {
  if (raw === null || raw === '') return kind.nullable ? ok(null) : fail(raw === null ? 'This field may not be null.' : 'A valid number is required.');
  let text: string;
  if (typeof raw === 'number') text = String(raw);
  else if (typeof raw === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(raw)) text = raw.trim();
  else return fail('A valid number is required.');
  const value = Number(text);
  if (!Number.isFinite(value)) return fail('A valid number is required.');
  const [whole = '', fraction = ''] = Math.abs(value).toFixed(10).replace(/0+$/, '').split('.');
  const wholeDigits = whole === '0' ? 0 : whole.length;
  if (wholeDigits + fraction.length > kind.maxDigits) return fail(`Ensure that there are no more than ${kind.maxDigits} digits in total.`);
  if (fraction.length > kind.places) return fail(`Ensure that there are no more than ${kind.places} decimal places.`);
  if (wholeDigits > kind.maxDigits - kind.places)
    return fail(`Ensure that there are no more than ${kind.maxDigits - kind.places} digits before the decimal point.`);
  if (kind.min !== undefined && value < kind.min) return fail(`Ensure this value is greater than or equal to ${kind.min}.`);
  if (kind.max !== undefined && value > kind.max) return fail(`Ensure this value is less than or equal to ${kind.max}.`);
  return ok(value);
}

function parseBool(raw: Json): ParseResult {
  if (raw === null) return fail('This field may not be null.');
  if (TRUE_VALUES.has(raw)) return ok(true);
  if (FALSE_VALUES.has(raw)) return ok(false);
  return fail('Must be a valid boolean.');
}

function parseChoice(raw: Json, set: ChoiceSet, nullable: boolean): ParseResult {
  if (raw === null) return nullable ? ok(null) : fail('This field may not be null.');
  if (raw === '') return nullable ? ok(null) : fail('This field may not be blank.');
  if (typeof raw === 'object') return fail('Value must be passed directly (e.g. "foo": 123); do not use a dictionary or list.');
  const value = String(raw);
  if (!set.labels.has(value)) return fail(`${pythonStr(raw)} is not a valid choice.`);
  return ok(value);
}

function parseColor(raw: Json): ParseResult {
  const text = parseChar(raw, true, 6);
  if (!text.ok) return text;
  if (text.value !== '' && !COLOR.test(text.value as string)) return fail('Enter a valid hexadecimal RGB color code.');
  return text;
}

function parseRef(raw: Json, kind: { target: TableName; nullable: boolean; style: 'nested' | 'pk' }, refs: ReferenceResolver): ParseResult {
  if (raw === null) return kind.nullable ? ok(null) : fail('This field may not be null.');
  const resolved = kind.style === 'nested' ? refs.resolveNested(kind.target, raw) : refs.resolvePk(kind.target, raw);
  return typeof resolved === 'number' ? ok(resolved) : fail(resolved);
}

function parseTags(raw: Json, refs: ReferenceResolver): ParseResult {
  if (!Array.isArray(raw)) return { ok: false, error: { non_field_errors: [`Expected a list of items but got type "${pythonTypeName(raw)}".`] } };
  const ids: number[] = [];
  const errors: Array<string[] | Record<string, never>> = [];
  let failed = false;
  for (const item of raw) {
    const resolved = refs.resolveNested('tags', item);
    if (typeof resolved === 'number') {
      if (!ids.includes(resolved)) ids.push(resolved);
      errors.push({});
    } else {
      failed = true;
      errors.push([resolved]);
    }
  }
  return failed ? { ok: false, error: errors } : ok(ids);
}

function parseCustomFields(raw: Json): ParseResult {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail(`Invalid data. Expected a dictionary, but got ${pythonTypeName(raw)}.`);
  const unknown = Object.keys(raw)[0];
  if (unknown !== undefined) return fail(`Unknown field name '${unknown}' in custom field data.`);
  return ok({});
}

function parseMappings(raw: Json, side: 'front' | 'rear', refs: ReferenceResolver): ParseResult {
  if (!Array.isArray(raw)) return { ok: false, error: { non_field_errors: [`Expected a list of items but got type "${pythonTypeName(raw)}".`] } };
  const peerField = side === 'front' ? 'rear_port' : 'front_port';
  const peerPositionField = side === 'front' ? 'rear_port_position' : 'front_port_position';
  const peerTable: TableName = side === 'front' ? 'rear-port-templates' : 'front-port-templates';
  const values: Json[] = [];
  const errors: Array<Record<string, string[]>> = [];
  let failed = false;
  for (const item of raw) {
    const itemErrors: Record<string, string[]> = {};
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      failed = true;
      errors.push({ non_field_errors: [`Invalid data. Expected a dictionary, but got ${pythonTypeName(item)}.`] });
      continue;
    }
    const position = item.position === undefined ? fail('This field is required.') : parseInteger(item.position, { nullable: false });
    if (!position.ok) itemErrors.position = position.error as string[];
    const peer =
      item[peerField] === undefined
        ? fail('This field is required.')
        : parseRef(item[peerField] ?? null, { target: peerTable, nullable: false, style: 'pk' }, refs);
    if (!peer.ok) itemErrors[peerField] = peer.error as string[];
    const peerPosition = item[peerPositionField] === undefined ? ok(1) : parseInteger(item[peerPositionField] ?? null, { nullable: false, min: 1, max: 1024 });
    if (!peerPosition.ok) itemErrors[peerPositionField] = peerPosition.error as string[];
    if (Object.keys(itemErrors).length > 0) failed = true;
    errors.push(itemErrors);
    if (position.ok && peer.ok && peerPosition.ok) values.push({ position: position.value, peer: peer.value, peerPosition: peerPosition.value });
  }
  return failed ? { ok: false, error: errors } : ok(values);
}
