import type { FastifyInstance } from 'fastify';
import { ROLES, createToken, listTokens, revokeToken } from '../../controller/auth/index.ts';
import type { RouteContext } from '../context.ts';
import { errorResponses, ref, tokenSchema } from '../schemas.ts';

const ADMIN = { access: 'admin' } as const;

/** Token management for admins, under /api/v1/tokens. Only POST returns a token, once. */
export async function tokenRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const { pool } = ctx.deps;

  app.get(
    '/tokens',
    {
      config: ADMIN,
      schema: {
        tags: ['tokens'],
        summary: 'API tokens (display prefix only), revoked ones included',
        response: {
          200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('Token') } } },
          ...errorResponses(401, 403, 429),
        },
      },
    },
    async () => ({ items: await listTokens(pool) }),
  );

  app.post<{ Body: { name: string; role: string } }>(
    '/tokens',
    {
      config: ADMIN,
      schema: {
        tags: ['tokens'],
        summary: 'Create a token; the response holds the token, shown this once',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'role'],
          properties: { name: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._@:-]+$' }, role: { type: 'string', enum: [...ROLES] } },
        },
        response: {
          201: {
            type: 'object',
            required: [...tokenSchema.required, 'token'],
            properties: { ...tokenSchema.properties, token: { type: 'string', description: 'The token; store it now, it cannot be shown again' } },
          },
          ...errorResponses(401, 403, 409, 422, 429),
        },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .header('cache-control', 'no-store')
        .send(await createToken(pool, request.body)),
  );

  app.delete<{ Params: { name: string } }>(
    '/tokens/:name',
    {
      config: ADMIN,
      schema: {
        tags: ['tokens'],
        summary: 'Revoke a token by name (it stays listed as revoked)',
        params: { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 100 } } },
        response: { 200: ref('Token'), ...errorResponses(401, 403, 404, 429) },
      },
    },
    async (request) => {
      const revoked = await revokeToken(pool, request.params.name);
      ctx.verifier.clear();
      return revoked;
    },
  );
}
