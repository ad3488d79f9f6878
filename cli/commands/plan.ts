import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { formatIssue } from '../../controller/errors/index.ts';
import type { Intent } from '../../controller/intents/index.ts';
import { createNetBoxClient, netBoxClientOptionsFromConfig } from '../../controller/netbox/index.ts';
import type { NetBoxClient } from '../../controller/netbox/index.ts';
import { netBoxPortFor, planIntents } from '../../controller/reconcile/index.ts';
import type { Plan, PlanOperation } from '../../controller/reconcile/index.ts';
import type { DesiredIntent } from '../../controller/resolve/index.ts';
import { renderPlan } from '../../controller/report/index.ts';
import type { PlanFormat } from '../../controller/report/index.ts';
import { ExitCode } from '../context.ts';
import { waitForNetBoxOption } from '../durations.ts';
import type { CliContext } from '../context.ts';
import { hasErrors, loadDesired } from './desired.ts';
import { isReviewPlan, planFormatOption, reviewOptions, runReviewPlan } from './plan-review.ts';
import type { ReviewPlanOptions } from './plan-review.ts';
import type { SourceOptions } from './desired.ts';

/** What `plan --out` writes: the plan and what it was made against (Terraform's saved plan). */
export interface SavedPlan {
  readonly kind: 'netbox-gitops-plan';
  readonly formatVersion: 1;
  readonly createdAt: string;
  readonly netboxUrl: string;
  /** sha256 of the plan's operations and references: the same intents against the same NetBox plan the same. */
  readonly fingerprint: string;
  readonly plan: Plan;
}

function fingerprintOf(plan: Plan): string {
  return createHash('sha256')
    .update(JSON.stringify({ operations: plan.operations, references: plan.references, netboxVersion: plan.netboxVersion }))
    .digest('hex');
}

function savedPlanOf(plan: Plan, netboxUrl: string): SavedPlan {
  return { kind: 'netbox-gitops-plan', formatVersion: 1, createdAt: new Date().toISOString(), netboxUrl, fingerprint: fingerprintOf(plan), plan };
}

export async function readSavedPlan(ctx: CliContext, file: string): Promise<SavedPlan> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    ctx.err.write(`error: cannot read the plan file ${file}: ${(error as Error).message}\n`);
    throw new ExitCode(1);
  }
  const p = parsed as Partial<SavedPlan> | null;
  if (!p || p.kind !== 'netbox-gitops-plan' || p.formatVersion !== 1 || typeof p.fingerprint !== 'string' || !p.plan) {
    ctx.err.write(`error: ${file} is not a plan saved by \`netbox-gitops plan --out\` (format 1)\n`);
    throw new ExitCode(1);
  }
  return p as SavedPlan;
}

/**
 * Terraform's stale-plan rule: a saved plan is applied only if planning again now gives exactly
 * it — same NetBox, and neither NetBox nor the intents changed in what the plan touches.
 */
export function refuseStalePlan(ctx: CliContext, saved: SavedPlan, now: Plan, netboxUrl: string, file: string): void {
  const reasons: string[] = [];
  if (saved.netboxUrl !== netboxUrl) reasons.push(`it was made for ${saved.netboxUrl}, not ${netboxUrl}`);
  if (saved.fingerprint !== fingerprintOf(now)) {
    const key = (op: PlanOperation): string => `${op.action} ${op.kind} ${op.identity}`;
    const before = new Set(saved.plan.operations.map(key));
    const after = new Set(now.operations.map(key));
    const gone = [...before].filter((k) => !after.has(k));
    const added = [...after].filter((k) => !before.has(k));
    const sample = [...gone.map((k) => `no longer: ${k}`), ...added.map((k) => `now also: ${k}`)].slice(0, 5);
    reasons.push(
      `NetBox or the intents changed since it was made (${saved.createdAt})${sample.length > 0 ? `: ${sample.join('; ')}` : ': the same operations now carry other values'}`,
    );
  }
  if (reasons.length === 0) return;
  ctx.err.write(
    `error: refusing to apply the saved plan ${file}: ${reasons.join('; ')}. Nothing was written; run \`netbox-gitops plan --out ${file}\` again.\n`,
  );
  throw new ExitCode(1);
}

interface PlanOptions extends SourceOptions, ReviewPlanOptions {
  /** Also save the plan to this file (`apply FILE`). */
  readonly out?: string;
  readonly json?: boolean;
  readonly format?: PlanFormat;
  readonly detailedExitcode?: boolean;
  /** --wait-for-netbox, in ms. */
  readonly waitForNetbox?: number;
}

/**
 * Loads and resolves the intents; a single invalid intent stops here, before NetBox is asked
 * anything. Suspended intents are left out.
 */
export async function desiredFor(ctx: CliContext, options: SourceOptions): Promise<DesiredIntent[]> {
  return (await applicableIntents(ctx, options)).desired;
}

/** The intents a plan or apply works on (suspended ones left out): documents and desired state. */
export async function applicableIntents(ctx: CliContext, options: SourceOptions): Promise<{ intents: Intent[]; desired: DesiredIntent[] }> {
  const { intents, desired, issues } = await loadDesired(ctx, options);
  for (const issue of issues) ctx.err.write(`${issue.severity}: ${formatIssue(issue)}\n`);
  if (hasErrors(issues)) {
    ctx.err.write('intents are invalid: nothing was read from or written to NetBox\n');
    throw new ExitCode(1);
  }
  const suspended = new Set(intents.filter((i) => i.intent.spec.suspend).map((i) => `${i.intent.kind}/${i.intent.metadata.name}`));
  for (const name of suspended) ctx.err.write(`skipping suspended intent ${name}\n`);
  return {
    intents: intents.map((i) => i.intent).filter((i) => !suspended.has(`${i.kind}/${i.metadata.name}`)),
    desired: desired.intents.filter((i) => !suspended.has(`${i.ref.kind}/${i.ref.name}`)),
  };
}

export function clientFor(ctx: CliContext, waitForNetBoxMs = 0): NetBoxClient {
  const config = ctx.config();
  return createNetBoxClient(netBoxClientOptionsFromConfig(config.netbox, { logger: ctx.logger(), waitForNetBoxMs }));
}

/** `netbox-gitops plan`: what apply would change in NetBox, as a readable diff, a pull-request comment or JSON. */
export function registerPlanCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('plan')
    .description('read NetBox (NETBOX_URL, NETBOX_TOKEN) and print what the intents would change, grouped by intent, vendor and device type')
    .option('--intents <dir>', 'folder of intent files (default: INTENTS_PATH)')
    .option('--library <dir>', 'devicetype-library folder (default: LIBRARY_PATH)')
    .option('--json', 'print the plan as JSON (what apply executes); the same as --format json')
    .addOption(planFormatOption())
    .option('--detailed-exitcode', 'exit 2 when the plan has changes, 0 when none, 1 on error')
    .option('--out <file>', 'also save the plan to FILE; `apply FILE` applies exactly it, or refuses if NetBox changed since')
    .addOption(waitForNetBoxOption());
  for (const option of reviewOptions()) command.addOption(option);
  command.action(async (options: PlanOptions) => {
    if (isReviewPlan(options)) return runReviewPlan(ctx, options);
    const intents = await desiredFor(ctx, options);
    const client = clientFor(ctx, options.waitForNetbox);
    try {
      const { plan } = await planIntents(netBoxPortFor(client), intents);
      ctx.out.write(renderPlan(plan, options.json ? 'json' : (options.format ?? 'text')));
      if (options.out) {
        await writeFile(options.out, `${JSON.stringify(savedPlanOf(plan, client.url), null, 2)}\n`);
        ctx.err.write(`saved the plan to ${options.out}; apply it with: netbox-gitops apply ${options.out}\n`);
      }
      if (options.detailedExitcode && plan.summary.changes > 0) throw new ExitCode(2);
    } finally {
      await client.close();
    }
  });
}
