import { formatPath } from './issues.ts';
import type { CatalogueIssue, Finding } from './issues.ts';
import { locateInYaml } from './locate.ts';
import { mapDeviceType, mapModuleType, normalizeTemplateKeys } from './mapping.ts';
import type { DefinitionContext } from './mapping.ts';
import { describeSchemaErrors, loadLibraryValidatorsSync } from './schemas.ts';
import type { LibraryValidators } from './schemas.ts';
import type { Catalogue, CatalogueDeviceType, CatalogueModuleType } from './types.ts';

/** Schema errors listed per definition; the rest are summarised, a broken file can have hundreds. */
const MAX_SCHEMA_FINDINGS = 10;

type ValidateFn = LibraryValidators['deviceType'];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Checks one document against a library schema after renaming hyphenated template keys.
 * Returns the document when valid; otherwise the findings say why.
 */
function checkDocument(value: unknown, validate: ValidateFn, findings: Finding[]): Record<string, unknown> | undefined {
  if (!isPlainObject(value)) {
    findings.push({
      code: 'not-a-mapping',
      severity: 'error',
      message: 'must be one YAML mapping (manufacturer, model, ...)',
      segments: [],
    });
    return undefined;
  }
  normalizeTemplateKeys(value, findings);
  if (validate(value)) return value;
  const violations = describeSchemaErrors(validate.errors ?? [], value);
  for (const violation of violations.slice(0, MAX_SCHEMA_FINDINGS)) {
    findings.push({ code: 'schema', severity: 'error', message: violation.message, segments: violation.segments });
  }
  if (violations.length > MAX_SCHEMA_FINDINGS) {
    findings.push({
      code: 'schema',
      severity: 'error',
      message: `${violations.length - MAX_SCHEMA_FINDINGS} more schema errors`,
      segments: [],
    });
  }
  return undefined;
}

export interface DefinitionOptions extends DefinitionContext {
  readonly validators: LibraryValidators;
  /** The YAML source, when there is one: errors then get a line and column. */
  readonly text?: string;
}

export interface DeviceTypeDefinitionResult {
  /** Absent when the definition is invalid; `issues` then says why. */
  readonly deviceType?: CatalogueDeviceType;
  readonly issues: readonly CatalogueIssue[];
}

export interface ModuleTypeDefinitionResult {
  readonly moduleType?: CatalogueModuleType;
  readonly issues: readonly CatalogueIssue[];
}

/**
 * Validates one device type written in the devicetype-library format against the library's
 * schema and maps it to the catalogue's NetBox-shaped entry. The value is modified in place
 * (hyphenated template keys are renamed), so pass a value you own.
 */
export function readDeviceTypeDefinition(
  value: unknown,
  options: DefinitionOptions & { readonly images?: CatalogueDeviceType['images'] },
): DeviceTypeDefinitionResult {
  const findings: Finding[] = [];
  const document = checkDocument(value, options.validators.deviceType, findings);
  const deviceType = document ? mapDeviceType(document, options, options.images ?? {}, findings) : undefined;
  const issues = toIssues(findings, options, deviceType === undefined);
  return deviceType ? { deviceType, issues } : { issues };
}

/** Like {@link readDeviceTypeDefinition}, for module types. */
export function readModuleTypeDefinition(value: unknown, options: DefinitionOptions): ModuleTypeDefinitionResult {
  const findings: Finding[] = [];
  const document = checkDocument(value, options.validators.moduleType, findings);
  const moduleType = document ? mapModuleType(document, options, findings) : undefined;
  const issues = toIssues(findings, options, moduleType === undefined);
  return moduleType ? { moduleType, issues } : { issues };
}

function toIssues(findings: readonly Finding[], options: DefinitionOptions, skipped: boolean): CatalogueIssue[] {
  return findings.map((finding) => {
    const where = finding.severity === 'error' && options.text !== undefined ? locateInYaml(options.text, finding.segments) : undefined;
    const issue: CatalogueIssue = {
      code: finding.code,
      severity: finding.severity,
      message: skipped && finding.severity === 'error' ? `${finding.message}; file skipped` : finding.message,
      file: options.file,
      ...(finding.segments.length > 0 ? { path: formatPath(finding.segments) } : {}),
      ...where,
    };
    return issue;
  });
}

/** A problem in an inline definition, located relative to the definition itself. */
export interface InlineProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

/** The outcome of mapping an inline definition: the entry (with warnings), or the errors. */
export type InlineMapping<T> =
  { readonly ok: true; readonly value: T; readonly warnings: readonly InlineProblem[] } | { readonly ok: false; readonly issues: readonly InlineProblem[] };

const catalogueValidators = new WeakMap<Catalogue, LibraryValidators>();

/** Remembers the validators a catalogue was loaded with, for inline definitions. */
export function rememberValidators(catalogue: Catalogue, validators: LibraryValidators): void {
  catalogueValidators.set(catalogue, validators);
}

function validatorsFor(catalogue: Catalogue): LibraryValidators {
  let validators = catalogueValidators.get(catalogue);
  if (!validators) {
    validators = loadLibraryValidatorsSync(catalogue.root);
    catalogueValidators.set(catalogue, validators);
  }
  return validators;
}

/**
 * Validates and maps an inline custom device type (an intent's `spec.custom[i]`, written in
 * the devicetype-library format) with the schemas of the library the catalogue came from.
 * The input is not modified. Its vendor is its manufacturer; it has no elevation images.
 */
export function mapInlineDeviceType(raw: unknown, catalogue: Catalogue, options: { readonly file?: string } = {}): InlineMapping<CatalogueDeviceType> {
  return mapInline(raw, catalogue, options, (document, validators, context, findings) => {
    const checked = checkDocument(document, validators.deviceType, findings);
    return checked ? mapDeviceType(checked, context, {}, findings) : undefined;
  });
}

/** Like {@link mapInlineDeviceType}, for an inline module type (`spec.customModuleTypes[i]`). */
export function mapInlineModuleType(raw: unknown, catalogue: Catalogue, options: { readonly file?: string } = {}): InlineMapping<CatalogueModuleType> {
  return mapInline(raw, catalogue, options, (document, validators, context, findings) => {
    const checked = checkDocument(document, validators.moduleType, findings);
    return checked ? mapModuleType(checked, context, findings) : undefined;
  });
}

function mapInline<T>(
  raw: unknown,
  catalogue: Catalogue,
  options: { readonly file?: string },
  read: (document: unknown, validators: LibraryValidators, context: DefinitionContext, findings: Finding[]) => T | undefined,
): InlineMapping<T> {
  let validators: LibraryValidators;
  try {
    validators = validatorsFor(catalogue);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, issues: [{ path: [], message: `cannot validate inline definitions: ${message}`, severity: 'error' }] };
  }
  // structuredClone: renaming template keys must not touch the caller's intent object.
  const document: unknown = isPlainObject(raw) ? structuredClone(raw) : raw;
  const manufacturer = isPlainObject(document) && typeof document.manufacturer === 'string' ? document.manufacturer : '';
  const context: DefinitionContext = { file: options.file ?? 'inline', vendor: manufacturer };
  const findings: Finding[] = [];
  const value = read(document, validators, context, findings);
  const problems = findings.map((finding) => ({ path: finding.segments, message: finding.message, severity: finding.severity }));
  if (value === undefined) return { ok: false, issues: problems.filter((problem) => problem.severity === 'error') };
  return { ok: true, value, warnings: problems };
}
