/**
 * The intent format: the one source of truth for intent files in Git, Kubernetes custom
 * resources and API bodies. The JSON Schema in schema/ and the CRDs in crds/ are generated
 * from these zod schemas (`netbox-gitops generate`); edit here, never there.
 */
import { z } from 'zod';
import { withCrdHint } from './crd-hints.ts';
import { CustomDeviceTypeSchema, CustomModuleTypeSchema, MAX_INLINE_TYPES, checkUnique, slugString } from './library-format.ts';
import { MAX_PATTERN_LENGTH, describePatternProblem } from './patterns.ts';
import {
  CRON_PATTERN,
  CRON_STRICT_PATTERN,
  DURATION_PATTERN,
  MAX_INTERVAL_TEXT,
  MIN_INTERVAL_TEXT,
  describeCronProblem,
  describeDurationProblem,
} from './schedule.ts';

export const INTENT_GROUP = 'netbox-gitops.io';
export const INTENT_VERSION = 'v1alpha1';
export const INTENT_API_VERSION = `${INTENT_GROUP}/${INTENT_VERSION}` as const;
export const INTENT_KINDS = ['VendorSet', 'DeviceTypeSet'] as const;
export type IntentKind = (typeof INTENT_KINDS)[number];

/** The identity of one intent (`kind` + `metadata.name`): unique per kind. */
export interface IntentRef {
  readonly kind: IntentKind;
  readonly name: string;
}

/** Kubernetes object names (DNS-1123 subdomain), so a file can be applied with kubectl unchanged. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export { SLUG_PATTERN } from './library-format.ts';
/** A Git ref (no spaces or `~^:?*[\\`, not starting with `-`) or a library content revision. */
export const LIBRARY_REF_PATTERN = /^(sha256:[0-9a-f]{64}|[^-\s~^:?*[\\][^\s~^:?*[\\]*)$/;

/** The item of `vendors` that selects every vendor of the library. */
export const ALL_VENDORS = 'all';
/** More than the library has vendors (about 200); a bound keeps CEL cost estimates finite. */
const MAX_VENDORS = 1_000;
const MAX_FILTERS = 100;
const MAX_PICKS = 10_000;

const nonEmptyString = (max: number) => z.string().min(1, { error: 'must not be empty' }).max(max);

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

const regexList = (description: string) => z.array(regexString).max(MAX_FILTERS).describe(description).optional();

/**
 * `vendors` is a list; the item `all` selects every vendor and stands alone. Git files may
 * write the shorthand `vendors: all`, read as `[all]`; the CRD types the list form only.
 */
const vendorList = withCrdHint(
  z
    .array(nonEmptyString(100))
    .max(MAX_VENDORS)
    .superRefine((vendors, ctx) => {
      checkUnique(vendors, [], 'vendor', ctx);
      if (vendors.length > 1 && vendors.includes(ALL_VENDORS)) {
        ctx.addIssue({ code: 'custom', path: [vendors.indexOf(ALL_VENDORS)], message: '"all" selects every vendor: list it alone' });
      }
    }),
  {
    listType: 'set',
    validations: [{ rule: `!('${ALL_VENDORS}' in self) || size(self) == 1`, message: '"all" selects every vendor: list it alone' }],
  },
);
const vendorInput = withCrdHint(z.union([z.literal(ALL_VENDORS), vendorList], { error: 'expected a list of manufacturer names or slugs (or "all")' }), {
  structural: vendorList,
});

const vendorSelection = (description: string) =>
  vendorInput
    .transform((vendors): string[] => (vendors === ALL_VENDORS ? [ALL_VENDORS] : vendors))
    .prefault([])
    .describe(`${description} The single item "all" selects every vendor of the library (Git files may write the shorthand \`vendors: all\`).`);

/** True when a vendor list selects the whole library. */
export function selectsAllVendors(vendors: readonly string[]): boolean {
  return vendors.includes(ALL_VENDORS);
}

export const IntentMetadataSchema = z
  .strictObject({
    name: z
      .string()
      .min(1, { error: 'must not be empty' })
      .max(253)
      .regex(DNS_SUBDOMAIN, {
        error: 'must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit',
      })
      .describe("Unique per kind; the intent's identity in the controller, API and dashboard."),
    namespace: z.string().max(63).regex(DNS_LABEL, { error: 'must be a DNS-1123 label: lower-case letters, digits and "-"' }).optional(),
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
    .array(
      z
        .string()
        .max(64)
        .regex(/^[a-z][a-z0-9_]*$/, { error: 'must be a NetBox field name such as mgmt_only' }),
    )
    .min(1, { error: 'name at least one field' })
    .max(100)
    .describe('NetBox field names, e.g. [mgmt_only, description].'),
});
export type IgnoreFieldsRule = z.output<typeof IgnoreFieldsRuleSchema>;

/** The policy fields, shared by both kinds and kept flat in `spec`. */
const policyShape = {
  mode: z.enum(['observe', 'enforce']).default('observe').describe('observe only reports drift; enforce also changes NetBox to match the intent.'),
  prune: z.boolean().default(false).describe('Delete objects this controller created that no intent wants any more. Never touches objects it did not create.'),
  adopt: z.boolean().default(false).describe('Take over matching objects that exist in NetBox but were not created by this controller (tag them as owned).'),
  suspend: z.boolean().default(false).describe('Stop reconciling this intent (drift checks included) until set back to false.'),
  interval: withCrdHint(
    z
      .string()
      .min(2, { error: 'expected a duration such as 30s, 15m, 1h or 1h30m', abort: true })
      .max(32, { error: 'expected a duration such as 30s, 15m, 1h or 1h30m', abort: true })
      .regex(new RegExp(DURATION_PATTERN), {
        error: 'expected a duration such as 30s, 15m, 1h or 1h30m',
        abort: true,
      })
      .superRefine((text, ctx) => {
        const problem = describeDurationProblem(text);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: text });
      }),
    {
      // Go's duration syntax is a superset of ours (the pattern narrows it), so CEL can check the bounds.
      validations: [
        {
          rule: `duration(self) >= duration('${MIN_INTERVAL_TEXT}') && duration(self) <= duration('${MAX_INTERVAL_TEXT}')`,
          message: `interval must lie between ${MIN_INTERVAL_TEXT} and ${MAX_INTERVAL_TEXT}; use a cron schedule for rarer checks`,
        },
      ],
    },
  )
    .optional()
    .describe('Periodic drift check, e.g. 30s, 15m, 1h, 1h30m (1s..168h). Defaults to 1h when no schedule is set.'),
  schedule: withCrdHint(
    z
      .string()
      .max(200, { error: 'expected a 5-field cron expression, e.g. "0 */6 * * *"', abort: true })
      .regex(new RegExp(CRON_PATTERN), { error: 'expected a 5-field cron expression, e.g. "0 */6 * * *"', abort: true })
      .superRefine((text, ctx) => {
        const problem = describeCronProblem(text);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: text });
      }),
    // zod keeps a loose shape check so describeCronProblem can say which field is wrong.
    { pattern: CRON_STRICT_PATTERN },
  )
    .optional()
    .describe('Cron expression (5 fields, UTC) for the drift check, instead of interval.'),
  ignoreFields: z
    .array(IgnoreFieldsRuleSchema)
    .max(100)
    .default([])
    .describe('Fields left out of the diff, like Argo CD ignoreDifferences: hand edits there are neither shown as drift nor repaired.'),
  library: z
    .strictObject({
      ref: z
        .string()
        .min(1, { error: 'must not be empty' })
        .max(200)
        .regex(LIBRARY_REF_PATTERN, { error: 'expected a Git ref (tag, branch or commit SHA, e.g. v2025.05) or a content revision sha256:<64 hex digits>' })
        .describe('Git ref of the devicetype-library (tag, branch, commit SHA) or a content revision (sha256:...).'),
    })
    .optional()
    .describe(
      'Pin the devicetype-library for this intent: it is resolved at this ref, so a new library release never changes NetBox by itself; the controller records an "upgrade available" entry with a preview instead.',
    ),
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

/** CEL for the rule of {@link checkSchedule}. */
const SCHEDULE_RULE = { rule: '!(has(self.interval) && has(self.schedule))', message: 'set either interval or schedule, not both' };

/** CEL: `has(self.f) && size(self.f) > 0` for each field path, or-ed. */
function nonEmptyRule(fields: readonly string[]): string {
  return fields
    .map((field) => {
      const parts = field.split('.');
      const guards = parts.map((_, i) => `has(self.${parts.slice(0, i + 1).join('.')})`);
      return `(${[...guards, `size(self.${field}) > 0`].join(' && ')})`;
    })
    .join(' || ');
}

export const CustomManufacturerSchema = z.strictObject({
  name: z.string().min(1, { error: 'must not be empty' }).max(100),
  slug: slugString,
  description: z.string().max(200).optional(),
});
export type CustomManufacturer = z.output<typeof CustomManufacturerSchema>;
export { CustomDeviceTypeSchema, CustomModuleTypeSchema };
export type { CustomDeviceType, CustomModuleType } from './library-format.ts';

const VENDOR_SET_MESSAGE = 'a VendorSet must list vendors, "all", or custom manufacturers';

const vendorSetSpec = withCrdHint(
  z
    .strictObject({
      ...policyShape,
      vendors: vendorSelection('Manufacturers from the devicetype-library, by name or slug.'),
      custom: withCrdHint(
        z
          .array(CustomManufacturerSchema)
          .max(MAX_INLINE_TYPES)
          .superRefine((custom, ctx) =>
            checkUnique(
              custom.map((entry) => entry.slug),
              [],
              'custom manufacturer slug',
              ctx,
            ),
          ),
        { listType: 'map', mapKeys: ['slug'] },
      )
        .default([])
        .describe('Manufacturers that are not in the library.'),
    })
    .superRefine((spec, ctx) => {
      checkSchedule(spec, ctx);
      if (spec.vendors.length === 0 && spec.custom.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['vendors'], message: VENDOR_SET_MESSAGE });
      }
    }),
  { validations: [SCHEDULE_RULE, { rule: nonEmptyRule(['vendors', 'custom']), message: VENDOR_SET_MESSAGE }] },
);
export const VendorSetSpecSchema = vendorSetSpec.transform(withDefaultInterval);

export const ModuleTypeFilterSchema = z.strictObject({
  include: regexList('Keep module types of the selected vendors whose model matches any of these.'),
  exclude: regexList('Drop module types whose model matches any of these.'),
  models: z
    .array(nonEmptyString(100))
    .max(MAX_PICKS)
    .optional()
    .describe('Library module-type models, added regardless of include/exclude (within spec.vendors when set, else unique across the library).'),
});

const moduleTypeSelection = withCrdHint(
  z.union([z.boolean(), ModuleTypeFilterSchema], { error: 'expected {include, exclude} (or, in Git files, true or false)' }),
  { structural: ModuleTypeFilterSchema },
);

const DEVICE_TYPE_SET_MESSAGE =
  'a DeviceTypeSet must select something: vendors, "all", deviceTypes.slugs/models, moduleTypes.models, custom or customModuleTypes';

const deviceTypeSetSpec = withCrdHint(
  z
    .strictObject({
      ...policyShape,
      vendors: vendorSelection('Manufacturers whose library device types are selected (then filtered by include/exclude).'),
      deviceTypes: z
        .strictObject({
          slugs: z.array(nonEmptyString(100)).max(MAX_PICKS).optional().describe('Library device-type slugs, added regardless of include/exclude.'),
          models: z.array(nonEmptyString(100)).max(MAX_PICKS).optional().describe('Library model names, added regardless of include/exclude.'),
        })
        .optional()
        .describe('Explicit picks from the library.'),
      include: regexList('Keep device types of the selected vendors whose model or slug matches any of these (all when unset).'),
      exclude: regexList('Drop device types whose model or slug matches any of these.'),
      moduleTypes: moduleTypeSelection
        .optional()
        .describe(
          'Module types of the selected vendors: {} for all of them, or filtered by include/exclude on the model. Git files may also write true (all) or false (none).',
        ),
      custom: withCrdHint(
        z
          .array(CustomDeviceTypeSchema)
          .max(MAX_INLINE_TYPES)
          .superRefine((custom, ctx) =>
            checkUnique(
              custom.map((entry) => entry.slug),
              [],
              'custom device type slug',
              ctx,
            ),
          ),
        { listType: 'map', mapKeys: ['slug'] },
      )
        .optional()
        .describe('Inline device types in the devicetype-library format.'),
      customModuleTypes: z.array(CustomModuleTypeSchema).max(MAX_INLINE_TYPES).optional().describe('Inline module types in the devicetype-library format.'),
      components: z.boolean().default(true).describe('Reconcile component templates (interfaces, ports, bays, ...).'),
      images: z.boolean().default(false).describe('Upload front/rear elevation images where the library has them.'),
    })
    .superRefine((spec, ctx) => {
      checkSchedule(spec, ctx);
      const modulePicks = typeof spec.moduleTypes === 'object' ? (spec.moduleTypes.models?.length ?? 0) : 0;
      const picks = (spec.deviceTypes?.slugs?.length ?? 0) + (spec.deviceTypes?.models?.length ?? 0) + modulePicks;
      const inline = (spec.custom?.length ?? 0) + (spec.customModuleTypes?.length ?? 0);
      if (spec.vendors.length === 0 && picks === 0 && inline === 0) {
        ctx.addIssue({ code: 'custom', path: ['vendors'], message: DEVICE_TYPE_SET_MESSAGE });
      }
    }),
  {
    validations: [
      SCHEDULE_RULE,
      {
        rule: nonEmptyRule(['vendors', 'deviceTypes.slugs', 'deviceTypes.models', 'moduleTypes.models', 'custom', 'customModuleTypes']),
        message: DEVICE_TYPE_SET_MESSAGE,
      },
    ],
  },
);
export const DeviceTypeSetSpecSchema = deviceTypeSetSpec.transform(withDefaultInterval);

/** metav1.Condition's validation, so a status the controller writes always passes the API server. */
const CONDITION_TYPE = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/;
const CONDITION_REASON = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;

/** One status condition, as Kubernetes' metav1.Condition. */
export const ConditionSchema = z.strictObject({
  type: z.string().min(1).max(316).regex(CONDITION_TYPE).describe('Condition type: Ready, Reconciling or Stalled.'),
  status: z.enum(['True', 'False', 'Unknown']),
  observedGeneration: z.int().min(0).optional().describe('metadata.generation the condition was set for.'),
  lastTransitionTime: z.string().meta({ format: 'date-time' }).describe('When status last changed (not when the condition was last written).'),
  reason: z.string().min(1).max(1024).regex(CONDITION_REASON).describe('CamelCase reason, e.g. ReconciliationSucceeded, InvalidSpec.'),
  message: z.string().max(32_768).describe('Human-readable details.'),
});
export type Condition = z.output<typeof ConditionSchema>;

const count = z.int().min(0);

/** What the controller reports back on a custom resource (its status subresource). */
export const IntentStatusSchema = z
  .strictObject({
    observedGeneration: z.int().min(0).optional().describe('metadata.generation the status describes.'),
    conditions: withCrdHint(z.array(ConditionSchema).max(16), { listType: 'map', mapKeys: ['type'] }).optional(),
    drift: z
      .strictObject({
        total: count.describe('Operations to create, update or delete, plus unmanaged objects.'),
        create: count.optional(),
        update: count.optional(),
        delete: count.optional(),
        unmanaged: count.optional().describe('Matching objects this controller does not own (adopt: false).'),
        blocked: count.optional().describe('Deletes NetBox refuses (the object is in use).'),
      })
      .optional()
      .describe('What the last plan found different between NetBox and the intent, per action.'),
    lastReconcileTime: z.string().meta({ format: 'date-time' }).optional().describe('When the last reconcile finished.'),
    lastProcessId: z.string().max(64).optional().describe('The workflow process of the last reconcile (netbox-gitops process ID).'),
    lastAppliedLibraryRevision: z.string().max(256).optional().describe('devicetype-library revision of the last successful reconcile.'),
    lastHandledReconcileAt: z
      .string()
      .max(256)
      .optional()
      .describe('Value of the netbox-gitops.io/reconcile-requested-at annotation the controller last acted on.'),
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
  const { mode, prune, adopt, suspend, ignoreFields, interval, schedule, library } = intent.spec;
  return { mode, prune, adopt, suspend, ignoreFields, interval, schedule, library };
}

/** The key an intent is unique under: `kind/name`. */
export function intentKey(intent: Pick<Intent, 'kind' | 'metadata'>): string {
  return `${intent.kind}/${intent.metadata.name}`;
}
