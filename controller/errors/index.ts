/**
 * Named error classes shared by every part of netbox-gitops. Each carries readonly context
 * fields and a message that says what to do; wrap lower-level failures with `{ cause }`.
 * Five classes (WorkflowError, ValidationError, IntegrationError, ResourceError,
 * ConfigurationError) classify every failure; AppError is their common base.
 */
export class AppError extends Error {
  /** Stable machine-readable code, used by the API's error format. */
  readonly code: string = 'app_error';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The environment or a configuration file holds a value that cannot be used. */
export class ConfigurationError extends AppError {
  override readonly code = 'configuration_error';
  constructor(
    message: string,
    readonly variable?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** One problem found in user input, located as precisely as we can. */
export interface ValidationIssue {
  /** File the problem is in, relative to the folder that was loaded, when there is one. */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** Dotted field path inside the document, e.g. `spec.include[2]`. */
  readonly path?: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

/**
 * Characters that must never reach a terminal or a log as they are: C0 and C1 controls (ESC
 * starts terminal escape sequences, NUL truncates C strings) and the Unicode bidirectional
 * controls that make text display in a different order than it is stored ("Trojan Source").
 * Tab, line feed and carriage return are not included: they are ordinary in text fields.
 */
// eslint-disable-next-line no-control-regex
export const UNSAFE_TEXT_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

// eslint-disable-next-line no-control-regex
const ESCAPED = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every control and bidirectional-control character written as `\uXXXX` (line
 * breaks and tabs too), so that it shows on one line exactly as stored. Idempotent.
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(ESCAPED, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A short excerpt of untrusted text for an error message: at most `max` characters, control
 * characters escaped, JSON-quoted.
 */
export function excerpt(text: string, max = 40): string {
  const short = text.length > max ? `${text.slice(0, max)}…` : text;
  return `"${escapeControlCharacters(short).replace(/"/g, '\\"')}"`;
}

/**
 * Formats an issue as `file:line:col path: message`, the form editors and CI logs link. Control
 * characters in any part are escaped: a file name or a message can carry them from the input.
 */
export function formatIssue(issue: ValidationIssue): string {
  return escapeControlCharacters(formatIssueText(issue));
}

function formatIssueText(issue: ValidationIssue): string {
  let where = issue.file ?? '';
  if (where && issue.line !== undefined) where += `:${issue.line}`;
  if (where && issue.line !== undefined && issue.column !== undefined) where += `:${issue.column}`;
  const parts = [where, issue.path].filter((part) => part !== undefined && part !== '');
  const prefix = parts.join(' ');
  return prefix ? `${prefix}: ${issue.message}` : issue.message;
}

/** User input (intents, forms, library files) failed validation. */
export class ValidationError extends AppError {
  override readonly code = 'validation_error';
  constructor(
    message: string,
    readonly issues: readonly ValidationIssue[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An external system (NetBox, Git, Kubernetes) answered with an error or not at all. */
export class IntegrationError extends AppError {
  override readonly code: string = 'integration_error';
  constructor(
    message: string,
    readonly context: {
      readonly system: string;
      readonly status?: number;
      readonly method?: string;
      readonly path?: string;
      /** The remote side's own field messages, e.g. NetBox's `{slug: [...]}` or a bulk list. */
      readonly body?: unknown;
      readonly transient?: boolean;
    },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Something the operation needs does not exist or is not available right now. */
export class ResourceError extends AppError {
  override readonly code = 'resource_error';
  constructor(
    message: string,
    readonly resource: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A workflow could not be started, run or resumed. */
export class WorkflowError extends AppError {
  override readonly code: string = 'workflow_error';
  constructor(
    message: string,
    readonly workflow?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
