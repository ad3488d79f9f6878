import type { Classification, FieldDifference, OnboardingReport, SummaryRow, TemplateDifference, TypeReport } from './types.ts';

const COLUMNS: readonly { readonly key: keyof SummaryRow; readonly title: string }[] = [
  { key: 'manufacturer', title: 'manufacturer' },
  { key: 'types', title: 'types' },
  { key: 'identical', title: 'identical' },
  { key: 'differs', title: 'differs' },
  { key: 'templates', title: 'extra/missing templates' },
  { key: 'renamed', title: 'renamed' },
  { key: 'notInLibrary', title: 'not in library' },
  { key: 'owned', title: 'already managed' },
];

function totalsRow(report: OnboardingReport): SummaryRow {
  const sum = (c: Classification): number => report.summary.deviceTypes[c] + report.summary.moduleTypes[c];
  return {
    manufacturer: 'total',
    types: report.deviceTypes.length + report.moduleTypes.length,
    identical: sum('identical'),
    differs: sum('differs'),
    templates: sum('templates'),
    renamed: sum('renamed'),
    notInLibrary: sum('not-in-library'),
    owned: report.summary.owned,
  };
}

/** The summary as a plain-text table (what init prints): one row per manufacturer and a total. */
export function formatSummaryTable(report: OnboardingReport): string {
  const rows = [...report.summary.rows, totalsRow(report)];
  const cells = rows.map((row) => COLUMNS.map((c) => String(row[c.key])));
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (values: readonly string[]): string =>
    values
      .map((v, i) => (i === 0 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = [line(COLUMNS.map((c) => c.title)), line(widths.map((w) => '-'.repeat(w)))];
  cells.forEach((r, i) => {
    if (i === cells.length - 1) out.push(line(widths.map((w) => '-'.repeat(w))));
    out.push(line(r));
  });
  return out.join('\n');
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'unset';
  if (typeof value === 'string') return JSON.stringify(value);
  return JSON.stringify(value);
}

/** `u_height 2 → 1` for each field: NetBox's value first, the library's second. */
export function describeFields(fields: readonly FieldDifference[]): string {
  return fields.map((f) => `${f.field} ${show(f.netbox)} → ${show(f.library)}`).join(', ');
}

/** `interfaces: 2 missing (eth2, eth3), 1 extra (mgmt1), 1 differs (eth0: type ...)`, per kind. */
export function describeTemplates(templates: readonly TemplateDifference[], limit = 5): string {
  const byKind = new Map<string, TemplateDifference[]>();
  for (const t of templates) {
    let list = byKind.get(t.kind);
    if (!list) byKind.set(t.kind, (list = []));
    list.push(t);
  }
  const parts: string[] = [];
  for (const [kind, list] of byKind) {
    const pieces: string[] = [];
    for (const change of ['missing', 'extra', 'differs'] as const) {
      const some = list.filter((t) => t.change === change);
      if (some.length === 0) continue;
      const names = some.slice(0, limit).map((t) => (change === 'differs' && t.fields ? `${t.name}: ${describeFields(t.fields)}` : t.name));
      const more = some.length > limit ? `, +${some.length - limit} more` : '';
      pieces.push(
        `${some.length} ${change === 'missing' ? 'missing in NetBox' : change === 'extra' ? 'only in NetBox' : 'differ'} (${names.join('; ')}${more})`,
      );
    }
    parts.push(`${kind} templates: ${pieces.join(', ')}`);
  }
  return parts.join('; ');
}

const HEADINGS: Readonly<Record<Classification, string>> = {
  identical: 'Identical to the library',
  differs: 'Differ from the library',
  templates: 'Extra or missing templates',
  renamed: 'Renamed models',
  'not-in-library': 'Not in the library',
};

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function typeLine(t: TypeReport): string {
  const cells = [
    `${t.manufacturerName} / ${t.model}`,
    t.kind,
    t.library ? `\`${t.library.file}\`${t.library.matchedBy !== 'model' || t.library.model !== t.model ? ` (by ${t.library.matchedBy})` : ''}` : '—',
    [t.fields.length > 0 ? describeFields(t.fields) : '', t.templates.length > 0 ? describeTemplates(t.templates) : ''].filter(Boolean).join('; ') || '—',
    t.intent
      ? `${t.intent.as === 'library' ? 'library reference' : 'custom'} in ${t.intent.intent}`
      : t.owned
        ? `already managed (${t.ownedBy.join(', ') || 'netbox-gitops'})`
        : '—',
  ];
  return `| ${cells.map(escapeCell).join(' | ')} |`;
}

/** The full report as Markdown: summary table, then every type by classification. */
export function renderMarkdown(report: OnboardingReport): string {
  const lines: string[] = [
    '# NetBox onboarding report',
    '',
    `NetBox ${report.netboxVersion}, devicetype-library revision \`${report.libraryRevision}\`. ` +
      `${report.summary.manufacturers} manufacturers, ${report.deviceTypes.length} device types, ${report.moduleTypes.length} module types. ` +
      'Differences read NetBox → library.',
    '',
    '## Summary',
    '',
    `| ${COLUMNS.map((c) => c.title).join(' | ')} |`,
    `| ${COLUMNS.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
  ];
  for (const row of [...report.summary.rows, totalsRow(report)]) {
    lines.push(`| ${COLUMNS.map((c) => escapeCell(String(row[c.key]))).join(' | ')} |`);
  }
  const manufacturers = report.manufacturers.filter((m) => m.classification !== 'identical');
  if (manufacturers.length > 0) {
    lines.push('', '## Manufacturers', '', '| manufacturer | slug | library | differences |', '| --- | --- | --- | --- |');
    for (const m of manufacturers) {
      lines.push(
        `| ${escapeCell(m.name)} | ${m.slug} | ${m.library ? escapeCell(`${m.library.name} (${m.library.slug})`) : 'not in the library'} | ${escapeCell(describeFields(m.fields) || '—')} |`,
      );
    }
  }
  const types = [...report.deviceTypes, ...report.moduleTypes];
  for (const classification of ['differs', 'templates', 'renamed', 'not-in-library', 'identical'] as const) {
    const some = types.filter((t) => t.classification === classification);
    if (some.length === 0) continue;
    lines.push(
      '',
      `## ${HEADINGS[classification]} (${some.length})`,
      '',
      '| type | kind | library file | differences (NetBox → library) | intent |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const t of some) lines.push(typeLine(t));
  }
  return `${lines.join('\n')}\n`;
}
