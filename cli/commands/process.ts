// `netbox-gitops process ID [--json]`: one process with its steps and audit rows.
import type { Command } from 'commander';
import { createDefaultDeps, createWorkflowService } from '../../controller/workflow/index.ts';
import type { AuditRecord, ProcessDetail, ProcessRecord, StepRecord, WorkflowService } from '../../controller/workflow/index.ts';
import { ExitCode } from '../context.ts';
import type { CliContext } from '../context.ts';

interface ProcessCommandOptions {
  readonly json?: boolean;
  readonly audit: number;
}

/** Registers `netbox-gitops process`. */
export function registerProcessCommand(program: Command, ctx: CliContext): void {
  program
    .command('process <id>')
    .description('show one process: status, steps (every attempt) and the NetBox changes it made')
    .option('--json', 'print the process, its steps and audit rows as JSON')
    .option('--audit <n>', 'audit rows to show, newest first', (v) => Math.min(500, Math.max(0, Number.parseInt(v, 10) || 0)), 50)
    .action(async (id: string, options: ProcessCommandOptions) => {
      await withWorkflowService(ctx, async (service) => {
        const detail = await service.getProcess(id);
        if (!detail) {
          ctx.err.write(`error: there is no process with id ${id}; list processes with \`netbox-gitops processes\`\n`);
          throw new ExitCode(1);
        }
        const audit = options.audit > 0 ? (await service.listAudit({ processId: id, limit: options.audit })).items : [];
        if (options.json) {
          ctx.out.write(`${JSON.stringify({ ...detail, audit }, null, 2)}\n`);
          return;
        }
        ctx.out.write(formatProcessDetail(detail, audit));
      });
    });
}

/** Runs `fn` with a workflow service built from the configuration, closing everything afterwards. */
export async function withWorkflowService<T>(ctx: CliContext, fn: (service: WorkflowService) => Promise<T>): Promise<T> {
  const deps = createDefaultDeps(ctx.config(), ctx.logger());
  const service = createWorkflowService(deps);
  try {
    return await fn(service);
  } finally {
    await service.close();
    await deps.close();
  }
}

/** `12.3 s`, `850 ms`, or '' when the span is not over. */
export function formatDuration(from: string | null, to: string | null): string {
  if (!from || !to) return '';
  const ms = Date.parse(to) - Date.parse(from);
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}

/** One line per step attempt: `  2 apply       #1 failed     1.2 s  NetBox rejected ...`. */
export function formatStep(step: StepRecord): string {
  const output = summariseOutput(step);
  const error = step.errorMessage ? `  ${step.errorMessage}` : '';
  const duration = formatDuration(step.startedAt, step.completedAt);
  return `  ${String(step.position + 1).padStart(2)} ${step.name.padEnd(9)} #${step.attempt} ${step.status.padEnd(9)} ${duration.padStart(8)}${output}${error}`.trimEnd();
}

function summariseOutput(step: StepRecord): string {
  const o = step.output;
  const parts: string[] = [];
  if (typeof o.reason === 'string') parts.push(o.reason);
  if (typeof o.applied === 'number') parts.push(`${o.applied} applied`);
  if (typeof o.changes === 'number') parts.push(`${o.changes} change(s)`);
  if (typeof o.drift === 'number' && step.name !== 'diff') parts.push(`drift ${o.drift}`);
  if (typeof o.revision === 'string') parts.push(`revision ${o.revision}`);
  return parts.length > 0 ? `  ${parts.join(', ')}` : '';
}

export function formatProcessLine(p: ProcessRecord): string {
  const intent = p.intent ? `${p.intent.kind}/${p.intent.name}` : '-';
  return `${p.id}  ${p.workflowName.padEnd(24)} ${p.status.padEnd(9)} ${intent.padEnd(32)} ${p.createdAt}  ${formatDuration(p.startedAt, p.completedAt)}`.trimEnd();
}

function formatAudit(a: AuditRecord): string {
  const id = a.netboxId === null ? '' : ` #${a.netboxId}`;
  return `  ${a.timestamp}  ${a.action.padEnd(6)} ${(a.objectKind ?? '').padEnd(24)} ${a.objectIdentity ?? ''}${id}`;
}

export function formatProcessDetail(p: ProcessDetail, audit: readonly AuditRecord[]): string {
  const lines = [`process   ${p.id}`, `workflow  ${p.workflowName}`, `status    ${p.status}${p.error ? `: ${p.error.message}` : ''}`];
  if (p.intent) lines.push(`intent    ${p.intent.kind}/${p.intent.name}${p.intentRevision ? ` at ${p.intentRevision}` : ''}`);
  if (p.libraryRevision) lines.push(`library   ${p.libraryRevision}`);
  lines.push(`created   ${p.createdAt}${p.createdBy ? ` by ${p.createdBy}` : ''}`);
  if (p.completedAt) lines.push(`finished  ${p.completedAt} (${formatDuration(p.startedAt, p.completedAt)})`);
  if (p.correlationId) lines.push(`correlation id  ${p.correlationId}`);
  lines.push('', 'steps:');
  lines.push(...(p.steps.length > 0 ? p.steps.map(formatStep) : ['  (none yet)']));
  lines.push('', `audit: ${p.auditCount} change(s)${audit.length < p.auditCount ? `, newest ${audit.length} shown` : ''}`);
  lines.push(...audit.map(formatAudit));
  return `${lines.join('\n')}\n`;
}
