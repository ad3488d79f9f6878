import { createHmac } from 'node:crypto';
import type { NotificationFormat, Secret } from '../config/index.ts';
import type { NotificationEvent } from './types.ts';

/** Header names of a delivery. */
export const HEADERS = {
  event: 'x-netbox-gitops-event',
  delivery: 'x-netbox-gitops-delivery',
  timestamp: 'x-netbox-gitops-timestamp',
  signature: 'x-netbox-gitops-signature',
} as const;

const TITLES: Readonly<Record<string, string>> = {
  'drift.detected': 'Drift detected',
  'drift.resolved': 'Drift resolved',
  'reconcile.failed': 'Reconcile failed',
  'prune.blocked': 'Prune blocked',
  'library.upgrade_available': 'Library upgrade available',
  test: 'Test notification',
};

const COLORS: Readonly<Record<string, string>> = {
  'drift.detected': '#d29922',
  'drift.resolved': '#2da44e',
  'reconcile.failed': '#cf222e',
  'prune.blocked': '#cf222e',
  'library.upgrade_available': '#0969da',
  test: '#8c959f',
};

/** The body of a generic JSON webhook: the event, with the delivery id and a version. */
export function jsonBody(event: NotificationEvent, deliveryId: string): Record<string, unknown> {
  return { version: 1, id: deliveryId, source: 'netbox-gitops', ...event };
}

/** The detail values worth a line in chat: numbers and short strings, nested objects flattened one level. */
function facts(event: NotificationEvent): { title: string; value: string }[] {
  const out: { title: string; value: string }[] = [];
  for (const [key, value] of Object.entries(event.details)) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'object' && !Array.isArray(value)) {
      const parts = Object.entries(value)
        .filter(([, v]) => typeof v === 'number' || typeof v === 'string')
        .map(([k, v]) => `${k} ${String(v)}`);
      if (parts.length > 0) out.push({ title: key, value: parts.join(', ') });
      continue;
    }
    if (Array.isArray(value)) continue;
    const text = String(value);
    out.push({ title: key, value: text.length > 300 ? `${text.slice(0, 299)}…` : text });
  }
  return out.slice(0, 10);
}

/** Slack mrkdwn: `&`, `<` and `>` are the only characters Slack wants escaped. */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A Slack incoming-webhook message (text for notifications, blocks for the channel). */
export function slackBody(event: NotificationEvent): Record<string, unknown> {
  const title = TITLES[event.type] ?? event.type;
  const intent = event.intent
    ? event.intent.url
      ? `<${event.intent.url}|${slackEscape(`${event.intent.kind}/${event.intent.name}`)}>`
      : slackEscape(`${event.intent.kind}/${event.intent.name}`)
    : undefined;
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: `${title}${event.intent ? `: ${event.intent.kind}/${event.intent.name}` : ''}`.slice(0, 150) } },
    { type: 'section', text: { type: 'mrkdwn', text: slackEscape(event.summary) } },
  ];
  const list = facts(event);
  if (list.length > 0)
    blocks.push({ type: 'section', fields: list.map((f) => ({ type: 'mrkdwn', text: `*${slackEscape(f.title)}*\n${slackEscape(f.value)}` })) });
  const context = [`netbox-gitops · ${event.at}`, ...(intent ? [intent] : []), ...(event.processId ? [`process ${event.processId}`] : [])];
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] });
  return { text: `${title}: ${event.summary}`, attachments: [{ color: COLORS[event.type] ?? '#8c959f', blocks }] };
}

/**
 * A Microsoft Teams message: an Adaptive Card in the `message` envelope that Teams workflow
 * webhooks (and the older incoming webhooks) accept.
 */
export function teamsBody(event: NotificationEvent): Record<string, unknown> {
  const title = TITLES[event.type] ?? event.type;
  const body: Record<string, unknown>[] = [
    { type: 'TextBlock', size: 'Medium', weight: 'Bolder', wrap: true, text: `${title}${event.intent ? `: ${event.intent.kind}/${event.intent.name}` : ''}` },
    { type: 'TextBlock', wrap: true, text: event.summary },
  ];
  const list = facts(event);
  if (list.length > 0) body.push({ type: 'FactSet', facts: list });
  body.push({
    type: 'TextBlock',
    isSubtle: true,
    size: 'Small',
    wrap: true,
    text: `netbox-gitops · ${event.at}${event.processId ? ` · process ${event.processId}` : ''}`,
  });
  const card: Record<string, unknown> = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body,
    ...(event.intent?.url ? { actions: [{ type: 'Action.OpenUrl', title: 'Open in the dashboard', url: event.intent.url }] } : {}),
  };
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] };
}

/** The request body for a channel format. */
export function renderBody(format: NotificationFormat, event: NotificationEvent, deliveryId: string): string {
  const body = format === 'slack' ? slackBody(event) : format === 'teams' ? teamsBody(event) : jsonBody(event, deliveryId);
  return JSON.stringify(body);
}

/**
 * `sha256=<hex>`: HMAC-SHA256 over `<timestamp>.<body>` with the channel's signing secret. The
 * timestamp (Unix seconds, also sent in its own header) lets a receiver refuse replays.
 */
export function signBody(secret: Secret, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret.reveal()).update(`${timestamp}.${body}`).digest('hex')}`;
}
