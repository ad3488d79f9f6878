import type { TemplateKind } from '../catalogue/index.ts';

/**
 * What NetBox 4.5 stores for a field a create leaves out (its models' defaults; the
 * devicetype-library's schema declares no other defaults for these fields). The diff compares a
 * field the library leaves unset against this value, so a hand edit there (an interface
 * template set to `mgmt_only` by hand) is drift. Values are in the diff's normalised form:
 * empty text and unset choices are `null`. The emulator serialises the same defaults (a test
 * checks that they agree).
 */
export const DEVICE_TYPE_DEFAULTS: Readonly<Record<string, unknown>> = {
  part_number: null,
  u_height: 1,
  is_full_depth: true,
  airflow: null,
  weight: null,
  weight_unit: null,
  subdevice_role: null,
  exclude_from_utilization: false,
  description: null,
  comments: null,
};

export const MODULE_TYPE_DEFAULTS: Readonly<Record<string, unknown>> = {
  part_number: null,
  airflow: null,
  weight: null,
  weight_unit: null,
  description: null,
  comments: null,
};

export const MANUFACTURER_DEFAULTS: Readonly<Record<string, unknown>> = { description: null };

const COMMON = { label: null, description: null };

/**
 * Template fields by kind. References the library names (`rear_port`, `power_port`, `parent`,
 * `component_name`) are left out: they are compared where the library sets them.
 */
export const TEMPLATE_DEFAULTS: Readonly<Record<TemplateKind, Readonly<Record<string, unknown>>>> = {
  interface: { ...COMMON, enabled: true, mgmt_only: false, poe_mode: null, poe_type: null, rf_role: null },
  'console-port': { ...COMMON, type: null },
  'console-server-port': { ...COMMON, type: null },
  'power-port': { ...COMMON, type: null, maximum_draw: null, allocated_draw: null },
  'power-outlet': { ...COMMON, type: null, color: null, feed_leg: null },
  'front-port': { ...COMMON, color: null },
  'rear-port': { ...COMMON, color: null, positions: 1 },
  'device-bay': { ...COMMON },
  'module-bay': { ...COMMON, position: null },
  'inventory-item': { ...COMMON, manufacturer: null, part_id: null, role: null, component_type: null },
};

/**
 * Text fields: NetBox stores "" where nothing is set and refuses null, while the diff's
 * normalised form of "" is null. A change to null is written as "".
 */
export const TEXT_FIELDS: ReadonlySet<string> = new Set(['label', 'description', 'comments', 'part_number', 'color', 'position', 'part_id']);
