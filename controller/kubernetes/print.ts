// Tables as kubectl prints them: custom resources by their CRD's printer columns
// (`kubectl get dts`), and intents of any source (`netbox-gitops get`).
import { renderCustomResourceDefinition } from '../intents/index.ts';
import type { IntentKind } from '../intents/index.ts';
import type { IntentResource } from './resources.ts';

/** `5s`, `3m`, `2h`, `4d` as kubectl shows ages (two units while short: `2m30s`, `5h10m`). */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

/** Left-aligned columns separated by three spaces, as kubectl does. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('   ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

interface PrinterColumn {
  readonly name: string;
  readonly type: string;
  readonly jsonPath: string;
  readonly priority?: number;
}

function columnsOf(kind: IntentKind): PrinterColumn[] {
  const crd = renderCustomResourceDefinition(kind) as { spec: { versions: { additionalPrinterColumns: PrinterColumn[] }[] } };
  return crd.spec.versions[0]?.additionalPrinterColumns ?? [];
}

/** Evaluates the JSONPath forms our printer columns use: `.a.b` and `.a[?(@.k=="v")].c`. */
function evaluate(resource: unknown, path: string): unknown {
  let current: unknown = resource;
  for (const part of path.match(/\.[^.[]+|\[\?\(@\.[^)]*\)\]/g) ?? []) {
    if (current === null || current === undefined) return undefined;
    const filter = /^\[\?\(@\.([A-Za-z0-9_]+)=="([^"]*)"\)\]$/.exec(part);
    if (filter) {
      current = Array.isArray(current) ? current.find((item: Record<string, unknown>) => item?.[filter[1] ?? ''] === filter[2]) : undefined;
    } else {
      current = (current as Record<string, unknown>)[part.slice(1)];
    }
  }
  return current;
}

/** `kubectl get <plural>` output for these resources (NAME, then the default printer columns; NAMESPACE first with `allNamespaces`). */
export function printResources(
  kind: IntentKind,
  resources: readonly IntentResource[],
  options: { now?: Date; allNamespaces?: boolean; wide?: boolean } = {},
): string {
  const now = (options.now ?? new Date()).getTime();
  const columns = columnsOf(kind).filter((column) => options.wide || (column.priority ?? 0) === 0);
  const header = [...(options.allNamespaces ? ['NAMESPACE'] : []), 'NAME', ...columns.map((column) => column.name.toUpperCase())];
  const rows = resources.map((resource) => [
    ...(options.allNamespaces ? [resource.metadata.namespace ?? ''] : []),
    resource.metadata.name,
    ...columns.map((column) => {
      const value = evaluate(resource, column.jsonPath);
      if (value === undefined || value === null) return '';
      if (column.type === 'date') return formatAge(now - Date.parse(String(value)));
      return String(value);
    }),
  ]);
  return renderTable(header, rows);
}
