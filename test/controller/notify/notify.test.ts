// Notifications to a local HTTP receiver: HMAC signatures, retries with backoff on 5xx, giving
// up, the rate limit, event and intent filters, Slack and Teams bodies, and the delivery log.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../controller/config/index.ts';
import type { AppConfig } from '../../../controller/config/index.ts';
import { validateIntentObject } from '../../../controller/intents/index.ts';
import { createLogger } from '../../../controller/logging/index.ts';
import { createNotifier, listDeliveries, retryDelayMs, syncNotificationChannels } from '../../../controller/notify/index.ts';
import type { Notifier } from '../../../controller/notify/index.ts';
import { parseIntentText } from '../../../controller/intents/index.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import type { TestDatabase } from '../../helpers/database.ts';
import { startReceiver } from './receiver.ts';
import type { Receiver } from './receiver.ts';

let db: TestDatabase;
let receiver: Receiver;
const logger = createLogger({ level: 'silent', pretty: false });
const SECRET = 'hook-secret-do-not-log';

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await db?.drop();
});
beforeEach(async () => {
  await db.pool.query('TRUNCATE notification_deliveries, notification_channels');
  receiver.requests.length = 0;
  receiver.answers = [];
});

function settings(extra: Record<string, string> = {}): AppConfig['notifications'] {
  return loadConfig({
    NOTIFY_WEBHOOK_URL: receiver.url,
    NOTIFY_WEBHOOK_SECRET: SECRET,
    NOTIFY_RATE_LIMIT: '2/1h',
    DASHBOARD_URL: 'https://dash.example.com/',
    ...extra,
  }).notifications;
}

function notifier(config: AppConfig['notifications'] = settings()): Notifier {
  return createNotifier({ pool: db.pool, config, logger, channelCacheMs: 0, dispatcher: { retryBaseMs: 20, retryMaxMs: 80, pollMs: 60_000 } });
}

const drift = (name = 'lab') => ({
  type: 'drift.detected' as const,
  intent: { kind: 'DeviceTypeSet', name },
  summary: `DeviceTypeSet/${name} (observe): 2 objects newly differ from the intent; 2 in all`,
  processId: '00000000-0000-4000-8000-000000000001',
  details: { mode: 'observe', total: 2, new: 2, byAction: { update: 2 } },
});

/** Runs the dispatcher until nothing is pending (retries wait their backoff). */
async function drain(n: Notifier): Promise<void> {
  for (let round = 0; round < 100; round += 1) {
    await n.dispatcher.runOnce();
    const { rows } = await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM notification_deliveries WHERE status = 'pending'`);
    if (Number(rows[0]?.n) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  throw new Error('deliveries still pending');
}

describe('JSON webhook', () => {
  it('posts the event signed with HMAC-SHA256 over timestamp and body, and logs the delivery', async () => {
    const n = notifier();
    const logged = await n.publish(drift());
    expect(logged).toEqual([{ channel: 'env', id: expect.any(String), status: 'pending' }]);
    await drain(n);
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-netbox-gitops-event']).toBe('drift.detected');
    expect(request?.headers['x-netbox-gitops-delivery']).toBe(logged[0]?.id);
    const timestamp = String(request?.headers['x-netbox-gitops-timestamp']);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(600);
    const expected = `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${request?.body}`).digest('hex')}`;
    expect(request?.headers['x-netbox-gitops-signature']).toBe(expected);
    // A receiver that checks the signature refuses a changed body.
    const forged = `sha256=${createHmac('sha256', SECRET)
      .update(`${timestamp}.${request?.body.replace('"total":2', '"total":0')}`)
      .digest('hex')}`;
    expect(forged).not.toBe(expected);
    const body = JSON.parse(request?.body ?? '{}') as Record<string, unknown>;
    expect(body).toMatchObject({
      version: 1,
      id: logged[0]?.id,
      source: 'netbox-gitops',
      type: 'drift.detected',
      summary: 'DeviceTypeSet/lab (observe): 2 objects newly differ from the intent; 2 in all',
      intent: { kind: 'DeviceTypeSet', name: 'lab', url: 'https://dash.example.com/intents/DeviceTypeSet/lab' },
      processId: '00000000-0000-4000-8000-000000000001',
      details: { mode: 'observe', total: 2, new: 2, byAction: { update: 2 } },
    });
    expect(request?.body).not.toContain(SECRET);
    const [delivery] = await listDeliveries(db.pool);
    expect(delivery).toMatchObject({
      channel: 'env',
      eventType: 'drift.detected',
      status: 'delivered',
      attempts: 1,
      lastStatus: 204,
      intent: { kind: 'DeviceTypeSet', name: 'lab' },
    });
    expect(JSON.stringify(delivery)).not.toContain(SECRET);
  });

  it('retries a 500 with backoff until the receiver takes it, under the same delivery id', async () => {
    receiver.answers = [500, 503];
    const n = notifier();
    const [logged] = await n.publish(drift());
    await n.dispatcher.runOnce();
    const [afterFirst] = await listDeliveries(db.pool);
    expect(afterFirst).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 500, lastError: 'the receiver answered HTTP 500' });
    expect(Date.parse(afterFirst?.nextAttemptAt ?? '')).toBeGreaterThan(Date.parse(afterFirst?.createdAt ?? ''));
    await drain(n);
    expect(receiver.requests.map((r) => r.headers['x-netbox-gitops-delivery'])).toEqual([logged?.id, logged?.id, logged?.id]);
    const [done] = await listDeliveries(db.pool);
    expect(done).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 204 });
  });

  it('gives up after NOTIFY_MAX_ATTEMPTS, and at once on a 4xx', async () => {
    receiver.answers = [500, 500, 500, 500];
    const n = notifier(settings({ NOTIFY_MAX_ATTEMPTS: '3' }));
    await n.publish(drift());
    await drain(n);
    expect(receiver.requests).toHaveLength(3);
    expect((await listDeliveries(db.pool))[0]).toMatchObject({ status: 'failed', attempts: 3, lastStatus: 500 });

    receiver.requests.length = 0;
    receiver.answers = [410];
    await n.publish(drift('other'));
    await drain(n);
    expect(receiver.requests).toHaveLength(1);
    expect((await listDeliveries(db.pool, { intent: { kind: 'DeviceTypeSet', name: 'other' } }))[0]).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastStatus: 410,
    });
  });

  it('backs off exponentially with jitter, and honours Retry-After', () => {
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      const delay = retryDelayMs(attempt, 1_000, 600_000);
      expect(delay).toBeGreaterThanOrEqual(0.8 * 1_000 * 2 ** (attempt - 1));
      expect(delay).toBeLessThanOrEqual(1.2 * 1_000 * 2 ** (attempt - 1));
    }
    expect(retryDelayMs(20, 1_000, 600_000)).toBeLessThanOrEqual(720_000);
    expect(retryDelayMs(1, 1_000, 600_000, 30_000)).toBe(30_000);
  });
});

describe('rate limit and filters', () => {
  it('sends at most N per channel, event and intent in the window and logs the rest as suppressed', async () => {
    const n = notifier();
    const statuses: string[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push(...(await n.publish(drift('flapping'))).map((d) => d.status));
    expect(statuses).toEqual(['pending', 'pending', 'suppressed', 'suppressed']);
    // Another intent and another event type have their own budget.
    expect((await n.publish(drift('calm'))).map((d) => d.status)).toEqual(['pending']);
    expect((await n.publish({ ...drift('flapping'), type: 'drift.resolved', summary: 'resolved' })).map((d) => d.status)).toEqual(['pending']);
    await drain(n);
    expect(receiver.requests).toHaveLength(4);
    const suppressed = await listDeliveries(db.pool, { status: 'suppressed' });
    expect(suppressed).toHaveLength(2);
    expect(suppressed.every((d) => d.attempts === 0)).toBe(true);
  });

  it('sends only the events a channel takes', async () => {
    const n = notifier(settings({ NOTIFY_EVENTS: 'reconcile.failed,prune.blocked' }));
    expect(await n.publish(drift())).toEqual([]);
    expect((await n.publish({ ...drift(), type: 'reconcile.failed', summary: 'failed' })).map((d) => d.status)).toEqual(['pending']);
  });

  it('Notification resources: Slack and Teams payloads, secrets by name, intent selectors', async () => {
    const resources = parseIntentText(
      [
        'apiVersion: netbox-gitops.io/v1alpha1',
        'kind: Notification',
        'metadata: { name: team-slack }',
        'spec: { format: slack, urlFrom: { secret: TEAM_SLACK } }',
        '---',
        'apiVersion: netbox-gitops.io/v1alpha1',
        'kind: Notification',
        'metadata: { name: lab-teams }',
        `spec: { format: teams, url: '${receiver.url}/teams', intents: ['DeviceTypeSet/lab*'], events: [drift.detected] }`,
        '---',
        'apiVersion: netbox-gitops.io/v1alpha1',
        'kind: Notification',
        'metadata: { name: broken }',
        'spec: { urlFrom: { secret: NOT_SET } }',
      ].join('\n'),
      'notify.yaml',
    );
    expect(resources.issues).toEqual([]);
    expect(resources.notifications).toHaveLength(3);
    await syncNotificationChannels(db.pool, 'test', 'r1', resources.notifications ?? []);
    const n = notifier(settings({ NOTIFY_SECRET_TEAM_SLACK: `${receiver.url}/slack` }));
    expect((await n.publish(drift('lab-2'))).map((d) => d.channel).sort()).toEqual(['env', 'lab-teams', 'team-slack']);
    expect((await n.publish({ ...drift(), intent: { kind: 'VendorSet', name: 'vendors' } })).map((d) => d.channel).sort()).toEqual(['env', 'team-slack']);
    await drain(n);
    const slack = receiver.requests
      .filter((r) => r.path === '/hook/slack')
      .map((r) => JSON.parse(r.body) as { text: string; attachments: { blocks: { type: string; text?: { text: string } }[] }[] });
    expect(slack).toHaveLength(2);
    expect(slack[0]?.text).toMatch(/^Drift detected: DeviceTypeSet\/lab-2 \(observe\): 2 objects/);
    expect(slack[0]?.attachments[0]?.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    expect(JSON.stringify(slack[0])).toContain('<https://dash.example.com/intents/DeviceTypeSet/lab-2|DeviceTypeSet/lab-2>');
    const teams = receiver.requests.filter((r) => r.path === '/hook/teams').map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(teams).toHaveLength(1);
    expect(teams[0]).toMatchObject({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: {
            type: 'AdaptiveCard',
            body: [{ type: 'TextBlock', text: 'Drift detected: DeviceTypeSet/lab-2' }, { type: 'TextBlock' }, { type: 'FactSet' }, { type: 'TextBlock' }],
            actions: [{ type: 'Action.OpenUrl', url: 'https://dash.example.com/intents/DeviceTypeSet/lab-2' }],
          },
        },
      ],
    });
    // Chat channels are not signed unless they name a signing secret.
    expect(receiver.requests.find((r) => r.path === '/hook/slack')?.headers['x-netbox-gitops-signature']).toBeUndefined();
  });

  it('rejects a Notification without exactly one of url and urlFrom, naming the field', () => {
    const { intent, issues } = validateIntentObject({
      apiVersion: 'netbox-gitops.io/v1alpha1',
      kind: 'VendorSet',
      metadata: { name: 'x' },
      spec: { custom: [{ name: 'X', slug: 'x' }] },
    });
    expect(intent).toBeDefined();
    expect(issues).toEqual([]);
    const parsed = parseIntentText('apiVersion: netbox-gitops.io/v1alpha1\nkind: Notification\nmetadata: { name: n }\nspec:\n  format: slack\n', 'n.yaml');
    expect(parsed.issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`)).toEqual(['4:1 spec.url: set exactly one of url and urlFrom']);
  });
});
