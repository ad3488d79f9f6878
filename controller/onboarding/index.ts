/**
 * Onboarding an existing NetBox: read what its catalogue holds, classify it against the
 * devicetype-library, write intents that describe it (`init`), take ownership of what the
 * intents match (`adopt`), and write NetBox's types back out as library files (`export`).
 */
export { readInventory, inventoryOf } from './inventory.ts';
export type { ReadInventoryOptions } from './inventory.ts';
export { classifyInventory, matchTypes, libraryVendorOf, manufacturerNameFor } from './classify.ts';
export { generateIntents, GENERATED_MARKER } from './init.ts';
export type { InitOptions, InitResult, GeneratedFile } from './init.ts';
export { formatSummaryTable, renderMarkdown, describeFields, describeTemplates } from './report.ts';
export { toLibraryDocument, layoutOf, DEVICE_TYPE_KEY_ORDER, MODULE_TYPE_KEY_ORDER, TEMPLATE_KEY_ORDER } from './library-format.ts';
export type { LibraryDocument, LibraryLayout, DocumentOptions, Loss } from './library-format.ts';
export { writeYaml, writeYamlDocuments, toYamlValue, formatScalar, YamlMap, YamlSeq } from './yaml-writer.ts';
export type { YamlFlavour, YamlValue, YamlScalar, YamlEntry, YamlItem, WriteOptions } from './yaml-writer.ts';
export type * from './types.ts';
export { planAdoption, splitAdoption, applyAdoption, formatAdoption, formatConflict, AdoptionConflictError } from './adopt.ts';
export type { Adoption, AdoptionConflict, AdoptionPlan } from './adopt.ts';
export { exportTypes, libraryFileName, ExportSelectionError } from './export.ts';
export type { ExportOptions, ExportResult, ExportedFile } from './export.ts';
export { createOnboardingReporter } from './reporter.ts';
export type { OnboardingReporter, OnboardingReporterOptions, OnboardingReportResult } from './reporter.ts';
