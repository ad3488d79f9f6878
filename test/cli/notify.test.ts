// `netbox-gitops notify test` against a local HTTP receiver.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { writeIntentsFolder } from '../helpers/intents.ts';
import { startReceiver } from '../controller/notify/receiver.ts';
import type { Receiver } from '../controller/notify/receiver.ts';

let receiver: Receiver;
let intents: string;

beforeAll(async () => {
  receiver = await startReceiver();
  intents = await writeIntentsFolder('nbg-notify-', {
    'notify.yaml': [
      'apiVersion: netbox-gitops.io/v1alpha1',
      'kind: Notification',
      'metadata: { name: ops-teams }',
      'spec: { format: teams, urlFrom: { secret: OPS_TEAMS } }',
    ].join('\n'),
  });
});
afterAll(async () => {
  await receiver?.close();
  await rm(intents, { recursive: true, force: true });
});
beforeEach(() => {
  receiver.requests.length = 0;
  receiver.answers = [];
});

const env = (): Record<string, string> => ({
  NOTIFY_WEBHOOK_URL: `${receiver.url}/json`,
  NOTIFY_WEBHOOK_SECRET: 'k',
  NOTIFY_SECRET_OPS_TEAMS: `${receiver.url}/teams`,
});

describe('notify test', () => {
  it('sends a test notification to every channel and reports each', async () => {
    const run = await runCli(['notify', 'test', '--intents', intents], env());
    expect(run.code, run.err).toBe(0);
    expect(run.out.split('\n').filter(Boolean).sort()).toEqual(['env (json): delivered (HTTP 204)', 'ops-teams (teams): delivered (HTTP 204)']);
    expect(receiver.requests.map((r) => `${r.path} ${String(r.headers['x-netbox-gitops-event'])}`).sort()).toEqual(['/hook/json test', '/hook/teams test']);
    expect(JSON.parse(receiver.requests.find((r) => r.path === '/hook/json')?.body ?? '{}')).toMatchObject({ type: 'test', intent: null });
    expect(run.out + run.err).not.toContain(receiver.url);
  });

  it('exits 1 when a channel fails, and --channel picks one', async () => {
    receiver.answers = [500];
    const run = await runCli(['notify', 'test', '--intents', intents, '--channel', 'ops-teams'], env());
    expect(run.code).toBe(1);
    expect(run.out).toBe('ops-teams (teams): failed: the receiver answered HTTP 500\n');
    expect(receiver.requests).toHaveLength(1);
  });

  it('says so when nothing is configured or a secret is missing', async () => {
    const empty = await writeIntentsFolder('nbg-notify-empty-', {});
    const none = await runCli(['notify', 'test', '--intents', empty], {});
    expect(none.code).toBe(1);
    expect(none.err).toContain('no notification channel is configured');
    await rm(empty, { recursive: true, force: true });
    const missing = await runCli(['notify', 'test', '--intents', intents], { NOTIFY_WEBHOOK_URL: `${receiver.url}/json` });
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('ops-teams: not usable: Notification ops-teams needs NOTIFY_SECRET_OPS_TEAMS, which is not set');
  });
});
