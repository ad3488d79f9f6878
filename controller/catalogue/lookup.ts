import { slugify } from './slugify.ts';
import type { Catalogue, CatalogueDeviceType, CatalogueModuleType, CatalogueVendor } from './types.ts';

/** O(1) lookups over one catalogue, built once and cached per catalogue object. */
export interface CatalogueIndex {
  /** Lower-cased vendor name or slug → vendor. */
  readonly vendors: ReadonlyMap<string, CatalogueVendor>;
  /** Lower-cased device-type slug → device type. */
  readonly deviceTypesBySlug: ReadonlyMap<string, CatalogueDeviceType>;
  /** {@link modelKey}(manufacturerSlug, model) → device type. */
  readonly deviceTypesByModel: ReadonlyMap<string, CatalogueDeviceType>;
  /** {@link modelKey}(manufacturerSlug, model) → module type. */
  readonly moduleTypesByModel: ReadonlyMap<string, CatalogueModuleType>;
}

const indexes = new WeakMap<Catalogue, CatalogueIndex>();

/**
 * The key that identifies a device or module type within a manufacturer. Models compare
 * case-insensitively, so `MX304` and `mx304` count as the same model.
 */
export function modelKey(manufacturerSlug: string, model: string): string {
  return `${manufacturerSlug}\u0000${model.toLowerCase()}`;
}

/** Builds (or returns the cached) index of a catalogue. The first entry wins on a clash. */
export function indexCatalogue(catalogue: Catalogue): CatalogueIndex {
  const cached = indexes.get(catalogue);
  if (cached) return cached;
  const vendors = new Map<string, CatalogueVendor>();
  for (const vendor of catalogue.vendors.values()) {
    setFirst(vendors, vendor.slug.toLowerCase(), vendor);
    setFirst(vendors, vendor.name.toLowerCase(), vendor);
  }
  const deviceTypesBySlug = new Map<string, CatalogueDeviceType>();
  const deviceTypesByModel = new Map<string, CatalogueDeviceType>();
  for (const deviceType of catalogue.deviceTypes) {
    setFirst(deviceTypesBySlug, deviceType.slug.toLowerCase(), deviceType);
    setFirst(deviceTypesByModel, modelKey(deviceType.manufacturerSlug, deviceType.model), deviceType);
  }
  const moduleTypesByModel = new Map<string, CatalogueModuleType>();
  for (const moduleType of catalogue.moduleTypes) {
    setFirst(moduleTypesByModel, modelKey(moduleType.manufacturerSlug, moduleType.model), moduleType);
  }
  const index: CatalogueIndex = { vendors, deviceTypesBySlug, deviceTypesByModel, moduleTypesByModel };
  indexes.set(catalogue, index);
  return index;
}

/**
 * The vendor whose name or slug matches, ignoring case (`cisco`, `Cisco`, `NABU CASA`,
 * `nabu-casa`); as a last resort the slug of the given text (`Nabu  Casa!`).
 */
export function findVendor(catalogue: Catalogue, nameOrSlug: string): CatalogueVendor | undefined {
  const { vendors } = indexCatalogue(catalogue);
  const text = nameOrSlug.trim().toLowerCase();
  return vendors.get(text) ?? vendors.get(slugify(nameOrSlug));
}

/** The device type with this slug (case-insensitive). */
export function findDeviceTypeBySlug(catalogue: Catalogue, slug: string): CatalogueDeviceType | undefined {
  return indexCatalogue(catalogue).deviceTypesBySlug.get(slug.trim().toLowerCase());
}

/** The device type of this manufacturer (name or slug) and model (case-insensitive). */
export function findDeviceTypeByModel(catalogue: Catalogue, manufacturer: string, model: string): CatalogueDeviceType | undefined {
  const vendor = findVendor(catalogue, manufacturer);
  if (!vendor) return undefined;
  return indexCatalogue(catalogue).deviceTypesByModel.get(modelKey(vendor.slug, model));
}

/** The module type of this manufacturer (name or slug) and model (case-insensitive). */
export function findModuleTypeByModel(catalogue: Catalogue, manufacturer: string, model: string): CatalogueModuleType | undefined {
  const vendor = findVendor(catalogue, manufacturer);
  if (!vendor) return undefined;
  return indexCatalogue(catalogue).moduleTypesByModel.get(modelKey(vendor.slug, model));
}

function setFirst<V>(map: Map<string, V>, key: string, value: V): void {
  if (!map.has(key)) map.set(key, value);
}
