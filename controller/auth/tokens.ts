import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from '../db/index.ts';
import { invalidTokenInput, TokenNameTakenError, TokenNotFoundError } from './errors.ts';
import { isRole } from './roles.ts';
import type { Role } from './roles.ts';

/** Every API token starts with this, so secret scanners and people can recognise one. */
export const TOKEN_PREFIX = 'nbg_';
/** Characters of a token kept in clear as its display prefix (`nbg_` and 8 more). */
const DISPLAY_PREFIX_LENGTH = TOKEN_PREFIX.length + 8;
const TOKEN_PATTERN = /^nbg_[A-Za-z0-9_-]{43}$/;
const NAME_PATTERN = /^[A-Za-z0-9._@:-]{1,100}$/;

/** A token as listed: never the token itself, only its display prefix. */
export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** The token's first characters, e.g. `nbg_Ab3dE6gH`. */
  readonly prefix: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

/** What createToken returns: the one and only time the token is available in clear. */
export interface CreatedToken extends TokenInfo {
  readonly token: string;
}

/** The identity a verified token stands for. */
export interface TokenPrincipal {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
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

/** SHA-256 (hex) of a token: what the `api_tokens` table stores. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new random token: `nbg_` and 32 random bytes in base64url (256 bits). */
export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Whether a string has the shape of one of our tokens (checked before any database lookup). */
export function looksLikeToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

function toInfo(row: TokenRow): TokenInfo {
  if (!isRole(row.role)) throw new Error(`api_tokens row ${row.id} has unknown role ${row.role}`);
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

/**
 * Creates a token with a unique name and a role, stores only its hash, and returns it in clear
 * once. @throws ValidationError for a bad name or role; TokenNameTakenError when the name is used.
 */
export async function createToken(pool: Pool, input: { readonly name: string; readonly role: string }): Promise<CreatedToken> {
  if (!NAME_PATTERN.test(input.name)) throw invalidTokenInput('name', input.name);
  if (!isRole(input.role)) throw invalidTokenInput('role', input.role);
  const token = generateToken();
  try {
    const { rows } = await pool.query<TokenRow>(
      `INSERT INTO api_tokens (name, role, token_hash, prefix) VALUES ($1, $2, $3, $4)
       RETURNING id, name, role, prefix, created_at, last_used_at, revoked_at`,
      [input.name, input.role, hashToken(token), token.slice(0, DISPLAY_PREFIX_LENGTH)],
    );
    return { ...toInfo(rows[0] as TokenRow), token };
  } catch (error) {
    if ((error as { code?: string; constraint?: string }).code === '23505' && (error as { constraint?: string }).constraint === 'api_tokens_name_key') {
      throw new TokenNameTakenError(input.name);
    }
    throw error;
  }
}

/** Every token, revoked ones included, by name. */
export async function listTokens(pool: Pool): Promise<TokenInfo[]> {
  const { rows } = await pool.query<TokenRow>('SELECT id, name, role, prefix, created_at, last_used_at, revoked_at FROM api_tokens ORDER BY name');
  return rows.map(toInfo);
}

/**
 * Revokes a token by name (it stays listed with revokedAt). Revoking a revoked token keeps its
 * first revocation time. @throws TokenNotFoundError
 */
export async function revokeToken(pool: Pool, name: string): Promise<TokenInfo> {
  const { rows } = await pool.query<TokenRow>(
    `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE name = $1
     RETURNING id, name, role, prefix, created_at, last_used_at, revoked_at`,
    [name],
  );
  const row = rows[0];
  if (!row) throw new TokenNotFoundError(name);
  return toInfo(row);
}

/**
 * The principal of a valid, unrevoked token, or undefined. Malformed tokens are refused without
 * a query; the lookup is by hash, so the token never reaches the database or its logs.
 */
export async function verifyToken(pool: Pool, token: string): Promise<TokenPrincipal | undefined> {
  if (!looksLikeToken(token)) return undefined;
  const { rows } = await pool.query<{ id: string; name: string; role: string; stale: boolean }>(
    `SELECT id, name, role, (last_used_at IS NULL OR last_used_at < now() - interval '1 minute') AS stale
       FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`,
    [hashToken(token)],
  );
  const row = rows[0];
  if (!row || !isRole(row.role)) return undefined;
  // last_used_at is written at most once a minute per token, not on every request.
  if (row.stale) await pool.query('UPDATE api_tokens SET last_used_at = now() WHERE id = $1', [row.id]);
  return { id: row.id, name: row.name, role: row.role };
}
