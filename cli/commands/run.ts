// `netbox-gitops run WORKFLOW --form JSON`: starts a process and follows it until it ends.
// Exit code: 0 completed, 1 failed or cancelled (or the form/workflow was refused), 0 right after
// starting with --no-follow. Needs a running `netbox-gitops worker` to make progress.
import type { Command } from 'commander';
import { ValidationError, formatIssue } from '../../controller/errors/index.ts';
import { TERMINAL_STATUSES, subscribeEvents } from '../../controller/workflow/index.ts';
import type { ProcessDetail, WorkflowService } from '../../controller/workflow/index.ts';
import { ExitCode } from '../context.ts';
import type { CliContext } from '../context.ts';
import { formatDuration, formatStep, withWorkflowService } from './process.ts';

interface RunCommandOptions {
  readonly form: string;
  readonly follow: boolean;
  readonly json?: boolean;
}

/** Polls at least this often even when no event arrives (events are best effort). */
const POLL_MS = 1_000;
/** After this long in `created`, say that a worker is needed. */
const NO_WORKER_HINT_MS = 10_000;

/** Registers `netbox-gitops run`. */
export function registerRunCommand(program: Command, ctx: CliContext): void {
  program
    .command('run <workflow>')
    .description('start a workflow (reconcile_intent, task_import_vendors, task_import_device_types, task_refresh_library) and follow its steps')
    .option('--form <json>', 'the form as JSON, e.g. \'{"kind":"VendorSet","name":"lab-vendors"}\'', '{}')
    .option('--no-follow', 'print the process id and return without waiting')
    .option('--json', 'print the finished process as JSON instead of step lines')
    .action(async (workflow: string, options: RunCommandOptions) => {
      let form: unknown;
      try {
        form = JSON.parse(options.form);
      } catch (error) {
        ctx.err.write(`error: --form is not valid JSON: ${(error as Error).message}\n`);
        throw new ExitCode(2);
      }
      await withWorkflowService(ctx, async (service) => {
        let started;
        try {
          started = await service.startWorkflow(workflow, form, { createdBy: 'cli' });
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          ctx.err.write(`error: ${error.message}\n${error.issues.map((i) => `  ${formatIssue(i)}\n`).join('')}`);
          throw new ExitCode(1);
        }
        if (!options.json) ctx.out.write(`process ${started.id} ${started.status} (${started.workflowName})\n`);
        if (!options.follow) {
          if (options.json) ctx.out.write(`${JSON.stringify(started, null, 2)}\n`);
          return;
        }
        const finished = await follow(ctx, service, started.id, options.json !== true);
        if (options.json) ctx.out.write(`${JSON.stringify(finished, null, 2)}\n`);
        else
          ctx.out.write(
            `process ${finished.id} ${finished.status}${finished.error ? `: ${finished.error.message}` : ''} (${formatDuration(finished.startedAt, finished.completedAt)})\n`,
          );
        if (finished.status !== 'completed') throw new ExitCode(1);
      });
    });
}

/** Prints each step attempt as its status changes; returns the finished process. */
async function follow(ctx: CliContext, service: WorkflowService, id: string, print: boolean): Promise<ProcessDetail> {
  let wake: () => void = () => undefined;
  const config = ctx.config();
  const unsubscribe = await subscribeEvents(
    config.redis,
    (event) => {
      if (event.processId === id) wake();
    },
    config.workflow.queue,
  ).catch(() => undefined);
  const seen = new Map<string, string>();
  let lastStatus = '';
  const since = Date.now();
  let hinted = false;
  try {
    for (;;) {
      const p = await service.getProcess(id);
      if (!p) throw new Error(`process ${id} disappeared`);
      if (print) {
        for (const step of p.steps) {
          if (seen.get(step.id) === step.status) continue;
          seen.set(step.id, step.status);
          ctx.out.write(`${formatStep(step)}\n`);
        }
        if (p.status !== lastStatus && p.status === 'waiting') ctx.out.write(`  … waiting: ${p.error?.message ?? 'a retry is scheduled'}\n`);
        if (!hinted && p.status === 'created' && Date.now() - since > NO_WORKER_HINT_MS) {
          hinted = true;
          ctx.err.write('still queued: is a `netbox-gitops worker` running against this Redis (WORKFLOW_QUEUE)?\n');
        }
      }
      lastStatus = p.status;
      if (TERMINAL_STATUSES.includes(p.status)) return p;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    await unsubscribe?.();
  }
}
