import { findVendor, indexCatalogue, slugify, TEMPLATE_KINDS } from '../catalogue/index.ts';
import type { Catalogue, CatalogueDeviceType, CatalogueModuleType, CatalogueVendor, TemplateKind } from '../catalogue/index.ts';
import { buildPlan, OWNER_TAG, typeIdentity } from '../reconcile/index.ts';
import type { PlanOperation } from '../reconcile/index.ts';
import type { DesiredDeviceType, DesiredIntent, DesiredModuleType } from '../resolve/index.ts';
import { compare } from './inventory.ts';
import type {
  Classification,
  FieldDifference,
  Inventory,
  InventoryManufacturer,
  InventoryType,
  LibraryCounterpart,
  ManufacturerReport,
  MatchedBy,
  OnboardingReport,
  SummaryRow,
  TemplateDifference,
  TypeReport,
} from './types.ts';

type LibraryType = CatalogueDeviceType | CatalogueModuleType;

/** A NetBox type paired with its library definition. */
export interface Match {
  readonly type: InventoryType;
  readonly library: LibraryType;
  readonly matchedBy: MatchedBy;
}

/** Intent tags start with this (see the reconcile engine's ownership tags). */
const INTENT_TAG_PREFIX = 'nbg-';

/** The synthetic intent the classification plans with: adopt and prune, so every difference shows. */
const COMPARE_REF = { kind: 'DeviceTypeSet', name: 'netbox-gitops-onboarding-compare' } as const;

/** The library vendor a NetBox manufacturer is: by slug first, then by name. */
export function libraryVendorOf(catalogue: Catalogue, manufacturer: Pick<InventoryManufacturer, 'slug' | 'name'>): CatalogueVendor | undefined {
  const bySlug = findVendor(catalogue, manufacturer.slug);
  if (bySlug && bySlug.slug === manufacturer.slug) return bySlug;
  return findVendor(catalogue, manufacturer.name) ?? bySlug;
}

/**
 * Pairs NetBox types with library definitions of the same vendor: by model (exactly, then
 * ignoring case), then — for models renamed in NetBox or in the library — by slug (device
 * types) and by part number (NetBox's part number is the library's part number or model, or
 * NetBox's model is the library's part number). Each library definition pairs once; a part
 * number that fits several definitions pairs with none.
 */
export function matchTypes(inventory: Inventory, catalogue: Catalogue): Map<InventoryType, Match> {
  const vendors = new Map<string, CatalogueVendor | undefined>(inventory.manufacturers.map((m) => [m.slug, libraryVendorOf(catalogue, m)]));
  const matches = new Map<InventoryType, Match>();
  const pair = <L extends LibraryType>(types: readonly InventoryType[], library: readonly L[], bySlug: boolean): void => {
    const byVendor = new Map<string, L[]>();
    for (const l of library) {
      let list = byVendor.get(l.manufacturerSlug);
      if (!list) byVendor.set(l.manufacturerSlug, (list = []));
      list.push(l);
    }
    const claimed = new Set<L>();
    const candidatesOf = (t: InventoryType): L[] => {
      const vendor = vendors.get(t.manufacturer);
      return vendor ? (byVendor.get(vendor.slug) ?? []) : [];
    };
    const pass = (matchedBy: MatchedBy, find: (t: InventoryType, candidates: readonly L[]) => L | undefined): void => {
      for (const t of types) {
        if (matches.has(t)) continue;
        const found = find(
          t,
          candidatesOf(t).filter((c) => !claimed.has(c)),
        );
        if (!found) continue;
        claimed.add(found);
        matches.set(t, { type: t, library: found, matchedBy });
      }
    };
    pass('model', (t, c) => c.find((l) => l.model === t.model));
    pass('model', (t, c) => unique(c.filter((l) => l.model.toLowerCase() === t.model.toLowerCase())));
    if (bySlug) pass('slug', (t, c) => c.find((l) => 'slug' in l && l.slug.toLowerCase() === (t.slug ?? '').toLowerCase()));
    pass('part-number', (t, c) => {
      const partNumber = text(t.record.part_number).toLowerCase();
      const model = t.model.toLowerCase();
      return unique(
        c.filter((l) => {
          const libraryPart = text(l.fields.part_number).toLowerCase();
          return (partNumber !== '' && (partNumber === libraryPart || partNumber === l.model.toLowerCase())) || (libraryPart !== '' && libraryPart === model);
        }),
      );
    });
  };
  pair(inventory.deviceTypes, catalogue.deviceTypes, true);
  pair(inventory.moduleTypes, catalogue.moduleTypes, false);
  return matches;
}

function unique<T>(list: readonly T[]): T | undefined {
  return list.length === 1 ? list[0] : undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : value === null || value === undefined ? '' : String(value);
}

/**
 * The desired state of one paired type as a library reference would give it, but under
 * NetBox's model (so the engine pairs them by identity; a renamed model is reported apart).
 */
function desiredOf(match: Match): DesiredDeviceType | DesiredModuleType {
  const { type, library } = match;
  if (library.kind === 'device-type') {
    return {
      manufacturer: type.manufacturer,
      model: type.model,
      slug: library.slug,
      fields: library.fields,
      templates: library.templates,
      images: {},
      source: library.file,
    };
  }
  return { manufacturer: type.manufacturer, model: type.model, fields: library.fields, templates: library.templates, source: library.file };
}

/**
 * Compares every paired type with its library definition by planning a synthetic intent that
 * adopts and prunes: what that plan would change is exactly how NetBox differs, in the engine's
 * own terms (normalised values, front-port mappings by name, fields the library leaves out not
 * compared). Pure: no I/O.
 */
export function compareMatches(
  inventory: Inventory,
  matches: ReadonlyMap<InventoryType, Match>,
): Map<InventoryType, { fields: FieldDifference[]; templates: TemplateDifference[]; same: number }> {
  const deviceTypes: DesiredDeviceType[] = [];
  const moduleTypes: DesiredModuleType[] = [];
  for (const match of matches.values()) {
    const desired = desiredOf(match);
    if (match.type.kind === 'device-type') deviceTypes.push(desired as DesiredDeviceType);
    else moduleTypes.push(desired);
  }
  const intent: DesiredIntent = {
    ref: COMPARE_REF,
    policy: { mode: 'enforce', prune: true, adopt: true, components: true, images: false, ignoreFields: [] },
    manufacturers: [],
    deviceTypes,
    moduleTypes,
  };
  const plan = buildPlan([intent], inventory.snapshot);
  const byParent = new Map<string, PlanOperation[]>();
  for (const op of plan.operations) {
    const key = op.parent ? `${op.parent.kind}:${op.parent.identity}` : `${op.kind}:${op.identity}`;
    let list = byParent.get(key);
    if (!list) byParent.set(key, (list = []));
    list.push(op);
  }
  const result = new Map<InventoryType, { fields: FieldDifference[]; templates: TemplateDifference[]; same: number }>();
  for (const match of matches.values()) {
    const { type, library } = match;
    const identity = typeIdentity(type.manufacturer, type.model);
    const ops = byParent.get(`${type.kind}:${identity}`) ?? [];
    const fields: FieldDifference[] = [];
    if (library.model !== type.model) fields.push({ field: 'model', netbox: type.model, library: library.model });
    const templates: TemplateDifference[] = [];
    for (const op of ops) {
      if (op.kind === type.kind) {
        for (const [field, change] of Object.entries(op.changes ?? {})) {
          if (field !== 'tags') fields.push({ field, netbox: change.before, library: change.after });
        }
        continue;
      }
      if (!op.parent) continue;
      const kind = op.kind.replace(/-template$/, '') as TemplateKind;
      const name = op.identity.slice(op.parent.identity.length + 1);
      if (op.action === 'create') templates.push({ kind, name, change: 'missing' });
      else if (op.action === 'delete' || op.action === 'extra') templates.push({ kind, name, change: 'extra' });
      else if (op.action === 'update') {
        templates.push({
          kind,
          name,
          change: 'differs',
          fields: Object.entries(op.changes ?? {}).map(([field, c]) => ({ field, netbox: c.before, library: c.after })),
        });
      }
    }
    let libraryCount = 0;
    for (const kind of TEMPLATE_KINDS) libraryCount += library.templates[kind]?.length ?? 0;
    const notSame = templates.filter((t) => t.change !== 'extra').length;
    fields.sort((a, b) => compare(a.field, b.field));
    templates.sort((a, b) => TEMPLATE_KINDS.indexOf(a.kind) - TEMPLATE_KINDS.indexOf(b.kind) || compare(a.name, b.name));
    result.set(type, { fields, templates, same: libraryCount - notSame });
  }
  return result;
}

function classificationOf(
  type: InventoryType,
  match: Match | undefined,
  fields: readonly FieldDifference[],
  templates: readonly TemplateDifference[],
): Classification {
  if (!match) return 'not-in-library';
  if (match.library.model !== type.model) return 'renamed';
  if (fields.length > 0 || templates.some((t) => t.change === 'differs')) return 'differs';
  if (templates.length > 0) return 'templates';
  return 'identical';
}

function ownersOf(tags: readonly string[]): string[] {
  return tags.filter((t) => t.startsWith(INTENT_TAG_PREFIX)).sort();
}

function counterpartOf(match: Match): LibraryCounterpart {
  const { library } = match;
  return {
    file: library.file,
    manufacturer: library.manufacturer,
    model: library.model,
    ...(library.kind === 'device-type' ? { slug: library.slug } : {}),
    matchedBy: match.matchedBy,
  };
}

/**
 * Classifies what NetBox holds against the library: every manufacturer and every device and
 * module type, with the fields and components that differ (NetBox → library). Stable: the same
 * NetBox and library give the same report, sorted by manufacturer and model.
 */
export function classifyInventory(inventory: Inventory, catalogue: Catalogue): OnboardingReport {
  indexCatalogue(catalogue);
  const matches = matchTypes(inventory, catalogue);
  const compared = compareMatches(inventory, matches);
  const manufacturerNames = new Map(inventory.manufacturers.map((m) => [m.slug, m.name]));
  const typeReport = (type: InventoryType): TypeReport => {
    const match = matches.get(type);
    const diff = compared.get(type) ?? { fields: [], templates: [], same: 0 };
    const count = (change: TemplateDifference['change']): number => diff.templates.filter((t) => t.change === change).length;
    let total = 0;
    for (const list of type.templates.values()) total += list.length;
    return {
      kind: type.kind,
      netboxId: type.id,
      manufacturer: type.manufacturer,
      manufacturerName: manufacturerNames.get(type.manufacturer) ?? type.manufacturer,
      model: type.model,
      ...(type.slug !== undefined ? { slug: type.slug } : {}),
      classification: classificationOf(type, match, diff.fields, diff.templates),
      ...(match ? { library: counterpartOf(match) } : {}),
      fields: diff.fields,
      templates: diff.templates,
      counts: match
        ? { same: diff.same, differing: count('differs'), missing: count('missing'), extra: count('extra') }
        : { same: 0, differing: 0, missing: 0, extra: total },
      owned: type.tags.includes(OWNER_TAG.slug),
      ownedBy: ownersOf(type.tags),
      notExpressible: [],
    };
  };
  const deviceTypes = inventory.deviceTypes.map(typeReport);
  const moduleTypes = inventory.moduleTypes.map(typeReport);

  const typeCounts = new Map<string, { device: number; module: number }>();
  for (const t of [...inventory.deviceTypes, ...inventory.moduleTypes]) {
    const entry = typeCounts.get(t.manufacturer) ?? { device: 0, module: 0 };
    if (t.kind === 'device-type') entry.device += 1;
    else entry.module += 1;
    typeCounts.set(t.manufacturer, entry);
  }
  const manufacturers: ManufacturerReport[] = inventory.manufacturers.map((m) => {
    const vendor = libraryVendorOf(catalogue, m);
    const fields: FieldDifference[] = [];
    if (vendor && vendor.name !== m.name) fields.push({ field: 'name', netbox: m.name, library: vendor.name });
    if (vendor && vendor.slug !== m.slug) fields.push({ field: 'slug', netbox: m.slug, library: vendor.slug });
    const counts = typeCounts.get(m.slug) ?? { device: 0, module: 0 };
    return {
      netboxId: m.id,
      name: m.name,
      slug: m.slug,
      classification: vendor ? (fields.length === 0 ? 'identical' : 'differs') : 'not-in-library',
      ...(vendor ? { library: { name: vendor.name, slug: vendor.slug } } : {}),
      fields,
      deviceTypes: counts.device,
      moduleTypes: counts.module,
      owned: m.tags.includes(OWNER_TAG.slug),
      ownedBy: ownersOf(m.tags),
    };
  });
  return assembleReport(inventory.netboxVersion, catalogue.revision, manufacturers, deviceTypes, moduleTypes);
}

/** Adds the summary (totals and one row per manufacturer) to classified types. */
export function assembleReport(
  netboxVersion: string,
  libraryRevision: string,
  manufacturers: readonly ManufacturerReport[],
  deviceTypes: readonly TypeReport[],
  moduleTypes: readonly TypeReport[],
): OnboardingReport {
  const zero = (): Record<Classification, number> => ({ identical: 0, differs: 0, templates: 0, renamed: 0, 'not-in-library': 0 });
  const totals = { deviceTypes: zero(), moduleTypes: zero() };
  const rows = new Map<string, { -readonly [K in keyof SummaryRow]: SummaryRow[K] }>();
  for (const m of manufacturers)
    rows.set(m.slug, { manufacturer: m.name, types: 0, identical: 0, differs: 0, templates: 0, renamed: 0, notInLibrary: 0, owned: 0 });
  let owned = 0;
  for (const t of [...deviceTypes, ...moduleTypes]) {
    (t.kind === 'device-type' ? totals.deviceTypes : totals.moduleTypes)[t.classification] += 1;
    const row = rows.get(t.manufacturer);
    if (t.owned) owned += 1;
    if (!row) continue;
    row.types += 1;
    if (t.owned) row.owned += 1;
    if (t.classification === 'not-in-library') row.notInLibrary += 1;
    else row[t.classification] += 1;
  }
  return {
    formatVersion: 1,
    netboxVersion,
    libraryRevision,
    summary: {
      manufacturers: manufacturers.length,
      deviceTypes: totals.deviceTypes,
      moduleTypes: totals.moduleTypes,
      owned,
      rows: [...rows.values()].filter((r) => r.types > 0),
    },
    manufacturers,
    deviceTypes,
    moduleTypes,
  };
}

/** The manufacturer name a library-format definition must carry so it resolves to `slug`. */
export function manufacturerNameFor(catalogue: Catalogue, manufacturer: Pick<InventoryManufacturer, 'slug' | 'name'>): string {
  const vendor = findVendor(catalogue, manufacturer.slug);
  if (vendor && vendor.slug === manufacturer.slug) return vendor.name;
  if (slugify(manufacturer.name) === manufacturer.slug) return manufacturer.name;
  // A name that does not slugify to NetBox's slug would point the definition at another manufacturer.
  return manufacturer.slug;
}
