import type { AppConfig } from '../config/index.ts';
import { NOTIFICATION_EVENTS, Secret } from '../config/index.ts';
import type { Pool } from '../db/index.ts';
import { ConfigurationError } from '../errors/index.ts';
import { NotificationSpecSchema, parseDuration } from '../intents/index.ts';
import type { LoadedNotification, NotificationSpec } from '../intents/index.ts';
import { listNotificationChannels, saveNotificationChannels } from '../store/index.ts';
import type { Channel, EventInput } from './types.ts';

/** The name of the channel NOTIFY_WEBHOOK_URL configures. */
export const ENV_CHANNEL = 'env';

/** `DeviceTypeSet/lab-*` → a regular expression over `Kind/name` (`*` any characters). */
function selectorPattern(selector: string): RegExp {
  const escaped = selector.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

/** The channel of NOTIFY_WEBHOOK_URL, if set. */
export function channelFromEnv(config: AppConfig['notifications']): Channel | undefined {
  const webhook = config.webhook;
  if (!webhook) return undefined;
  return {
    name: ENV_CHANNEL,
    format: webhook.format,
    url: webhook.url,
    signingSecret: webhook.secret.isEmpty ? undefined : webhook.secret,
    events: new Set(webhook.events),
    intents: [],
    rateLimit: webhook.rateLimit,
  };
}

/**
 * The channel a Notification resource describes, its secrets read from NOTIFY_SECRET_<NAME>.
 * @throws ConfigurationError naming the variable when a secret it refers to is not set.
 */
export function channelFromSpec(name: string, spec: NotificationSpec, config: AppConfig['notifications']): Channel {
  const secret = (ref: { secret: string } | undefined): Secret | undefined => {
    if (ref === undefined) return undefined;
    const value = config.secrets.get(ref.secret);
    if (value === undefined)
      throw new ConfigurationError(`Notification ${name} needs NOTIFY_SECRET_${ref.secret}, which is not set`, `NOTIFY_SECRET_${ref.secret}`);
    return value;
  };
  const url = spec.url !== undefined ? new Secret(spec.url) : (secret(spec.urlFrom) as Secret);
  return {
    name,
    format: spec.format,
    url,
    signingSecret: secret(spec.signingSecretFrom),
    events: new Set(spec.events ?? NOTIFICATION_EVENTS),
    intents: (spec.intents ?? []).map(selectorPattern),
    rateLimit: spec.rateLimit
      ? { max: spec.rateLimit.max, windowMs: parseDuration(spec.rateLimit.per) }
      : (config.webhook?.rateLimit ?? { max: 3, windowMs: 900_000 }),
  };
}

/** Whether a channel takes an event: its type is selected (`test` always is) and its intent matches. */
export function channelWants(channel: Channel, event: Pick<EventInput, 'type' | 'intent'>): boolean {
  if (event.type !== 'test' && !channel.events.has(event.type)) return false;
  if (channel.intents.length === 0 || !event.intent) return true;
  const key = `${event.intent.kind}/${event.intent.name}`;
  return channel.intents.some((pattern) => pattern.test(key));
}

/** Channels with a problem (a missing secret, a spec the schema no longer accepts), by name. */
export interface ChannelLoad {
  readonly channels: Channel[];
  readonly problems: { readonly channel: string; readonly message: string }[];
}

/** The env channel and every stored Notification resource that is not suspended. */
export async function loadChannels(pool: Pool | undefined, config: AppConfig['notifications']): Promise<ChannelLoad> {
  const channels: Channel[] = [];
  const problems: { channel: string; message: string }[] = [];
  const env = channelFromEnv(config);
  if (env) channels.push(env);
  if (!pool) return { channels, problems };
  for (const row of await listNotificationChannels(pool)) {
    const parsed = NotificationSpecSchema.safeParse(row.spec);
    if (!parsed.success) {
      problems.push({ channel: row.name, message: `stored spec does not validate: ${parsed.error.issues[0]?.message ?? 'invalid'}` });
      continue;
    }
    if (parsed.data.suspend) continue;
    try {
      channels.push(channelFromSpec(row.name, parsed.data, config));
    } catch (error) {
      problems.push({ channel: row.name, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { channels, problems };
}

/** Channels from Notification resources loaded out of a folder (for `notify test --intents`). */
export function channelsFromResources(resources: readonly LoadedNotification[], config: AppConfig['notifications']): ChannelLoad {
  const channels: Channel[] = [];
  const problems: { channel: string; message: string }[] = [];
  for (const { notification } of resources) {
    if (notification.spec.suspend) continue;
    try {
      channels.push(channelFromSpec(notification.metadata.name, notification.spec, config));
    } catch (error) {
      problems.push({ channel: notification.metadata.name, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { channels, problems };
}

/**
 * Stores the Notification resources a source holds at `revision` (one transaction): new and
 * changed ones are upserted, the source's ones that are gone are deleted. A name another
 * source already uses keeps its first owner and is reported.
 */
export async function syncNotificationChannels(
  pool: Pool,
  source: string,
  revision: string,
  resources: readonly LoadedNotification[],
): Promise<{ readonly stored: number; readonly removed: number; readonly conflicts: readonly string[] }> {
  const channels = resources.map(({ notification }) => ({ name: notification.metadata.name, spec: notification.spec }));
  return saveNotificationChannels(pool, source, revision, channels);
}
