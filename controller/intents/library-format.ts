/**
 * Inline device and module types in the devicetype-library format (`spec.custom`,
 * `spec.customModuleTypes`). Typed field by field so the CRD can carry a structural schema for
 * them (a Kubernetes API server prunes fields its schema does not list): the library's own
 * fields, plus the NetBox template fields the catalogue maps (`controller/catalogue/mapping.ts`).
 * Choice values (interface types, airflow, ...) are plain strings here: the resolver checks
 * them against the library's JSON Schema at the library revision in use, which is where new
 * choices appear.
 */
import { z } from 'zod';
import { withCrdHint } from './crd-hints.ts';

/** NetBox's slug validator. */
export const SLUG_PATTERN = /^[-a-zA-Z0-9_]+$/;
const COLOR_PATTERN = /^[a-f0-9]{6}$/;
/** Generous bounds: they keep Kubernetes' CEL cost estimates finite, never a real definition out. */
export const MAX_TEMPLATES = 10_000;
export const MAX_INLINE_TYPES = 1_000;

const required = (max: number) => z.string().min(1, { error: 'must not be empty' }).max(max);

export const slugString = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(100)
  .regex(SLUG_PATTERN, { error: 'must be a slug: letters, digits, "-" and "_" only' });

const name = required(64).describe('Template name, unique within its list.');
const label = z.string().max(64).optional();
const description = z.string().max(200).optional();
const choice = (what: string) => required(100).describe(`${what}; checked against the library's schema.`);
const color = z.string().max(6).regex(COLOR_PATTERN, { error: 'must be a colour as 6 lower-case hex digits, e.g. aa1409' }).optional();
const position = z.int().min(1).max(1024);

const TEMPLATE_SHAPES = {
  interfaces: {
    name,
    label,
    type: choice('Interface type'),
    enabled: z.boolean().optional(),
    mgmt_only: z.boolean().optional(),
    description,
    poe_mode: choice('PoE mode').optional(),
    poe_type: choice('PoE type').optional(),
    rf_role: choice('Wireless role').optional(),
  },
  'console-ports': { name, label, type: choice('Console port type'), description, poe: z.boolean().optional() },
  'console-server-ports': { name, label, type: choice('Console port type'), description },
  'power-ports': {
    name,
    label,
    type: choice('Power port type'),
    maximum_draw: z.int().min(1).optional(),
    allocated_draw: z.int().min(1).optional(),
    description,
  },
  'power-outlets': {
    name,
    label,
    type: choice('Power outlet type'),
    color,
    power_port: z.string().max(64).optional(),
    feed_leg: choice('Feed leg').optional(),
    description,
  },
  'front-ports': {
    name,
    label,
    type: choice('Port type'),
    color,
    rear_port: required(64),
    rear_port_position: position.optional(),
    positions: position.optional(),
    description,
  },
  'rear-ports': { name, label, type: choice('Port type'), color, positions: position.optional(), poe: z.boolean().optional(), description },
  'device-bays': { name, label, description },
  'module-bays': { name, label, position: z.string().max(30), description },
  'inventory-items': {
    name,
    label,
    manufacturer: z.string().max(100).optional(),
    part_id: z.string().max(50).optional(),
    description,
    role: z.string().max(100).optional(),
    parent: z.string().max(64).optional(),
    component_type: z.string().max(100).optional(),
    component_name: z.string().max(64).optional(),
  },
} as const;
type TemplateListKey = keyof typeof TEMPLATE_SHAPES;

/** A template list: names unique (NetBox refuses two templates of one kind with one name). */
function templateList(key: TemplateListKey) {
  const list = z
    .array(z.strictObject(TEMPLATE_SHAPES[key]))
    .max(MAX_TEMPLATES)
    .superRefine((items, ctx) =>
      checkUnique(
        items.map((item) => item.name),
        [],
        `${key} name`,
        ctx,
        false,
      ),
    );
  return withCrdHint(list, { listType: 'map', mapKeys: ['name'] }).optional();
}

/**
 * Reports every value seen before (case-insensitively unless `exact`) at `path + index`.
 * Exported for the intent schema, which checks vendors and slugs the same way.
 */
export function checkUnique(values: readonly string[], path: readonly (string | number)[], what: string, ctx: z.RefinementCtx, ignoreCase = true): void {
  const seen = new Map<string, number>();
  values.forEach((value, index) => {
    const key = ignoreCase ? value.toLowerCase() : value;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else ctx.addIssue({ code: 'custom', path: [...path, index], message: `duplicate ${what} "${value}" (also at index ${first})` });
  });
}

const commonTypeFields = {
  manufacturer: required(100).describe('Manufacturer name, as in the library (a VendorSet must create it).'),
  model: required(100),
  part_number: z.string().max(50).optional(),
  airflow: choice('Airflow').optional(),
  weight: z.number().min(0).optional(),
  weight_unit: choice('Weight unit').optional(),
  description,
  comments: z.string().max(10_000).optional(),
};

/** An inline device type, written as a devicetype-library device-type file. */
export const CustomDeviceTypeSchema = z
  .strictObject({
    ...commonTypeFields,
    slug: slugString,
    u_height: z.number().min(0).multipleOf(0.5).optional(),
    is_full_depth: z.boolean().optional(),
    subdevice_role: choice('Subdevice role').optional(),
    exclude_from_utilization: z.boolean().optional(),
    front_image: z.boolean().optional(),
    rear_image: z.boolean().optional(),
    is_powered: z.boolean().optional(),
    interfaces: templateList('interfaces'),
    'console-ports': templateList('console-ports'),
    'console-server-ports': templateList('console-server-ports'),
    'power-ports': templateList('power-ports'),
    'power-outlets': templateList('power-outlets'),
    'front-ports': templateList('front-ports'),
    'rear-ports': templateList('rear-ports'),
    'device-bays': templateList('device-bays'),
    'module-bays': templateList('module-bays'),
    'inventory-items': templateList('inventory-items'),
  })
  .describe('A device type written in the devicetype-library format.');
export type CustomDeviceType = z.output<typeof CustomDeviceTypeSchema>;

/** An inline module type, written as a devicetype-library module-type file. */
export const CustomModuleTypeSchema = z
  .strictObject({
    ...commonTypeFields,
    interfaces: templateList('interfaces'),
    'console-ports': templateList('console-ports'),
    'console-server-ports': templateList('console-server-ports'),
    'power-ports': templateList('power-ports'),
    'power-outlets': templateList('power-outlets'),
    'front-ports': templateList('front-ports'),
    'rear-ports': templateList('rear-ports'),
    'module-bays': templateList('module-bays'),
  })
  .describe('A module type written in the devicetype-library format.');
export type CustomModuleType = z.output<typeof CustomModuleTypeSchema>;
