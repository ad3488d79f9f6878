/**
 * The two import forms, VendorImportForm and DeviceTypeImportForm (orchestrator-core FormPages), kept as the input of the
 * `task_import_vendors` / `task_import_device_types` workflows and mapped onto intents so an
 * import is just a reconcile of a generated intent.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ValidationError } from '../errors/index.ts';
import { formatFieldPath } from './field-path.ts';
import type { PathSegment } from './field-path.ts';
import { MAX_PATTERN_LENGTH, describePatternProblem } from './patterns.ts';
import { ALL_VENDORS, DeviceTypeSetSchema, INTENT_API_VERSION, VendorSetSchema } from './schema.ts';
import type { DeviceTypeSetIntent, VendorSetIntent } from './schema.ts';

export const VendorImportForm = z
  .strictObject({
    selected_vendors: z
      .array(z.string().min(1, { error: 'must not be empty' }))
      .min(1, { error: 'select at least one vendor, or "all"' })
      .default(['all'])
      .describe('Select vendors to import'),
  })
  .meta({ title: 'Import Vendors to NetBox', description: 'Select vendors to import from devicetype-library' });
export type VendorImportFormInput = z.input<typeof VendorImportForm>;

export const DeviceTypeImportForm = z
  .strictObject({
    selected_vendor: z.string().min(1, { error: 'select a vendor' }).describe('Select vendor'),
    device_type_filter: z
      .string()
      .max(MAX_PATTERN_LENGTH, { error: `must be at most ${MAX_PATTERN_LENGTH} characters`, abort: true })
      .superRefine((pattern, ctx) => {
        const problem = describePatternProblem(pattern);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: pattern });
      })
      .nullish()
      .describe('Filter device types (regular expression, RE2 syntax)'),
  })
  .meta({ title: 'Import Device Types to NetBox', description: 'Import device types for selected vendors' });
export type DeviceTypeImportFormInput = z.input<typeof DeviceTypeImportForm>;

export interface FormIntentOptions {
  /** metadata.name of the intent; by default derived from the form values, so the same form gives the same intent. */
  readonly name?: string;
}

/**
 * The VendorSet a vendor import form asks for: the selected library vendors (`all` when
 * selected or left at its default), in enforce mode because an import writes to NetBox.
 * @throws ValidationError when the form values are invalid.
 */
export function intentFromVendorImportForm(form: VendorImportFormInput, options: FormIntentOptions = {}): VendorSetIntent {
  const { selected_vendors: selected } = parseForm(VendorImportForm, form);
  // "all" anywhere in the selection means every vendor (the form allows it beside others).
  const all = selected.includes(ALL_VENDORS);
  const vendors = all ? [ALL_VENDORS] : selected;
  const name = options.name ?? (all ? 'import-vendors-all' : `import-vendors-${shortHash([...vendors].sort().join('\n'))}`);
  return VendorSetSchema.parse({
    apiVersion: INTENT_API_VERSION,
    kind: 'VendorSet',
    metadata: { name },
    spec: { mode: 'enforce', vendors },
  });
}

/**
 * The DeviceTypeSet a device type import form asks for: the vendor's library device types,
 * filtered by the form's regular expression, in enforce mode.
 * @throws ValidationError when the form values are invalid.
 */
export function intentFromDeviceTypeImportForm(form: DeviceTypeImportFormInput, options: FormIntentOptions = {}): DeviceTypeSetIntent {
  const { selected_vendor: vendor, device_type_filter: filter } = parseForm(DeviceTypeImportForm, form);
  const hasFilter = filter !== undefined && filter !== null && filter !== '';
  const base = `import-device-types-${slugify(vendor)}`.slice(0, 60).replace(/-+$/, '');
  const name = options.name ?? (hasFilter ? `${base}-${shortHash(filter)}` : base);
  return DeviceTypeSetSchema.parse({
    apiVersion: INTENT_API_VERSION,
    kind: 'DeviceTypeSet',
    metadata: { name },
    spec: { mode: 'enforce', vendors: [vendor], ...(hasFilter ? { include: [filter] } : {}) },
  });
}

function parseForm<S extends z.ZodType>(schema: S, form: unknown): z.output<S> {
  const parsed = schema.safeParse(form);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    path: formatFieldPath(issue.path as PathSegment[]),
    message: issue.message,
    severity: 'error' as const,
  }));
  const summary = issues.map((issue) => `${issue.path || 'form'}: ${issue.message}`).join('; ');
  throw new ValidationError(`invalid import form: ${summary}`, issues);
}

/** Lower-case DNS-label text from a vendor name ("Nabu Casa" → "nabu-casa"). */
function slugify(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? shortHash(text) : slug;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}
