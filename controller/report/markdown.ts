// A plan as a pull-request comment: a summary table per intent, then collapsible sections per
// intent, vendor and device type with every field's before → after. Long lists are cut with a
// count, and the whole comment is kept under a length limit (GitHub's 65,536 characters by
// default) by leaving out whole sections at the end and saying how many.
import type { Plan, PlanOperation } from '../reconcile/index.ts';
import { code, escapeMarkdown, showValue } from './escape.ts';
import { REPORT_ACTIONS, actionOf, countActions, describeCounts, summariseByIntent, writesIn } from './summary.ts';
import type { LibraryUpgradeReport, ReviewContext } from './types.ts';

/** GitHub's limit on the body of an issue or pull-request comment, in characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface MarkdownOptions {
  /** The longest comment to produce, in characters (UTF-16 code units, never fewer than GitHub counts). */
  readonly maxLength?: number;
  /** Heading of the comment. */
  readonly title?: string;
  /**
   * A hidden marker put first, e.g. `<!-- netbox-gitops-plan -->`, by which a CI job finds its
   * earlier comment to update it instead of adding another.
   */
  readonly marker?: string;
  readonly review?: ReviewContext;
  readonly libraryUpgrade?: LibraryUpgradeReport;
  /** The library revision the plan was made against, shown in the header. */
  readonly libraryRevision?: string;
  /** Rows, types or templates listed before a list is cut with a count. */
  readonly limits?: Partial<MarkdownLimits>;
}

export interface MarkdownLimits {
  /** Device and module types listed per vendor section. */
  readonly typesPerVendor: number;
  /** Templates listed per type. */
  readonly templatesPerType: number;
  /** Fields listed per object. */
  readonly fieldsPerObject: number;
  /** Warnings listed. */
  readonly warnings: number;
  /** Files or models listed per list of the library's own changes. */
  readonly libraryItems: number;
}

const DEFAULT_LIMITS: MarkdownLimits = { typesPerVendor: 100, templatesPerType: 50, fieldsPerObject: 40, warnings: 20, libraryItems: 30 };

const ICON: Readonly<Record<string, string>> = {
  create: '➕',
  update: '✏️',
  delete: '➖',
  extra: '⚠️',
  unmanaged: '❔',
  blocked: '⛔',
};

function icon(action: string): string {
  return ICON[action] ?? '•';
}

const short = (revision: string): string => (/^[0-9a-f]{40}$/.test(revision) ? revision.slice(0, 12) : revision);

/** `main (1a2b3c4d5e6f)`, or the short SHA alone when the ref is the SHA. */
const refText = (ref: string, revision: string): string => (ref === revision ? code(short(revision)) : `${code(ref)} (${code(short(revision))})`);

/** What was left out to stay under the length limit. */
interface CutCounts {
  intents: number;
  vendors: number;
  types: number;
  sections: number;
}

/**
 * Appends blocks while they fit in the budget. Once one does not fit, nothing more is added
 * (later, smaller blocks would make the cut look random); callers count what was left out.
 */
class Budget {
  private readonly parts: string[] = [];
  private used = 0;
  full = false;

  constructor(private readonly limit: number) {}

  /** Adds `text` if it fits with `reserve` characters kept free; returns whether it was added. */
  add(text: string, reserve = 0): boolean {
    if (this.full || this.used + text.length + reserve > this.limit) {
      this.full = true;
      return false;
    }
    this.parts.push(text);
    this.used += text.length;
    return true;
  }

  /** Adds text that must be there (closing tags, the cut notice): space for it was reserved. */
  force(text: string): void {
    this.parts.push(text);
    this.used += text.length;
  }

  get length(): number {
    return this.used;
  }

  toString(): string {
    return this.parts.join('');
  }
}

/** Room kept for closing tags and the cut notice, so they always fit. */
const RESERVE = 700;

/**
 * Renders a plan as GitHub/GitLab Markdown: at most `maxLength` characters, saying what was
 * cut. Names and values from intents, the library and NetBox are escaped and put in code
 * elements, so a model called `<b>|*x*` shows as written and never breaks the table.
 */
export function renderPlanMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const limit = Math.max(2_000, options.maxLength ?? GITHUB_COMMENT_LIMIT);
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const out = new Budget(limit);
  const cut: CutCounts = { intents: 0, vendors: 0, types: 0, sections: 0 };

  out.force(header(plan, options));
  if (options.review) out.add(reviewSection(options.review, limits), RESERVE);
  if (options.libraryUpgrade) {
    if (!out.add(upgradeSection(options.libraryUpgrade, limits), RESERVE)) cut.sections += 1;
  }
  if (!out.add(summaryTable(plan), RESERVE)) cut.sections += 1;
  if (plan.warnings.length > 0 && !out.add(warningsSection(plan.warnings, limits), RESERVE)) cut.sections += 1;

  for (const [intent, ops] of groupByIntent(plan)) {
    if (ops.length === 0) continue;
    if (out.full) {
      cut.intents += 1;
      continue;
    }
    const counts = countActions(ops);
    const mode = plan.intents.find((i) => `${i.ref.kind}/${i.ref.name}` === intent)?.mode;
    const open = `<details><summary><b>${escapeMarkdown(intent)}</b>${mode ? ` (${mode})` : ''}: ${describeCounts(counts)}</summary>\n\n`;
    const close = '</details>\n\n';
    if (!out.add(open, RESERVE + close.length)) {
      cut.intents += 1;
      continue;
    }
    for (const [vendor, vops] of groupByVendor(ops)) {
      if (out.full) {
        cut.vendors += 1;
        cut.types += typesIn(vops);
        continue;
      }
      renderVendor(out, vendor, vops, limits, cut);
    }
    out.force(close);
  }

  if (cut.intents + cut.vendors + cut.types + cut.sections > 0) out.force(cutNotice(cut, limit));
  return out.toString().trimEnd() + '\n';
}

function header(plan: Plan, options: MarkdownOptions): string {
  const lines: string[] = [];
  if (options.marker) lines.push(options.marker);
  lines.push(`### ${escapeMarkdown(options.title ?? 'netbox-gitops plan')}`, '');
  const facts = [`NetBox ${escapeMarkdown(plan.netboxVersion)}`];
  if (options.libraryRevision) facts.push(`library ${code(short(options.libraryRevision))}`);
  if (options.review) facts.push(`intents at ${refText(options.review.head, options.review.headRevision)}`);
  lines.push(facts.join(' · '), '');
  const counts = countActions(plan.operations);
  const extras = Object.entries(counts)
    .filter(([action]) => action !== 'create' && action !== 'update' && action !== 'delete')
    .map(([action, n]) => `${n} ${action}`);
  lines.push(
    `**Plan: ${counts.create ?? 0} to create, ${counts.update ?? 0} to update, ${counts.delete ?? 0} to delete** · ${plan.summary.unchanged} unchanged · ${extras.join(' · ')}`,
    '',
  );
  if (writesIn(counts) === 0) lines.push('NetBox already matches the intents for everything that apply would change.', '');
  return `${lines.join('\n')}\n`;
}

function reviewSection(review: ReviewContext, limits: MarkdownLimits): string {
  const lines = [
    `Change ${refText(review.base, review.baseRevision)} → ${refText(review.head, review.headRevision)} touches ${review.touched.length} intent${review.touched.length === 1 ? '' : 's'}; ${review.untouched} other intent${review.untouched === 1 ? ' is' : 's are'} not planned.`,
    '',
  ];
  const shown = review.touched.slice(0, limits.typesPerVendor);
  for (const t of shown) lines.push(`- ${t.change} ${code(t.intent)} in ${code(t.file)}`);
  if (review.touched.length > shown.length) lines.push(`- … ${review.touched.length - shown.length} more not listed`);
  return `${lines.join('\n')}\n\n`;
}

function summaryTable(plan: Plan): string {
  const rows = summariseByIntent(plan);
  const extraColumns = [...new Set(rows.flatMap((r) => Object.keys(r.counts)))].filter((a) => !(REPORT_ACTIONS as readonly string[]).includes(a));
  const columns = [...REPORT_ACTIONS, ...extraColumns];
  const lines = [`| intent | mode | ${columns.join(' | ')} |`, `| --- | --- | ${columns.map(() => '---:').join(' | ')} |`];
  for (const row of rows) lines.push(`| ${code(row.intent)} | ${escapeMarkdown(row.mode)} | ${columns.map((c) => String(row.counts[c] ?? 0)).join(' | ')} |`);
  return `${lines.join('\n')}\n\n`;
}

function warningsSection(warnings: readonly string[], limits: MarkdownLimits): string {
  const shown = warnings.slice(0, limits.warnings);
  const lines = [`<details><summary>${warnings.length} warning${warnings.length === 1 ? '' : 's'}</summary>`, ''];
  for (const w of shown) lines.push(`- ${escapeMarkdown(w)}`);
  if (warnings.length > shown.length) lines.push(`- … ${warnings.length - shown.length} more not shown`);
  return `${lines.join('\n')}\n\n</details>\n\n`;
}

function upgradeSection(report: LibraryUpgradeReport, limits: MarkdownLimits): string {
  const c = report.changes;
  const t = changeTotals(c);
  const lines = [
    `#### Library upgrade ${code(short(report.from))} → ${code(short(report.to))}`,
    '',
    `The library itself: ${t.added} files added, ${t.removed} removed, ${t.renamed} renamed, ${t.changed} models changed (${t.withTemplateChanges} with template changes), ${c.unchanged} unchanged.`,
    '',
    '| intent | would create | would update | would delete | other | no longer drift |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const e of report.effects) {
    if (e.error) {
      lines.push(`| ${code(e.intent)} | does not resolve: ${escapeMarkdown(e.error)} | | | | |`);
      continue;
    }
    const other = Object.entries(e.introduced)
      .filter(([a]) => a !== 'create' && a !== 'update' && a !== 'delete')
      .reduce((n, [, v]) => n + v, 0);
    lines.push(`| ${code(e.intent)} | ${e.introduced.create ?? 0} | ${e.introduced.update ?? 0} | ${e.introduced.delete ?? 0} | ${other} | ${e.resolved} |`);
  }
  lines.push('');
  const list = (title: string, items: readonly string[], total = items.length): void => {
    if (items.length === 0) return;
    const shown = items.slice(0, limits.libraryItems);
    lines.push(`<details><summary>${title} (${total})</summary>`, '');
    for (const item of shown) lines.push(`- ${item}`);
    if (total > shown.length) lines.push(`- … ${total - shown.length} more not shown`);
    lines.push('', '</details>', '');
  };
  list(
    'Files added',
    c.added.map((f) => `${code(f.file)} (${f.kind} ${code(`${f.manufacturer} ${f.model}`)})`),
    t.added,
  );
  list(
    'Files removed',
    c.removed.map((f) => `${code(f.file)} (${f.kind} ${code(`${f.manufacturer} ${f.model}`)})`),
    t.removed,
  );
  list(
    'Files renamed',
    c.renamed.map((r) => `${code(r.from.file)} → ${code(r.to.file)}`),
    t.renamed,
  );
  list(
    'Models changed',
    c.changed.map((m) => {
      const parts: string[] = [];
      if (m.fields.length > 0) parts.push(`fields ${m.fields.map((f) => code(f)).join(', ')}`);
      for (const t of m.templates) parts.push(`${escapeMarkdown(t.kind)} templates +${t.added.length} −${t.removed.length} ~${t.changed.length}`);
      return `${code(`${m.manufacturer} ${m.model}`)} (${code(m.file)}): ${parts.join('; ')}`;
    }),
    t.changed,
  );
  const samples = report.effects.flatMap((e) => e.sample.map((s) => `${code(e.intent)}: ${escapeMarkdown(s)}`));
  list('Changes the upgrade would bring (first of each intent)', samples);
  return `${lines.join('\n')}\n`;
}

/** Operations by the first intent that wants them, in the summary table's order. */
/** The counts of a library diff, also when its lists were shortened for storage. */
export function changeTotals(c: LibraryUpgradeReport['changes']): NonNullable<LibraryUpgradeReport['changes']['totals']> {
  return (
    c.totals ?? {
      added: c.added.length,
      removed: c.removed.length,
      renamed: c.renamed.length,
      changed: c.changed.length,
      withTemplateChanges: c.changed.filter((m) => m.templates.length > 0).length,
    }
  );
}

function groupByIntent(plan: Plan): Map<string, PlanOperation[]> {
  const byIntent = new Map<string, PlanOperation[]>();
  for (const row of summariseByIntent(plan)) byIntent.set(row.intent, []);
  for (const op of plan.operations) {
    // Shown once, under the first intent that wants it; the summary table counts it for each.
    const key = op.intents[0] ?? '(shared)';
    let list = byIntent.get(key);
    if (!list) byIntent.set(key, (list = []));
    list.push(op);
  }
  return byIntent;
}

function groupByVendor(ops: readonly PlanOperation[]): [string, PlanOperation[]][] {
  const byVendor = new Map<string, PlanOperation[]>();
  for (const op of ops) {
    let list = byVendor.get(op.vendor);
    if (!list) byVendor.set(op.vendor, (list = []));
    list.push(op);
  }
  return [...byVendor.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A device or module type with the operations on it and on its templates and images. */
interface TypeGroup {
  readonly kind: string;
  readonly identity: string;
  own?: PlanOperation;
  readonly children: PlanOperation[];
}

const isType = (op: PlanOperation): boolean => op.kind === 'device-type' || op.kind === 'module-type';

function typeGroups(ops: readonly PlanOperation[]): { groups: TypeGroup[]; loose: PlanOperation[] } {
  const groups = new Map<string, TypeGroup>();
  const loose: PlanOperation[] = [];
  const groupFor = (kind: string, identity: string): TypeGroup => {
    const key = `${kind}:${identity}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { kind, identity, children: [] }));
    return group;
  };
  for (const op of ops) {
    if (isType(op)) groupFor(op.kind, op.identity).own = op;
    else if (op.parent) groupFor(op.parent.kind, op.parent.identity).children.push(op);
    else loose.push(op);
  }
  return { groups: [...groups.values()], loose };
}

function typesIn(ops: readonly PlanOperation[]): number {
  return typeGroups(ops).groups.length;
}

function renderVendor(out: Budget, vendor: string, ops: readonly PlanOperation[], limits: MarkdownLimits, cut: CutCounts): void {
  const { groups, loose } = typeGroups(ops);
  const counts = countActions(ops);
  const open = `<details><summary>${vendor ? code(vendor) : '(no vendor)'} — ${groups.length} type${groups.length === 1 ? '' : 's'}: ${describeCounts(counts)}</summary>\n\n`;
  const close = '</details>\n\n';
  if (!out.add(open, RESERVE + close.length)) {
    cut.vendors += 1;
    cut.types += groups.length;
    return;
  }
  if (loose.length > 0) {
    const lines = loose.map((op) => `- ${objectLine(op)}${fieldSuffix(op)}`);
    if (!out.add(`${lines.join('\n')}\n\n`, RESERVE + close.length)) cut.sections += 1;
  }
  const shown = groups.slice(0, limits.typesPerVendor);
  for (const group of shown) {
    if (!out.add(typeBlock(group, limits), RESERVE + close.length)) cut.types += 1;
  }
  if (groups.length > shown.length) {
    const more = `… ${groups.length - shown.length} more types of this vendor not listed (${limits.typesPerVendor} per vendor).\n\n`;
    if (!out.add(more, RESERVE + close.length)) cut.types += groups.length - shown.length;
  }
  out.force(close);
}

function objectLine(op: PlanOperation): string {
  const action = actionOf(op);
  return `${icon(action)} **${action}** ${escapeMarkdown(op.kind)} ${code(op.identity)}${op.reason ? ` — ${escapeMarkdown(op.reason)}` : ''}`;
}

/** Inline `field: before → after` for objects shown as one line. */
function fieldSuffix(op: PlanOperation): string {
  const changes = Object.entries(op.changes ?? {});
  if (changes.length === 0) return '';
  const shown = changes.slice(0, 5).map(([field, c]) => `${code(field)} ${code(showValue(c.before, 60))} → ${code(showValue(c.after, 60))}`);
  return `: ${shown.join(', ')}${changes.length > shown.length ? `, … ${changes.length - shown.length} more fields` : ''}`;
}

function typeBlock(group: TypeGroup, limits: MarkdownLimits): string {
  const own = group.own;
  const action = own ? actionOf(own) : 'update';
  const childCounts = countActions(group.children);
  const childText = group.children.length > 0 ? ` — templates: ${describeCounts(childCounts)}` : '';
  const title = own
    ? `${icon(action)} <b>${action}</b> ${escapeMarkdown(group.kind)} ${code(group.identity)}${childText}`
    : `${icon('update')} ${escapeMarkdown(group.kind)} ${code(group.identity)} (components only)${childText}`;
  const lines = [`<details><summary>${title}</summary>`, ''];
  if (own?.reason) lines.push(`${escapeMarkdown(own.reason)}`, '');
  if (own) lines.push(...fieldTable(own, limits));
  lines.push(...childList(own, group.children, limits));
  lines.push('</details>', '');
  return `${lines.join('\n')}\n`;
}

/** Field table of one object: before → after for updates, the values for creates and deletes. */
function fieldTable(op: PlanOperation, limits: MarkdownLimits): string[] {
  let rows: [string, unknown, unknown][];
  if (op.changes && Object.keys(op.changes).length > 0) rows = Object.entries(op.changes).map(([f, c]) => [f, c.before, c.after]);
  else if (actionOf(op) === 'create' && op.desired) rows = Object.entries(op.desired).map(([f, v]) => [f, undefined, v]);
  else if (op.before) rows = Object.entries(op.before).map(([f, v]) => [f, v, undefined]);
  else return [];
  if (rows.length === 0) return [];
  const shown = rows.slice(0, limits.fieldsPerObject);
  const lines = ['| field | before | after |', '| --- | --- | --- |'];
  for (const [field, before, after] of shown) lines.push(`| ${code(field)} | ${cell(before)} | ${cell(after)} |`);
  if (rows.length > shown.length) lines.push(`| … ${rows.length - shown.length} more fields | | |`);
  return [...lines, ''];
}

function cell(value: unknown): string {
  return value === undefined ? '' : code(showValue(value));
}

function childList(own: PlanOperation | undefined, children: readonly PlanOperation[], limits: MarkdownLimits): string[] {
  if (children.length === 0) return [];
  // A type being created brings all its templates: a count per kind says more than 48 lines.
  if (own && actionOf(own) === 'create' && children.every((c) => actionOf(c) === 'create')) {
    const byKind = new Map<string, number>();
    for (const c of children) byKind.set(c.kind, (byKind.get(c.kind) ?? 0) + 1);
    return [`${icon('create')} ${[...byKind.entries()].map(([k, n]) => `${n} ${escapeMarkdown(k)}${n === 1 ? '' : 's'}`).join(', ')}`, ''];
  }
  const shown = children.slice(0, limits.templatesPerType);
  const prefix = (op: PlanOperation): string => (op.parent ? op.identity.slice(op.parent.identity.length + 1) : op.identity);
  const lines = shown.map((c) => {
    const action = actionOf(c);
    return `- ${icon(action)} **${action}** ${escapeMarkdown(c.kind)} ${code(prefix(c))}${c.reason ? ` — ${escapeMarkdown(c.reason)}` : ''}${fieldSuffix(c)}`;
  });
  if (children.length > shown.length)
    lines.push(`- … ${children.length - shown.length} more template changes not listed (${limits.templatesPerType} per type)`);
  return [...lines, ''];
}

function cutNotice(cut: CutCounts, limit: number): string {
  const parts: string[] = [];
  if (cut.sections > 0) parts.push(`${cut.sections} summary section${cut.sections === 1 ? '' : 's'}`);
  if (cut.types > 0) parts.push(`${cut.types} device/module type${cut.types === 1 ? '' : 's'}`);
  if (cut.vendors > 0) parts.push(`${cut.vendors} vendor section${cut.vendors === 1 ? '' : 's'}`);
  if (cut.intents > 0) parts.push(`${cut.intents} intent section${cut.intents === 1 ? '' : 's'}`);
  return `\n> ✂️ **Cut to stay under ${limit.toLocaleString('en-US')} characters:** not shown: ${parts.join(', ')}. The summary table counts everything; run \`netbox-gitops plan\` (or \`--format json\`) for the whole plan.\n`;
}
