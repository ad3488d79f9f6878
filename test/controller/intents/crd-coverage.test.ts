// The CRDs must refuse at `kubectl apply` what the controller's validation refuses for a
// structural reason. Each case below is checked both ways: the zod schema rejects it, and the
// generated CRD schema rejects it as an API server would (pruning with fieldValidation=Strict
// as kubectl sends it, defaults, OpenAPI schema via ajv, list-type uniqueness, CEL rules via
// @marcbachmann/cel-js). What the CRD cannot say is listed as NOT_COVERED, and checked to
// still be accepted by the CRD, so the list stays true.
import { describe, expect, it } from 'vitest';
import { renderCrdSchema, validateIntentObject } from '../../../controller/intents/index.ts';
import type { IntentKind } from '../../../controller/intents/index.ts';
import { createCrdSchemaValidator } from '../../kube-apiserver/index.ts';

type Spec = Record<string, unknown>;

const validators = {
  VendorSet: createCrdSchemaValidator(renderCrdSchema('VendorSet')),
  DeviceTypeSet: createCrdSchemaValidator(renderCrdSchema('DeviceTypeSet')),
};

function resource(kind: IntentKind, spec: Spec): Record<string, unknown> {
  return { apiVersion: 'netbox-gitops.io/v1alpha1', kind, metadata: { name: 'case' }, spec };
}

function zodErrors(kind: IntentKind, spec: Spec): string[] {
  return validateIntentObject(resource(kind, spec), { kubernetes: true })
    .issues.filter((issue) => issue.severity === 'error')
    .map((issue) => `${issue.path}: ${issue.message}`);
}

function crdErrors(kind: IntentKind, spec: Spec): readonly string[] {
  return validators[kind].admit(resource(kind, spec), 'Strict').errors;
}

const VS_BASE: Spec = { vendors: ['Cisco'] };
const DTS_BASE: Spec = { vendors: ['Arista'] };
const device = (extra: Spec = {}): Spec => ({ manufacturer: 'Acme', model: 'Box', slug: 'acme-box', u_height: 1, is_full_depth: false, ...extra });
const custom = (...devices: Spec[]): Spec => ({ custom: devices });

/** [label, kind, spec]: refused by the controller and, structurally, by the CRD. */
const REJECTED: [string, IntentKind, Spec][] = [
  ["vendors of the wrong type (the issue's case)", 'VendorSet', { vendors: 42 }],
  ['vendors as a string other than the shorthand', 'VendorSet', { vendors: 'some' }],
  ['an empty vendor name', 'VendorSet', { vendors: [''] }],
  ['a vendor that is not a string', 'VendorSet', { vendors: [3] }],
  ['"all" beside other vendors', 'VendorSet', { vendors: ['all', 'Cisco'] }],
  ['the same vendor twice', 'VendorSet', { vendors: ['Arista', 'Arista'] }],
  ['too many vendors', 'VendorSet', { vendors: Array.from({ length: 1001 }, (_, i) => `v${i}`) }],
  ['a VendorSet that selects nothing', 'VendorSet', {}],
  ['a VendorSet with empty lists', 'VendorSet', { vendors: [], custom: [] }],
  ['a custom manufacturer without slug', 'VendorSet', { custom: [{ name: 'Acme' }] }],
  ['a custom manufacturer with a bad slug', 'VendorSet', { custom: [{ name: 'Acme', slug: 'ac me' }] }],
  [
    'two custom manufacturers with one slug',
    'VendorSet',
    {
      custom: [
        { name: 'A', slug: 'a' },
        { name: 'B', slug: 'a' },
      ],
    },
  ],
  ['an unknown field in a custom manufacturer', 'VendorSet', { custom: [{ name: 'A', slug: 'a', colour: 'red' }] }],
  ['an unknown spec field', 'VendorSet', { ...VS_BASE, colour: 'red' }],
  ['a DeviceTypeSet field in a VendorSet', 'VendorSet', { ...VS_BASE, include: ['x'] }],
  ['an unknown mode', 'VendorSet', { ...VS_BASE, mode: 'apply' }],
  ['prune as text', 'VendorSet', { ...VS_BASE, prune: 'yes' }],
  ['suspend as a number', 'VendorSet', { ...VS_BASE, suspend: 1 }],
  ['adopt as null', 'VendorSet', { ...VS_BASE, adopt: null }],
  ['an interval in words', 'VendorSet', { ...VS_BASE, interval: '1 hour' }],
  ['an interval in days', 'VendorSet', { ...VS_BASE, interval: '1d' }],
  ['an interval of zero', 'VendorSet', { ...VS_BASE, interval: '0s' }],
  ['an interval above 168h', 'VendorSet', { ...VS_BASE, interval: '200h' }],
  ['an interval of 168h1s', 'VendorSet', { ...VS_BASE, interval: '168h0m1s' }],
  ['an interval in the wrong order', 'VendorSet', { ...VS_BASE, interval: '30m1h' }],
  ['an empty interval', 'VendorSet', { ...VS_BASE, interval: '' }],
  ['an interval as a number', 'VendorSet', { ...VS_BASE, interval: 60 }],
  ['a very long interval text', 'VendorSet', { ...VS_BASE, interval: `${'0'.repeat(40)}1s` }],
  ['a 4-field cron schedule', 'VendorSet', { ...VS_BASE, schedule: '* * * *' }],
  ['a 6-field cron schedule', 'VendorSet', { ...VS_BASE, schedule: '0 * * * * *' }],
  ['minute 60', 'VendorSet', { ...VS_BASE, schedule: '60 * * * *' }],
  ['hour 24', 'VendorSet', { ...VS_BASE, schedule: '0 24 * * *' }],
  ['day 32', 'VendorSet', { ...VS_BASE, schedule: '0 0 32 * *' }],
  ['day 0', 'VendorSet', { ...VS_BASE, schedule: '0 0 0 * *' }],
  ['month 13', 'VendorSet', { ...VS_BASE, schedule: '0 0 * 13 *' }],
  ['an unknown month name', 'VendorSet', { ...VS_BASE, schedule: '0 0 * foo *' }],
  ['weekday 8', 'VendorSet', { ...VS_BASE, schedule: '0 0 * * 8' }],
  ['a step of zero', 'VendorSet', { ...VS_BASE, schedule: '*/0 * * * *' }],
  ['a step of 00', 'VendorSet', { ...VS_BASE, schedule: '*/00 * * * *' }],
  ['two steps', 'VendorSet', { ...VS_BASE, schedule: '*/5/2 * * * *' }],
  ['an empty list item', 'VendorSet', { ...VS_BASE, schedule: '1,,2 * * * *' }],
  ['a range of three', 'VendorSet', { ...VS_BASE, schedule: '1-2-3 * * * *' }],
  ['both interval and schedule', 'VendorSet', { ...VS_BASE, interval: '5m', schedule: '0 * * * *' }],
  ['a DeviceTypeSet that selects nothing', 'DeviceTypeSet', {}],
  ['a DeviceTypeSet with only filters', 'DeviceTypeSet', { include: ['x'], deviceTypes: { slugs: [] } }],
  ['an empty include pattern', 'DeviceTypeSet', { ...DTS_BASE, include: [''] }],
  ['an include pattern that is a number', 'DeviceTypeSet', { ...DTS_BASE, include: [3] }],
  ['an include pattern over 1000 characters', 'DeviceTypeSet', { ...DTS_BASE, include: ['x'.repeat(1001)] }],
  ['too many exclude patterns', 'DeviceTypeSet', { ...DTS_BASE, exclude: Array.from({ length: 101 }, (_, i) => `x${i}`) }],
  ['moduleTypes as text', 'DeviceTypeSet', { ...DTS_BASE, moduleTypes: 'yes' }],
  ['a misspelt moduleTypes filter', 'DeviceTypeSet', { ...DTS_BASE, moduleTypes: { exclud: ['y'] } }],
  ['an empty moduleTypes pattern', 'DeviceTypeSet', { ...DTS_BASE, moduleTypes: { include: [''] } }],
  ['an empty device-type slug pick', 'DeviceTypeSet', { deviceTypes: { slugs: [''] } }],
  ['an unknown deviceTypes field', 'DeviceTypeSet', { ...DTS_BASE, deviceTypes: { slug: ['x'] } }],
  ['components as text', 'DeviceTypeSet', { ...DTS_BASE, components: 'yes' }],
  ['a custom device type without slug', 'DeviceTypeSet', custom({ manufacturer: 'Acme', model: 'X' })],
  ['a custom device type without model', 'DeviceTypeSet', custom({ manufacturer: 'Acme', slug: 'acme-x' })],
  ['a custom device type with a bad slug', 'DeviceTypeSet', custom(device({ slug: 'acme box' }))],
  ['two custom device types with one slug', 'DeviceTypeSet', custom(device(), device({ model: 'Other' }))],
  ['u_height as text', 'DeviceTypeSet', custom(device({ u_height: 'one' }))],
  ['u_height not a multiple of 0.5', 'DeviceTypeSet', custom(device({ u_height: 1.25 }))],
  ['a negative u_height', 'DeviceTypeSet', custom(device({ u_height: -1 }))],
  ['an unknown device-type field', 'DeviceTypeSet', custom(device({ colour: 'red' }))],
  ['an interface without type', 'DeviceTypeSet', custom(device({ interfaces: [{ name: 'eth0' }] }))],
  ['an interface with an empty name', 'DeviceTypeSet', custom(device({ interfaces: [{ name: '', type: '1000base-t' }] }))],
  ['an interface name over 64 characters', 'DeviceTypeSet', custom(device({ interfaces: [{ name: 'e'.repeat(65), type: '1000base-t' }] }))],
  [
    'two interfaces with one name',
    'DeviceTypeSet',
    custom(
      device({
        interfaces: [
          { name: 'eth0', type: '1000base-t' },
          { name: 'eth0', type: '10gbase-t' },
        ],
      }),
    ),
  ],
  ['a misspelt interface field', 'DeviceTypeSet', custom(device({ interfaces: [{ name: 'eth0', type: '1000base-t', mgmt_onyl: true }] }))],
  ['mgmt_only as text', 'DeviceTypeSet', custom(device({ interfaces: [{ name: 'eth0', type: '1000base-t', mgmt_only: 'yes' }] }))],
  ['a front port without rear port', 'DeviceTypeSet', custom(device({ 'front-ports': [{ name: 'F1', type: 'lc' }] }))],
  ['a rear port with 0 positions', 'DeviceTypeSet', custom(device({ 'rear-ports': [{ name: 'R1', type: 'mpo', positions: 0 }] }))],
  ['a colour that is not hex', 'DeviceTypeSet', custom(device({ 'rear-ports': [{ name: 'R1', type: 'mpo', color: 'red' }] }))],
  ['a fractional maximum draw', 'DeviceTypeSet', custom(device({ 'power-ports': [{ name: 'P1', type: 'iec-60320-c14', maximum_draw: 1.5 }] }))],
  ['a module bay without position', 'DeviceTypeSet', custom(device({ 'module-bays': [{ name: 'Slot 1' }] }))],
  ['a custom module type without model', 'DeviceTypeSet', { customModuleTypes: [{ manufacturer: 'Acme' }] }],
  ['device bays on a module type', 'DeviceTypeSet', { customModuleTypes: [{ manufacturer: 'Acme', model: 'M', 'device-bays': [{ name: 'B' }] }] }],
];

/**
 * Refused by the controller but not expressible in a CRD: the controller reports them on the
 * object as Ready=False, reason InvalidSpec (README, "Kubernetes").
 */
const NOT_COVERED: [string, IntentKind, Spec][] = [
  ['a regular expression that does not compile (CEL has no regex check)', 'DeviceTypeSet', { ...DTS_BASE, include: ['(['] }],
  ['a regular expression with lookahead (RE2 has none)', 'DeviceTypeSet', { ...DTS_BASE, include: ['^(?=DCS)'] }],
  ['vendors that differ only in case (list-type set compares exactly)', 'VendorSet', { vendors: ['Arista', 'arista'] }],
  [
    'custom manufacturer slugs that differ only in case',
    'VendorSet',
    {
      custom: [
        { name: 'A', slug: 'acme' },
        { name: 'B', slug: 'ACME' },
      ],
    },
  ],
  ['custom device-type slugs that differ only in case', 'DeviceTypeSet', custom(device(), device({ model: 'Other', slug: 'ACME-BOX' }))],
  ['a cron range that runs backwards (a regular expression cannot compare)', 'VendorSet', { ...VS_BASE, schedule: '0 5-2 * * *' }],
];

/** Git-file shorthands the controller reads; the CRD types only the canonical form. */
const SHORTHANDS: [string, IntentKind, Spec, Spec][] = [
  ['vendors: all', 'VendorSet', { vendors: 'all' }, { vendors: ['all'] }],
  ['moduleTypes: true', 'DeviceTypeSet', { ...DTS_BASE, moduleTypes: true }, { ...DTS_BASE, moduleTypes: {} }],
  ['moduleTypes: false', 'DeviceTypeSet', { ...DTS_BASE, moduleTypes: false }, DTS_BASE],
];

const ACCEPTED: [string, IntentKind, Spec][] = [
  ['vendors: [all]', 'VendorSet', { vendors: ['all'] }],
  ['vendors: [all] in a DeviceTypeSet', 'DeviceTypeSet', { vendors: ['all'], include: ['^DCS-'] }],
  ['custom manufacturers only', 'VendorSet', { custom: [{ name: 'Acme', slug: 'acme', description: 'lab' }] }],
  ['every policy field', 'VendorSet', { ...VS_BASE, mode: 'enforce', prune: true, adopt: true, suspend: true, interval: '1h30m' }],
  ['the interval bounds', 'VendorSet', { ...VS_BASE, interval: '168h' }],
  ['a one-second interval', 'VendorSet', { ...VS_BASE, interval: '1s' }],
  ['cron lists, ranges, steps and names', 'VendorSet', { ...VS_BASE, schedule: '*/15 2-6,8 1,15 jan-MAR,jul MON-fri' }],
  ['cron with weekday 7 and leading zeros', 'VendorSet', { ...VS_BASE, schedule: '05 07 01 01 7' }],
  ['moduleTypes {} (all)', 'DeviceTypeSet', { ...DTS_BASE, moduleTypes: {} }],
  ['explicit picks only', 'DeviceTypeSet', { deviceTypes: { slugs: ['arista-dcs-7050sx3-48yc8'], models: ['DCS-7280SR-48C6'] } }],
  [
    'an inline device type with every template kind',
    'DeviceTypeSet',
    custom(
      device({
        part_number: 'A-1',
        airflow: 'front-to-rear',
        weight: 2.5,
        weight_unit: 'kg',
        u_height: 0.5,
        interfaces: [{ name: 'eth0', type: '1000base-t', mgmt_only: true, enabled: true, poe_mode: 'pd', poe_type: 'type1-ieee802.3af' }],
        'console-ports': [{ name: 'con', type: 'rj-45' }],
        'console-server-ports': [{ name: 'cs1', type: 'rj-45' }],
        'power-ports': [{ name: 'PSU1', type: 'iec-60320-c14', maximum_draw: 25, allocated_draw: 10 }],
        'power-outlets': [{ name: 'O1', type: 'iec-60320-c13', power_port: 'PSU1', feed_leg: 'A' }],
        'rear-ports': [{ name: 'R1', type: 'mpo', positions: 4, color: 'aa1409' }],
        'front-ports': [{ name: 'F1', type: 'lc', rear_port: 'R1', rear_port_position: 1 }],
        'device-bays': [{ name: 'Bay 1' }],
        'module-bays': [{ name: 'Slot 1', position: '1' }],
        'inventory-items': [{ name: 'Fan', manufacturer: 'Acme', part_id: 'F-1' }],
      }),
    ),
  ],
  [
    'an inline module type',
    'DeviceTypeSet',
    { customModuleTypes: [{ manufacturer: 'Acme', model: 'PSU', 'power-ports': [{ name: 'in', type: 'iec-60320-c14' }] }] },
  ],
];

describe('the CRD schema refuses what the controller refuses', () => {
  it.each(REJECTED)('%s', (_label, kind, spec) => {
    expect(zodErrors(kind, spec), 'the controller must reject this case').not.toEqual([]);
    expect(crdErrors(kind, spec), 'the CRD must reject this case').not.toEqual([]);
  });

  it.each(ACCEPTED)('accepts %s (both)', (_label, kind, spec) => {
    expect(zodErrors(kind, spec)).toEqual([]);
    expect(crdErrors(kind, spec)).toEqual([]);
  });

  it.each(NOT_COVERED)('not covered by the CRD, reported on the object instead: %s', (_label, kind, spec) => {
    expect(zodErrors(kind, spec)).not.toEqual([]);
    expect(crdErrors(kind, spec), 'the CRD now rejects this: move it to REJECTED').toEqual([]);
  });

  it.each(SHORTHANDS)('reads the Git shorthand %s as the canonical form the CRD requires', (_label, kind, shorthand, canonical) => {
    expect(zodErrors(kind, shorthand)).toEqual([]);
    expect(crdErrors(kind, shorthand)).not.toEqual([]);
    expect(crdErrors(kind, canonical)).toEqual([]);
  });

  it('names the field and says why, as kubectl shows it', () => {
    expect(crdErrors('VendorSet', { vendors: 42 })).toEqual([
      'spec.vendors: Invalid value: must be array',
      '<root>: Invalid value: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    ]);
    expect(crdErrors('VendorSet', { ...VS_BASE, interval: '5m', schedule: '0 * * * *' })).toEqual([
      'spec: Invalid value: "object": set either interval or schedule, not both',
    ]);
    expect(crdErrors('VendorSet', { ...VS_BASE, interval: '200h' })).toEqual([
      'spec.interval: Invalid value: "string": interval must lie between 1s and 168h; use a cron schedule for rarer checks',
    ]);
    expect(crdErrors('VendorSet', { vendors: ['all', 'Cisco'] })).toEqual(['spec.vendors: Invalid value: "array": "all" selects every vendor: list it alone']);
    expect(crdErrors('VendorSet', { ...VS_BASE, colour: 'red' })).toEqual(['spec.colour: unknown field "colour"']);
  });

  it('applies the CRD defaults the controller applies', () => {
    const { object, errors } = validators.DeviceTypeSet.admit(resource('DeviceTypeSet', DTS_BASE));
    expect(errors).toEqual([]);
    expect(object.spec).toEqual({
      vendors: ['Arista'],
      mode: 'observe',
      prune: false,
      adopt: false,
      suspend: false,
      ignoreFields: [],
      components: true,
      images: false,
    });
  });
});

describe('the generated CRD schema', () => {
  function walk(node: unknown, path: string, visit: (node: Record<string, unknown>, path: string) => void): void {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
    const schema = node as Record<string, unknown>;
    visit(schema, path);
    for (const [name, child] of Object.entries((schema.properties as Record<string, unknown> | undefined) ?? {})) walk(child, `${path}.${name}`, visit);
    if (schema.items !== undefined) walk(schema.items, `${path}[]`, visit);
    if (schema.additionalProperties !== undefined) walk(schema.additionalProperties, `${path}{}`, visit);
  }

  it.each(['VendorSet', 'DeviceTypeSet'] as const)('%s: spec has no x-kubernetes-preserve-unknown-fields and every node has a type', (kind) => {
    const spec = (renderCrdSchema(kind).properties as Record<string, unknown>).spec;
    const problems: string[] = [];
    walk(spec, 'spec', (node, path) => {
      if (node['x-kubernetes-preserve-unknown-fields'] !== undefined) problems.push(`${path}: preserves unknown fields`);
      if (node.type === undefined) problems.push(`${path}: untyped`);
      if (node.type === 'string' && node.maxLength === undefined && node.enum === undefined) problems.push(`${path}: string without maxLength`);
      if (node.type === 'array' && node.maxItems === undefined) problems.push(`${path}: list without maxItems`);
    });
    expect(problems).toEqual([]);
  });

  it('uses only regular expressions that mean the same in Go (RE2) and JavaScript', () => {
    const patterns: string[] = [];
    for (const kind of ['VendorSet', 'DeviceTypeSet'] as const) {
      walk(renderCrdSchema(kind), '', (node) => {
        if (typeof node.pattern === 'string') patterns.push(node.pattern);
      });
    }
    expect(patterns.length).toBeGreaterThan(3);
    for (const pattern of patterns) {
      expect(() => new RegExp(pattern, 'u'), pattern).not.toThrow();
      // No lookaround, backreferences, inline flags or possessive forms: RE2 has none of them.
      expect(pattern, pattern).not.toMatch(/\(\?[=!<i]|\\[1-9]|\\k<|[*+?}]\+/);
    }
  });
});
