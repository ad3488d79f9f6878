// GET /api/v1/library/upgrades and /api/v1/notifications/deliveries: auth, filters, keyset
// pages, and that what the notifier and the upgrade recorder stored is what the API shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../controller/config/index.ts';
import { createNotifier } from '../../controller/notify/index.ts';
import type { Notifier } from '../../controller/notify/index.ts';
import type { LibraryChanges, UpgradeEffect } from '../../controller/report/index.ts';
import { recordLibraryUpgrade } from '../../controller/workflow/index.ts';
import { startReceiver } from '../controller/notify/receiver.ts';
import type { Receiver } from '../controller/notify/receiver.ts';
import { putIntent, startApi, vendorIntent } from './helpers.ts';
import type { ApiFixture } from './helpers.ts';

let api: ApiFixture;
let receiver: Receiver;
const HOOK_SECRET = 'loop-hook-secret';

beforeAll(async () => {
  api = await startApi();
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await api?.close();
});

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

async function get<T>(url: string): Promise<Page<T>> {
  const response = await api.request('viewer', { url });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Page<T>>();
}

/** Every item of a listing, following nextCursor with pages of `limit`. */
async function walk<T extends { id: string }>(url: string, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const separator = url.includes('?') ? '&' : '?';
    const page: Page<T> = await get<T>(`${url}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    ids.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor !== null && pages < 50);
  return { ids, pages };
}

describe('routes need a token', () => {
  it('answers 401 without one and 200 for a viewer', async () => {
    for (const url of ['/api/v1/library/upgrades', '/api/v1/notifications/deliveries']) {
      expect((await api.request(null, { url })).statusCode, url).toBe(401);
      expect((await api.request('viewer', { url })).statusCode, url).toBe(200);
    }
  });

  it('answers an unknown filter value, an unknown parameter and a forged cursor with 422', async () => {
    for (const url of [
      '/api/v1/library/upgrades?status=taken',
      '/api/v1/library/upgrades?intent=x',
      '/api/v1/library/upgrades?cursor=bm90LWEtY3Vyc29y',
      '/api/v1/notifications/deliveries?status=lost',
      '/api/v1/notifications/deliveries?event=drift',
      '/api/v1/notifications/deliveries?limit=501',
      '/api/v1/notifications/deliveries?cursor=WyJ4IiwieSJd',
    ]) {
      const response = await api.request('viewer', { url });
      expect(response.statusCode, url).toBe(422);
    }
  });
});

describe('GET /api/v1/library/upgrades', () => {
  const effect = (intent: string, creates: number): UpgradeEffect => ({
    intent,
    from: 'v2025.01',
    planAtNew: { create: creates },
    introduced: { create: creates },
    resolved: 0,
    sample: [`create dcim.devicetype Acme X${creates}`],
  });
  const changes = (to: string): LibraryChanges => ({
    from: 'v2025.01',
    to,
    added: [{ file: 'device-types/Acme/X1.yaml', kind: 'device-type', manufacturer: 'Acme', model: 'X1' }],
    removed: [],
    renamed: [],
    changed: [],
    vendorsAdded: [],
    vendorsRemoved: [],
    unchanged: 10,
  });

  beforeAll(async () => {
    const core = await putIntent(api.db, vendorIntent('core', 1));
    const edge = await putIntent(api.db, vendorIntent('edge', 1, 'observe'));
    // core: v2025.02 then v2025.03 (which supersedes the first); edge: v2025.02.
    for (const [intent, to] of [
      [core, 'v2025.02'],
      [edge, 'v2025.02'],
      [core, 'v2025.03'],
    ] as const) {
      const recorded = await recordLibraryUpgrade(api.db.pool, {
        intent,
        from: 'v2025.01',
        to,
        effect: effect(`${intent.kind}/${intent.name}`, to === 'v2025.03' ? 3 : 1),
        changes: changes(to),
        processId: null,
      });
      expect(recorded).toEqual({ recorded: true, created: true });
    }
  });

  it('lists the available entries newest first with their preview', async () => {
    const page = await get<{ id: string; intent: { name: string }; toRevision: string; status: string; effect: UpgradeEffect; changes: LibraryChanges }>(
      '/api/v1/library/upgrades',
    );
    expect(page.items.map((i) => [i.intent.name, i.toRevision, i.status])).toEqual([
      ['core', 'v2025.03', 'available'],
      ['edge', 'v2025.02', 'available'],
    ]);
    expect(page.nextCursor).toBeNull();
    expect(page.items[0]).toMatchObject({
      intent: { kind: 'VendorSet', name: 'core' },
      fromRevision: 'v2025.01',
      processId: null,
      effect: { intent: 'VendorSet/core', planAtNew: { create: 3 }, introduced: { create: 3 }, resolved: 0, sample: ['create dcim.devicetype Acme X3'] },
      changes: { to: 'v2025.03', unchanged: 10, added: [{ file: 'device-types/Acme/X1.yaml', model: 'X1' }] },
    });
  });

  it('filters by status and intent', async () => {
    const all = await get<{ toRevision: string; status: string; intent: { name: string } }>('/api/v1/library/upgrades?status=all');
    expect(all.items).toHaveLength(3);
    const superseded = await get<{ toRevision: string; intent: { name: string } }>('/api/v1/library/upgrades?status=superseded');
    expect(superseded.items.map((i) => [i.intent.name, i.toRevision])).toEqual([['core', 'v2025.02']]);
    const edge = await get<{ intent: { name: string } }>('/api/v1/library/upgrades?status=all&intentKind=VendorSet&intentName=edge');
    expect(edge.items.map((i) => i.intent.name)).toEqual(['edge']);
    expect((await get('/api/v1/library/upgrades?intentKind=DeviceTypeSet')).items).toEqual([]);
  });

  it('pages with nextCursor without repeating or skipping', async () => {
    const all = (await get<{ id: string }>('/api/v1/library/upgrades?status=all&limit=500')).items.map((i) => i.id);
    const walked = await walk<{ id: string }>('/api/v1/library/upgrades?status=all', 1);
    expect(walked.ids).toEqual(all);
    expect(walked.pages).toBe(3);
  });
});

describe('GET /api/v1/notifications/deliveries', () => {
  let notifier: Notifier;

  beforeAll(async () => {
    const config = loadConfig({
      NOTIFY_WEBHOOK_URL: receiver.url,
      NOTIFY_WEBHOOK_SECRET: HOOK_SECRET,
      NOTIFY_RATE_LIMIT: '2/1h',
      NOTIFY_MAX_ATTEMPTS: '1',
      DASHBOARD_URL: 'https://dash.example.com',
    }).notifications;
    notifier = createNotifier({
      pool: api.db.pool,
      config,
      logger: api.logger,
      channelCacheMs: 0,
      dispatcher: { retryBaseMs: 10, retryMaxMs: 20, pollMs: 60_000 },
    });
    const drift = (name: string) => ({
      type: 'drift.detected' as const,
      intent: { kind: 'VendorSet', name },
      summary: `VendorSet/${name} (enforce): 2 objects newly differ from the intent; 2 in all`,
      processId: null,
      details: { mode: 'enforce', total: 2, new: 2, byAction: { update: 2 } },
    });
    // lab: delivered, then refused (500, one attempt: failed), then over the rate limit (suppressed).
    receiver.answers = [204, 500];
    for (let i = 0; i < 3; i += 1) {
      await notifier.publish(drift('lab'));
      await notifier.dispatcher.runOnce();
    }
    await notifier.publish({
      type: 'reconcile.failed',
      intent: { kind: 'VendorSet', name: 'core' },
      summary: 'VendorSet/core: reconcile failed at apply',
      processId: null,
      details: { step: 'apply', message: 'NetBox answered 400' },
    });
    await notifier.dispatcher.runOnce();
  });
  afterAll(async () => {
    await notifier?.stop();
  });

  it('lists every delivery newest first with status, attempts and the receiver’s answer, and no secret', async () => {
    const response = await api.request('viewer', { url: '/api/v1/notifications/deliveries' });
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain(HOOK_SECRET);
    expect(response.body).not.toContain(receiver.url);
    const page = response.json<
      Page<{
        channel: string;
        eventType: string;
        status: string;
        attempts: number;
        lastStatus: number | null;
        lastError: string | null;
        intent: { name: string };
        event: { summary: string; intent: { url: string } };
      }>
    >();
    expect(page.items.map((d) => [d.eventType, d.intent.name, d.status, d.attempts, d.lastStatus])).toEqual([
      ['reconcile.failed', 'core', 'delivered', 1, 204],
      ['drift.detected', 'lab', 'suppressed', 0, null],
      ['drift.detected', 'lab', 'failed', 1, 500],
      ['drift.detected', 'lab', 'delivered', 1, 204],
    ]);
    expect(page.items.every((d) => d.channel === 'env')).toBe(true);
    expect(page.items[2]?.lastError).toBe('the receiver answered HTTP 500');
    expect(page.items[1]?.event).toMatchObject({
      summary: 'VendorSet/lab (enforce): 2 objects newly differ from the intent; 2 in all',
      intent: { url: 'https://dash.example.com/intents/VendorSet/lab' },
    });
  });

  it('filters by status, event, channel and intent', async () => {
    const names = async (query: string): Promise<string[]> =>
      (await get<{ status: string; eventType: string }>(`/api/v1/notifications/deliveries?${query}`)).items.map((d) => `${d.eventType}:${d.status}`);
    expect(await names('status=failed')).toEqual(['drift.detected:failed']);
    expect(await names('event=reconcile.failed')).toEqual(['reconcile.failed:delivered']);
    expect(await names('intentKind=VendorSet&intentName=lab&status=delivered')).toEqual(['drift.detected:delivered']);
    expect(await names('channel=slack')).toEqual([]);
  });

  it('pages with nextCursor without repeating or skipping', async () => {
    const all = (await get<{ id: string }>('/api/v1/notifications/deliveries?limit=500')).items.map((i) => i.id);
    expect(all).toHaveLength(4);
    const walked = await walk<{ id: string }>('/api/v1/notifications/deliveries', 3);
    expect(walked).toEqual({ ids: all, pages: 2 });
  });
});
