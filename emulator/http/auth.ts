import type { VersionProfile } from '../version.ts';

/** The tokens an emulator accepts. */
export interface TokenSet {
  readonly write: string;
  readonly readOnly?: string;
}

export type AuthOutcome = { readonly ok: true; readonly writeEnabled: boolean } | { readonly ok: false; readonly detail: string };

const V2_TOKEN = /^nbt_[^.\s]+\.\S+$/;

/** True for v2 tokens (`nbt_<key>.<secret>`), which travel as `Bearer ...`. */
export function isV2Token(token: string): boolean {
  return V2_TOKEN.test(token);
}

/**
 * NetBox's token authentication: `Token <v1>` always, `Bearer nbt_<key>.<secret>` from 4.5;
 * any other scheme counts as no credentials. Messages are NetBox's own.
 */
export function authenticate(header: string | undefined, tokens: TokenSet, profile: VersionProfile): AuthOutcome {
  const notProvided: AuthOutcome = { ok: false, detail: 'Authentication credentials were not provided.' };
  if (!header) return notProvided;
  const [scheme = '', ...rest] = header.trim().split(/\s+/);
  const keyword = scheme.toLowerCase();
  const v2 = keyword === 'bearer' && profile.bearerTokens;
  if (keyword !== 'token' && !v2) return notProvided;
  if (rest.length === 0) return { ok: false, detail: 'Invalid token header. No credentials provided.' };
  if (rest.length > 1) return { ok: false, detail: 'Invalid token header. Token string should not contain spaces.' };
  const key = rest[0] ?? '';
  const matches = (token: string | undefined): boolean => token !== undefined && token === key && isV2Token(token) === v2;
  if (matches(tokens.write)) return { ok: true, writeEnabled: true };
  if (matches(tokens.readOnly)) return { ok: true, writeEnabled: false };
  return { ok: false, detail: v2 ? 'Invalid v2 token' : profile.invalidV1TokenMessage };
}
