/**
 * Named error classes shared by every part of netbox-gitops. Each carries readonly context
 * fields and a message that says what to do; wrap lower-level failures with `{ cause }`.
 * The seed's classification (WorkflowError, ValidationError, IntegrationError, ResourceError,
 * ConfigurationError) is kept; AppError is their common base.
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

/** Formats an issue as `file:line:col path: message`, the form editors and CI logs link. */
export function formatIssue(issue: ValidationIssue): string {
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
