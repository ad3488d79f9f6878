import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseLibraryYaml, slugify } from '../catalogue/index.ts';
import type { Catalogue, LibraryValidators } from '../catalogue/index.ts';
import { ValidationError } from '../errors/index.ts';
import type { ValidationIssue } from '../errors/index.ts';
import type { NetBoxPort } from '../reconcile/index.ts';
import { libraryVendorOf, manufacturerNameFor, matchTypes } from './classify.ts';
import { compare, readInventory } from './inventory.ts';
import { layoutOf, toLibraryDocument } from './library-format.ts';
import type { LibraryLayout, Loss } from './library-format.ts';
import type { Inventory, InventoryManufacturer, InventoryType } from './types.ts';
import { writeYaml } from './yaml-writer.ts';

export interface ExportOptions {
  /** Manufacturer name or slug (case-insensitive). */
  readonly manufacturer: string;
  /** Only this model (device or module type; case-insensitive). */
  readonly model?: string;
  /** The library's JSON Schemas every file is checked against. */
  readonly validators: LibraryValidators;
  /**
   * The library, when at hand: types it already has are written to their existing path with
   * their existing key and component order (a pull request then shows only real changes),
   * and manufacturers get the library's name and folder.
   */
  readonly catalogue?: Catalogue;
  /** Download and write elevation images (default true). */
  readonly images?: boolean;
  readonly concurrency?: number;
}

export interface ExportedFile {
  /** Relative to the output folder, as the library lays files out. */
  readonly path: string;
  readonly content: string | Buffer;
  readonly kind: 'device-type' | 'module-type' | 'image';
  readonly model: string;
  /** The library file it updates, when the library has this type. */
  readonly replaces?: string;
  /** What NetBox holds that the library's format cannot. */
  readonly losses: readonly Loss[];
  /** Library conventions the file does not follow (slug, file name); the schema is checked separately. */
  readonly warnings: readonly string[];
}

export interface ExportResult {
  readonly manufacturer: { readonly name: string; readonly slug: string };
  readonly files: readonly ExportedFile[];
  /** Files that did not pass the library's JSON Schemas (not in `files`). */
  readonly invalid: readonly { readonly path: string; readonly issues: readonly ValidationIssue[] }[];
}

/** Thrown when the manufacturer or model asked for is not in NetBox. */
export class ExportSelectionError extends ValidationError {}

/**
 * A file name the library's test accepts for a model (tests/device_types.py `verify_filename`:
 * the name, case-folded, must be the model's slug form): the model with its case kept and the
 * characters the library's slug rules replace replaced the same way.
 */
export function libraryFileName(model: string): string {
  let name = model
    .replace(/sfp\+/gi, (m) => `${m.slice(0, 3)}p`)
    .replace(/poe\+/gi, (m) => `${m.slice(0, 3)}p`)
    .replace(/ /g, '-')
    .replace(/-\+/g, '-plus')
    .replace(/\+/g, '-plus-')
    .replace(/_/g, '-')
    .replace(/&/g, '-and-')
    .replace(/[!,']/g, '')
    .replace(/\//g, '-')
    .replace(/\*/g, '-');
  if (name.endsWith('-')) name = name.slice(0, -1);
  return name;
}

/** The library's slug convention: manufacturer first, model (or part number) last. */
function slugWarnings(type: InventoryType, manufacturerName: string): string[] {
  if (type.kind !== 'device-type' || type.slug === undefined) return [];
  const manufacturer = manufacturerName
    .toLowerCase()
    .replace(/ /g, '-')
    .replace(/&/g, 'and')
    .replace(/[!,'/]/g, '');
  const model = libraryFileName(type.model).toLowerCase();
  const partNumber = typeof type.record.part_number === 'string' ? libraryFileName(type.record.part_number).toLowerCase() : '';
  const warnings: string[] = [];
  if (!type.slug.startsWith(manufacturer))
    warnings.push(`slug "${type.slug}" does not start with the manufacturer ("${manufacturer}-"), as the library's checks require`);
  if (!type.slug.endsWith(model) && (partNumber === '' || !type.slug.endsWith(partNumber))) {
    warnings.push(`slug "${type.slug}" does not end with the model ("${model}") or part number, as the library's checks require`);
  }
  return warnings;
}

const IMAGE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'webp', 'gif', 'bmp', 'tif', 'tiff']);

/**
 * Writes NetBox's device and module types of one manufacturer as devicetype-library files:
 * `device-types/<Vendor>/<Model>.yaml`, `module-types/<Vendor>/<Model>.yaml` and
 * `elevation-images/<Vendor>/<slug>.front|rear.<ext>`, each YAML file checked with the
 * library's own JSON Schemas. Returns the files; the caller writes them.
 */
export async function exportTypes(api: NetBoxPort, options: ExportOptions): Promise<ExportResult> {
  const all = await api.list('manufacturers', {}, { brief: true });
  const wanted = options.manufacturer.trim().toLowerCase();
  const found =
    all.find((m) => String(m.slug).toLowerCase() === wanted) ??
    all.find((m) => String(m.name).toLowerCase() === wanted) ??
    all.find((m) => String(m.slug).toLowerCase() === slugify(wanted));
  if (!found) {
    const near = all.filter((m) => String(m.name).toLowerCase().includes(wanted) || String(m.slug).includes(slugify(wanted))).slice(0, 5);
    throw new ExportSelectionError(
      `NetBox has no manufacturer "${options.manufacturer}"${near.length > 0 ? ` (did you mean ${near.map((m) => `"${String(m.name)}"`).join(', ')}?)` : ''}`,
    );
  }
  const slug = String(found.slug).toLowerCase();
  const inventory = await readInventory(api, {
    manufacturers: new Set([slug]),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
  });
  const manufacturer = inventory.manufacturers[0];
  if (!manufacturer) throw new ExportSelectionError(`NetBox has no manufacturer "${options.manufacturer}"`);
  let types = [...inventory.deviceTypes, ...inventory.moduleTypes];
  if (options.model !== undefined) {
    const model = options.model.trim();
    const exact = types.filter((t) => t.model === model || t.slug === model);
    types = exact.length > 0 ? exact : types.filter((t) => t.model.toLowerCase() === model.toLowerCase() || t.slug?.toLowerCase() === model.toLowerCase());
    if (types.length === 0) throw new ExportSelectionError(`${manufacturer.name} has no device or module type "${options.model}" in NetBox`);
  }
  return exportInventoryTypes(api, inventory, manufacturer, types, options);
}

async function exportInventoryTypes(
  api: NetBoxPort,
  inventory: Inventory,
  manufacturer: InventoryManufacturer,
  types: readonly InventoryType[],
  options: ExportOptions,
): Promise<ExportResult> {
  const catalogue = options.catalogue;
  const matches = catalogue ? matchTypes(inventory, catalogue) : new Map();
  const vendor = catalogue ? libraryVendorOf(catalogue, manufacturer) : undefined;
  const name = catalogue ? manufacturerNameFor(catalogue, manufacturer) : manufacturer.name;
  const folder = vendor?.folders[0] ?? name;
  const files: ExportedFile[] = [];
  const invalid: { path: string; issues: ValidationIssue[] }[] = [];
  const taken = new Set<string>();
  for (const type of types) {
    const match = matches.get(type);
    const replaces: string | undefined = match?.library.file;
    let layout: LibraryLayout | undefined;
    if (replaces && catalogue) {
      const text = await readFile(path.join(catalogue.root, replaces), 'utf8').catch(() => undefined);
      const parsed = text === undefined ? undefined : parseLibraryYaml(text, replaces);
      if (parsed?.ok) layout = layoutOf(parsed.value);
    }
    const base = type.kind === 'device-type' ? 'device-types' : 'module-types';
    let file = replaces ?? `${base}/${folder}/${libraryFileName(type.model)}.yaml`;
    for (let n = 2; taken.has(file.toLowerCase()); n += 1) file = `${base}/${folder}/${libraryFileName(type.model)}-${n}.yaml`;
    taken.add(file.toLowerCase());

    const images: { front: boolean; rear: boolean } = { front: false, rear: false };
    if (type.kind === 'device-type' && options.images !== false) {
      for (const side of ['front', 'rear'] as const) {
        const url = type.record[`${side}_image`];
        if (typeof url !== 'string' || url === '') continue;
        const ext = path.extname(new URL(url, 'http://netbox').pathname).slice(1).toLowerCase();
        const data = await api.download(url);
        const imagePath = `elevation-images/${path.posix.dirname(file).split('/')[1] ?? folder}/${type.slug ?? slugify(type.model)}.${side}.${IMAGE_EXTENSIONS.has(ext) ? ext : 'png'}`;
        files.push({ path: imagePath, content: data, kind: 'image', model: type.model, losses: [], warnings: [] });
        images[side] = true;
      }
    }
    const document = toLibraryDocument(type, { manufacturer: name, images, ...(layout ? { layout } : {}) });
    const validate = type.kind === 'device-type' ? options.validators.deviceType : options.validators.moduleType;
    if (!validate(document.plain)) {
      invalid.push({
        path: file,
        issues: (validate.errors ?? []).map((e) => ({
          severity: 'error' as const,
          file,
          path: e.instancePath.replace(/^\//, '').replace(/\//g, '.'),
          message: e.message ?? 'invalid',
        })),
      });
      continue;
    }
    const warnings = [...slugWarnings(type, name)];
    const stem = path.posix
      .basename(file)
      .replace(/\.ya?ml$/, '')
      .toLowerCase();
    const partNumber = typeof type.record.part_number === 'string' ? type.record.part_number : '';
    if (![libraryFileName(type.model).toLowerCase(), libraryFileName(partNumber).toLowerCase(), partNumber.toLowerCase()].includes(stem)) {
      warnings.push(`file name "${path.posix.basename(file)}" is neither the model nor the part number, as the library's checks require`);
    }
    files.push({
      path: file,
      content: writeYaml(document.value, { flavour: 'yaml11' }),
      kind: type.kind,
      model: type.model,
      ...(replaces ? { replaces } : {}),
      losses: document.losses,
      warnings,
    });
  }
  files.sort((a, b) => compare(a.path, b.path));
  return { manufacturer: { name, slug: manufacturer.slug }, files, invalid };
}
