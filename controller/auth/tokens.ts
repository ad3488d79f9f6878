import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from '../db/index.ts';
import { findActiveApiToken, insertApiToken, listApiTokens, markApiTokenUsed, revokeApiToken } from '../store/index.ts';
import type { ApiTokenRecord } from '../store/index.ts';
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

function toInfo(record: ApiTokenRecord): TokenInfo {
  const role = record.role;
  if (!isRole(role)) throw new Error(`api_tokens row ${record.id} has unknown role ${role}`);
  return { ...record, role };
}

/**
 * Creates a token with a unique name and a role, stores only its hash, and returns it in clear
 * once. @throws ValidationError for a bad name or role; TokenNameTakenError when the name is used.
 */
export async function createToken(pool: Pool, input: { readonly name: string; readonly role: string }): Promise<CreatedToken> {
  if (!NAME_PATTERN.test(input.name)) throw invalidTokenInput('name', input.name);
  if (!isRole(input.role)) throw invalidTokenInput('role', input.role);
  const token = generateToken();
  const stored = await insertApiToken(pool, {
    name: input.name,
    role: input.role,
    tokenHash: hashToken(token),
    prefix: token.slice(0, DISPLAY_PREFIX_LENGTH),
  });
  if (stored === undefined) throw new TokenNameTakenError(input.name);
  return { ...toInfo(stored), token };
}

/** Every token, revoked ones included, by name. */
export async function listTokens(pool: Pool): Promise<TokenInfo[]> {
  return (await listApiTokens(pool)).map(toInfo);
}

/**
 * Revokes a token by name (it stays listed with revokedAt). Revoking a revoked token keeps its
 * first revocation time. @throws TokenNotFoundError
 */
export async function revokeToken(pool: Pool, name: string): Promise<TokenInfo> {
  const revoked = await revokeApiToken(pool, name);
  if (!revoked) throw new TokenNotFoundError(name);
  return toInfo(revoked);
}

/**
 * The principal of a valid, unrevoked token, or undefined. Malformed tokens are refused without
 * a query; the lookup is by hash, so the token never reaches the database or its logs.
 */
export async function verifyToken(pool: Pool, token: string): Promise<TokenPrincipal | undefined> {
  if (!looksLikeToken(token)) return undefined;
  const row = await findActiveApiToken(pool, hashToken(token));
  if (!row || !isRole(row.role)) return undefined;
  // last_used_at is written at most once a minute per token, not on every request.
  if (row.stale) await markApiTokenUsed(pool, row.id);
  return { id: row.id, name: row.name, role: row.role };
}
