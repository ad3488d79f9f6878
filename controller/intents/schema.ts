/**
 * The intent format: the one source of truth for intent files in Git, Kubernetes custom
 * resources and API bodies. The JSON Schema in schema/ and the CRDs in crds/ are generated
 * from these zod schemas (`netbox-gitops generate`); edit here, never there.
 */
import { z } from 'zod';
import { MAX_PATTERN_LENGTH, describePatternProblem } from './patterns.ts';
import { CRON_PATTERN, DURATION_PATTERN, describeCronProblem, describeDurationProblem } from './schedule.ts';

export const INTENT_GROUP = 'netbox-gitops.io';
export const INTENT_VERSION = 'v1alpha1';
export const INTENT_API_VERSION = `${INTENT_GROUP}/${INTENT_VERSION}` as const;
export const INTENT_KINDS = ['VendorSet', 'DeviceTypeSet'] as const;
export type IntentKind = (typeof INTENT_KINDS)[number];

/** Kubernetes object names (DNS-1123 subdomain), so a file can be applied with kubectl unchanged. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** NetBox's slug validator. */
export const SLUG_PATTERN = /^[-a-zA-Z0-9_]+$/;

const nonEmptyString = z.string().min(1, { error: 'must not be empty' });

/** A regular expression in RE2 syntax (linear-time matching) that must compile. */
const regexString = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(MAX_PATTERN_LENGTH, { error: `must be at most ${MAX_PATTERN_LENGTH} characters`, abort: true })
  .superRefine((pattern, ctx) => {
    const problem = describePatternProblem(pattern);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: pattern });
  })
  .describe('Regular expression (RE2 syntax: JavaScript syntax without lookaround or backreferences; case-sensitive, unanchored).');

const regexList = (description: string) =>
  z.array(regexString).describe(description).optional();

const slugString = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(100)
  .regex(SLUG_PATTERN, { error: 'must be a slug: letters, digits, "-" and "_" only' });

const vendorSelection = (description: string) =>
  z
    .union([z.literal('all'), z.array(nonEmptyString)], {
      error: 'expected "all" or a list of manufacturer names or slugs',
    })
    .default([])
    .describe(description);

export const IntentMetadataSchema = z
  .strictObject({
    name: z
      .string()
      .min(1, { error: 'must not be empty' })
      .max(253)
      .regex(DNS_SUBDOMAIN, {
        error: 'must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit',
      })
      .describe('Unique per kind; the intent\'s identity in the controller, API and dashboard.'),
    namespace: z
      .string()
      .max(63)
      .regex(DNS_LABEL, { error: 'must be a DNS-1123 label: lower-case letters, digits and "-"' })
      .optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .describe('Kubernetes-style object metadata.');
export type IntentMetadata = z.output<typeof IntentMetadataSchema>;

/** Object kinds an `ignoreFields` rule can name: what plans call them. */
export const IGNORABLE_KINDS = [
  'manufacturer',
  'device-type',
  'module-type',
  'interface-template',
  'console-port-template',
  'console-server-port-template',
  'power-port-template',
  'power-outlet-template',
  'front-port-template',
  'rear-port-template',
  'device-bay-template',
  'module-bay-template',
  'inventory-item-template',
] as const;

export const IgnoreFieldsRuleSchema = z.strictObject({
  kind: z.enum(IGNORABLE_KINDS).optional().describe('Object kind the rule applies to, e.g. interface-template; every kind when unset.'),
  fields: z
    .array(z.string().regex(/^[a-z][a-z0-9_]*$/, { error: 'must be a NetBox field name such as mgmt_only' }))
    .min(1, { error: 'name at least one field' })
    .describe('NetBox field names, e.g. [mgmt_only, description].'),
});
export type IgnoreFieldsRule = z.output<typeof IgnoreFieldsRuleSchema>;

/** The policy fields, shared by both kinds and kept flat in `spec`. */
const policyShape = {
  mode: z
    .enum(['observe', 'enforce'])
    .default('observe')
    .describe('observe only reports drift; enforce also changes NetBox to match the intent.'),
  prune: z
    .boolean()
    .default(false)
    .describe('Delete objects this controller created that no intent wants any more. Never touches objects it did not create.'),
  adopt: z
    .boolean()
    .default(false)
    .describe('Take over matching objects that exist in NetBox but were not created by this controller (tag them as owned).'),
  suspend: z.boolean().default(false).describe('Stop reconciling this intent (drift checks included) until set back to false.'),
  interval: z
    .string()
    .min(2, { error: 'expected a duration such as 30s, 15m, 1h or 1h30m', abort: true })
    .regex(new RegExp(DURATION_PATTERN), {
      error: 'expected a duration such as 30s, 15m, 1h or 1h30m',
      abort: true,
    })
    .superRefine((text, ctx) => {
      const problem = describeDurationProblem(text);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: text });
    })
    .optional()
    .describe('Periodic drift check, e.g. 30s, 15m, 1h, 1h30m (1s..168h). Defaults to 1h when no schedule is set.'),
  schedule: z
    .string()
    .regex(new RegExp(CRON_PATTERN), { error: 'expected a 5-field cron expression, e.g. "0 */6 * * *"', abort: true })
    .superRefine((text, ctx) => {
      const problem = describeCronProblem(text);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: text });
    })
    .optional()
    .describe('Cron expression (5 fields, UTC) for the drift check, instead of interval.'),
  ignoreFields: z
    .array(IgnoreFieldsRuleSchema)
    .default([])
    .describe('Fields left out of the diff, like Argo CD ignoreDifferences: hand edits there are neither shown as drift nor repaired.'),
};

export const IntentPolicySchema = z.strictObject(policyShape);
/** How the engine treats an intent: the policy fields of its spec, with defaults applied. */
export type IntentPolicy = z.output<typeof IntentPolicySchema>;

const DEFAULT_INTERVAL = '1h';

function checkSchedule(spec: { interval?: string; schedule?: string }, ctx: z.RefinementCtx): void {
  if (spec.interval !== undefined && spec.schedule !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['schedule'], message: 'set either interval or schedule, not both' });
  }
}

function withDefaultInterval<T extends { interval?: string; schedule?: string }>(spec: T): T {
  return spec.interval === undefined && spec.schedule === undefined ? { ...spec, interval: DEFAULT_INTERVAL } : spec;
}

function checkUnique(values: readonly string[], path: readonly (string | number)[], what: string, ctx: z.RefinementCtx): void {
  const seen = new Map<string, number>();
  values.forEach((value, index) => {
    const key = value.toLowerCase();
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else ctx.addIssue({ code: 'custom', path: [...path, index], message: `duplicate ${what} "${value}" (also at index ${first})` });
  });
}

export const CustomManufacturerSchema = z.strictObject({
  name: z.string().min(1, { error: 'must not be empty' }).max(100),
  slug: slugString,
  description: z.string().max(200).optional(),
});
export type CustomManufacturer = z.output<typeof CustomManufacturerSchema>;

export const VendorSetSpecSchema = z
  .strictObject({
    ...policyShape,
    vendors: vendorSelection('Manufacturers from the devicetype-library, by name or slug, or "all".'),
    custom: z
      .array(CustomManufacturerSchema)
      .default([])
      .describe('Manufacturers that are not in the library.'),
  })
  .superRefine((spec, ctx) => {
    checkSchedule(spec, ctx);
    if (spec.vendors !== 'all') checkUnique(spec.vendors, ['vendors'], 'vendor', ctx);
    checkUnique(
      spec.custom.map((entry) => entry.slug),
      ['custom'],
      'custom manufacturer slug',
      ctx,
    );
    if (spec.vendors !== 'all' && spec.vendors.length === 0 && spec.custom.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['vendors'], message: 'a VendorSet must list vendors, "all", or custom manufacturers' });
    }
  })
  .transform(withDefaultInterval);

/**
 * An inline device type in the devicetype-library format (manufacturer, model, slug, u_height,
 * interfaces, console-ports, ...). Only the identity is checked here; the resolver validates
 * the whole object against the library's own JSON Schema.
 */
export const CustomDeviceTypeSchema = z
  .looseObject({
    manufacturer: z.string().min(1, { error: 'must not be empty' }),
    model: z.string().min(1, { error: 'must not be empty' }),
    slug: slugString,
  })
  .describe('A device type written in the devicetype-library format.');
export type CustomDeviceType = z.output<typeof CustomDeviceTypeSchema>;

/** An inline module type in the devicetype-library format (manufacturer, model, interfaces, ...). */
export const CustomModuleTypeSchema = z
  .looseObject({
    manufacturer: z.string().min(1, { error: 'must not be empty' }),
    model: z.string().min(1, { error: 'must not be empty' }),
  })
  .describe('A module type written in the devicetype-library format.');
export type CustomModuleType = z.output<typeof CustomModuleTypeSchema>;

export const ModuleTypeFilterSchema = z.strictObject({
  include: regexList('Keep module types whose model matches any of these.'),
  exclude: regexList('Drop module types whose model matches any of these.'),
});

export const DeviceTypeSetSpecSchema = z
  .strictObject({
    ...policyShape,
    vendors: vendorSelection('Manufacturers whose library device types are selected (then filtered by include/exclude), or "all".'),
    deviceTypes: z
      .strictObject({
        slugs: z.array(nonEmptyString).optional().describe('Library device-type slugs, added regardless of include/exclude.'),
        models: z.array(nonEmptyString).optional().describe('Library model names, added regardless of include/exclude.'),
      })
      .optional()
      .describe('Explicit picks from the library.'),
    include: regexList('Keep device types of the selected vendors whose model or slug matches any of these (all when unset).'),
    exclude: regexList('Drop device types whose model or slug matches any of these.'),
    moduleTypes: z
      .union([z.boolean(), ModuleTypeFilterSchema], { error: 'expected true, false or {include, exclude}' })
      .optional()
      .describe('Module types of the selected vendors: true for all, or filtered by include/exclude on the model.'),
    custom: z.array(CustomDeviceTypeSchema).optional().describe('Inline device types in the devicetype-library format.'),
    customModuleTypes: z.array(CustomModuleTypeSchema).optional().describe('Inline module types in the devicetype-library format.'),
    components: z.boolean().default(true).describe('Reconcile component templates (interfaces, ports, bays, ...).'),
    images: z.boolean().default(false).describe('Upload front/rear elevation images where the library has them.'),
  })
  .superRefine((spec, ctx) => {
    checkSchedule(spec, ctx);
    if (spec.vendors !== 'all') checkUnique(spec.vendors, ['vendors'], 'vendor', ctx);
    if (spec.custom) {
      checkUnique(
        spec.custom.map((entry) => entry.slug),
        ['custom'],
        'custom device type slug',
        ctx,
      );
    }
    const picks = (spec.deviceTypes?.slugs?.length ?? 0) + (spec.deviceTypes?.models?.length ?? 0);
    const inline = (spec.custom?.length ?? 0) + (spec.customModuleTypes?.length ?? 0);
    if (spec.vendors !== 'all' && spec.vendors.length === 0 && picks === 0 && inline === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['vendors'],
        message: 'a DeviceTypeSet must select something: vendors, "all", deviceTypes.slugs/models, custom or customModuleTypes',
      });
    }
  })
  .transform(withDefaultInterval);

const conditionSchema = z.strictObject({
  type: z.string().min(1).describe('Condition type, e.g. Ready, Reconciling, Stalled.'),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: z.string().meta({ format: 'date-time' }).optional(),
  observedGeneration: z.int().min(0).optional(),
});

/** What the controller reports back on a custom resource (its status subresource). */
export const IntentStatusSchema = z
  .strictObject({
    observedGeneration: z.int().min(0).optional().describe('metadata.generation the status describes.'),
    conditions: z.array(conditionSchema).optional(),
    drift: z
      .strictObject({
        total: z.int().min(0),
        create: z.int().min(0).optional(),
        update: z.int().min(0).optional(),
        delete: z.int().min(0).optional(),
      })
      .optional()
      .describe('Operations the last plan holds: what differs between NetBox and the intent.'),
    lastReconcileTime: z.string().meta({ format: 'date-time' }).optional(),
    revision: z.string().optional().describe('Intent source and library revision the status was computed at.'),
  })
  .describe('Written by the controller; ignored when an intent is loaded.');
export type IntentStatus = z.output<typeof IntentStatusSchema>;

function intentSchema<K extends IntentKind, S extends z.ZodType>(kind: K, spec: S, description: string) {
  return z
    .strictObject({
      apiVersion: z.literal(INTENT_API_VERSION),
      kind: z.literal(kind),
      metadata: IntentMetadataSchema,
      spec,
      status: IntentStatusSchema.optional(),
    })
    .describe(description);
}

export const VendorSetSchema = intentSchema(
  'VendorSet',
  VendorSetSpecSchema,
  'Manufacturers that must exist in NetBox: from the devicetype-library (or all of it) and custom ones.',
);
export const DeviceTypeSetSchema = intentSchema(
  'DeviceTypeSet',
  DeviceTypeSetSpecSchema,
  'Device types and module types that must exist in NetBox, selected from the devicetype-library or defined inline.',
);

/** Any intent document, discriminated by `kind`. */
export const IntentSchema = z.discriminatedUnion('kind', [VendorSetSchema, DeviceTypeSetSchema]);

export type VendorSetIntent = z.output<typeof VendorSetSchema>;
export type DeviceTypeSetIntent = z.output<typeof DeviceTypeSetSchema>;
export type Intent = z.output<typeof IntentSchema>;
/** An intent document as written, before defaults are applied. */
export type IntentInput = z.input<typeof IntentSchema>;

/** The zod schema of one kind. */
export function schemaForKind(kind: IntentKind): typeof VendorSetSchema | typeof DeviceTypeSetSchema {
  return kind === 'VendorSet' ? VendorSetSchema : DeviceTypeSetSchema;
}

/** The policy of an intent, with defaults applied. */
export function intentPolicyOf(intent: Intent): IntentPolicy {
  const { mode, prune, adopt, suspend, ignoreFields, interval, schedule } = intent.spec;
  return { mode, prune, adopt, suspend, ignoreFields, interval, schedule };
}

/** The key an intent is unique under: `kind/name`. */
export function intentKey(intent: Pick<Intent, 'kind' | 'metadata'>): string {
  return `${intent.kind}/${intent.metadata.name}`;
}
