// preview_library_upgrade: what taking a new devicetype-library revision would do to NetBox,
// per intent, and what changed in the library itself. With `record`, the intents the upgrade
// would move (those pinned to an older revision) get an "upgrade available" entry and a
// notification instead of a reconcile.
import { z } from 'zod';
import type { Catalogue } from '../catalogue/index.ts';
import { ResourceError } from '../errors/index.ts';
import { INTENT_KINDS, LIBRARY_REF_PATTERN } from '../intents/index.ts';
import type { Intent } from '../intents/index.ts';
import { readStepOutput } from '../engine/index.ts';
import { changeTotals, describeCounts, LibraryChangesSchema, LibraryUpgradeReportSchema } from '../report/index.ts';
import type { LibraryChanges, LibraryUpgradeReport } from '../report/index.ts';
import { capLibraryChanges, previewLibraryUpgrade } from '../upgrade/index.ts';
import type { StepContext, WorkflowDefinition } from './definition.ts';
import { catalogueFor } from './library-pin.ts';
import { listActiveIntents, recordLibraryUpgrade, toJson } from '../store/index.ts';
import type { JsonObject } from '../store/index.ts';

const MAX_LISTED = 200;
const REPORT = 'report';
const CHANGES = 'changesByFrom';

/** What the record step reads of the preview step's output. */
const PreviewOutput = z.looseObject({ report: LibraryUpgradeReportSchema, changesByFrom: z.record(z.string(), LibraryChangesSchema).default({}) });

const PreviewForm = z
  .strictObject({
    ref: z
      .string()
      .max(200)
      .regex(LIBRARY_REF_PATTERN, { error: 'expected a Git ref (tag, branch, commit SHA) or a content revision sha256:<64 hex digits>' })
      .optional()
      .describe('Library revision to preview: a Git ref or a content revision; default the newest revision of the library source'),
    intents: z
      .array(z.strictObject({ kind: z.enum(INTENT_KINDS), name: z.string().min(1).max(253) }))
      .max(1000)
      .optional()
      .describe('Intents to preview; default every active intent'),
    record: z.boolean().default(false).describe('Record an "upgrade available" entry (and notify) for each intent the upgrade would move'),
  })
  .meta({ title: 'Preview a library upgrade', description: 'Plan intents against NetBox as if the devicetype-library were at another revision' });
type PreviewFormValue = z.output<typeof PreviewForm>;

async function targetCatalogue(ctx: StepContext, ref: string | undefined): Promise<Catalogue> {
  if (!ctx.library.at)
    throw new ResourceError("this worker's library source serves only its current revision; previews need a cached or Git library", ref ?? 'latest');
  if (ref !== undefined) return ctx.library.at(ref);
  // The source's newest revision, whatever a pin says.
  const { revision } = await ctx.library.refresh();
  return ctx.library.at(revision);
}

async function chosenIntents(ctx: StepContext, form: PreviewFormValue): Promise<{ kind: string; name: string }[]> {
  if (form.intents) return form.intents;
  return listActiveIntents(ctx.db());
}

/** The report (this run's, or the preview step's stored one after a resume). */
function reportOf(ctx: StepContext): LibraryUpgradeReport {
  const kept = ctx.memory.get(REPORT) as LibraryUpgradeReport | undefined;
  return kept ?? readStepOutput(ctx, 'preview', PreviewOutput).report;
}

/** Library changes per revision the intents are on (this run's, or the preview step's stored ones). */
function changesOf(ctx: StepContext): Record<string, LibraryChanges> {
  const kept = ctx.memory.get(CHANGES) as Record<string, LibraryChanges> | undefined;
  return kept ?? readStepOutput(ctx, 'preview', PreviewOutput).changesByFrom;
}

export const previewLibraryUpgradeWorkflow: WorkflowDefinition<PreviewFormValue> = {
  name: 'preview_library_upgrade',
  target: 'SYSTEM',
  description:
    'Plan intents against NetBox as if the devicetype-library were at another revision: per-intent effect and the library\'s own changes; optionally record "upgrade available"',
  form: PreviewForm,
  steps: [
    {
      name: 'preview',
      async run(ctx): Promise<JsonObject> {
        const form = ctx.form as PreviewFormValue;
        const to = await targetCatalogue(ctx, form.ref);
        await ctx.setRevisions({ libraryRevision: to.revision });
        const targets: { input: { intent: Intent }; from: Catalogue }[] = [];
        const skipped: JsonObject[] = [];
        for (const ref of await chosenIntents(ctx, form)) {
          const stored = await ctx.intents.get(ref.kind as Intent['kind'], ref.name);
          if (!stored || stored.status === 'invalid' || stored.status === 'removed') {
            skipped.push({ intent: `${ref.kind}/${ref.name}`, reason: stored ? `the intent is ${stored.status}` : 'not in the intent store' });
            continue;
          }
          targets.push({ input: { intent: stored.intent }, from: await catalogueFor(ctx.library, stored.intent) });
        }
        // The library changes shown are those from the revision the intents are on, when they share one.
        const froms = new Set(targets.map((t) => t.from.revision));
        const base = froms.size === 1 ? (targets[0] as { from: Catalogue }).from : await ctx.library.current();
        const { report, plan, changesByFrom } = await previewLibraryUpgrade(ctx.netbox, targets, base, to, { concurrency: ctx.tuning.applyConcurrency });
        const stored: LibraryUpgradeReport = { ...report, changes: capLibraryChanges(report.changes, MAX_LISTED) };
        const changes = Object.fromEntries([...changesByFrom].map(([from, c]) => [from, capLibraryChanges(c, MAX_LISTED)]));
        ctx.memory.set(REPORT, stored);
        ctx.memory.set(CHANGES, changes);
        return {
          to: to.revision,
          base: base.revision,
          intents: targets.length,
          skipped,
          planSummary: toJson(plan.summary),
          report: toJson(stored),
          changesByFrom: toJson(changes),
        };
      },
    },
    {
      name: 'record',
      async run(ctx): Promise<JsonObject> {
        const form = ctx.form as PreviewFormValue;
        if (!form.record) return { recorded: 0, reason: 'record was not asked for' };
        const report = reportOf(ctx);
        const changesByFrom = changesOf(ctx);
        let recorded = 0;
        let notified = 0;
        for (const effect of report.effects) {
          // Only intents the upgrade would move: those on another revision than the new one.
          if (effect.from === report.to) continue;
          const [kind, name] = effect.intent.split('/') as [string, string];
          const changes = changesByFrom[effect.from] ?? report.changes;
          const result = await recordLibraryUpgrade(ctx.db(), {
            intent: { kind, name },
            from: effect.from,
            to: report.to,
            effect,
            changes,
            processId: ctx.process.id,
          });
          if (!result.recorded) continue;
          recorded += 1;
          if (!result.created) continue;
          notified += 1;
          await ctx.notice({
            type: 'library.upgrade_available',
            intent: { kind: kind as Intent['kind'], name },
            summary: effect.error
              ? `${effect.intent}: the devicetype-library at ${report.to.slice(0, 12)} no longer resolves this intent: ${effect.error}`
              : `${effect.intent}: devicetype-library ${report.to.slice(0, 12)} is available (pinned at ${effect.from.slice(0, 12)}); taking it would bring ${describeCounts(effect.introduced)}`,
            details: {
              from: effect.from,
              to: report.to,
              introduced: effect.introduced as JsonObject,
              resolved: effect.resolved,
              sample: [...effect.sample],
              libraryChanges: changeCounts(changes),
              ...(effect.error ? { error: effect.error } : {}),
            },
          });
        }
        return { recorded, notified };
      },
    },
  ],
};

function changeCounts(c: LibraryChanges): JsonObject {
  return { ...changeTotals(c) };
}
