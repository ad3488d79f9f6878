import { AppError } from '../errors/index.ts';

/** A migration file is malformed, was changed after it was applied, or failed to run. */
export class MigrationError extends AppError {
  override readonly code = 'migration_error';
  constructor(
    message: string,
    readonly context: {
      /** The migration file concerned, relative to the migrations folder. */
      readonly file?: string;
      readonly version?: number;
    } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The Postgres server is older than the oldest version netbox-gitops supports. */
export class UnsupportedPostgresError extends AppError {
  override readonly code = 'unsupported_postgres';
  constructor(
    message: string,
    readonly serverVersionNum: string,
    readonly minimumMajor: number,
  ) {
    super(message);
  }
}
