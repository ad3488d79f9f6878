import type { ValidationIssue } from '../errors/index.ts';

/** The ten NetBox component-template kinds, in the order the library lists them. */
export const TEMPLATE_KINDS = [
  'interface',
  'console-port',
  'console-server-port',
  'power-port',
  'power-outlet',
  'front-port',
  'rear-port',
  'device-bay',
  'module-bay',
  'inventory-item',
] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

/** The devicetype-library key that lists each kind of template (`interfaces`, `console-ports`, ...). */
export const LIBRARY_TEMPLATE_KEYS: Readonly<Record<TemplateKind, string>> = {
  interface: 'interfaces',
  'console-port': 'console-ports',
  'console-server-port': 'console-server-ports',
  'power-port': 'power-ports',
  'power-outlet': 'power-outlets',
  'front-port': 'front-ports',
  'rear-port': 'rear-ports',
  'device-bay': 'device-bays',
  'module-bay': 'module-bays',
  'inventory-item': 'inventory-items',
};

/**
 * One component template, with NetBox field names (`mgmt_only`, `poe_mode`, `maximum_draw`).
 * References to sibling templates stay names here (`power_port: "PSU1"`,
 * `rear_port: "Rear 1"`, `rear_port_position: 1`); the reconcile engine turns them into ids.
 */
export interface TemplateSpec {
  readonly name: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

export type TemplateSet = Partial<Record<TemplateKind, readonly TemplateSpec[]>>;

/** A device type from the library (or an inline custom one), mapped to NetBox's field names. */
export interface CatalogueDeviceType {
  readonly kind: 'device-type';
  /** The vendor folder it was read from (may contain spaces). */
  readonly vendor: string;
  /** Path relative to the library root, e.g. `device-types/Cisco/C9300-48P.yaml`. */
  readonly file: string;
  /** Manufacturer name as the file states it. */
  readonly manufacturer: string;
  readonly manufacturerSlug: string;
  readonly model: string;
  readonly slug: string;
  /**
   * NetBox device-type fields the file sets, already mapped through the allow-list:
   * part_number, u_height, is_full_depth, airflow, weight, weight_unit, subdevice_role,
   * exclude_from_utilization, comments, description.
   */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly templates: TemplateSet;
  /** Absolute paths of elevation images found for this slug, if any. */
  readonly images: { readonly front?: string; readonly rear?: string };
}

/** A module type from the library, mapped to NetBox's field names. */
export interface CatalogueModuleType {
  readonly kind: 'module-type';
  readonly vendor: string;
  readonly file: string;
  readonly manufacturer: string;
  readonly manufacturerSlug: string;
  readonly model: string;
  /** part_number, airflow, weight, weight_unit, comments, description. */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly templates: TemplateSet;
}

/** A manufacturer as the library knows it: the `manufacturer` value of its files. */
export interface CatalogueVendor {
  readonly name: string;
  readonly slug: string;
  /** Folder names under device-types/ and module-types/ that hold its files. */
  readonly folders: readonly string[];
  readonly deviceTypeCount: number;
  readonly moduleTypeCount: number;
}

/** The parsed, validated, indexed devicetype-library at one revision. */
export interface Catalogue {
  readonly root: string;
  /** Git commit SHA when the library is a Git checkout, else a content hash of the file list. */
  readonly revision: string;
  /** Keyed by manufacturer slug (`nabu-casa`); see findVendor for lookups by name. */
  readonly vendors: ReadonlyMap<string, CatalogueVendor>;
  readonly deviceTypes: readonly CatalogueDeviceType[];
  readonly moduleTypes: readonly CatalogueModuleType[];
  /** Files skipped as invalid, unknown keys, known typos, duplicate slugs/models. */
  readonly issues: readonly ValidationIssue[];
  /** Set by loadCatalogue; absent on catalogues assembled by hand (e.g. in tests). */
  readonly stats?: CatalogueStats;
}

/** Figures about one load, for logs, the API and the benchmark. */
export interface CatalogueStats {
  /** Device-type files found under device-types/ (before any was skipped). */
  readonly deviceTypeFiles: number;
  /** Module-type files found under module-types/ (before any was skipped). */
  readonly moduleTypeFiles: number;
  /** Files not loaded: unreadable, too large, bad YAML, schema errors, duplicates. */
  readonly skippedFiles: number;
  /** Component templates loaded, per kind, summed over device types. */
  readonly deviceTypeTemplates: Readonly<Partial<Record<TemplateKind, number>>>;
  /** Component templates loaded, per kind, summed over module types. */
  readonly moduleTypeTemplates: Readonly<Partial<Record<TemplateKind, number>>>;
  readonly durationMs: number;
}

/**
 * The devicetype-library at its current revision, as the workflow engine and the controller
 * consume it. Implementations keep the parsed catalogue (memoised, cached per revision): a worker
 * calls `current()` for every process.
 */
export interface LibraryProvider {
  /** The catalogue at the revision last seen by {@link LibraryProvider.refresh} (refreshing first when none was seen). */
  current(): Promise<Catalogue>;
  /** Fetches (Git) or re-hashes (folder) the library; `changed` when the revision differs from the last one seen. */
  refresh(): Promise<{ readonly revision: string; readonly changed: boolean }>;
  /**
   * The catalogue at a Git ref (tag, branch, commit) or a content revision, for intents that pin
   * the library (`spec.library.ref`). Providers that cannot serve other revisions leave it out.
   * @throws ResourceError when the ref is not available.
   */
  at?(ref: string): Promise<Catalogue>;
}
