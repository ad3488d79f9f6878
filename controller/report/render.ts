import { formatPlan } from '../reconcile/index.ts';
import type { Plan } from '../reconcile/index.ts';
import { changeTotals, renderPlanMarkdown } from './markdown.ts';
import type { MarkdownOptions } from './markdown.ts';
import { describeCounts } from './summary.ts';
import type { LibraryUpgradeReport, ReviewContext } from './types.ts';

/** The output formats of `plan --format`. */
export const PLAN_FORMATS = ['text', 'markdown', 'json'] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

export interface RenderPlanOptions extends MarkdownOptions {
  readonly review?: ReviewContext;
  readonly libraryUpgrade?: LibraryUpgradeReport;
}

/**
 * A plan in one of the review formats. `json` is the plan as apply executes it, with `review`
 * and `libraryUpgrade` beside it when given; `text` is the terminal diff; `markdown` a
 * pull-request comment (see renderPlanMarkdown).
 */
export function renderPlan(plan: Plan, format: PlanFormat, options: RenderPlanOptions = {}): string {
  if (format === 'markdown') return renderPlanMarkdown(plan, options);
  if (format === 'json') {
    const extra = {
      ...(options.review ? { review: options.review } : {}),
      ...(options.libraryUpgrade ? { libraryUpgrade: options.libraryUpgrade } : {}),
    };
    return `${JSON.stringify({ ...plan, ...extra }, null, 2)}\n`;
  }
  const lines: string[] = [];
  if (options.review) lines.push(...reviewText(options.review), '');
  if (options.libraryUpgrade) lines.push(...upgradeText(options.libraryUpgrade), '');
  lines.push(formatPlan(plan));
  return `${lines.join('\n')}\n`;
}

function reviewText(review: ReviewContext): string[] {
  const lines = [
    `change ${review.base} (${review.baseRevision.slice(0, 12)}) -> ${review.head} (${review.headRevision.slice(0, 12)}): ${review.touched.length} intents touched, ${review.untouched} not planned`,
  ];
  for (const t of review.touched) lines.push(`  ${t.change} ${t.intent} (${t.file})`);
  return lines;
}

function upgradeText(report: LibraryUpgradeReport): string[] {
  const c = report.changes;
  const t = changeTotals(c);
  const lines = [
    `library upgrade ${report.from} -> ${report.to}`,
    `  library: ${t.added} files added, ${t.removed} removed, ${t.renamed} renamed, ${t.changed} models changed (${t.withTemplateChanges} with template changes), ${c.unchanged} unchanged`,
  ];
  for (const f of c.added) lines.push(`  + ${f.file}`);
  for (const f of c.removed) lines.push(`  - ${f.file}`);
  for (const r of c.renamed) lines.push(`  > ${r.from.file} -> ${r.to.file}`);
  for (const m of c.changed) {
    const parts = [
      ...(m.fields.length > 0 ? [`fields ${m.fields.join(', ')}`] : []),
      ...m.templates.map((t) => `${t.kind} +${t.added.length} -${t.removed.length} ~${t.changed.length}`),
    ];
    lines.push(`  ~ ${m.file}: ${parts.join('; ')}`);
  }
  for (const e of report.effects) {
    lines.push(
      e.error
        ? `  ${e.intent}: does not resolve at ${report.to}: ${e.error}`
        : `  ${e.intent}: the upgrade brings ${describeCounts(e.introduced)}; ${e.resolved} current differences go away`,
    );
  }
  return lines;
}
