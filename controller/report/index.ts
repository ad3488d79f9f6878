/**
 * Plans for review: the plan as a pull-request comment (Markdown, within GitHub's comment
 * limit), as JSON and as the terminal diff, with what a change touches and what a library
 * upgrade would bring. Renders the reconcile engine's plan JSON; knows nothing of NetBox.
 */
export { GITHUB_COMMENT_LIMIT, changeTotals, renderPlanMarkdown } from './markdown.ts';
export type { MarkdownLimits, MarkdownOptions } from './markdown.ts';
export { PLAN_FORMATS, renderPlan } from './render.ts';
export type { PlanFormat, RenderPlanOptions } from './render.ts';
export { REPORT_ACTIONS, countActions, describeCounts, summariseByIntent, writesIn } from './summary.ts';
export type { ActionCounts, IntentSummary, ReportAction } from './summary.ts';
export { code, escapeMarkdown, showValue } from './escape.ts';
export { LibraryChangesSchema, LibraryUpgradeReportSchema } from './schemas.ts';
export type * from './types.ts';
