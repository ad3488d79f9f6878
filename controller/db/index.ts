/**
 * Postgres access shared by every component: the connection pool, transactions, and the schema
 * migrator behind `netbox-gitops migrate` (also run when a worker, the controller or the API starts).
 */
export { createPool, withTransaction } from './pool.ts';
export type { PoolOptions } from './pool.ts';
export { migrate, pingDatabase, readMigrationStatus, readSchemaVersion } from './migrator.ts';
export type { MigrateOptions, MigrateResult, MigrationStatus } from './migrator.ts';
export { loadMigrations, defaultMigrationsDirectory, checksumOf } from './migration-files.ts';
export type { Migration } from './migration-files.ts';
export { decodeKeysetCursor, encodeKeysetCursor, keysetTimestampSql } from './keyset.ts';
export { assertSupportedPostgres, MINIMUM_POSTGRES_MAJOR } from './postgres-version.ts';
export { MigrationError, UnsupportedPostgresError } from './errors.ts';
export type { Pool, PoolClient } from 'pg';
