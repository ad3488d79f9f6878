import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../controller/errors/index.ts';
import {
  DeviceTypeImportForm,
  VendorImportForm,
  describeCronProblem,
  intentFromDeviceTypeImportForm,
  intentFromVendorImportForm,
  intentPolicyOf,
  parseDuration,
  validateIntentObject,
} from '../../../controller/intents/index.ts';

function deviceTypeSet(spec: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'netbox-gitops.io/v1alpha1', kind: 'DeviceTypeSet', metadata: { name: 'dc' }, spec, ...extra };
}

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['2h5m10s', 7_510_000],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '1', '1d', '30m1h', '0s', '169h', ' 1h', '1.5h'])('refuses %j', (text) => {
    expect(() => parseDuration(text)).toThrow(ValidationError);
  });
});

describe('cron schedules', () => {
  it.each(['0 * * * *', '*/15 2-6 * * mon-fri', '0 0 1,15 jan,jul 7', '5 4 * * SUN'])('accepts %j', (expression) => {
    expect(describeCronProblem(expression)).toBeUndefined();
  });

  it.each([
    ['* * * *', 'expected 5 fields'],
    ['60 * * * *', 'minute "60" is out of range'],
    ['0 24 * * *', 'hour "24" is out of range'],
    ['*/0 * * * *', 'invalid step'],
    ['0 5-2 * * *', 'runs backwards'],
    ['0 0 * foo *', 'month "foo" is out of range'],
  ])('refuses %j', (expression, message) => {
    expect(describeCronProblem(expression)).toContain(message);
  });
});

describe('validateIntentObject', () => {
  it('applies the defaults of the policy and the kind', () => {
    const { intent, issues } = validateIntentObject(deviceTypeSet({ vendors: ['Arista'] }));
    expect(issues).toEqual([]);
    expect(intent?.kind).toBe('DeviceTypeSet');
    expect(intent?.spec).toMatchObject({ mode: 'observe', prune: false, adopt: false, suspend: false, interval: '1h', components: true, images: false });
    expect(intentPolicyOf(intent!)).toEqual({
      mode: 'observe',
      prune: false,
      adopt: false,
      suspend: false,
      ignoreFields: [],
      interval: '1h',
      schedule: undefined,
    });
  });

  it('reads ignoreFields rules and names a bad kind or field', () => {
    const ok = validateIntentObject(
      deviceTypeSet({ vendors: ['Arista'], ignoreFields: [{ kind: 'interface-template', fields: ['mgmt_only'] }, { fields: ['comments'] }] }),
    );
    expect(ok.issues).toEqual([]);
    expect(ok.intent?.spec.ignoreFields).toEqual([{ kind: 'interface-template', fields: ['mgmt_only'] }, { fields: ['comments'] }]);
    const bad = validateIntentObject(deviceTypeSet({ vendors: ['Arista'], ignoreFields: [{ kind: 'interface', fields: ['Mgmt Only'] }] }));
    expect(bad.intent).toBeUndefined();
    expect(bad.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['spec.ignoreFields[0].kind', 'spec.ignoreFields[0].fields[0]']));
  });

  it('keeps a cron schedule instead of the default interval', () => {
    const { intent } = validateIntentObject(deviceTypeSet({ vendors: 'all', schedule: '0 */6 * * *' }));
    expect(intent?.spec.interval).toBeUndefined();
    expect(intent?.spec.schedule).toBe('0 */6 * * *');
  });

  it('reports every problem with its field path and what was expected', () => {
    const { intent, issues } = validateIntentObject(
      deviceTypeSet({
        vendors: 'some',
        include: ['^ok', 3, '(['],
        mode: 'apply',
        moduleTypes: { include: ['x'], exclud: ['y'] },
        custom: [{ manufacturer: 'Acme', model: 'X' }],
        colour: 'red',
      }),
    );
    expect(intent).toBeUndefined();
    const byPath = Object.fromEntries(issues.map((issue) => [issue.path, issue.message]));
    expect(byPath).toEqual({
      'spec.vendors': 'expected a list of manufacturer names or slugs (or "all"), got string "some"',
      'spec.include[1]': 'expected string, got number 3',
      'spec.include[2]': 'invalid regular expression "([": missing closing ]: `[` (RE2 syntax: https://github.com/google/re2/wiki/Syntax)',
      'spec.mode': 'expected "observe" or "enforce", got string "apply"',
      'spec.moduleTypes.exclud': 'unknown field "exclud"; did you mean "exclude"? (expected one of: include, exclude, models)',
      'spec.custom[0].slug': 'missing required field; expected string',
      'spec.colour': expect.stringContaining(
        'unknown field "colour" (expected one of: mode, prune, adopt, suspend, interval, schedule, ignoreFields, library, vendors',
      ),
    });
  });

  it('rejects unknown kinds and apiVersions before looking at the spec', () => {
    const { issues } = validateIntentObject({ apiVersion: 'netbox-gitops.io/v1', kind: 'RackSet', metadata: { name: 'x' }, spec: { bogus: 1 } });
    expect(issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'apiVersion: unsupported apiVersion "netbox-gitops.io/v1"; expected "netbox-gitops.io/v1alpha1"',
      'kind: unknown kind "RackSet"; expected VendorSet, DeviceTypeSet or Notification',
    ]);
  });

  it('rejects things that are not mappings', () => {
    expect(validateIntentObject(['a']).issues[0]?.message).toMatch(/^expected an intent resource .* got a list$/);
  });

  it('checks names, interval, schedule, duplicates and empty selections', () => {
    const problems = (spec: Record<string, unknown>, name = 'ok'): string[] =>
      validateIntentObject(deviceTypeSet(spec, { metadata: { name } })).issues.map((issue) => `${issue.path}: ${issue.message}`);
    expect(problems({ vendors: ['A'] }, 'Bad_Name')[0]).toMatch(/^metadata\.name: must be a DNS-1123 subdomain/);
    expect(problems({ vendors: ['A'] }, 'x'.repeat(254))[0]).toMatch(/^metadata\.name: Too big/);
    expect(problems({ vendors: ['A'], interval: '1d' })).toEqual(['spec.interval: expected a duration such as 30s, 15m, 1h or 1h30m']);
    expect(problems({ vendors: ['A'], interval: '200h' })).toEqual([
      'spec.interval: interval "200h" is longer than 168h; use a cron schedule for rarer checks',
    ]);
    expect(problems({ vendors: ['A'], schedule: '0 25 * * *' })[0]).toContain('hour "25" is out of range');
    expect(problems({ vendors: ['A'], interval: '5m', schedule: '0 * * * *' })).toEqual(['spec.schedule: set either interval or schedule, not both']);
    expect(problems({ vendors: ['Arista', 'arista'] })).toEqual(['spec.vendors[1]: duplicate vendor "arista" (also at index 0)']);
    expect(problems({ vendors: [] })[0]).toMatch(/^spec\.vendors: a DeviceTypeSet must select something/);
  });

  it('warns about filters that cannot apply because no vendor is selected', () => {
    const { intent, issues } = validateIntentObject(
      deviceTypeSet({ include: ['x'], custom: [{ manufacturer: 'Acme', model: 'M', slug: 'acme-m', u_height: 1 }] }),
    );
    expect(intent).toBeDefined();
    expect(issues).toEqual([{ path: 'spec.include', message: expect.stringContaining('has no effect'), severity: 'warning' }]);
  });

  it('validates a VendorSet: library names, custom manufacturers, slugs', () => {
    const vendorSet = (spec: Record<string, unknown>): ReturnType<typeof validateIntentObject> =>
      validateIntentObject({ apiVersion: 'netbox-gitops.io/v1alpha1', kind: 'VendorSet', metadata: { name: 'v' }, spec });
    expect(vendorSet({ vendors: 'all' }).issues).toEqual([]);
    // The string shorthand and the list form mean the same: every vendor.
    expect(vendorSet({ vendors: 'all' }).intent?.spec.vendors).toEqual(['all']);
    expect(vendorSet({ vendors: ['all'] }).intent?.spec.vendors).toEqual(['all']);
    expect(vendorSet({ vendors: ['all', 'Cisco'] }).issues).toEqual([
      { path: 'spec.vendors[0]', message: '"all" selects every vendor: list it alone', severity: 'error' },
    ]);
    expect(vendorSet({ custom: [{ name: 'Acme', slug: 'acme' }] }).intent?.spec.vendors).toEqual([]);
    expect(vendorSet({}).issues[0]?.message).toBe('a VendorSet must list vendors, "all", or custom manufacturers');
    expect(vendorSet({ custom: [{ name: 'Acme', slug: 'ac me' }] }).issues).toEqual([
      { path: 'spec.custom[0].slug', message: 'must be a slug: letters, digits, "-" and "_" only', severity: 'error' },
    ]);
    expect(
      vendorSet({
        custom: [
          { name: 'A', slug: 'a' },
          { name: 'B', slug: 'A' },
        ],
      }).issues[0]?.path,
    ).toBe('spec.custom[1]');
    expect(vendorSet({ vendors: ['Cisco'], deviceTypes: {} }).issues[0]?.message).toContain('unknown field "deviceTypes"');
  });

  it('ignores status, and with kubernetes: true the metadata the API server adds', () => {
    const resource = deviceTypeSet(
      { vendors: ['Arista'] },
      {
        metadata: { name: 'dc', namespace: 'netbox', uid: 'abc', resourceVersion: '7', generation: 2, managedFields: [] },
        status: { drift: { total: 'not even valid' } },
      },
    );
    expect(validateIntentObject(resource).issues.map((issue) => issue.path)).toEqual([
      'metadata.uid',
      'metadata.resourceVersion',
      'metadata.generation',
      'metadata.managedFields',
    ]);
    const { intent, issues } = validateIntentObject(resource, { kubernetes: true });
    expect(issues).toEqual([]);
    expect(intent?.metadata).toEqual({ name: 'dc', namespace: 'netbox' });
    expect(intent?.status).toBeUndefined();
  });
});

describe('the import forms', () => {
  it('maps VendorImportForm, defaulting to all vendors', () => {
    const all = intentFromVendorImportForm({});
    expect(all).toMatchObject({ kind: 'VendorSet', metadata: { name: 'import-vendors-all' }, spec: { vendors: ['all'], mode: 'enforce', prune: false } });
    expect(intentFromVendorImportForm({ selected_vendors: ['Cisco', 'all'] }).spec.vendors).toEqual(['all']);

    const some = intentFromVendorImportForm({ selected_vendors: ['Juniper', 'Cisco'] });
    expect(some.spec.vendors).toEqual(['Juniper', 'Cisco']);
    expect(some.metadata.name).toMatch(/^import-vendors-[0-9a-f]{8}$/);
    // The same selection always names the same intent, so repeating an import reconciles it again.
    expect(intentFromVendorImportForm({ selected_vendors: ['Cisco', 'Juniper'] }).metadata.name).toBe(some.metadata.name);
    expect(intentFromVendorImportForm({ selected_vendors: ['Cisco'] }, { name: 'mine' }).metadata.name).toBe('mine');
  });

  it('maps DeviceTypeImportForm to one vendor and an include filter', () => {
    const filtered = intentFromDeviceTypeImportForm({ selected_vendor: 'Nabu Casa', device_type_filter: '^Home' });
    expect(filtered).toMatchObject({
      kind: 'DeviceTypeSet',
      spec: { vendors: ['Nabu Casa'], include: ['^Home'], mode: 'enforce', components: true },
    });
    expect(filtered.metadata.name).toMatch(/^import-device-types-nabu-casa-[0-9a-f]{8}$/);
    const unfiltered = intentFromDeviceTypeImportForm({ selected_vendor: 'Cisco', device_type_filter: null });
    expect(unfiltered.metadata.name).toBe('import-device-types-cisco');
    expect(unfiltered.spec.include).toBeUndefined();
  });

  it('rejects invalid forms with field paths', () => {
    expect(() => intentFromDeviceTypeImportForm({ selected_vendor: 'Cisco', device_type_filter: '([' })).toThrow(
      'invalid import form: device_type_filter: invalid regular expression "(["',
    );
    expect(() => intentFromVendorImportForm({ selected_vendors: [] })).toThrow('select at least one vendor, or "all"');
    expect(VendorImportForm.safeParse({ selected_vendors: ['Cisco'], extra: 1 }).success).toBe(false);
    expect(DeviceTypeImportForm.safeParse({}).success).toBe(false);
  });
});
