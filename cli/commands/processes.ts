// `netbox-gitops processes`: lists processes, newest first.
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { PROCESS_STATUSES } from '../../controller/workflow/index.ts';
import type { ProcessStatus } from '../../controller/workflow/index.ts';
import type { CliContext } from '../context.ts';
import { formatProcessLine, withWorkflowService } from './process.ts';

interface ProcessesCommandOptions {
  readonly status?: ProcessStatus;
  readonly workflow?: string;
  readonly intent?: { kind: string; name: string };
  readonly limit: number;
  readonly cursor?: string;
  readonly json?: boolean;
}

function status(value: string): ProcessStatus {
  if (!(PROCESS_STATUSES as readonly string[]).includes(value)) throw new InvalidArgumentError(`expects one of ${PROCESS_STATUSES.join(', ')}`);
  return value as ProcessStatus;
}

function intent(value: string): { kind: string; name: string } {
  const [kind, name, ...rest] = value.split('/');
  if (!kind || !name || rest.length > 0) throw new InvalidArgumentError('expects KIND/NAME, e.g. VendorSet/lab-vendors');
  return { kind, name };
}

function limit(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 500) throw new InvalidArgumentError('expects a number from 1 to 500');
  return n;
}

/** Registers `netbox-gitops processes`. */
export function registerProcessesCommand(program: Command, ctx: CliContext): void {
  program
    .command('processes')
    .description('list workflow processes, newest first')
    .option('--status <status>', `only this status (${PROCESS_STATUSES.join(', ')})`, status)
    .option('--workflow <name>', 'only this workflow, e.g. reconcile_intent')
    .option('--intent <kind/name>', 'only processes of this intent, e.g. VendorSet/lab-vendors', intent)
    .option('--limit <n>', 'processes per page (1-500)', limit, 20)
    .option('--cursor <cursor>', 'the next page, as printed after the previous one')
    .option('--json', 'print {items, nextCursor} as JSON')
    .action(async (options: ProcessesCommandOptions) => {
      await withWorkflowService(ctx, async (service) => {
        const page = await service.listProcesses({
          limit: options.limit,
          ...(options.status ? { status: options.status } : {}),
          ...(options.workflow ? { workflow: options.workflow } : {}),
          ...(options.intent ? { intentKind: options.intent.kind, intentName: options.intent.name } : {}),
          ...(options.cursor ? { cursor: options.cursor } : {}),
        });
        if (options.json) {
          ctx.out.write(`${JSON.stringify(page, null, 2)}\n`);
          return;
        }
        if (page.items.length === 0) {
          ctx.out.write('no processes\n');
          return;
        }
        ctx.out.write(`${page.items.map(formatProcessLine).join('\n')}\n`);
        if (page.nextCursor) ctx.out.write(`more: --cursor ${page.nextCursor}\n`);
      });
    });
}
