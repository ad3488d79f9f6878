import { request } from 'undici';
import { HEADERS, renderBody, signBody } from './payload.ts';
import type { Channel, NotificationEvent, SendResult } from './types.ts';

const MAX_RETRY_AFTER_MS = 3_600_000;

function retryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.min(Math.max(0, at - Date.now()), MAX_RETRY_AFTER_MS);
}

/**
 * POSTs one event to one channel. Never throws and never reports the URL (Slack and Teams
 * URLs are secrets): network errors, timeouts, 408, 429 and 5xx are retryable, other 4xx not.
 */
export async function sendToChannel(
  channel: Channel,
  event: NotificationEvent,
  deliveryId: string,
  options: { readonly timeoutMs: number },
): Promise<SendResult> {
  const body = renderBody(channel.format, event, deliveryId);
  const timestamp = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'netbox-gitops',
    [HEADERS.event]: event.type,
    [HEADERS.delivery]: deliveryId,
    [HEADERS.timestamp]: String(timestamp),
  };
  if (channel.signingSecret) headers[HEADERS.signature] = signBody(channel.signingSecret, timestamp, body);
  try {
    const response = await request(channel.url.reveal(), {
      method: 'POST',
      headers,
      body,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    // The answer is not used; reading it frees the connection.
    await response.body.text().catch(() => '');
    const status = response.statusCode;
    if (status >= 200 && status < 300) return { ok: true, status, retryable: false };
    const retryable = status === 408 || status === 429 || status >= 500;
    const after = retryable ? retryAfter(response.headers['retry-after']) : undefined;
    return { ok: false, status, error: `the receiver answered HTTP ${status}`, retryable, ...(after !== undefined ? { retryAfterMs: after } : {}) };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const name = error instanceof Error ? error.name : 'Error';
    const reason = typeof code === 'string' ? code : name === 'TimeoutError' || name === 'AbortError' ? `no answer within ${options.timeoutMs} ms` : name;
    return { ok: false, error: `delivery failed: ${reason}`, retryable: true };
  }
}
