import type { FastifyInstance } from 'fastify';
import { redactUrl } from '../../controller/catalogue/index.ts';
import { sameRepository } from '../../controller/sources/index.ts';
import type { RouteContext } from '../context.ts';
import { AuthenticationError, HttpError } from '../errors.ts';
import { errorResponses } from '../schemas.ts';
import { checkWebhook, isPushEvent, readPush } from '../webhook.ts';

const accepted = {
  type: 'object',
  required: ['accepted', 'provider', 'event'],
  properties: {
    accepted: { type: 'boolean' },
    provider: { type: 'string', enum: ['github', 'gitlab', 'gitea'] },
    event: { type: 'string' },
    repository: { type: 'string' },
    ref: { type: ['string', 'null'] },
    reason: { type: 'string' },
  },
} as const;

/** The body as received: signatures are computed over these exact bytes, before any parsing. */
function bodyBytes(body: unknown): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.alloc(0);
}

/** GitHub's form encoding puts the JSON in a `payload` field. */
function payloadText(body: Buffer, contentType: string | undefined): string {
  const text = body.toString('utf8');
  if (contentType?.startsWith('application/x-www-form-urlencoded')) return new URLSearchParams(text).get('payload') ?? '';
  return text;
}

/**
 * POST /hooks/git: push webhooks of GitHub, GitLab and Gitea. The signature is checked over the
 * raw body with GIT_WEBHOOK_SECRET; a push asks the leading controller to fetch and sync the
 * source with the pushed repository's URL, which requests reconciles of the changed intents.
 */
export async function hookRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  // This plugin's scope only: keep the bytes instead of parsing JSON.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', 'application/x-www-form-urlencoded'], { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post(
    '/hooks/git',
    {
      config: { access: 'public' },
      schema: {
        tags: ['hooks'],
        summary:
          'Git push webhook (GitHub X-Hub-Signature-256, Gitea X-Gitea-Signature, GitLab X-Gitlab-Token); triggers a fetch and sync of the matching intent source',
        security: [],
        response: { 200: accepted, 202: accepted, ...errorResponses(401, 413, 422, 429), 503: { $ref: 'Error#' } },
      },
    },
    async (request, reply) => {
      const secret = ctx.options.gitWebhookSecret;
      if (!secret || secret.isEmpty) {
        throw new HttpError(
          503,
          'webhook_disabled',
          'The Git webhook is off: set GIT_WEBHOOK_SECRET on the API and the same secret in the Git server webhook.',
        );
      }
      const body = bodyBytes(request.body);
      const check = checkWebhook(request.headers, body, secret.reveal());
      if (!check)
        throw new AuthenticationError('No webhook signature: expected X-Hub-Signature-256 (GitHub), X-Gitea-Signature (Gitea) or X-Gitlab-Token (GitLab).');
      if (!check.valid) {
        request.log.warn({ provider: check.provider }, 'Git webhook with a bad signature refused');
        throw new AuthenticationError(`The ${check.provider} webhook signature does not match: check that the webhook secret equals GIT_WEBHOOK_SECRET.`);
      }
      if (!isPushEvent(check)) {
        return reply.code(200).send({ accepted: false, provider: check.provider, event: check.event, reason: 'only push events trigger a sync' });
      }
      let payload: unknown;
      try {
        payload = JSON.parse(payloadText(body, request.headers['content-type']));
      } catch {
        throw new HttpError(422, 'validation_error', 'The webhook body is not JSON.', {
          issues: [{ path: 'body', message: 'expects a JSON push payload', severity: 'error' }],
        });
      }
      const push = readPush(check.provider, payload);
      if (!push) {
        throw new HttpError(422, 'validation_error', 'The push payload names no repository URL.', {
          issues: [{ path: 'body.repository', message: 'expects repository.clone_url (GitHub, Gitea) or project.git_http_url (GitLab)', severity: 'error' }],
        });
      }
      const configured = ctx.options.gitRepositories ?? [];
      if (!configured.some((url) => sameRepository(url, push.repositoryUrl))) {
        request.log.info(
          { provider: check.provider, repository: redactUrl(push.repositoryUrl) },
          'Git push for a repository that is not an intent source; ignored',
        );
        return reply.code(202).send({
          accepted: false,
          provider: check.provider,
          event: check.event,
          repository: redactUrl(push.repositoryUrl),
          ref: push.ref,
          reason:
            configured.length === 0
              ? 'no Git intent source is configured (INTENTS_SOURCE=git with GIT_URL)'
              : 'the repository is not a configured intent source (GIT_URL); nothing to sync',
        });
      }
      await ctx.deps.requestSourceSync(push.repositoryUrl);
      request.log.info({ provider: check.provider, ref: push.ref, after: push.after }, 'Git push received; source sync requested');
      return reply.code(202).send({ accepted: true, provider: check.provider, event: check.event, repository: push.repositoryUrl, ref: push.ref });
    },
  );
}
