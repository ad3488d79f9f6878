import type { TemplateSet } from '../../../controller/catalogue/index.ts';
import type { DesiredDeviceType, DesiredIntent, DesiredModuleType, ReconcilePolicy } from '../../../controller/resolve/index.ts';

/** A small device type with every kind of reference the engine must order. */
export function deviceType(model: string, overrides: Partial<DesiredDeviceType> = {}): DesiredDeviceType {
  const templates: TemplateSet = {
    interface: [
      { name: 'eth0', fields: { type: '1000base-t', mgmt_only: true } },
      { name: 'eth1', fields: { type: '10gbase-x-sfpp' } },
    ],
    'console-port': [{ name: 'Console', fields: { type: 'rj-45' } }],
    'power-port': [{ name: 'PSU1', fields: { type: 'iec-60320-c14', maximum_draw: 200 } }],
    'power-outlet': [{ name: 'Out1', fields: { type: 'iec-60320-c13', power_port: 'PSU1', feed_leg: 'A' } }],
    'rear-port': [{ name: 'Rear', fields: { type: 'mpo', positions: 2 } }],
    'front-port': [
      { name: 'Front1', fields: { type: 'lc', rear_port: 'Rear', rear_port_position: 1 } },
      { name: 'Front2', fields: { type: 'lc', rear_port: 'Rear', rear_port_position: 2 } },
    ],
  };
  return {
    manufacturer: 'acme',
    model,
    slug: `acme-${model.toLowerCase()}`,
    fields: { u_height: 1, is_full_depth: false, part_number: `PN-${model}`, airflow: 'front-to-rear', weight: 4.35, weight_unit: 'kg' },
    templates,
    images: {},
    source: 'test',
    ...overrides,
  };
}

/** A small module type with interfaces and a module bay. */
export function moduleType(model: string, overrides: Partial<DesiredModuleType> = {}): DesiredModuleType {
  return {
    manufacturer: 'acme',
    model,
    fields: { part_number: `PN-${model}` },
    templates: {
      interface: [{ name: 'port1', fields: { type: '10gbase-x-sfpp' } }],
      'module-bay': [{ name: 'Sub 1', fields: { position: '1' } }],
    },
    source: 'test',
    ...overrides,
  };
}

export function policy(overrides: Partial<ReconcilePolicy> = {}): ReconcilePolicy {
  return { mode: 'enforce', prune: false, adopt: false, components: true, images: false, ignoreFields: [], ...overrides };
}

export function deviceTypeSet(name: string, deviceTypes: readonly DesiredDeviceType[], p: Partial<ReconcilePolicy> = {}): DesiredIntent {
  const manufacturers = [...new Set(deviceTypes.map((d) => d.manufacturer))].map((slug) => ({ slug, name: slug === 'acme' ? 'Acme' : slug, managed: false }));
  return { ref: { kind: 'DeviceTypeSet', name }, policy: policy(p), manufacturers, deviceTypes, moduleTypes: [] };
}

export function vendorSet(
  name: string,
  manufacturers: { slug: string; name: string; description?: string }[],
  p: Partial<ReconcilePolicy> = {},
): DesiredIntent {
  return {
    ref: { kind: 'VendorSet', name },
    policy: policy({ components: false, ...p }),
    manufacturers: manufacturers.map((m) => ({ ...m, managed: true })),
    deviceTypes: [],
    moduleTypes: [],
  };
}
