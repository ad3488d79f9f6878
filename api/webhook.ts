// Git push webhooks of GitHub, GitLab and Gitea: who sent it, whether the signature holds, and
// which repository was pushed.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export type GitProvider = 'github' | 'gitlab' | 'gitea';

export interface WebhookCheck {
  readonly provider: GitProvider;
  readonly valid: boolean;
  /** The event name the provider sent (push, ping, Push Hook, ...). */
  readonly event: string;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Compares in constant time, also for different lengths (both sides are hashed first). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

function hmacHex(secret: string, body: Buffer): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * Identifies the provider from its headers and checks the signature against the raw body:
 * GitHub `X-Hub-Signature-256: sha256=<hex HMAC-SHA256>`, Gitea `X-Gitea-Signature: <hex HMAC-SHA256>`,
 * GitLab `X-Gitlab-Token: <secret>` (compared in constant time). Undefined when no known
 * signature header is present.
 */
export function checkWebhook(headers: IncomingHttpHeaders, body: Buffer, secret: string): WebhookCheck | undefined {
  const github = header(headers, 'x-hub-signature-256');
  // Gitea also sends X-Hub-Signature-256 (GitHub compatibility); its own header decides the provider.
  const gitea = header(headers, 'x-gitea-signature') ?? header(headers, 'x-gogs-signature');
  if (gitea !== undefined) {
    return {
      provider: 'gitea',
      valid: safeEqual(gitea.trim().toLowerCase(), hmacHex(secret, body)),
      event: header(headers, 'x-gitea-event') ?? header(headers, 'x-gogs-event') ?? '',
    };
  }
  if (github !== undefined) {
    return {
      provider: 'github',
      valid: safeEqual(github.trim().toLowerCase(), `sha256=${hmacHex(secret, body)}`),
      event: header(headers, 'x-github-event') ?? '',
    };
  }
  const gitlab = header(headers, 'x-gitlab-token');
  if (gitlab !== undefined) return { provider: 'gitlab', valid: safeEqual(gitlab, secret), event: header(headers, 'x-gitlab-event') ?? '' };
  return undefined;
}

/** Whether the event is a push (the only event that triggers a sync). */
export function isPushEvent(check: WebhookCheck): boolean {
  switch (check.provider) {
    case 'github':
    case 'gitea':
      return check.event === 'push';
    case 'gitlab':
      return check.event === 'Push Hook' || check.event === 'Tag Push Hook';
  }
}

/** What a push payload says: the repository URL (for matching the intent source) and the ref. */
export interface PushInfo {
  readonly repositoryUrl: string;
  readonly ref: string | null;
  readonly after: string | null;
}

function stringAt(value: unknown, ...path: string[]): string | undefined {
  let current: unknown = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === 'string' && current !== '' ? current : undefined;
}

/** Reads the pushed repository's clone URL from a GitHub, Gitea or GitLab push payload. */
export function readPush(provider: GitProvider, payload: unknown): PushInfo | undefined {
  const repositoryUrl =
    provider === 'gitlab'
      ? (stringAt(payload, 'project', 'git_http_url') ??
        stringAt(payload, 'repository', 'git_http_url') ??
        stringAt(payload, 'project', 'web_url') ??
        stringAt(payload, 'repository', 'homepage'))
      : (stringAt(payload, 'repository', 'clone_url') ?? stringAt(payload, 'repository', 'html_url') ?? stringAt(payload, 'repository', 'ssh_url'));
  if (repositoryUrl === undefined) return undefined;
  return { repositoryUrl, ref: stringAt(payload, 'ref') ?? null, after: stringAt(payload, 'after') ?? stringAt(payload, 'checkout_sha') ?? null };
}
