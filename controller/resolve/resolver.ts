import type { Catalogue, CatalogueDeviceType, CatalogueModuleType, CatalogueVendor } from '../catalogue/index.ts';
import { findDeviceTypeBySlug, findVendor, mapInlineDeviceType, mapInlineModuleType, slugify } from '../catalogue/index.ts';
import type { ValidationIssue } from '../errors/index.ts';
import { compileIntentPattern, intentKey, selectsAllVendors } from '../intents/index.ts';
import type { DeviceTypeSetIntent, Intent, IntentPattern, LoadedIntent, VendorSetIntent } from '../intents/index.ts';
import { findConflicts } from './conflicts.ts';
import type { DesiredDeviceType, DesiredIntent, DesiredManufacturer, DesiredModuleType, DesiredState, ReconcilePolicy } from './types.ts';

type Path = readonly (string | number)[];

/** Reports a problem at a field of an intent, with file:line:col where the intent has a source. */
interface Reporter {
  error(path: Path, message: string): void;
  warning(path: Path, message: string): void;
}

function reporterFor(source: Pick<LoadedIntent, 'file' | 'locate'> | undefined, intent: Intent, issues: ValidationIssue[]): Reporter {
  const at = (severity: ValidationIssue['severity'], path: Path, message: string): void => {
    const pos = source?.locate([...path]);
    const dotted = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
    issues.push({
      severity,
      message: `${intentKey(intent)}: ${message}`,
      path: dotted,
      ...(source ? { file: source.file } : {}),
      ...(pos ? { line: pos.line, column: pos.column } : {}),
    });
  };
  return { error: (p, m) => at('error', p, m), warning: (p, m) => at('warning', p, m) };
}

function policyOf(intent: Intent): ReconcilePolicy {
  const s = intent.spec;
  return {
    mode: s.mode,
    prune: s.prune,
    adopt: s.adopt,
    components: intent.kind === 'DeviceTypeSet' ? intent.spec.components : false,
    images: intent.kind === 'DeviceTypeSet' ? intent.spec.images : false,
    // Intents built in code (not parsed) may lack the schema's default.
    ignoreFields: s.ignoreFields ?? [],
  };
}

/** The vendors an intent names, each looked up in the library; unknown names are errors. */
function selectVendors(vendors: readonly string[], catalogue: Catalogue, report: Reporter): CatalogueVendor[] {
  if (selectsAllVendors(vendors)) return [...catalogue.vendors.values()];
  const found: CatalogueVendor[] = [];
  vendors.forEach((name, i) => {
    const vendor = findVendor(catalogue, name);
    if (vendor) found.push(vendor);
    else report.error(['spec', 'vendors', i], `vendor "${name}" is not in the devicetype-library${suggest(name, catalogue)}`);
  });
  return found;
}

function suggest(name: string, catalogue: Catalogue): string {
  const wanted = slugify(name);
  const close = [...catalogue.vendors.values()].filter((v) => v.slug.includes(wanted) || wanted.includes(v.slug)).slice(0, 3);
  return close.length > 0 ? ` (did you mean ${close.map((v) => `"${v.name}"`).join(', ')}?)` : '';
}

function resolveVendorSet(intent: VendorSetIntent, catalogue: Catalogue, report: Reporter): DesiredIntent {
  const manufacturers: DesiredManufacturer[] = selectVendors(intent.spec.vendors, catalogue, report).map((v) => ({
    slug: v.slug,
    name: v.name,
    managed: true,
  }));
  for (const c of intent.spec.custom) {
    manufacturers.push({ slug: c.slug.toLowerCase(), name: c.name, managed: true, ...(c.description !== undefined ? { description: c.description } : {}) });
  }
  return { ref: { kind: 'VendorSet', name: intent.metadata.name }, policy: policyOf(intent), manufacturers, deviceTypes: [], moduleTypes: [] };
}

/** Compiles the patterns of one list, reporting any that match nothing among `candidates`. */
function compileFilters(patterns: readonly string[] | undefined, path: Path, candidates: readonly string[][], report: Reporter): IntentPattern[] {
  return (patterns ?? []).map((p, i) => {
    const re = compileIntentPattern(p);
    if (!candidates.some((names) => names.some((n) => re.test(n)))) {
      report.warning([...path, i], `regular expression "${p}" matches nothing in the selected vendors`);
    }
    return re;
  });
}

function matchesAny(patterns: readonly IntentPattern[], names: readonly string[]): boolean {
  return patterns.some((re) => names.some((n) => re.test(n)));
}

function toDesiredDeviceType(d: CatalogueDeviceType, source: string): DesiredDeviceType {
  return { manufacturer: d.manufacturerSlug, model: d.model, slug: d.slug, fields: d.fields, templates: d.templates, images: d.images, source };
}

function toDesiredModuleType(m: CatalogueModuleType, source: string): DesiredModuleType {
  return { manufacturer: m.manufacturerSlug, model: m.model, fields: m.fields, templates: m.templates, source };
}

function resolveDeviceTypeSet(intent: DeviceTypeSetIntent, source: LoadedIntent | undefined, catalogue: Catalogue, report: Reporter): DesiredIntent {
  const spec = intent.spec;
  const vendors = selectVendors(spec.vendors, catalogue, report);
  const vendorSlugs = new Set(vendors.map((v) => v.slug));
  const candidates = catalogue.deviceTypes.filter((d) => vendorSlugs.has(d.manufacturerSlug));
  const names = candidates.map((d) => [d.model, d.slug]);
  const include = compileFilters(spec.include, ['spec', 'include'], names, report);
  const exclude = compileFilters(spec.exclude, ['spec', 'exclude'], names, report);
  const selected = new Map<string, CatalogueDeviceType>();
  for (const d of candidates) {
    const n = [d.model, d.slug];
    if ((include.length === 0 || matchesAny(include, n)) && !matchesAny(exclude, n)) selected.set(d.file, d);
  }
  pickExplicit(spec.deviceTypes, vendorSlugs, catalogue, report).forEach((d) => selected.set(d.file, d));

  const deviceTypes = [...selected.values()].map((d) => toDesiredDeviceType(d, d.file));
  const moduleTypes = selectModuleTypes(spec.moduleTypes, vendorSlugs, catalogue, report).map((m) => toDesiredModuleType(m, m.file));
  const file = source ? `intent:${source.file}` : 'intent';
  (spec.custom ?? []).forEach((raw, i) => {
    const mapped = mapInlineDeviceType(raw, catalogue, { file });
    if (mapped.ok) deviceTypes.push(toDesiredDeviceType(mapped.value, file));
    for (const issue of mapped.ok ? mapped.warnings : mapped.issues) report[issue.severity](['spec', 'custom', i, ...issue.path], issue.message);
  });
  (spec.customModuleTypes ?? []).forEach((raw, i) => {
    const mapped = mapInlineModuleType(raw, catalogue, { file });
    if (mapped.ok) moduleTypes.push(toDesiredModuleType(mapped.value, file));
    for (const issue of mapped.ok ? mapped.warnings : mapped.issues) report[issue.severity](['spec', 'customModuleTypes', i, ...issue.path], issue.message);
  });
  if (deviceTypes.length === 0 && moduleTypes.length === 0) report.warning(['spec'], 'selects no device types or module types');

  const manufacturers = new Map<string, DesiredManufacturer>();
  const need = (slug: string, name: string): void => {
    if (manufacturers.has(slug)) return;
    manufacturers.set(slug, { slug, name: findVendor(catalogue, slug)?.name ?? name, managed: false });
  };
  const inline = [...(spec.custom ?? []), ...(spec.customModuleTypes ?? [])];
  for (const d of [...deviceTypes, ...moduleTypes]) {
    need(d.manufacturer, inline.find((c) => slugify(c.manufacturer) === d.manufacturer)?.manufacturer ?? d.manufacturer);
    // Inventory items may name another manufacturer; it must exist before they can point at it.
    for (const item of d.templates['inventory-item'] ?? []) {
      if (typeof item.fields.manufacturer === 'string') need(slugify(item.fields.manufacturer), item.fields.manufacturer);
    }
  }
  return {
    ref: { kind: 'DeviceTypeSet', name: intent.metadata.name },
    policy: policyOf(intent),
    manufacturers: [...manufacturers.values()],
    deviceTypes,
    moduleTypes,
  };
}

function pickExplicit(
  picks: DeviceTypeSetIntent['spec']['deviceTypes'],
  vendorSlugs: ReadonlySet<string>,
  catalogue: Catalogue,
  report: Reporter,
): CatalogueDeviceType[] {
  const found: CatalogueDeviceType[] = [];
  (picks?.slugs ?? []).forEach((slug, i) => {
    const d = findDeviceTypeBySlug(catalogue, slug);
    if (d) found.push(d);
    else report.error(['spec', 'deviceTypes', 'slugs', i], `device type slug "${slug}" is not in the devicetype-library`);
  });
  (picks?.models ?? []).forEach((model, i) => {
    const matches = catalogue.deviceTypes.filter((d) => d.model === model && (vendorSlugs.size === 0 || vendorSlugs.has(d.manufacturerSlug)));
    if (matches.length === 1) found.push(matches[0] as CatalogueDeviceType);
    else if (matches.length === 0)
      report.error(
        ['spec', 'deviceTypes', 'models', i],
        `model "${model}" is not in the devicetype-library${vendorSlugs.size > 0 ? ' for the selected vendors' : ''}`,
      );
    else
      report.error(
        ['spec', 'deviceTypes', 'models', i],
        `model "${model}" exists for several manufacturers (${matches.map((d) => d.manufacturer).join(', ')}); list the vendor in spec.vendors or pick it by slug`,
      );
  });
  return found;
}

function selectModuleTypes(
  setting: DeviceTypeSetIntent['spec']['moduleTypes'],
  vendorSlugs: ReadonlySet<string>,
  catalogue: Catalogue,
  report: Reporter,
): CatalogueModuleType[] {
  if (setting === undefined || setting === false) return [];
  const candidates = catalogue.moduleTypes.filter((m) => vendorSlugs.has(m.manufacturerSlug));
  if (setting === true) return candidates;
  const names = candidates.map((m) => [m.model]);
  const include = compileFilters(setting.include, ['spec', 'moduleTypes', 'include'], names, report);
  const exclude = compileFilters(setting.exclude, ['spec', 'moduleTypes', 'exclude'], names, report);
  // Only explicit picks: the vendors' module types are selected by include/exclude, or not at all.
  const filtered =
    setting.models !== undefined && setting.include === undefined && setting.exclude === undefined
      ? []
      : candidates.filter((m) => (include.length === 0 || matchesAny(include, [m.model])) && !matchesAny(exclude, [m.model]));
  const selected = new Map(filtered.map((m) => [m.file, m]));
  (setting.models ?? []).forEach((model, i) => {
    const matches = catalogue.moduleTypes.filter((m) => m.model === model && (vendorSlugs.size === 0 || vendorSlugs.has(m.manufacturerSlug)));
    const path = ['spec', 'moduleTypes', 'models', i];
    if (matches.length === 1) selected.set((matches[0] as CatalogueModuleType).file, matches[0] as CatalogueModuleType);
    else if (matches.length === 0)
      report.error(path, `module-type model "${model}" is not in the devicetype-library${vendorSlugs.size > 0 ? ' for the selected vendors' : ''}`);
    else
      report.error(
        path,
        `module-type model "${model}" exists for several manufacturers (${matches.map((m) => m.manufacturer).join(', ')}); list the vendor in spec.vendors`,
      );
  });
  return [...selected.values()];
}

/** Input of the resolver: intents as loaded from files, or bare intents (Kubernetes, API). */
export type ResolverInput = LoadedIntent | { readonly intent: Intent; readonly file?: undefined; readonly locate?: undefined };

/**
 * Resolves intents against the library into the desired state: which manufacturers, device
 * types, module types and component templates each intent wants. Library-dependent problems
 * (unknown vendor, slug or model, a filter that matches nothing, an invalid inline definition)
 * are reported with the intent's file, line and column, and so are conflicts: two enforce
 * intents that want one object with different values (see findConflicts).
 */
export function resolveIntents(inputs: readonly ResolverInput[], catalogue: Catalogue): DesiredState {
  const issues: ValidationIssue[] = [];
  const sources = inputs.map((input) => ({ intent: input.intent, source: input.file !== undefined ? (input as LoadedIntent) : undefined }));
  const intents = sources.map(({ intent, source }) => {
    const report = reporterFor(source, intent, issues);
    return intent.kind === 'VendorSet' ? resolveVendorSet(intent, catalogue, report) : resolveDeviceTypeSet(intent, source, catalogue, report);
  });
  issues.push(...findConflicts(intents, sources));
  return { intents, libraryRevision: catalogue.revision, issues };
}
