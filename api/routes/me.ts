import type { FastifyInstance } from 'fastify';
import { roleAllows } from '../../controller/auth/index.ts';
import { requireRole } from '../auth.ts';
import type { RouteContext } from '../context.ts';
import { errorResponses, ref } from '../schemas.ts';

/** GET /me: who the token belongs to and what it may do (the dashboard's sign-in check and role-aware controls). */
export async function meRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  app.get(
    '/me',
    {
      schema: {
        tags: ['tokens'],
        summary: 'The caller: token name, role and permissions (any valid token; 401 for a wrong or revoked one)',
        response: { 200: ref('Principal'), ...errorResponses(401, 429) },
      },
    },
    async (request) => {
      const principal = requireRole(request, 'viewer');
      return {
        name: principal.name,
        role: principal.role,
        authDisabled: ctx.options.authDisabled === true,
        permissions: { read: true, operate: roleAllows(principal.role, 'operator'), admin: roleAllows(principal.role, 'admin') },
      };
    },
  );
}
