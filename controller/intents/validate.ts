import { UNSAFE_TEXT_CHARACTERS } from '../errors/index.ts';
import type { ValidationIssue } from '../errors/index.ts';
import { formatFieldPath } from './field-path.ts';
import type { PathSegment } from './field-path.ts';
import type { FieldProblem } from './problems.ts';
import { describeValue, problemsFromZod } from './problems.ts';
import { NOTIFICATION_KIND, NotificationSchema } from './notification.ts';
import type { NotificationResource } from './notification.ts';
import { INTENT_API_VERSION, INTENT_KINDS, schemaForKind } from './schema.ts';
import type { DeviceTypeSetIntent, Intent, IntentKind } from './schema.ts';

/** How an already-parsed object reached us. */
export interface ValidateIntentOptions {
  /**
   * The object is a Kubernetes custom resource as the API server returns it: drop the
   * metadata fields the server manages (uid, resourceVersion, managedFields, ...) instead of
   * reporting them as unknown.
   */
  readonly kubernetes?: boolean;
}

/** The result of checking one document: the intent when it is valid, and every problem found. */
export interface DocumentCheck {
  readonly intent: Intent | undefined;
  /** Set instead of `intent` when the document is a valid Notification resource. */
  readonly notification?: NotificationResource;
  readonly problems: readonly FieldProblem[];
}

/** ObjectMeta fields the API server sets; intents never declare them. */
const SERVER_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'finalizers',
  'ownerReferences',
  'generateName',
  'selfLink',
];

/**
 * Validates an already-parsed object (a Kubernetes custom resource, an API body) as an intent.
 * Issues carry the field path but no file position; `status` is ignored.
 */
export function validateIntentObject(value: unknown, options: ValidateIntentOptions = {}): { intent: Intent | undefined; issues: ValidationIssue[] } {
  const { intent, problems } = checkIntentDocument(value, options);
  const issues = problems.map((problem) => ({
    path: formatFieldPath(problem.path),
    message: problem.message,
    severity: problem.severity,
  }));
  return { intent, issues };
}

/** Checks one parsed document; the loader adds positions to the problems. */
export function checkIntentDocument(value: unknown, options: ValidateIntentOptions = {}): DocumentCheck {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      intent: undefined,
      problems: [problem([], `expected an intent resource (a mapping with apiVersion, kind, metadata and spec), got ${describeValue(value)}`)],
    };
  }
  const document = withoutIgnoredFields(value as Record<string, unknown>, options);
  if (document.kind === NOTIFICATION_KIND && document.apiVersion === INTENT_API_VERSION) return checkNotification(document);
  const headerProblems = checkHeader(document);
  if (headerProblems.length > 0) return { intent: undefined, problems: headerProblems };
  const kind = document.kind as IntentKind;
  const schema = schemaForKind(kind);
  const parsed = schema.safeParse(document);
  const unsafe = unsafeTextProblems(document);
  if (!parsed.success) return { intent: undefined, problems: [...unsafe, ...problemsFromZod(parsed.error.issues, schema, document)] };
  if (unsafe.length > 0) return { intent: undefined, problems: unsafe };
  const intent = parsed.data as Intent;
  return { intent, problems: lintIntent(intent) };
}

/** A Notification resource lives beside the intents: the same files, its own schema. */
function checkNotification(document: Record<string, unknown>): DocumentCheck {
  const parsed = NotificationSchema.safeParse(document);
  const unsafe = unsafeTextProblems(document);
  if (!parsed.success) return { intent: undefined, problems: [...unsafe, ...problemsFromZod(parsed.error.issues, NotificationSchema, document)] };
  if (unsafe.length > 0) return { intent: undefined, problems: unsafe };
  return { intent: undefined, notification: parsed.data, problems: [] };
}

/** At most this many unsafe-text problems per document: one says what to fix. */
const MAX_UNSAFE_TEXT_PROBLEMS = 5;

/**
 * Control characters (ESC, NUL, ...) and Unicode bidirectional controls (RTL overrides) are
 * refused in every key and string of an intent: they would reach NetBox names, terminals and
 * logs, where they hide or reorder text. Tabs and line breaks are allowed in values.
 */
function unsafeTextProblems(document: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const describe = (text: string): string => {
    const index = text.search(UNSAFE_TEXT_CHARACTERS);
    const code = text.charCodeAt(index).toString(16).toUpperCase().padStart(4, '0');
    return `U+${code} at character ${index + 1}`;
  };
  const visit = (value: unknown, path: PathSegment[]): void => {
    if (problems.length >= MAX_UNSAFE_TEXT_PROBLEMS) return;
    if (typeof value === 'string') {
      if (UNSAFE_TEXT_CHARACTERS.test(value)) {
        problems.push({
          path,
          message: `contains a control or bidirectional-control character (${describe(value)}); such characters hide or reorder text in NetBox, terminals and logs — remove it`,
          severity: 'error',
          at: 'value',
        });
      }
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, [...path, index]));
      return;
    }
    if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        if (UNSAFE_TEXT_CHARACTERS.test(key)) {
          problems.push({
            path: [...path, key],
            message: `field name contains a control or bidirectional-control character (${describe(key)}); remove it`,
            severity: 'error',
            at: 'key',
          });
          continue;
        }
        visit(item, [...path, key]);
      }
    }
  };
  visit(document, []);
  return problems;
}

function withoutIgnoredFields(document: Record<string, unknown>, options: ValidateIntentOptions): Record<string, unknown> {
  // status belongs to the controller (the CRD's status subresource): never input.
  const { status: _status, ...rest } = document;
  const metadata = rest.metadata;
  if (!options.kubernetes || metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) return rest;
  const trimmed = Object.fromEntries(Object.entries(metadata as Record<string, unknown>).filter(([key]) => !SERVER_METADATA.includes(key)));
  return { ...rest, metadata: trimmed };
}

function checkHeader(document: Record<string, unknown>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const { apiVersion, kind } = document;
  const expectedKinds = `${INTENT_KINDS.join(', ')} or ${NOTIFICATION_KIND}`;
  if (apiVersion === undefined) {
    problems.push(problem(['apiVersion'], `missing required field; expected "${INTENT_API_VERSION}"`));
  } else if (apiVersion !== INTENT_API_VERSION) {
    problems.push(problem(['apiVersion'], `unsupported apiVersion ${quoted(apiVersion)}; expected "${INTENT_API_VERSION}"`));
  }
  if (kind === undefined) {
    problems.push(problem(['kind'], `missing required field; expected ${expectedKinds}`));
  } else if (!(INTENT_KINDS as readonly unknown[]).includes(kind)) {
    problems.push(problem(['kind'], `unknown kind ${quoted(kind)}; expected ${expectedKinds}`));
  }
  return problems;
}

/** Valid but probably not what the author meant. */
function lintIntent(intent: Intent): FieldProblem[] {
  if (intent.kind !== 'DeviceTypeSet') return [];
  const spec: DeviceTypeSetIntent['spec'] = intent.spec;
  if (spec.vendors.length > 0) return [];
  const warnings: FieldProblem[] = [];
  for (const field of ['include', 'exclude', 'moduleTypes'] as const) {
    const value = spec[field];
    // Explicit module-type models are looked up across the library; only the filters need vendors.
    const modules = spec.moduleTypes;
    const explicitOnly =
      field === 'moduleTypes' && typeof modules === 'object' && modules.models !== undefined && modules.include === undefined && modules.exclude === undefined;
    if (value !== undefined && value !== false && !explicitOnly) {
      warnings.push({
        path: ['spec', field],
        message: `${field} applies to the device types of spec.vendors, which is empty, so it has no effect`,
        severity: 'warning',
        at: 'key',
      });
    }
  }
  return warnings;
}

function quoted(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : describeValue(value);
}

function problem(path: FieldProblem['path'], message: string): FieldProblem {
  return { path, message, severity: 'error', at: 'value' };
}
