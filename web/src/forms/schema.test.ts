import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../api/types.ts';
import { fieldKind, formToSend, initialValues, isNullable, labelOf } from './schema.ts';

// The forms as GET /api/v1/workflows returns them (zod's toJSONSchema, input side).
const VENDORS: JsonSchema = {
  type: 'object',
  properties: {
    selected_vendors: { default: ['all'], description: 'Select vendors to import', minItems: 1, type: 'array', items: { type: 'string', minLength: 1 } },
  },
};
const DEVICE_TYPES: JsonSchema = {
  type: 'object',
  properties: {
    selected_vendor: { type: 'string', minLength: 1, description: 'Select vendor' },
    device_type_filter: { description: 'Filter device types (regex pattern)', type: ['string', 'null'] },
  },
  required: ['selected_vendor'],
};
const RECONCILE: JsonSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['VendorSet', 'DeviceTypeSet'], description: 'Intent kind' },
    name: { type: 'string', minLength: 1, maxLength: 253 },
  },
  required: ['kind', 'name'],
};

describe('workflow form schemas', () => {
  it('picks an input per property type', () => {
    expect(fieldKind(VENDORS.properties?.selected_vendors ?? {})).toBe('string-list');
    expect(fieldKind(DEVICE_TYPES.properties?.device_type_filter ?? {})).toBe('string');
    expect(isNullable(DEVICE_TYPES.properties?.device_type_filter ?? {})).toBe(true);
    expect(fieldKind(RECONCILE.properties?.kind ?? {})).toBe('enum');
    expect(fieldKind({ type: 'boolean' })).toBe('boolean');
    expect(fieldKind({ type: 'array', items: { enum: ['a', 'b'] } })).toBe('enum-list');
    expect(fieldKind({ anyOf: [{ type: 'integer' }, { type: 'null' }] })).toBe('integer');
    expect(labelOf('device_type_filter', DEVICE_TYPES.properties?.device_type_filter ?? {})).toBe('Filter device types (regex pattern)');
    expect(labelOf('name', RECONCILE.properties?.name ?? {})).toBe('Name');
  });

  it('starts from the defaults (the seed: all vendors)', () => {
    expect(initialValues(VENDORS)).toEqual({ selected_vendors: ['all'] });
    expect(initialValues(DEVICE_TYPES)).toEqual({ selected_vendor: '', device_type_filter: '' });
  });

  it('sends null for an empty nullable field, leaves out other empty optional fields, keeps required ones for the server to report', () => {
    expect(formToSend(DEVICE_TYPES, { selected_vendor: 'Arista', device_type_filter: '' })).toEqual({ selected_vendor: 'Arista', device_type_filter: null });
    expect(formToSend(DEVICE_TYPES, { selected_vendor: '', device_type_filter: '^DCS' })).toEqual({ selected_vendor: '', device_type_filter: '^DCS' });
    expect(formToSend(VENDORS, { selected_vendors: [] })).toEqual({});
    expect(formToSend({ type: 'object', properties: { n: { type: 'integer' } } }, { n: '5' })).toEqual({ n: 5 });
  });
});
