import { UnsupportedPostgresError } from './errors.ts';

/** Oldest Postgres major version the schema and queries are written for. */
export const MINIMUM_POSTGRES_MAJOR = 14;

/**
 * Throws {@link UnsupportedPostgresError} unless `serverVersionNum` (Postgres's
 * `server_version_num`, e.g. "150020" for 15.20) is at least {@link MINIMUM_POSTGRES_MAJOR}.
 */
export function assertSupportedPostgres(serverVersionNum: string, minimumMajor: number = MINIMUM_POSTGRES_MAJOR): void {
  const text = serverVersionNum.trim();
  if (!/^\d{5,}$/.test(text)) {
    throw new UnsupportedPostgresError(
      `Cannot tell the Postgres server's version from server_version_num ${JSON.stringify(serverVersionNum)}; ` +
        `netbox-gitops needs PostgreSQL ${minimumMajor} or newer.`,
      serverVersionNum,
      minimumMajor,
    );
  }
  const number = Number(text);
  // Since Postgres 10, server_version_num is major * 10000 + minor.
  const major = Math.floor(number / 10000);
  if (major >= minimumMajor) return;
  const shown = major >= 10 ? `${major}.${number % 10000}` : `${Math.floor(number / 10000)}.${Math.floor(number / 100) % 100}`;
  throw new UnsupportedPostgresError(
    `PostgreSQL ${shown} is too old: netbox-gitops needs PostgreSQL ${minimumMajor} or newer. ` +
      `Upgrade the server or point DATABASE_URL / DATABASE_HOST at a newer one.`,
    serverVersionNum,
    minimumMajor,
  );
}
