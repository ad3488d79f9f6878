import { slugify, TEMPLATE_KINDS } from '../catalogue/index.ts';
import type { TemplateKind, TemplateSet, TemplateSpec } from '../catalogue/index.ts';
import type { IgnoreFieldsRule } from '../intents/index.ts';
import type { DeviceType, Manufacturer, ModuleType } from '../netbox/index.ts';
import type { DesiredIntent } from '../resolve/index.ts';
import { DEVICE_TYPE_DEFAULTS, MANUFACTURER_DEFAULTS, MODULE_TYPE_DEFAULTS, TEMPLATE_DEFAULTS } from './defaults.ts';
import { formatIntentRef, intentTag, INTENT_TAG_PREFIX, OWNER_TAG, templateIdentity, templateObjectKind, typeIdentity } from './identity.ts';
import type { NetBoxRecord } from './netbox-port.ts';
import { diffFields, normaliseValue, valuesEqual } from './normalise.ts';
import { refId } from './snapshot.ts';
import type { ParentKey, NetBoxState, TemplateRecord } from './snapshot.ts';
import type { FieldChange, ObjectKind, ParentRef, Plan, PlanAction, PlanOperation, PlanSummary } from './types.ts';

interface Owners {
  /** `Kind/name` of each intent that wants the object. */
  readonly intents: string[];
  /** Their ownership tag slugs. */
  readonly tags: string[];
  /** At least one enforce intent wants the object: its existence and fields are written. */
  enforce: boolean;
  adopt: boolean;
  /** The `ignoreFields` rules of the intents that decide the object's fields. */
  readonly ignoreRules: readonly (readonly IgnoreFieldsRule[])[];
}

/**
 * One part of a type (its component templates, its images) and the intents that manage it. A
 * part managed by no intent is absent: nothing is compared, created or deleted in it.
 */
interface ManagedPart {
  /** The deciding intents (enforce ones when any manages the part, else the observing ones), sorted. */
  readonly intents: readonly string[];
  /** Whether the deciding intents enforce: only then are the part's operations applied. */
  readonly enforce: boolean;
  /** A deciding intent prunes: objects of this part that no deciding intent wants are deleted. */
  readonly prune: boolean;
  /** The `ignoreFields` rules of the deciding intents. */
  readonly ignoreRules: readonly (readonly IgnoreFieldsRule[])[];
}

interface MergedManufacturer extends Owners {
  readonly slug: string;
  name: string;
  description?: string;
  managed: boolean;
}

interface MergedType extends Owners {
  readonly kind: 'device-type' | 'module-type';
  readonly manufacturer: string;
  readonly model: string;
  readonly slug?: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly components: ManagedPart | undefined;
  readonly templates: TemplateSet;
  readonly images: ManagedPart | undefined;
  readonly imageFiles: { readonly front?: string; readonly rear?: string };
  readonly imageHashes: { readonly front?: string; readonly rear?: string };
}

export interface PlanOptions {
  /** sha256 of local image files by path; computed by the caller so planning stays pure. */
  readonly localImageHashes?: ReadonlyMap<string, string>;
}

/**
 * Diffs the desired state of some intents against a snapshot and returns the plan: a plain,
 * stably ordered list of operations with a summary. Pure: no I/O.
 */
export function buildPlan(intents: readonly DesiredIntent[], snapshot: NetBoxState, options: PlanOptions = {}): Plan {
  const warnings: string[] = [];
  const { manufacturers, types } = mergeIntents(intents, options.localImageHashes ?? new Map(), warnings);
  const ops: PlanOperation[] = [];
  const references: Record<string, number> = {};
  let unchanged = 0;
  const count = (n = 1): void => {
    unchanged += n;
  };

  for (const m of manufacturers.values()) planManufacturer(m, snapshot, ops, count);
  for (const t of types.values()) planType(t, snapshot, ops, count, references);
  planPrune(intents, manufacturers, types, snapshot, ops);
  planTags(intents, snapshot, ops);

  return {
    formatVersion: 1,
    netboxVersion: snapshot.netboxVersion,
    intents: intents.map((i) => ({ ref: i.ref, mode: i.policy.mode, prune: i.policy.prune, adopt: i.policy.adopt })),
    operations: sortOperations(ops),
    references,
    summary: summarise(ops, unchanged),
    warnings,
  };
}

/** What one intent says about one object. */
interface Contribution<T> {
  readonly ref: string;
  readonly tag: string;
  readonly policy: DesiredIntent['policy'];
  readonly value: T;
}

interface TypeValue {
  readonly manufacturer: string;
  readonly model: string;
  readonly slug?: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly templates: TemplateSet;
  readonly images?: { readonly front?: string; readonly rear?: string };
}

/**
 * The intents that decide a part of an object: of those that manage it, the enforcing ones
 * when there are any, else the observing ones. An intent that does not manage the part (or only
 * observes while another enforces) contributes nothing to it — never "nothing wanted".
 */
function decidersOf<T>(contributions: readonly Contribution<T>[], manages: (c: Contribution<T>) => boolean): Contribution<T>[] {
  const managing = contributions.filter(manages);
  const enforcing = managing.filter((c) => c.policy.mode === 'enforce');
  return enforcing.length > 0 ? enforcing : managing;
}

function partOf<T>(deciders: readonly Contribution<T>[]): ManagedPart | undefined {
  if (deciders.length === 0) return undefined;
  return {
    intents: deciders.map((c) => c.ref).sort(),
    enforce: deciders.some((c) => c.policy.mode === 'enforce'),
    prune: deciders.some((c) => c.policy.prune),
    ignoreRules: deciders.map((c) => c.policy.ignoreFields),
  };
}

function ownersOf<T>(contributions: readonly Contribution<T>[]): Owners {
  const existence = decidersOf(contributions, () => true);
  return {
    intents: contributions.map((c) => c.ref),
    tags: contributions.map((c) => c.tag),
    enforce: existence.some((c) => c.policy.mode === 'enforce'),
    adopt: existence.some((c) => c.policy.adopt),
    ignoreRules: existence.map((c) => c.policy.ignoreFields),
  };
}

/**
 * Merges the intents into one desired object per identity, part by part (fields, component
 * templates, images): each part is decided by the intents that manage it (see decidersOf);
 * fields and templates are merged by name, and where two deciding intents disagree the first
 * wins with a warning (validate reports such conflicts between enforce intents as errors).
 */
function mergeIntents(
  intents: readonly DesiredIntent[],
  imageHashes: ReadonlyMap<string, string>,
  warnings: string[],
): { manufacturers: Map<string, MergedManufacturer>; types: Map<string, MergedType> } {
  const byManufacturer = new Map<string, Contribution<DesiredIntent['manufacturers'][number]>[]>();
  const byType = new Map<string, { kind: 'device-type' | 'module-type'; contributions: Contribution<TypeValue>[] }>();
  for (const intent of intents) {
    const ref = formatIntentRef(intent.ref);
    const tag = intentTag(intent.ref).slug;
    const seen = new Set<string>();
    for (const m of intent.manufacturers) {
      const slug = m.slug.toLowerCase();
      if (seen.has(slug)) continue;
      seen.add(slug);
      let list = byManufacturer.get(slug);
      if (!list) byManufacturer.set(slug, (list = []));
      list.push({ ref, tag, policy: intent.policy, value: m });
    }
    const add = (kind: 'device-type' | 'module-type', d: TypeValue): void => {
      const key = `${kind}:${typeIdentity(d.manufacturer.toLowerCase(), d.model)}`;
      if (seen.has(key)) return;
      seen.add(key);
      let entry = byType.get(key);
      if (!entry) byType.set(key, (entry = { kind, contributions: [] }));
      entry.contributions.push({ ref, tag, policy: intent.policy, value: d });
    };
    for (const d of intent.deviceTypes) add('device-type', d);
    for (const d of intent.moduleTypes) add('module-type', d);
  }

  const manufacturers = new Map<string, MergedManufacturer>();
  for (const [slug, contributions] of byManufacturer) {
    const owners = ownersOf(contributions);
    // Only the intents that manage the manufacturer's fields (VendorSets) say what they are.
    const deciders = decidersOf(contributions, (c) => c.value.managed).filter((c) => !owners.enforce || c.policy.mode === 'enforce');
    const first = (deciders[0] ?? decidersOf(contributions, () => true)[0]) as Contribution<DesiredIntent['manufacturers'][number]>;
    const merged: MergedManufacturer = {
      ...owners,
      slug,
      name: first.value.name,
      managed: deciders.length > 0,
      ...(deciders.length > 0 && first.value.description !== undefined ? { description: first.value.description } : {}),
    };
    const disagreeing = deciders.filter((c) => c.value.name !== first.value.name || (c.value.description ?? '') !== (first.value.description ?? ''));
    if (disagreeing.length > 0) {
      warnings.push(
        `manufacturer ${slug}: ${disagreeing.map((c) => c.ref).join(', ')} and ${first.ref} disagree on its name or description; ${first.ref} wins`,
      );
    }
    manufacturers.set(slug, merged);
  }

  const types = new Map<string, MergedType>();
  for (const [key, { kind, contributions }] of byType) {
    const owners = ownersOf(contributions);
    const head = contributions[0] as Contribution<TypeValue>;
    const identity = typeIdentity(head.value.manufacturer.toLowerCase(), head.value.model);
    const fieldDeciders = decidersOf(contributions, () => true);
    const componentDeciders = decidersOf(contributions, (c) => c.policy.components);
    const imageDeciders = kind === 'device-type' ? decidersOf(contributions, (c) => c.policy.images) : [];
    const conflicts = new Set<string>();
    const fields = mergeFields(
      fieldDeciders.map((c) => c.value.fields),
      conflicts,
    );
    const slugs = [...new Set(fieldDeciders.flatMap((c) => (c.value.slug !== undefined ? [c.value.slug] : [])))];
    if (slugs.length > 1) conflicts.add('slug');
    const templates = mergeTemplates(
      componentDeciders.map((c) => c.value.templates),
      conflicts,
    );
    const imageFiles: { front?: string; rear?: string } = {};
    for (const c of imageDeciders) {
      for (const side of ['front', 'rear'] as const) {
        const file = c.value.images?.[side];
        if (!file) continue;
        if (imageFiles[side] === undefined) imageFiles[side] = file;
        else if (imageFiles[side] !== file) conflicts.add(`${side} image`);
      }
    }
    if (conflicts.size > 0) {
      const refs = [...new Set([...fieldDeciders, ...componentDeciders, ...imageDeciders].map((c) => c.ref))];
      warnings.push(`${kind} ${identity}: ${refs.join(' and ')} define it differently (${[...conflicts].sort().join(', ')}); the first wins`);
    }
    types.set(key, {
      ...owners,
      kind,
      manufacturer: head.value.manufacturer.toLowerCase(),
      model: head.value.model,
      ...(slugs[0] !== undefined ? { slug: slugs[0] } : {}),
      fields,
      components: partOf(componentDeciders),
      templates,
      images: partOf(imageDeciders),
      imageFiles,
      imageHashes: {
        ...(imageFiles.front ? { front: imageHashes.get(imageFiles.front) } : {}),
        ...(imageFiles.rear ? { rear: imageHashes.get(imageFiles.rear) } : {}),
      },
    });
  }
  return { manufacturers, types };
}

/** Fields of several definitions, field by field: a field one does not set is left to the others. */
function mergeFields(all: readonly Readonly<Record<string, unknown>>[], conflicts: Set<string>): Readonly<Record<string, unknown>> {
  if (all.length <= 1) return all[0] ?? {};
  const merged: Record<string, unknown> = { ...all[0] };
  for (const fields of all.slice(1)) {
    for (const [field, value] of Object.entries(fields)) {
      if (!(field in merged)) merged[field] = value;
      else if (!valuesEqual(merged[field], value)) conflicts.add(field);
    }
  }
  return merged;
}

/** Templates of several definitions, by kind and name: the union, the first definition of a name winning. */
function mergeTemplates(all: readonly TemplateSet[], conflicts: Set<string>): TemplateSet {
  if (all.length <= 1) return all[0] ?? {};
  const merged: Partial<Record<TemplateKind, TemplateSpec[]>> = {};
  for (const kind of TEMPLATE_KINDS) {
    const byName = new Map<string, TemplateSpec>();
    for (const set of all) {
      for (const spec of set[kind] ?? []) {
        const known = byName.get(spec.name);
        if (!known) byName.set(spec.name, spec);
        else if (!valuesEqual(known.fields, spec.fields)) conflicts.add(`${kind} template ${spec.name}`);
      }
    }
    if (byName.size > 0) merged[kind] = [...byName.values()];
  }
  return merged;
}

/**
 * Fields left out of the comparison for one kind: those every deciding intent ignores (an
 * intent that cares about a field keeps it compared, as Argo CD's ignoreDifferences apply per
 * application).
 */
function ignoredFields(ruleSets: readonly (readonly IgnoreFieldsRule[])[], kind: ObjectKind): ReadonlySet<string> {
  let shared: Set<string> | undefined;
  for (const rules of ruleSets) {
    const mine = new Set(rules.filter((r) => r.kind === undefined || r.kind === kind).flatMap((r) => r.fields));
    shared = shared === undefined ? mine : new Set([...shared].filter((f) => mine.has(f)));
    if (shared.size === 0) break;
  }
  return shared ?? new Set();
}

/**
 * What the diff compares: the fields the intent sets, and NetBox's default for each field it
 * leaves unset (where the server has that field), less the ignored fields.
 */
function comparedFields(
  defaults: Readonly<Record<string, unknown>>,
  fields: Readonly<Record<string, unknown>>,
  ignored: ReadonlySet<string>,
  actual: NetBoxRecord,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [f, v] of Object.entries(defaults)) if (f in actual) out[f] = v;
  Object.assign(out, fields);
  for (const f of ignored) delete out[f];
  return out;
}

function tagSlugs(record: NetBoxRecord): string[] {
  const tags = record.tags;
  if (!Array.isArray(tags)) return [];
  return tags.map((t) => (typeof t === 'object' && t !== null ? String((t as { slug?: unknown }).slug) : String(t)));
}

/** The tag change that makes an object carry OWNER_TAG and every owner's tag. */
function tagChange(actual: NetBoxRecord, owners: readonly string[]): FieldChange | undefined {
  const before = tagSlugs(actual).sort();
  const after = [...new Set([...before, OWNER_TAG.slug, ...owners])].sort();
  return after.length === before.length ? undefined : { before, after };
}

const sortedIntents = new WeakMap<Owners, readonly string[]>();

function intentsOf(o: Owners): readonly string[] {
  let intents = sortedIntents.get(o);
  if (!intents) sortedIntents.set(o, (intents = [...o.intents].sort()));
  return intents;
}

function base(kind: ObjectKind, identity: string, vendor: string, o: Owners): Pick<PlanOperation, 'kind' | 'identity' | 'vendor' | 'intents' | 'enforce'> {
  return { kind, identity, vendor, intents: intentsOf(o), enforce: o.enforce };
}

function planManufacturer(m: MergedManufacturer, snapshot: NetBoxState, ops: PlanOperation[], unchanged: (n?: number) => void): void {
  const actual = snapshot.manufacturers.get(m.slug);
  const desired: Record<string, unknown> = { name: m.name, slug: m.slug };
  if (m.description !== undefined) desired.description = m.description;
  if (!actual) {
    ops.push({ ...base('manufacturer', m.slug, m.slug, m), action: 'create', desired: { ...desired, tags: [OWNER_TAG.slug, ...m.tags].sort() } });
    return;
  }
  const owned = tagSlugs(actual).includes(OWNER_TAG.slug);
  if (!owned && !m.adopt) {
    if (m.managed) ops.push({ ...base('manufacturer', m.slug, m.slug, m), action: 'unmanaged', netboxId: actual.id, reason: unmanagedReason('manufacturer') });
    else unchanged();
    return;
  }
  const changes: Record<string, FieldChange> = m.managed
    ? diffFields(comparedFields(MANUFACTURER_DEFAULTS, desired, ignoredFields(m.ignoreRules, 'manufacturer'), actual), actual)
    : {};
  const tags = tagChange(actual, m.tags);
  if (tags) changes.tags = tags;
  if (Object.keys(changes).length === 0) return unchanged();
  ops.push({ ...base('manufacturer', m.slug, m.slug, m), action: 'update', netboxId: actual.id, changes });
}

function unmanagedReason(kind: string): string {
  return `a matching ${kind} exists in NetBox without the '${OWNER_TAG.slug}' tag; set adopt: true to manage it`;
}

function planType(t: MergedType, snapshot: NetBoxState, ops: PlanOperation[], unchanged: (n?: number) => void, references: Record<string, number>): void {
  const identity = typeIdentity(t.manufacturer, t.model);
  const desired: Record<string, unknown> = { model: t.model, ...t.fields };
  if (t.kind === 'device-type' && t.slug !== undefined) desired.slug = t.slug;
  const actual =
    t.kind === 'device-type'
      ? (snapshot.deviceTypes.get(identity) ?? (t.slug ? snapshot.deviceTypesBySlug.get(typeIdentity(t.manufacturer, t.slug.toLowerCase())) : undefined))
      : snapshot.moduleTypes.get(identity);
  const parent: ParentRef = { kind: t.kind, identity };
  if (!actual) {
    ops.push({
      ...base(t.kind, identity, t.manufacturer, t),
      action: 'create',
      desired: { ...desired, manufacturer: t.manufacturer, tags: [OWNER_TAG.slug, ...t.tags].sort() },
    });
    planTemplates(t, parent, undefined, snapshot, ops, unchanged, references);
    planImages(t, parent, undefined, snapshot, ops, unchanged);
    return;
  }
  const owned = tagSlugs(actual).includes(OWNER_TAG.slug);
  if (!owned && !t.adopt) {
    ops.push({ ...base(t.kind, identity, t.manufacturer, t), action: 'unmanaged', netboxId: actual.id, reason: unmanagedReason(t.kind) });
    return;
  }
  const defaults = t.kind === 'device-type' ? DEVICE_TYPE_DEFAULTS : MODULE_TYPE_DEFAULTS;
  const changes = diffFields(comparedFields(defaults, desired, ignoredFields(t.ignoreRules, t.kind), actual), actual);
  const tags = tagChange(actual, t.tags);
  if (tags) changes.tags = tags;
  if (Object.keys(changes).length === 0) unchanged();
  else ops.push({ ...base(t.kind, identity, t.manufacturer, t), action: 'update', netboxId: actual.id, changes });
  const before = ops.length;
  planTemplates(t, parent, actual.id, snapshot, ops, unchanged, references);
  planImages(t, parent, actual, snapshot, ops, unchanged);
  if (ops.length > before) references[`${t.kind}:${identity}`] = actual.id;
}

/**
 * Library front ports name one rear port; NetBox 4.5 holds a list of mappings. Both sides
 * are compared in the list form, with rear ports named rather than numbered.
 */
function desiredTemplateFields(kind: TemplateKind, spec: TemplateSpec): Readonly<Record<string, unknown>> {
  if (kind === 'front-port' && 'rear_port' in spec.fields) {
    const { rear_port, rear_port_position, ...rest } = spec.fields;
    return { ...rest, rear_ports: [{ position: 1, rear_port, rear_port_position: rear_port_position ?? 1 }] };
  }
  // Inventory items name their manufacturer; NetBox reads it back nested, compared by slug.
  if (kind === 'inventory-item' && typeof spec.fields.manufacturer === 'string') {
    return { ...spec.fields, manufacturer: slugify(spec.fields.manufacturer) };
  }
  return spec.fields;
}

function actualTemplateNormaliser(rearPortNames: ReadonlyMap<number, string>): (field: string, value: unknown) => unknown {
  return (field, value) => {
    if (field === 'rear_ports' && Array.isArray(value)) {
      return value.map((m: { position?: unknown; rear_port?: unknown; rear_port_position?: unknown }) => {
        const id = refId(m.rear_port);
        return {
          position: m.position ?? 1,
          rear_port: id !== undefined ? (rearPortNames.get(id) ?? id) : normaliseValue('rear_port', m.rear_port),
          rear_port_position: m.rear_port_position ?? 1,
        };
      });
    }
    return normaliseValue(field, value);
  };
}

function planTemplates(
  t: MergedType,
  parent: ParentRef,
  parentId: number | undefined,
  snapshot: NetBoxState,
  ops: PlanOperation[],
  unchanged: (n?: number) => void,
  references: Record<string, number>,
): void {
  const part = t.components;
  if (!part || !snapshot.componentsRead) return;
  const actualKinds = parentId !== undefined ? snapshot.templates.get(`${t.kind}:${parentId}` as ParentKey) : undefined;
  const rearPorts = actualKinds?.get('rear-port');
  const rearPortNames = new Map<number, string>();
  for (const rp of rearPorts?.values() ?? []) rearPortNames.set(rp.id, String(rp.name));
  const normaliseActual = actualTemplateNormaliser(rearPortNames);
  const { intents, enforce } = part;
  for (const kind of TEMPLATE_KINDS) {
    const desired = t.templates[kind] ?? [];
    const actualByName = actualKinds?.get(kind);
    const objectKind = templateObjectKind(kind);
    const ignored = ignoredFields(part.ignoreRules, objectKind);
    const seen = new Set<string>();
    for (const spec of desired) {
      seen.add(spec.name);
      const identity = templateIdentity(parent.identity, spec.name);
      const fields = desiredTemplateFields(kind, spec);
      noteReferences(kind, fields, parent, actualKinds, references);
      const actual = actualByName?.get(spec.name);
      if (!actual) {
        ops.push({ kind: objectKind, action: 'create', identity, vendor: t.manufacturer, intents, enforce, parent, desired: { name: spec.name, ...fields } });
        continue;
      }
      const changes = diffFields(comparedFields(TEMPLATE_DEFAULTS[kind], fields, ignored, actual), actual, normaliseActual);
      if (Object.keys(changes).length === 0) unchanged();
      else ops.push({ kind: objectKind, action: 'update', identity, vendor: t.manufacturer, intents, enforce, parent, netboxId: actual.id, changes });
    }
    // Templates of an owned type that the deciding intents do not define are drift: deleted when
    // one of them prunes (only intents that manage the templates prune them), shown as extra otherwise.
    if (!actualByName) continue;
    for (const [name, actual] of actualByName) {
      if (seen.has(name)) continue;
      ops.push({
        kind: objectKind,
        identity: templateIdentity(parent.identity, name),
        vendor: t.manufacturer,
        intents,
        enforce,
        action: part.prune ? 'delete' : 'extra',
        parent,
        netboxId: actual.id,
        // Device-bay and module-bay templates have no type.
        before: { name, type: normaliseValue('type', 'type' in actual ? actual.type : undefined) },
        ...(part.prune ? {} : { reason: 'not defined by the intent; deleted only with prune: true' }),
      });
    }
  }
}

/** Records the ids of existing rear ports / power ports a front port or outlet points at. */
function noteReferences(
  kind: TemplateKind,
  fields: Readonly<Record<string, unknown>>,
  parent: ParentRef,
  actualKinds: ReadonlyMap<TemplateKind, ReadonlyMap<string, TemplateRecord>> | undefined,
  references: Record<string, number>,
): void {
  if (!actualKinds) return;
  if (kind === 'front-port' && Array.isArray(fields.rear_ports)) {
    for (const m of fields.rear_ports as { rear_port?: unknown }[]) noteReference('rear-port', m.rear_port, parent, actualKinds, references);
  }
  if (kind === 'power-outlet') noteReference('power-port', fields.power_port, parent, actualKinds, references);
}

function noteReference(
  refKind: TemplateKind,
  name: unknown,
  parent: ParentRef,
  actualKinds: ReadonlyMap<TemplateKind, ReadonlyMap<string, TemplateRecord>>,
  references: Record<string, number>,
): void {
  if (typeof name !== 'string') return;
  const id = actualKinds.get(refKind)?.get(name)?.id;
  if (id !== undefined) references[`${templateObjectKind(refKind)}:${templateIdentity(parent.identity, name)}`] = id;
}

/** Creates the ownership tags that the plan's writes put on objects, where NetBox lacks them. */
function planTags(intents: readonly DesiredIntent[], snapshot: NetBoxState, ops: PlanOperation[]): void {
  const used = new Map<string, boolean>();
  for (const op of ops) {
    const tags = (op.desired?.tags ?? op.changes?.tags?.after) as readonly string[] | undefined;
    for (const t of tags ?? []) used.set(t, (used.get(t) ?? false) || op.enforce);
  }
  const known = new Map<string, { name: string; slug: string; description: string }>([
    [OWNER_TAG.slug, { name: OWNER_TAG.name, slug: OWNER_TAG.slug, description: OWNER_TAG.description }],
  ]);
  for (const i of intents) {
    const tag = intentTag(i.ref);
    known.set(tag.slug, { ...tag, description: `Owned by the netbox-gitops intent ${formatIntentRef(i.ref)}` });
  }
  for (const [slug, enforce] of used) {
    const tag = known.get(slug);
    if (!tag || snapshot.tags.has(slug)) continue;
    ops.push({ kind: 'tag', identity: slug, vendor: '', intents: [], enforce, action: 'create', desired: { ...tag, color: OWNER_TAG.color } });
  }
}

function planImages(
  t: MergedType,
  parent: ParentRef,
  actual: DeviceType | ModuleType | undefined,
  snapshot: NetBoxState,
  ops: PlanOperation[],
  unchanged: (n?: number) => void,
): void {
  const part = t.images;
  if (t.kind !== 'device-type' || !part) return;
  for (const side of ['front', 'rear'] as const) {
    const file = t.imageFiles[side];
    if (!file) continue;
    const want = t.imageHashes[side];
    const have = actual ? snapshot.imageHashes.get(`${actual.id}:${side}`) : undefined;
    if (have !== undefined && have === want) {
      unchanged();
      continue;
    }
    ops.push({
      kind: 'image',
      identity: `${parent.identity}/${side}`,
      vendor: t.manufacturer,
      intents: part.intents,
      enforce: part.enforce,
      action: have === undefined ? 'create' : 'update',
      parent,
      ...(actual ? { netboxId: actual.id } : {}),
      desired: { side, file, sha256: want ?? null },
      ...(have !== undefined ? { changes: { sha256: { before: have, after: want ?? null } } } : {}),
    });
  }
}

/**
 * Objects an intent's tag marks as its own but that it no longer wants: released (tag removed)
 * when another intent still owns them, deleted when none does — only for intents with prune,
 * and never when NetBox would refuse the delete (blocked).
 */
function planPrune(
  intents: readonly DesiredIntent[],
  manufacturers: ReadonlyMap<string, MergedManufacturer>,
  types: ReadonlyMap<string, MergedType>,
  snapshot: NetBoxState,
  ops: PlanOperation[],
): void {
  const pruning = intents.filter((i) => i.policy.prune);
  if (pruning.length === 0) return;
  const deletedTypesByManufacturer = new Map<string, number>();
  const pruneObject = (target: Pruned, identity: string, vendor: string, wantedBy: readonly string[]): void => {
    const { kind, actual } = target;
    const tags = tagSlugs(actual);
    for (const intent of pruning) {
      const tag = intentTag(intent.ref).slug;
      if (!tags.includes(tag) || wantedBy.includes(tag)) continue;
      const ref = formatIntentRef(intent.ref);
      const enforce = intent.policy.mode === 'enforce';
      const others = tags.filter((t) => t.startsWith(INTENT_TAG_PREFIX) && t !== tag);
      if (others.length > 0 || wantedBy.length > 0) {
        const after = tags.filter((t) => t !== tag).sort();
        ops.push({
          kind,
          identity,
          vendor,
          intents: [ref],
          enforce,
          action: 'update',
          netboxId: actual.id,
          changes: { tags: { before: [...tags].sort(), after } },
        });
        return;
      }
      const blocked = blockingReason(target, vendor, deletedTypesByManufacturer);
      if (blocked) {
        ops.push({ kind, identity, vendor, intents: [ref], enforce, action: 'blocked', netboxId: actual.id, reason: blocked });
        return;
      }
      if (kind !== 'manufacturer') deletedTypesByManufacturer.set(vendor, (deletedTypesByManufacturer.get(vendor) ?? 0) + 1);
      ops.push({ kind, identity, vendor, intents: [ref], enforce, action: 'delete', netboxId: actual.id, before: snapshotFields(kind, actual) });
      return;
    }
  };
  for (const [identity, actual] of snapshot.deviceTypes) {
    pruneObject({ kind: 'device-type', actual }, identity, identity.split('/')[0] ?? '', types.get(`device-type:${identity}`)?.tags ?? []);
  }
  for (const [identity, actual] of snapshot.moduleTypes) {
    pruneObject({ kind: 'module-type', actual }, identity, identity.split('/')[0] ?? '', types.get(`module-type:${identity}`)?.tags ?? []);
  }
  for (const [slug, actual] of snapshot.manufacturers) {
    pruneObject({ kind: 'manufacturer', actual }, slug, slug, manufacturers.get(slug)?.tags ?? []);
  }
}

/** An object prune may release or delete, with its kind. */
type Pruned =
  | { readonly kind: 'manufacturer'; readonly actual: Manufacturer }
  | { readonly kind: 'device-type'; readonly actual: DeviceType }
  | { readonly kind: 'module-type'; readonly actual: ModuleType };

function blockingReason(target: Pruned, vendor: string, deletedTypes: ReadonlyMap<string, number>): string | undefined {
  if (target.kind === 'device-type' && Number(target.actual.device_count ?? 0) > 0) return `${String(target.actual.device_count)} devices use this device type`;
  if (target.kind === 'module-type' && Number(target.actual.module_count ?? 0) > 0) return `${String(target.actual.module_count)} modules use this module type`;
  if (target.kind === 'manufacturer') {
    const actual = target.actual;
    const dependants =
      Number(actual.devicetype_count ?? 0) +
      Number(actual.moduletype_count ?? 0) -
      (deletedTypes.get(vendor) ?? 0) +
      Number(actual.inventoryitem_count ?? 0) +
      Number(actual.platform_count ?? 0);
    if (dependants > 0) return `${dependants} device types, module types, platforms or inventory items still reference this manufacturer`;
  }
  return undefined;
}

function snapshotFields(kind: string, actual: NetBoxRecord): Record<string, unknown> {
  const fields = kind === 'manufacturer' ? ['name', 'slug', 'description'] : ['model', 'slug', 'part_number', 'u_height'];
  return Object.fromEntries(fields.filter((f) => f in actual).map((f) => [f, normaliseValue(f, actual[f])]));
}

function kindOrder(kind: ObjectKind): number {
  if (kind === 'tag') return -1;
  if (kind === 'manufacturer') return 0;
  if (kind === 'device-type' || kind === 'module-type') return 1;
  if (kind === 'rear-port-template') return 2;
  if (kind === 'front-port-template' || kind === 'power-outlet-template') return 4;
  if (kind === 'image') return 5;
  return 3;
}

/** Apply phase of an operation: references first on the way in, reverse on the way out. */
export function phaseOf(op: Pick<PlanOperation, 'kind' | 'action'>): number {
  const phase = kindOrder(op.kind);
  return op.action === 'delete' ? 100 - phase : phase;
}

const ACTION_ORDER: Record<PlanAction, number> = { create: 0, update: 1, delete: 2, blocked: 3, unmanaged: 4, extra: 5 };

/** Sorts operations by phase, action, kind and identity; keys are computed once per operation. */
function sortOperations(ops: PlanOperation[]): PlanOperation[] {
  const keyed = ops.map((op) => ({ op, rank: phaseOf(op) * 10 + ACTION_ORDER[op.action], key: `${op.kind}\u0000${op.identity}` }));
  keyed.sort((a, b) => a.rank - b.rank || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.op);
}

function summarise(ops: readonly PlanOperation[], unchanged: number): PlanSummary {
  const byKind: Record<string, Partial<Record<PlanAction, number>>> = {};
  const total: Record<PlanAction, number> = { create: 0, update: 0, delete: 0, unmanaged: 0, blocked: 0, extra: 0 };
  for (const op of ops) {
    const k = (byKind[op.kind] ??= {});
    k[op.action] = (k[op.action] ?? 0) + 1;
    total[op.action] += 1;
  }
  return { byKind, total, unchanged, changes: total.create + total.update + total.delete };
}

export type { TemplateKind };
