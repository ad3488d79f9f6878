import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ResourceError } from '../errors/index.ts';
import type { Logger } from '../logging/index.ts';
import { rememberValidators } from './definition.ts';
import { checkoutLibrary, readGitRevision } from './git-source.ts';
import { indexElevationImages } from './images.ts';
import type { ImageIndex } from './images.ts';
import { createIssue } from './issues.ts';
import type { CatalogueIssue } from './issues.ts';
import { indexCatalogue, modelKey } from './lookup.ts';
import { loadLibraryValidators } from './schemas.ts';
import { processLibraryFiles } from './process-files.ts';
import type { FileOutcome, LibraryFile } from './read-file.ts';
import { TEMPLATE_KINDS } from './types.ts';
import type { Catalogue, CatalogueDeviceType, CatalogueModuleType, CatalogueStats, CatalogueVendor, TemplateKind, TemplateSet } from './types.ts';
import { DEFAULT_YAML_LIMITS } from './yaml.ts';
import type { YamlLimits } from './yaml.ts';

/** Files larger than this are reported and skipped; the library's largest is about 60 KiB. */
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
const YAML_FILE = /\.ya?ml$/i;

export interface LoadCatalogueOptions {
  /** The library folder (LIBRARY_PATH). Ignored when `gitUrl` is set. */
  readonly root: string;
  /** Clone/fetch this repository instead, into `<cacheDir>/library/<hash of url>`. */
  readonly gitUrl?: string;
  /** Branch, tag or full commit SHA; default `HEAD` (the remote's default branch). */
  readonly gitRef?: string;
  /** Default: `<os tmpdir>/netbox-gitops-cache`. */
  readonly cacheDir?: string;
  readonly logger?: Logger;
  /** Default 1 MiB. */
  readonly maxFileBytes?: number;
  /** Default 100. */
  readonly maxAliases?: number;
  /** Default 100,000. */
  readonly maxExpandedNodes?: number;
}

/**
 * Loads the devicetype-library: every device-type and module-type file is parsed with the
 * library's YAML 1.1 semantics, validated against its own JSON Schemas, mapped to NetBox
 * fields and indexed. A bad file becomes an issue and is skipped; only a missing library or
 * schema folder (ResourceError) or a failed Git fetch (IntegrationError) throws.
 */
export async function loadCatalogue(options: LoadCatalogueOptions): Promise<Catalogue> {
  const started = performance.now();
  let root = path.resolve(options.root);
  let revision: string | undefined;
  if (options.gitUrl !== undefined) {
    const checkout = await checkoutLibrary({
      gitUrl: options.gitUrl,
      gitRef: options.gitRef ?? 'HEAD',
      cacheDir: options.cacheDir ?? path.join(os.tmpdir(), 'netbox-gitops-cache'),
      ...(options.logger ? { logger: options.logger } : {}),
    });
    root = checkout.directory;
    revision = checkout.revision;
  }

  await assertDirectory(root);
  const [validators, files, images, gitRevision] = await Promise.all([
    loadLibraryValidators(root),
    listLibraryFiles(root),
    indexElevationImages(root),
    revision === undefined ? readGitRevision(root) : Promise.resolve(revision),
  ]);

  const limits: YamlLimits = {
    maxAliases: options.maxAliases ?? DEFAULT_YAML_LIMITS.maxAliases,
    maxExpandedNodes: options.maxExpandedNodes ?? DEFAULT_YAML_LIMITS.maxExpandedNodes,
  };
  const outcomes = await processLibraryFiles(files, validators, images, {
    limits,
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
  });

  const issues: CatalogueIssue[] = outcomes.flatMap((outcome) => outcome.issues);
  const deviceTypes = dropDuplicateDeviceTypes(
    outcomes.flatMap((outcome) => (outcome.deviceType ? [outcome.deviceType] : [])),
    issues,
  );
  const moduleTypes = dropDuplicateModuleTypes(
    outcomes.flatMap((outcome) => (outcome.moduleType ? [outcome.moduleType] : [])),
    issues,
  );
  const vendors = collectVendors(deviceTypes, moduleTypes, issues);
  const deviceTypeFiles = files.filter((file) => file.kind === 'device-type').length;

  const stats: CatalogueStats = {
    deviceTypeFiles,
    moduleTypeFiles: files.length - deviceTypeFiles,
    skippedFiles: files.length - deviceTypes.length - moduleTypes.length,
    deviceTypeTemplates: countTemplates(deviceTypes),
    moduleTypeTemplates: countTemplates(moduleTypes),
    durationMs: 0,
  };
  const catalogue: Catalogue = {
    root,
    revision: gitRevision ?? (await contentRevision(root, files, outcomes, images)),
    vendors,
    deviceTypes,
    moduleTypes,
    issues,
    stats: { ...stats, durationMs: Math.round(performance.now() - started) },
  };
  indexCatalogue(catalogue);
  rememberValidators(catalogue, validators);
  options.logger?.info(
    {
      root,
      revision: catalogue.revision,
      deviceTypes: deviceTypes.length,
      moduleTypes: moduleTypes.length,
      vendors: vendors.size,
      errors: issues.filter((issue) => issue.severity === 'error').length,
      warnings: issues.filter((issue) => issue.severity === 'warning').length,
      durationMs: catalogue.stats?.durationMs,
    },
    'devicetype-library catalogue loaded',
  );
  return catalogue;
}

async function assertDirectory(root: string): Promise<void> {
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new ResourceError(`the devicetype-library folder ${root} does not exist; set the library path to a checkout of it`, root);
  }
}

/** `device-types/<Vendor>/*.yaml|yml` and `module-types/<Vendor>/*.yaml|yml`, sorted by path. */
async function listLibraryFiles(root: string): Promise<LibraryFile[]> {
  const files: LibraryFile[] = [];
  let found = false;
  for (const [folder, kind] of [
    ['device-types', 'device-type'],
    ['module-types', 'module-type'],
  ] as const) {
    const base = path.join(root, folder);
    let vendors;
    try {
      vendors = await readdir(base, { withFileTypes: true });
      found = true;
    } catch {
      continue;
    }
    const perVendor = await Promise.all(
      vendors
        .filter((entry) => entry.isDirectory())
        .map(async (entry) => {
          const names = await readdir(path.join(base, entry.name), { withFileTypes: true });
          return names
            .filter((name) => name.isFile() && YAML_FILE.test(name.name))
            .map((name) => ({
              kind,
              vendor: entry.name,
              relative: `${folder}/${entry.name}/${name.name}`,
              absolute: path.join(base, entry.name, name.name),
            }));
        }),
    );
    for (const list of perVendor) files.push(...list);
  }
  if (!found) {
    throw new ResourceError(`${root} has neither device-types/ nor module-types/; point the library path at a devicetype-library checkout`, root);
  }
  return files.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
}

/**
 * NetBox allows one device type per slug and per (manufacturer, model): the first file by
 * path is kept and later ones are reported and left out, so the catalogue never asks NetBox
 * for something it would refuse.
 */
function dropDuplicateDeviceTypes(deviceTypes: readonly CatalogueDeviceType[], issues: CatalogueIssue[]): CatalogueDeviceType[] {
  const bySlug = new Map<string, CatalogueDeviceType>();
  const byModel = new Map<string, CatalogueDeviceType>();
  const kept: CatalogueDeviceType[] = [];
  for (const deviceType of deviceTypes) {
    const slugKey = deviceType.slug.toLowerCase();
    const key = modelKey(deviceType.manufacturerSlug, deviceType.model);
    const sameSlug = bySlug.get(slugKey);
    const sameModel = byModel.get(key);
    if (sameSlug) {
      issues.push(
        createIssue('duplicate-slug', 'error', `slug "${deviceType.slug}" is already used by ${sameSlug.file}; file skipped`, {
          file: deviceType.file,
          path: 'slug',
        }),
      );
      continue;
    }
    if (sameModel) {
      issues.push(
        createIssue(
          'duplicate-model',
          'error',
          `${deviceType.manufacturer} model "${deviceType.model}" is already defined by ${sameModel.file}; file skipped — NetBox allows one device type per manufacturer and model`,
          { file: deviceType.file, path: 'model' },
        ),
      );
      continue;
    }
    bySlug.set(slugKey, deviceType);
    byModel.set(key, deviceType);
    kept.push(deviceType);
  }
  return kept;
}

function dropDuplicateModuleTypes(moduleTypes: readonly CatalogueModuleType[], issues: CatalogueIssue[]): CatalogueModuleType[] {
  const byModel = new Map<string, CatalogueModuleType>();
  const kept: CatalogueModuleType[] = [];
  for (const moduleType of moduleTypes) {
    const key = modelKey(moduleType.manufacturerSlug, moduleType.model);
    const same = byModel.get(key);
    if (same) {
      issues.push(
        createIssue(
          'duplicate-model',
          'error',
          `${moduleType.manufacturer} module model "${moduleType.model}" is already defined by ${same.file}; file skipped — NetBox allows one module type per manufacturer and model`,
          { file: moduleType.file, path: 'model' },
        ),
      );
      continue;
    }
    byModel.set(key, moduleType);
    kept.push(moduleType);
  }
  return kept;
}

/** One vendor per manufacturer slug; the first spelling of the name wins. */
function collectVendors(
  deviceTypes: readonly CatalogueDeviceType[],
  moduleTypes: readonly CatalogueModuleType[],
  issues: CatalogueIssue[],
): Map<string, CatalogueVendor> {
  const draft = new Map<string, { name: string; slug: string; folders: Set<string>; deviceTypeCount: number; moduleTypeCount: number }>();
  const reported = new Set<string>();
  const add = (entry: CatalogueDeviceType | CatalogueModuleType): void => {
    let vendor = draft.get(entry.manufacturerSlug);
    if (!vendor) {
      vendor = { name: entry.manufacturer, slug: entry.manufacturerSlug, folders: new Set(), deviceTypeCount: 0, moduleTypeCount: 0 };
      draft.set(entry.manufacturerSlug, vendor);
    } else if (vendor.name !== entry.manufacturer && !reported.has(`${vendor.slug}\0${entry.manufacturer}`)) {
      reported.add(`${vendor.slug}\0${entry.manufacturer}`);
      issues.push(
        createIssue(
          'manufacturer-conflict',
          'warning',
          `manufacturer "${entry.manufacturer}" has the same slug "${vendor.slug}" as "${vendor.name}"; treated as "${vendor.name}"`,
          { file: entry.file, path: 'manufacturer' },
        ),
      );
    }
    vendor.folders.add(entry.vendor);
    if (entry.kind === 'device-type') vendor.deviceTypeCount += 1;
    else vendor.moduleTypeCount += 1;
  };
  deviceTypes.forEach(add);
  moduleTypes.forEach(add);
  const vendors = new Map<string, CatalogueVendor>();
  for (const slug of [...draft.keys()].sort()) {
    const vendor = draft.get(slug);
    if (vendor) vendors.set(slug, { ...vendor, folders: [...vendor.folders].sort() });
  }
  return vendors;
}

function countTemplates(types: readonly { readonly templates: TemplateSet }[]): Partial<Record<TemplateKind, number>> {
  const counts: Partial<Record<TemplateKind, number>> = {};
  for (const type of types) {
    for (const kind of TEMPLATE_KINDS) {
      const list = type.templates[kind];
      if (list) counts[kind] = (counts[kind] ?? 0) + list.length;
    }
  }
  return counts;
}

/**
 * A cheap stand-in for a commit SHA when the library is not a Git checkout: sha256 over the
 * sorted relative paths, sizes and modification times of the library's files (data, schemas,
 * images). Any edit, addition or removal changes it; contents are not read twice.
 */
async function contentRevision(root: string, files: readonly LibraryFile[], outcomes: readonly FileOutcome[], images: ImageIndex): Promise<string> {
  const entries: string[] = files.map((file, i) => `${file.relative}\0${outcomes[i]?.fingerprint ?? 'unreadable'}`);
  const others = await Promise.all(
    [...(await listFolder(root, 'schema')), ...images.files].map(async (relative) => {
      const info = await stat(path.join(root, relative)).catch(() => undefined);
      return `${relative}\0${info ? `${info.size}:${info.mtimeMs}` : 'unreadable'}`;
    }),
  );
  entries.push(...others);
  entries.sort();
  const hash = createHash('sha256');
  for (const entry of entries) hash.update(`${entry}\n`);
  return `sha256:${hash.digest('hex')}`;
}

async function listFolder(root: string, folder: string): Promise<string[]> {
  const names = await readdir(path.join(root, folder)).catch(() => [] as string[]);
  return names.map((name) => `${folder}/${name}`);
}
