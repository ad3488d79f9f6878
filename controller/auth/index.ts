/**
 * API tokens and roles: tokens `nbg_<random>` stored as SHA-256 hashes in `api_tokens` with a
 * display prefix; roles viewer < operator < admin. Used by the API and `netbox-gitops token`.
 */
export { ROLES, isRole, roleAllows } from './roles.ts';
export type { Role } from './roles.ts';
export { TOKEN_PREFIX, createToken, generateToken, hashToken, listTokens, looksLikeToken, revokeToken, verifyToken } from './tokens.ts';
export type { CreatedToken, TokenInfo, TokenPrincipal } from './tokens.ts';
export { TokenNameTakenError, TokenNotFoundError } from './errors.ts';
