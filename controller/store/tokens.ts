// The api_tokens table: the only place that speaks SQL on it. Which tokens are valid, their
// hashing and their roles are controller/auth's business; this file stores and finds rows.
import type { Pool } from '../db/index.ts';

/** An api_tokens row as stored: the role is not checked here (controller/auth knows the roles). */
export interface ApiTokenRecord {
  readonly id: string;
  readonly name: string;
  readonly role: string;
  /** The token's first characters, e.g. `nbg_Ab3dE6gH`. */
  readonly prefix: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

/** An unrevoked token found by its hash. */
export interface ActiveApiToken {
  readonly id: string;
  readonly name: string;
  readonly role: string;
  /** Whether last_used_at is unset or older than a minute (so worth writing again). */
  readonly stale: boolean;
}

interface TokenRow {
  id: string;
  name: string;
  role: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const TOKEN_COLUMNS = 'id, name, role, prefix, created_at, last_used_at, revoked_at';

function toRecord(row: TokenRow): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

/** Stores a token's hash under a unique name; undefined when the name is already taken. */
export async function insertApiToken(
  pool: Pool,
  token: { readonly name: string; readonly role: string; readonly tokenHash: string; readonly prefix: string },
): Promise<ApiTokenRecord | undefined> {
  try {
    const { rows } = await pool.query<TokenRow>(
      `INSERT INTO api_tokens (name, role, token_hash, prefix) VALUES ($1, $2, $3, $4)
       RETURNING ${TOKEN_COLUMNS}`,
      [token.name, token.role, token.tokenHash, token.prefix],
    );
    return toRecord(rows[0] as TokenRow);
  } catch (error) {
    if ((error as { code?: string; constraint?: string }).code === '23505' && (error as { constraint?: string }).constraint === 'api_tokens_name_key') {
      return undefined;
    }
    throw error;
  }
}

/** Every token, revoked ones included, by name. */
export async function listApiTokens(pool: Pool): Promise<ApiTokenRecord[]> {
  const { rows } = await pool.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens ORDER BY name`);
  return rows.map(toRecord);
}

/** Sets revoked_at of the named token, keeping a first revocation time; undefined when no token has that name. */
export async function revokeApiToken(pool: Pool, name: string): Promise<ApiTokenRecord | undefined> {
  const { rows } = await pool.query<TokenRow>(
    `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE name = $1
     RETURNING ${TOKEN_COLUMNS}`,
    [name],
  );
  const row = rows[0];
  return row ? toRecord(row) : undefined;
}

/** The unrevoked token with this SHA-256 hash, if any. */
export async function findActiveApiToken(pool: Pool, tokenHash: string): Promise<ActiveApiToken | undefined> {
  const { rows } = await pool.query<{ id: string; name: string; role: string; stale: boolean }>(
    `SELECT id, name, role, (last_used_at IS NULL OR last_used_at < now() - interval '1 minute') AS stale
       FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`,
    [tokenHash],
  );
  const row = rows[0];
  return row ? { id: row.id, name: row.name, role: row.role, stale: row.stale } : undefined;
}

/** Sets a token's last_used_at to now. */
export async function markApiTokenUsed(pool: Pool, id: string): Promise<void> {
  await pool.query('UPDATE api_tokens SET last_used_at = now() WHERE id = $1', [id]);
}
