import type { FastifyInstance } from 'fastify';
import { NOTIFICATION_EVENTS } from '../../controller/config/index.ts';
import { INTENT_KINDS } from '../../controller/intents/index.ts';
import { pageDeliveries } from '../../controller/notify/index.ts';
import type { DeliveryPageFilter } from '../../controller/notify/index.ts';
import { pageLibraryUpgrades } from '../../controller/workflow/index.ts';
import type { LibraryUpgradePageFilter } from '../../controller/workflow/index.ts';
import type { RouteContext } from '../context.ts';
import { errorResponses, ref } from '../schemas.ts';

const page = {
  limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
  cursor: { type: 'string', maxLength: 200, description: 'the nextCursor of the previous page' },
} as const;

const intentFilter = {
  intentKind: { type: 'string', enum: [...INTENT_KINDS] },
  intentName: { type: 'string', maxLength: 253 },
} as const;

/**
 * What the GitOps loop records beside reconciles, under /api/v1 (viewer): the library upgrades
 * the controller noticed and did not apply, and the notification delivery log — newest first,
 * in keyset pages like /processes and /audit.
 */
export async function gitopsLoopRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const { pool } = ctx.deps;

  app.get<{ Querystring: LibraryUpgradePageFilter }>(
    '/library/upgrades',
    {
      schema: {
        tags: ['intents'],
        summary:
          '"Upgrade available" entries: library revisions newer than an intent pins, with what taking them would do (preview_library_upgrade), newest first, in pages',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: ['available', 'superseded', 'all'], default: 'available' },
            ...intentFilter,
            ...page,
          },
        },
        response: { 200: ref('LibraryUpgradePage'), ...errorResponses(401, 403, 422, 429) },
      },
    },
    async (request) => pageLibraryUpgrades(pool, request.query),
  );

  app.get<{ Querystring: Omit<DeliveryPageFilter, 'eventType'> & { event?: string } }>(
    '/notifications/deliveries',
    {
      schema: {
        tags: ['notifications'],
        summary:
          'The notification delivery log (webhook, Slack, Teams): each event per channel with its status, attempts and last answer, newest first, in pages',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: ['pending', 'delivered', 'failed', 'suppressed'] },
            channel: { type: 'string', maxLength: 253 },
            event: { type: 'string', enum: [...NOTIFICATION_EVENTS, 'test'] },
            ...intentFilter,
            ...page,
          },
        },
        response: { 200: ref('NotificationDeliveryPage'), ...errorResponses(401, 403, 422, 429) },
      },
    },
    async (request) => {
      const { event, ...rest } = request.query;
      return pageDeliveries(pool, { ...rest, ...(event !== undefined ? { eventType: event } : {}) });
    },
  );
}
