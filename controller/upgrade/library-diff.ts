import { isDeepStrictEqual } from 'node:util';
import { TEMPLATE_KINDS } from '../catalogue/index.ts';
import type { Catalogue, CatalogueDeviceType, CatalogueModuleType, TemplateSpec } from '../catalogue/index.ts';
import type { LibraryChanges, LibraryFileRef, LibraryModelChange, TemplateKindChange } from '../report/index.ts';

type Model = CatalogueDeviceType | CatalogueModuleType;

function refOf(model: Model): LibraryFileRef {
  return { file: model.file, kind: model.kind, manufacturer: model.manufacturer, model: model.model };
}

/** (kind, manufacturer slug, model): what stays the same when a file is only moved. */
function identityOf(model: Model): string {
  return `${model.kind}\0${model.manufacturerSlug.toLowerCase()}\0${model.model.toLowerCase()}`;
}

function byFile(catalogue: Catalogue): Map<string, Model> {
  const files = new Map<string, Model>();
  for (const model of [...catalogue.deviceTypes, ...catalogue.moduleTypes]) files.set(model.file, model);
  return files;
}

function templatesByName(list: readonly TemplateSpec[] | undefined): Map<string, TemplateSpec> {
  return new Map((list ?? []).map((t) => [t.name, t]));
}

/** The differences between two definitions of one model, or undefined when they are equal. */
function compareModels(from: Model, to: Model): LibraryModelChange | undefined {
  const fieldNames = new Set([...Object.keys(from.fields), ...Object.keys(to.fields)]);
  const fields = [...fieldNames].filter((f) => !isDeepStrictEqual(from.fields[f], to.fields[f])).sort();
  if (from.kind === 'device-type' && to.kind === 'device-type' && from.slug !== to.slug) fields.push('slug');
  const templates: TemplateKindChange[] = [];
  for (const kind of TEMPLATE_KINDS) {
    const before = templatesByName(from.templates[kind]);
    const after = templatesByName(to.templates[kind]);
    const added = [...after.keys()].filter((n) => !before.has(n));
    const removed = [...before.keys()].filter((n) => !after.has(n));
    const changed = [...after.keys()].filter((n) => before.has(n) && !isDeepStrictEqual(before.get(n)?.fields, after.get(n)?.fields));
    if (added.length + removed.length + changed.length > 0) templates.push({ kind, added, removed, changed });
  }
  if (fields.length === 0 && templates.length === 0) return undefined;
  return { ...refOf(to), fields, templates };
}

const byPath = (a: { file: string }, b: { file: string }): number => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);

/**
 * What changed in the devicetype-library between two parsed revisions: device-type and
 * module-type files added, removed and renamed (the same model under another path), models
 * whose fields or component templates changed, and vendors that appeared or went away.
 * Files the library skipped as invalid at a revision count as absent there.
 */
export function diffCatalogues(from: Catalogue, to: Catalogue): LibraryChanges {
  const before = byFile(from);
  const after = byFile(to);
  const added: Model[] = [];
  const removed: Model[] = [];
  const changed: LibraryModelChange[] = [];
  let unchanged = 0;
  for (const [file, model] of after) {
    const previous = before.get(file);
    if (!previous) {
      added.push(model);
      continue;
    }
    const change = compareModels(previous, model);
    if (change) changed.push(change);
    else unchanged += 1;
  }
  for (const [file, model] of before) if (!after.has(file)) removed.push(model);

  // A removed and an added file holding the same model are a rename (perhaps with edits).
  const removedByIdentity = new Map<string, Model>();
  for (const model of removed) removedByIdentity.set(identityOf(model), model);
  const renamed: { from: LibraryFileRef; to: LibraryFileRef }[] = [];
  const stillAdded: Model[] = [];
  for (const model of added) {
    const previous = removedByIdentity.get(identityOf(model));
    if (!previous) {
      stillAdded.push(model);
      continue;
    }
    removedByIdentity.delete(identityOf(model));
    renamed.push({ from: refOf(previous), to: refOf(model) });
    const change = compareModels(previous, model);
    if (change) changed.push(change);
    else unchanged += 1;
  }
  const stillRemoved = removed.filter((model) => removedByIdentity.get(identityOf(model)) === model);

  const vendorsBefore = new Set(from.vendors.keys());
  const vendorsAfter = new Set(to.vendors.keys());
  return {
    from: from.revision,
    to: to.revision,
    added: stillAdded.map(refOf).sort(byPath),
    removed: stillRemoved.map(refOf).sort(byPath),
    renamed: renamed.sort((a, b) => byPath(a.to, b.to)),
    changed: changed.sort(byPath),
    vendorsAdded: [...vendorsAfter].filter((v) => !vendorsBefore.has(v)).sort(),
    vendorsRemoved: [...vendorsBefore].filter((v) => !vendorsAfter.has(v)).sort(),
    unchanged,
  };
}

/** The same changes with each list cut to `max` entries (for step outputs and the database), keeping the full counts. */
export function capLibraryChanges(changes: LibraryChanges, max: number): LibraryChanges {
  const totals = changes.totals ?? {
    added: changes.added.length,
    removed: changes.removed.length,
    renamed: changes.renamed.length,
    changed: changes.changed.length,
    withTemplateChanges: changes.changed.filter((m) => m.templates.length > 0).length,
  };
  const cut = <T>(list: readonly T[]): T[] => list.slice(0, max);
  return {
    ...changes,
    added: cut(changes.added),
    removed: cut(changes.removed),
    renamed: cut(changes.renamed),
    changed: cut(changes.changed).map((m) => ({
      ...m,
      templates: m.templates.map((t) => ({ ...t, added: cut(t.added), removed: cut(t.removed), changed: cut(t.changed) })),
    })),
    totals,
  };
}
