import { createHmac } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, checkWebhook, readPush, safeEqual } from '../../api/index.ts';
import { Secret } from '../../controller/config/index.ts';
import { createGitIntentSource } from '../../controller/sources/index.ts';
import type { Controller } from '../../controller/sources/index.ts';
import { startApi, waitFor, WEBHOOK_SECRET } from './helpers.ts';
import type { ApiFixture } from './helpers.ts';
import { createTestController, startLeading, stopTestController } from '../helpers/controller.ts';
import { tempDir, writeFile } from '../helpers/files.ts';
import { createIntentsRepository } from '../helpers/git.ts';
import type { IntentsRepository } from '../helpers/git.ts';
import { vendorSetYaml } from '../helpers/intents.ts';

const sign = (body: string, secret = WEBHOOK_SECRET): string => createHmac('sha256', secret).update(body).digest('hex');

describe('signature checks', () => {
  const body = Buffer.from('{"ref":"refs/heads/main"}');
  it('accepts GitHub, Gitea and GitLab signatures made with the secret and refuses others', () => {
    expect(checkWebhook({ 'x-hub-signature-256': `sha256=${sign(body.toString())}`, 'x-github-event': 'push' }, body, WEBHOOK_SECRET)).toEqual({
      provider: 'github',
      valid: true,
      event: 'push',
    });
    expect(checkWebhook({ 'x-hub-signature-256': `sha256=${sign(body.toString(), 'other')}` }, body, WEBHOOK_SECRET)?.valid).toBe(false);
    expect(checkWebhook({ 'x-hub-signature-256': sign(body.toString()) }, body, WEBHOOK_SECRET)?.valid).toBe(false);
    expect(checkWebhook({ 'x-hub-signature-256': `sha256=${sign(`${body.toString()} `)}` }, body, WEBHOOK_SECRET)?.valid).toBe(false);
    expect(
      checkWebhook({ 'x-gitea-signature': sign(body.toString()), 'x-hub-signature-256': 'sha256=00', 'x-gitea-event': 'push' }, body, WEBHOOK_SECRET),
    ).toEqual({
      provider: 'gitea',
      valid: true,
      event: 'push',
    });
    expect(checkWebhook({ 'x-gitlab-token': WEBHOOK_SECRET, 'x-gitlab-event': 'Push Hook' }, body, WEBHOOK_SECRET)).toEqual({
      provider: 'gitlab',
      valid: true,
      event: 'Push Hook',
    });
    expect(checkWebhook({ 'x-gitlab-token': `${WEBHOOK_SECRET}x` }, body, WEBHOOK_SECRET)?.valid).toBe(false);
    expect(checkWebhook({}, body, WEBHOOK_SECRET)).toBeUndefined();
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });

  it('reads the repository URL of each provider’s push payload', () => {
    expect(
      readPush('github', { ref: 'refs/heads/main', after: 'abc', repository: { clone_url: 'https://github.com/o/r.git', ssh_url: 'git@github.com:o/r.git' } }),
    ).toEqual({
      repositoryUrl: 'https://github.com/o/r.git',
      ref: 'refs/heads/main',
      after: 'abc',
    });
    expect(readPush('gitlab', { ref: 'refs/heads/main', checkout_sha: 'def', project: { git_http_url: 'https://gitlab.com/o/r.git' } })?.repositoryUrl).toBe(
      'https://gitlab.com/o/r.git',
    );
    expect(readPush('gitea', { repository: { html_url: 'https://gitea.example/o/r' } })?.repositoryUrl).toBe('https://gitea.example/o/r');
    expect(readPush('github', { repository: {} })).toBeUndefined();
  });
});

describe('POST /hooks/git', () => {
  let api: ApiFixture;
  let scratch: ReturnType<typeof tempDir>;
  let repo: IntentsRepository;
  let bare: string;
  let controller: Controller;

  beforeAll(async () => {
    scratch = tempDir('api-webhook-');
    repo = await createIntentsRepository(scratch.path);
    bare = repo.bare;
    api = await startApi({
      gitRepositories: [`file://${bare}`, 'https://gitlab.example/o/r.git', 'https://gitea.example/o/r.git', 'https://github.com/o/form.git'],
    });
    writeFile(repo.workDir, 'first.yaml', vendorSetYaml('hook-first'));
    await repo.commitAndPush('first');
    // The real controller, listening on the API's sync channel; it polls only once an hour, so only the webhook makes it fetch.
    controller = await startLeading(
      createTestController({
        pool: api.db.pool,
        redis: api.config.redis,
        requester: api.deps.workflows,
        sources: [createGitIntentSource({ url: `file://${bare}`, branch: 'main', path: '', cacheDir: path.join(scratch.path, 'cache'), logger: api.logger })],
        logger: api.logger,
        pollIntervalMs: 3_600_000,
        syncChannel: api.syncChannel,
      }),
    );
    await waitFor('the first sync', async () => ((await api.db.pool.query(`SELECT 1 FROM intents WHERE name = 'hook-first'`)).rowCount ? true : undefined));
  });

  afterAll(async () => {
    await stopTestController(controller);
    await api?.close();
    scratch?.remove();
  });

  const post = (payload: string, headers: Record<string, string>): ReturnType<ApiFixture['request']> =>
    api.request(null, { method: 'POST', url: '/hooks/git', payload, headers: { 'content-type': 'application/json', ...headers } });

  it('a signed GitHub push makes the controller fetch and sync the matching source, which requests a reconcile', async () => {
    writeFile(repo.workDir, 'second.yaml', vendorSetYaml('hook-second'));
    const sha = await repo.commitAndPush('second');
    const payload = JSON.stringify({
      ref: 'refs/heads/main',
      after: sha,
      repository: { clone_url: `file://${bare}`, html_url: 'https://example.invalid/o/r' },
    });
    const r = await post(payload, { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${sign(payload)}` });
    expect(r.statusCode).toBe(202);
    expect(r.json()).toEqual({ accepted: true, provider: 'github', event: 'push', repository: `file://${bare}`, ref: 'refs/heads/main' });
    const row = await waitFor(
      'the pushed intent',
      async () => (await api.db.pool.query<{ revision: string }>(`SELECT revision FROM intents WHERE name = 'hook-second'`)).rows[0],
    );
    expect(row.revision).toBe(sha);
    const process = await waitFor(
      'its reconcile',
      async () => (await api.db.pool.query<{ created_by: string }>(`SELECT created_by FROM processes WHERE intent_name = 'hook-second'`)).rows[0],
    );
    expect(process.created_by).toBe('controller');
  });

  it('refuses a bad or missing signature with 401 and requests nothing', async () => {
    const subscriber = new Redis({ host: api.config.redis.host, port: api.config.redis.port, db: api.config.redis.db });
    const messages: string[] = [];
    subscriber.on('message', (_channel: string, message: string) => messages.push(message));
    await subscriber.subscribe(api.syncChannel);
    try {
      const payload = JSON.stringify({ repository: { clone_url: 'https://github.com/o/r.git' } });
      const bad = await post(payload, { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${sign(payload, 'wrong')}` });
      expect(bad.statusCode).toBe(401);
      expect(bad.json()).toMatchObject({ error: 'unauthorized', message: expect.stringContaining('github webhook signature does not match') });
      expect((await post(payload, { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'wrong' })).statusCode).toBe(401);
      expect((await post(payload, { 'x-gitea-event': 'push', 'x-gitea-signature': sign(payload, 'wrong') })).statusCode).toBe(401);
      expect((await post(payload, {})).statusCode).toBe(401);

      // Valid GitLab and Gitea pushes do publish (seen on the channel, in order, after the refused ones).
      const gitlab = JSON.stringify({ ref: 'refs/heads/main', project: { git_http_url: 'https://gitlab.example/o/r.git' } });
      expect((await post(gitlab, { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': WEBHOOK_SECRET })).statusCode).toBe(202);
      const gitea = JSON.stringify({ ref: 'refs/heads/main', repository: { clone_url: 'https://gitea.example/o/r.git' } });
      expect((await post(gitea, { 'x-gitea-event': 'push', 'x-gitea-signature': sign(gitea) })).statusCode).toBe(202);
      await waitFor('two sync requests', () => (messages.length >= 2 ? true : undefined));
      expect(messages.map((m) => JSON.parse(m).url)).toEqual(['https://gitlab.example/o/r.git', 'https://gitea.example/o/r.git']);
    } finally {
      await subscriber.quit();
    }
  });

  it('accepts GitHub’s form encoding, ignores events other than push, and refuses payloads without a repository', async () => {
    const json = JSON.stringify({ repository: { clone_url: 'https://github.com/o/form.git' } });
    const form = `payload=${encodeURIComponent(json)}`;
    const r = await api.request(null, {
      method: 'POST',
      url: '/hooks/git',
      payload: form,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${sign(form)}` },
    });
    expect(r.statusCode).toBe(202);
    expect(r.json().repository).toBe('https://github.com/o/form.git');
    const ping = JSON.stringify({ zen: 'hi' });
    const pong = await post(ping, { 'x-github-event': 'ping', 'x-hub-signature-256': `sha256=${sign(ping)}` });
    expect(pong.statusCode).toBe(200);
    expect(pong.json()).toMatchObject({ accepted: false, event: 'ping' });
    const empty = JSON.stringify({ ref: 'x' });
    const missing = await post(empty, { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${sign(empty)}` });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().details.issues[0].path).toBe('body.repository');
  });

  it('answers 202 accepted: false with a reason for a repository that is not an intent source, and requests nothing', async () => {
    const subscriber = new Redis({ host: api.config.redis.host, port: api.config.redis.port, db: api.config.redis.db });
    const messages: string[] = [];
    subscriber.on('message', (_channel: string, message: string) => messages.push(message));
    await subscriber.subscribe(api.syncChannel);
    try {
      const payload = JSON.stringify({ ref: 'refs/heads/main', repository: { clone_url: 'https://token:x@github.com/someone/else.git' } });
      const r = await post(payload, { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${sign(payload)}` });
      expect(r.statusCode).toBe(202);
      expect(r.json()).toEqual({
        accepted: false,
        provider: 'github',
        event: 'push',
        repository: 'https://[redacted]@github.com/someone/else.git',
        ref: 'refs/heads/main',
        reason: 'the repository is not a configured intent source (GIT_URL); nothing to sync',
      });
      // A configured one still goes through, after it: the channel saw only that one.
      const ok = JSON.stringify({ ref: 'refs/heads/main', repository: { clone_url: 'https://github.com/O/Form' } });
      expect((await post(ok, { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${sign(ok)}` })).json().accepted).toBe(true);
      await waitFor('the sync request', () => (messages.length >= 1 ? true : undefined));
      expect(messages.map((m) => JSON.parse(m).url)).toEqual(['https://github.com/O/Form']);
    } finally {
      await subscriber.quit();
    }
  });

  it('is off (503) without a secret', async () => {
    const app = await buildApp(api.deps, { gitWebhookSecret: new Secret(''), rateLimit: { max: 0, windowMs: 1_000 } });
    try {
      const payload = '{}';
      const r = await app.inject({ method: 'POST', url: '/hooks/git', payload, headers: { 'content-type': 'application/json', 'x-gitlab-token': '' } });
      expect(r.statusCode).toBe(503);
      expect(r.json()).toMatchObject({ error: 'webhook_disabled', message: expect.stringContaining('GIT_WEBHOOK_SECRET') });
    } finally {
      await app.close();
    }
  });
});
