import { describe, expect, it } from 'vitest';
import { assertSupportedPostgres, MINIMUM_POSTGRES_MAJOR, UnsupportedPostgresError } from '../../../controller/db/index.ts';

describe('assertSupportedPostgres', () => {
  it('refuses Postgres 13 with a message naming the minimum, 14', () => {
    expect(MINIMUM_POSTGRES_MAJOR).toBe(14);
    let caught: unknown;
    try {
      assertSupportedPostgres('130012');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UnsupportedPostgresError);
    const error = caught as UnsupportedPostgresError;
    expect(error.message).toContain('PostgreSQL 13.12 is too old');
    expect(error.message).toContain('PostgreSQL 14 or newer');
    expect(error.serverVersionNum).toBe('130012');
    expect(error.minimumMajor).toBe(14);
  });

  it('accepts 14 and newer', () => {
    expect(() => assertSupportedPostgres('140000')).not.toThrow();
    expect(() => assertSupportedPostgres('150020')).not.toThrow();
    expect(() => assertSupportedPostgres('170002')).not.toThrow();
  });

  it('reads the pre-10 numbering of very old servers', () => {
    expect(() => assertSupportedPostgres('90624')).toThrow(/PostgreSQL 9\.6 is too old/);
  });

  it('refuses a version it cannot read rather than guessing', () => {
    expect(() => assertSupportedPostgres('')).toThrow(UnsupportedPostgresError);
    expect(() => assertSupportedPostgres('fifteen')).toThrow(/Cannot tell the Postgres server's version/);
  });
});
