// `netbox-gitops notify test`: one test notification to every configured channel (NOTIFY_WEBHOOK_URL
// and the Notification resources of the intents folder), sent at once and reported per channel.
// `netbox-gitops notify deliveries`: the delivery log from Postgres.
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { createPool } from '../../controller/db/index.ts';
import { ResourceError } from '../../controller/errors/index.ts';
import { loadIntents } from '../../controller/intents/index.ts';
import { buildEvent, channelFromEnv, channelsFromResources, listDeliveries, sendToChannel } from '../../controller/notify/index.ts';
import type { Channel, DeliveryStatus } from '../../controller/notify/index.ts';
import { ExitCode } from '../context.ts';
import type { CliContext } from '../context.ts';

interface TestOptions {
  readonly intents?: string;
  readonly channel?: string;
  readonly json?: boolean;
}

interface DeliveriesOptions {
  readonly status?: DeliveryStatus;
  readonly channel?: string;
  readonly limit: number;
  readonly json?: boolean;
}

const STATUSES = ['pending', 'delivered', 'failed', 'suppressed'];

/** Registers `netbox-gitops notify test` and `netbox-gitops notify deliveries`. */
export function registerNotifyCommand(program: Command, ctx: CliContext): void {
  const notify = program.command('notify').description('outgoing notifications: send a test to every channel, or list the delivery log');
  notify
    .command('test')
    .description('send a test notification to NOTIFY_WEBHOOK_URL and every Notification resource in the intents folder; exit 1 when one fails')
    .option('--intents <dir>', 'folder with Notification resources (default: INTENTS_PATH)')
    .option('--channel <name>', 'only this channel (`env` is NOTIFY_WEBHOOK_URL)')
    .option('--json', 'print the results as JSON')
    .action(async (options: TestOptions) => {
      await sendTest(ctx, options);
    });
  notify
    .command('deliveries')
    .description('the delivery log, newest first (needs the database)')
    .option('--status <status>', `pending, delivered, failed or suppressed`, (value: string) => {
      if (!STATUSES.includes(value)) throw new InvalidArgumentError(`expects one of ${STATUSES.join(', ')}`);
      return value;
    })
    .option('--channel <name>', 'only this channel')
    .option(
      '--limit <n>',
      'rows to show (1-500)',
      (value: string) => {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1 || n > 500) throw new InvalidArgumentError('expects a number from 1 to 500');
        return n;
      },
      20,
    )
    .option('--json', 'print the rows as JSON')
    .action(async (options: DeliveriesOptions) => {
      await showDeliveries(ctx, options);
    });
}

async function sendTest(ctx: CliContext, options: TestOptions): Promise<void> {
  const config = ctx.config();
  const channels: Channel[] = [];
  const env = channelFromEnv(config.notifications);
  if (env) channels.push(env);
  // The default folder may not exist where intents come from Git: then only NOTIFY_WEBHOOK_URL counts.
  const loaded = await loadIntents(options.intents ?? config.intentsPath).catch((error: unknown) => {
    if (options.intents === undefined && error instanceof ResourceError) return { notifications: [] };
    throw error;
  });
  const fromFiles = channelsFromResources(loaded.notifications ?? [], config.notifications);
  channels.push(...fromFiles.channels);
  const problems = fromFiles.problems.filter((p) => options.channel === undefined || p.channel === options.channel);
  const chosen = channels.filter((c) => options.channel === undefined || c.name === options.channel);
  for (const problem of problems) ctx.err.write(`${problem.channel}: not usable: ${problem.message}\n`);
  if (chosen.length === 0) {
    ctx.err.write(
      options.channel
        ? `no channel named ${options.channel}\n`
        : 'no notification channel is configured: set NOTIFY_WEBHOOK_URL or add a Notification resource to the intents folder\n',
    );
    throw new ExitCode(1);
  }
  const event = buildEvent(
    { type: 'test', summary: 'Test notification from netbox-gitops: this channel is set up correctly.', details: { sentBy: 'netbox-gitops notify test' } },
    config.notifications.dashboardUrl,
  );
  const results = await Promise.all(
    chosen.map(async (channel) => ({
      channel: channel.name,
      format: channel.format,
      ...(await sendToChannel(channel, event, `test-${Date.now().toString(36)}`, { timeoutMs: config.notifications.timeoutMs })),
    })),
  );
  if (options.json) ctx.out.write(`${JSON.stringify(results, null, 2)}\n`);
  else for (const r of results) ctx.out.write(`${r.channel} (${r.format}): ${r.ok ? `delivered (HTTP ${r.status})` : `failed: ${r.error}`}\n`);
  if (results.some((r) => !r.ok) || problems.length > 0) throw new ExitCode(1);
}

async function showDeliveries(ctx: CliContext, options: DeliveriesOptions): Promise<void> {
  const config = ctx.config();
  const pool = createPool(config.database, { applicationName: 'netbox-gitops-cli' });
  try {
    const rows = await listDeliveries(pool, {
      limit: options.limit,
      ...(options.status ? { status: options.status } : {}),
      ...(options.channel ? { channel: options.channel } : {}),
    });
    if (options.json) {
      ctx.out.write(`${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    for (const d of rows) {
      const intent = d.intent ? ` ${d.intent.kind}/${d.intent.name}` : '';
      const outcome = d.lastStatus !== null ? ` HTTP ${d.lastStatus}` : '';
      ctx.out.write(
        `${d.createdAt} ${d.channel} ${d.eventType}${intent}: ${d.status} after ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}${outcome}${d.lastError && d.status !== 'delivered' ? ` (${d.lastError})` : ''}\n`,
      );
    }
    if (rows.length === 0) ctx.out.write('no deliveries\n');
  } finally {
    await pool.end();
  }
}
