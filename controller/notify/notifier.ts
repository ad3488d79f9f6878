import type { AppConfig } from '../config/index.ts';
import type { Pool } from '../db/index.ts';
import type { Logger } from '../logging/index.ts';
import { recordNotificationDelivery } from '../metrics/index.ts';
import { enqueueDelivery } from '../store/index.ts';
import { channelWants, loadChannels } from './channels.ts';
import { createDispatcher } from './dispatcher.ts';
import type { Dispatcher, DispatcherOptions } from './dispatcher.ts';
import type { Channel, EventInput, NotificationEvent } from './types.ts';

/** The part of a finished process the notifier reads (the engine's ProcessRecord fits). */
export interface FinishedProcessInfo {
  readonly id: string;
  readonly workflowName: string;
  readonly status: string;
  readonly intent: { readonly kind: string; readonly name: string } | null;
  readonly attempts: number;
  readonly error: { readonly type: string; readonly message: string; readonly step: string | null; readonly code: string | null } | null;
}

/**
 * Turns what happens into notifications: logs one delivery per interested channel (rate
 * limited) and wakes the dispatcher that sends them. Implements the workflow engine's
 * ProcessObserver (processFinished, notice), so the engine needs no import of this module.
 */
export interface Notifier {
  /** Logs and sends an event to every channel that takes it; returns the deliveries logged. */
  publish(input: EventInput): Promise<{ readonly channel: string; readonly id: string; readonly status: string }[]>;
  processFinished(process: FinishedProcessInfo): Promise<void>;
  notice(notice: {
    readonly type: string;
    readonly intent?: { readonly kind: string; readonly name: string };
    readonly summary: string;
    readonly details: object;
    readonly processId: string;
  }): Promise<void>;
  readonly dispatcher: Dispatcher;
  /** Starts the dispatcher's polling (retries of earlier deliveries). */
  start(): void;
  stop(): Promise<void>;
}

export interface NotifierOptions {
  readonly pool: Pool;
  readonly config: AppConfig['notifications'];
  readonly logger: Logger;
  /** How long the channel list is reused; default 5 s. */
  readonly channelCacheMs?: number;
  /** Dispatcher settings (tests shorten the retry delays). */
  readonly dispatcher?: Partial<Omit<DispatcherOptions, 'pool' | 'logger' | 'channels'>>;
}

const EVENT_TYPES = new Set(['drift.detected', 'drift.resolved', 'reconcile.failed', 'prune.blocked', 'library.upgrade_available', 'test']);

/** `https://dash.example.com/intents/DeviceTypeSet/lab`: the dashboard's page of an intent. */
export function intentLink(dashboardUrl: string | undefined, intent: { kind: string; name: string }): string | undefined {
  return dashboardUrl === undefined ? undefined : `${dashboardUrl}/intents/${encodeURIComponent(intent.kind)}/${encodeURIComponent(intent.name)}`;
}

/** The stored and sent form of an event: time, dashboard link, JSON-only details. */
export function buildEvent(input: EventInput, dashboardUrl: string | undefined, at: Date = new Date()): NotificationEvent {
  const intent = input.intent
    ? {
        kind: input.intent.kind,
        name: input.intent.name,
        ...(intentLink(dashboardUrl, input.intent) ? { url: intentLink(dashboardUrl, input.intent) as string } : {}),
      }
    : null;
  return {
    type: input.type,
    at: at.toISOString(),
    summary: input.summary,
    intent,
    processId: input.processId ?? null,
    details: JSON.parse(JSON.stringify(input.details ?? {})) as NotificationEvent['details'],
  };
}

export function createNotifier(options: NotifierOptions): Notifier {
  const logger = options.logger.child({ component: 'notify' });
  const cacheMs = options.channelCacheMs ?? 5_000;
  let cached: { at: number; channels: readonly Channel[] } | undefined;
  const channels = async (): Promise<readonly Channel[]> => {
    if (cached && Date.now() - cached.at < cacheMs) return cached.channels;
    const load = await loadChannels(options.pool, options.config);
    for (const problem of load.problems) logger.warn(problem, 'notification channel not usable');
    cached = { at: Date.now(), channels: load.channels };
    return load.channels;
  };
  const dispatcher = createDispatcher({
    pool: options.pool,
    logger: options.logger,
    channels,
    maxAttempts: options.config.maxAttempts,
    timeoutMs: options.config.timeoutMs,
    ...options.dispatcher,
  });

  const publish: Notifier['publish'] = async (input) => {
    const event = buildEvent(input, options.config.dashboardUrl);
    const logged: { channel: string; id: string; status: string }[] = [];
    for (const channel of await channels()) {
      if (!channelWants(channel, input)) continue;
      const delivery = await enqueueDelivery(options.pool, channel, event);
      if (delivery.status === 'suppressed') {
        recordNotificationDelivery(channel.name, event.type, 'suppressed');
        logger.info({ channel: channel.name, event: event.type, intent: event.intent }, 'notification suppressed by the rate limit');
      }
      logged.push({ channel: channel.name, ...delivery });
    }
    if (logged.some((d) => d.status === 'pending')) dispatcher.wake();
    return logged;
  };

  return {
    dispatcher,
    publish,
    async processFinished(process): Promise<void> {
      if (process.status !== 'failed' || process.intent === null) return;
      const error = process.error;
      const step = error?.step ?? null;
      await publish({
        type: 'reconcile.failed',
        intent: process.intent,
        processId: process.id,
        summary: `${process.intent.kind}/${process.intent.name}: ${process.workflowName} failed${step ? ` at step ${step}` : ''}: ${error?.message ?? 'no message'}`,
        details: {
          workflow: process.workflowName,
          step,
          message: error?.message ?? null,
          errorType: error?.type ?? null,
          code: error?.code ?? null,
          attempts: process.attempts,
        },
      });
    },
    async notice(notice): Promise<void> {
      if (!EVENT_TYPES.has(notice.type)) return;
      await publish({
        type: notice.type as EventInput['type'],
        summary: notice.summary,
        ...(notice.intent ? { intent: notice.intent } : {}),
        processId: notice.processId,
        details: notice.details as Record<string, unknown>,
      });
    },
    start(): void {
      dispatcher.start();
    },
    stop(): Promise<void> {
      return dispatcher.stop();
    },
  };
}
