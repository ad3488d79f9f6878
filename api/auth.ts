import type { FastifyInstance, FastifyRequest } from 'fastify';
import { roleAllows, verifyToken } from '../controller/auth/index.ts';
import type { Role, TokenPrincipal } from '../controller/auth/index.ts';
import type { Pool } from '../controller/db/index.ts';
import { AuthenticationError, ForbiddenError } from './errors.ts';

/** What a route needs: `public` (no token) or the weakest role allowed. */
export type RouteAccess = 'public' | Role;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Default `viewer`: every route needs a token unless it says `public`. */
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** The caller, once authenticated; null on public routes. */
    principal: TokenPrincipal | null;
  }
}

/** The caller when AUTH_DISABLED=true. */
export const ANONYMOUS: TokenPrincipal = { id: 'anonymous', name: 'anonymous', role: 'admin' };

export interface TokenVerifier {
  verify(token: string): Promise<TokenPrincipal | undefined>;
  /** Forgets cached verifications (after a revocation on this replica). */
  clear(): void;
}

/**
 * Verifies tokens against `api_tokens`, remembering results for `cacheMs` so that a busy client
 * costs one query per token and period, not one per request. Unknown tokens are remembered
 * too (briefly), so a flood of bad tokens does not become a flood of queries.
 */
export function createTokenVerifier(pool: Pool, cacheMs: number): TokenVerifier {
  const cache = new Map<string, { principal: TokenPrincipal | undefined; until: number }>();
  const MAX_ENTRIES = 10_000;
  return {
    async verify(token: string): Promise<TokenPrincipal | undefined> {
      const now = Date.now();
      const hit = cache.get(token);
      if (hit && hit.until > now) return hit.principal;
      const principal = await verifyToken(pool, token);
      if (cache.size >= MAX_ENTRIES) cache.clear();
      if (cacheMs > 0) cache.set(token, { principal, until: now + cacheMs });
      return principal;
    },
    clear(): void {
      cache.clear();
    },
  };
}

/** The token of `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Authenticates with a bearer token and checks the role.
 * @throws AuthenticationError (401) for a missing, unknown or revoked token; ForbiddenError (403) for a weak role.
 */
export async function authenticate(verifier: TokenVerifier, header: string | undefined, required: Role): Promise<TokenPrincipal> {
  const token = bearerToken(header);
  if (token === undefined) {
    throw new AuthenticationError(
      header === undefined
        ? 'This needs an API token: send "Authorization: Bearer <token>" (an admin creates one with `netbox-gitops token create --name N --role R`).'
        : 'The Authorization header is not "Bearer <token>".',
    );
  }
  const principal = await verifier.verify(token);
  if (!principal) throw new AuthenticationError('The API token is unknown or revoked; ask an admin for a valid one.');
  if (!roleAllows(principal.role, required)) throw new ForbiddenError(principal.role, required);
  return principal;
}

/** Throws ForbiddenError unless the request's principal has at least `required`. */
export function requireRole(request: FastifyRequest, required: Role): TokenPrincipal {
  const principal = request.principal;
  if (!principal) throw new AuthenticationError('This needs an API token: send "Authorization: Bearer <token>".');
  if (!roleAllows(principal.role, required)) throw new ForbiddenError(principal.role, required);
  return principal;
}

/**
 * Adds the auth hook. It runs at preParsing: after the rate limit (onRequest) and before a
 * body is read, so an unauthenticated client cannot make the API parse a large body.
 * A WebSocket upgrade without an Authorization header passes: GraphQL subscriptions then
 * authenticate with the token in their connection_init payload. Requests no route matches pass
 * too: they get a 404 or the dashboard's page, never data.
 */
export function installAuth(app: FastifyInstance, verifier: TokenVerifier, options: { readonly disabled: boolean }): void {
  app.decorateRequest('principal', null);
  app.addHook('preParsing', async (request, _reply, payload) => {
    // No route matched: the answer is a 404 (or the dashboard's index.html), which holds no data.
    const access = request.is404 ? 'public' : (request.routeOptions.config.access ?? 'viewer');
    if (access === 'public') return payload;
    if (options.disabled) {
      request.principal = ANONYMOUS;
      return payload;
    }
    const header = request.headers.authorization;
    if (header === undefined && request.headers.upgrade?.toLowerCase() === 'websocket') return payload;
    request.principal = await authenticate(verifier, header, access);
    return payload;
  });
}
