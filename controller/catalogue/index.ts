/**
 * The devicetype-library catalogue: load a library folder or Git URL, parse it with the
 * library's YAML 1.1 semantics, validate it against its own JSON Schemas, map it to NetBox
 * fields and look things up in it.
 */
export { loadCatalogue, DEFAULT_MAX_FILE_BYTES } from './load.ts';
export type { LoadCatalogueOptions } from './load.ts';
export { findVendor, findDeviceTypeBySlug, findDeviceTypeByModel, findModuleTypeByModel, indexCatalogue, modelKey } from './lookup.ts';
export type { CatalogueIndex } from './lookup.ts';
export { slugify } from './slugify.ts';
export { readDeviceTypeDefinition, readModuleTypeDefinition, mapInlineDeviceType, mapInlineModuleType } from './definition.ts';
export type { DefinitionOptions, DeviceTypeDefinitionResult, ModuleTypeDefinitionResult, InlineMapping, InlineProblem } from './definition.ts';
export { loadLibraryValidators, loadLibraryValidatorsSync, DEVICE_TYPE_SCHEMA_ID, MODULE_TYPE_SCHEMA_ID } from './schemas.ts';
export type { LibraryValidators } from './schemas.ts';
export { parseLibraryYaml, DEFAULT_YAML_LIMITS } from './yaml.ts';
export { resolvePlainScalar } from './fast-yaml.ts';
export type { ParsedYaml, YamlLimits } from './yaml.ts';
export { DEVICE_TYPE_FIELDS, MODULE_TYPE_FIELDS, TEMPLATE_FIELDS, KNOWN_TYPOS } from './mapping.ts';
export { isCatalogueIssue } from './issues.ts';
export type { CatalogueIssue, CatalogueIssueCode } from './issues.ts';
export { checkoutDirectory, isRepositoryRoot, readGitRevision, redactUrl } from './git-source.ts';
export { TEMPLATE_KINDS, LIBRARY_TEMPLATE_KEYS } from './types.ts';
export type {
  Catalogue,
  CatalogueDeviceType,
  CatalogueModuleType,
  CatalogueStats,
  CatalogueVendor,
  LibraryProvider,
  TemplateKind,
  TemplateSet,
  TemplateSpec,
} from './types.ts';
export { createCachedLibraryProvider, fingerprintFolder } from './cached-provider.ts';
export type { CachedLibraryProvider, CachedLibraryProviderOptions, LibraryCacheStats } from './cached-provider.ts';
export { fetchCheckout, scrub, sshCommand } from './git-checkout.ts';
export type { GitRemote } from './git-checkout.ts';
