// Keyset pagination on (timestamp, id) for newest-first listings: the cursor is the last row's
// timestamp (with microseconds, as Postgres prints it) and id, so a page costs the same however
// deep it is and rows added meanwhile neither repeat nor shift the next page.
import { ValidationError } from '../errors/index.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** SQL printing a timestamptz column in UTC with microseconds: select it as the cursor's time. */
export function keysetTimestampSql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** The opaque cursor of a row (pass back as `cursor` for the next, older page). */
export function encodeKeysetCursor(timestamp: string, id: string): string {
  return Buffer.from(JSON.stringify([timestamp, id])).toString('base64url');
}

/** The row a cursor points after; a ValidationError (HTTP 422) for anything this API did not return. */
export function decodeKeysetCursor(text: string): { readonly timestamp: string; readonly id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'string' && UUID.test(value[1]) && !Number.isNaN(Date.parse(value[0]))) {
      return { timestamp: value[0], id: value[1] };
    }
  } catch {
    // reported below
  }
  throw new ValidationError('invalid cursor: pass back the nextCursor of the previous page unchanged', [
    { path: 'cursor', message: 'not a cursor this API returned', severity: 'error' },
  ]);
}
