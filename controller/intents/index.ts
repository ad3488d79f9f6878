/**
 * Intents: the declarative format (VendorSet, DeviceTypeSet) shared by Git files, Kubernetes
 * custom resources and API bodies — its zod schema, loader with source positions, the two
 * import forms, and the generated JSON Schema and CRDs.
 */
export {
  ALL_VENDORS,
  ConditionSchema,
  INTENT_API_VERSION,
  INTENT_GROUP,
  INTENT_KINDS,
  INTENT_VERSION,
  LIBRARY_REF_PATTERN,
  SLUG_PATTERN,
  CustomDeviceTypeSchema,
  CustomManufacturerSchema,
  CustomModuleTypeSchema,
  DeviceTypeSetSchema,
  DeviceTypeSetSpecSchema,
  IGNORABLE_KINDS,
  IgnoreFieldsRuleSchema,
  IntentMetadataSchema,
  IntentPolicySchema,
  IntentSchema,
  IntentStatusSchema,
  ModuleTypeFilterSchema,
  VendorSetSchema,
  VendorSetSpecSchema,
  intentKey,
  intentPolicyOf,
  schemaForKind,
  selectsAllVendors,
} from './schema.ts';
export type {
  Condition,
  CustomDeviceType,
  CustomManufacturer,
  CustomModuleType,
  DeviceTypeSetIntent,
  IgnoreFieldsRule,
  Intent,
  IntentInput,
  IntentKind,
  IntentRef,
  IntentMetadata,
  IntentPolicy,
  IntentStatus,
  VendorSetIntent,
} from './schema.ts';
export { MAX_INTERVAL_MS, MIN_INTERVAL_MS, describeCronProblem, parseDuration } from './schedule.ts';
export { MAX_PATTERN_LENGTH, PatternSyntaxError, compileIntentPattern, describePatternProblem } from './patterns.ts';
export type { IntentPattern } from './patterns.ts';
export { formatFieldPath } from './field-path.ts';
export type { PathSegment } from './field-path.ts';
export { validateIntentObject } from './validate.ts';
export type { ValidateIntentOptions } from './validate.ts';
export { DEFAULT_MAX_FILE_BYTES, MAX_ISSUES_PER_FILE, listIntentFiles, loadIntents, parseIntentText, readIntentFile } from './loader.ts';
export type { IntentFileListing, LoadIntentsOptions, LoadIntentsResult, LoadedIntent, LoadedNotification } from './loader.ts';
export type { DocumentSpan, LocateFn, SourcePosition } from './yaml-source.ts';
export { DeviceTypeImportForm, VendorImportForm, intentFromDeviceTypeImportForm, intentFromVendorImportForm } from './forms.ts';
export type { DeviceTypeImportFormInput, FormIntentOptions, VendorImportFormInput } from './forms.ts';
export { CRD_NAMES, MIN_KUBERNETES_VERSION, renderCrdSchema, renderCustomResourceDefinition, toStructuralSchema } from './crd.ts';
export type { CelRule } from './crd-hints.ts';
export { JSON_SCHEMA_PATH, findStaleIntentArtifacts, renderIntentArtifacts, renderIntentJsonSchema, writeIntentArtifacts } from './generate.ts';
export type { GeneratedFile } from './generate.ts';
export { NOTIFICATION_KIND, NotificationSchema, NotificationSpecSchema, renderNotificationCrd } from './notification.ts';
export type { NotificationResource, NotificationSpec } from './notification.ts';
