// PromQL as the chart's alerts and dashboard use it, checked without a Prometheus: expressions
// are parsed with Prometheus' own grammar (@prometheus-io/lezer-promql, the one its web UI uses)
// and their metric and label names compared with what this project's /metrics exports.
import { parser } from '@prometheus-io/lezer-promql';
import { getMetrics } from '../../controller/metrics/index.ts';

/** Labels Prometheus adds to every scraped series (ServiceMonitor target labels). */
export const TARGET_LABELS: ReadonlySet<string> = new Set(['namespace', 'pod', 'job', 'instance', 'service', 'endpoint', 'container']);

/** What one PromQL expression refers to. */
export interface PromQLReferences {
  /** Offsets of syntax errors (empty when the expression parses). */
  readonly errors: readonly number[];
  /** Metric names of the vector selectors. */
  readonly metrics: readonly string[];
  /** Label names in matchers, by/without and on/ignoring/group_* clauses. */
  readonly labels: readonly string[];
}

/** Parses `expr` and lists the metric and label names it uses. */
export function promqlReferences(expr: string): PromQLReferences {
  const errors: number[] = [];
  const metrics: string[] = [];
  const labels: string[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) errors.push(node.from);
      else if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') metrics.push(expr.slice(node.from, node.to));
      else if (node.name === 'LabelName') labels.push(expr.slice(node.from, node.to));
    },
  });
  return { errors, metrics, labels };
}

/** A series name /metrics exports, with the label names its samples carry. */
export interface ExportedSeries {
  readonly type: string;
  readonly labels: ReadonlySet<string>;
}

/**
 * Every series name the prom-client registry of controller/metrics exports, read from the
 * rendered /metrics text (`# TYPE` lines; a histogram gives `_bucket`, `_sum` and `_count`),
 * with each metric's label names.
 */
export async function exportedSeries(): Promise<ReadonlyMap<string, ExportedSeries>> {
  const { registry } = getMetrics();
  const text = await registry.metrics();
  const series = new Map<string, ExportedSeries>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = match as unknown as [string, string, string];
    const metric = registry.getSingleMetric(name) as unknown as { labelNames?: readonly string[] } | undefined;
    const labels = new Set(metric?.labelNames ?? []);
    if (type === 'histogram' || type === 'summary') {
      series.set(`${name}_bucket`, { type, labels: new Set([...labels, 'le']) });
      series.set(`${name}_sum`, { type, labels });
      series.set(`${name}_count`, { type, labels });
      if (type === 'summary') series.set(name, { type, labels: new Set([...labels, 'quantile']) });
    } else {
      series.set(name, { type, labels });
    }
  }
  return series;
}

/**
 * Problems of one expression: a syntax error, a metric /metrics does not export, a label none of
 * its metrics carries (nor Prometheus' target labels). Empty when it is fine.
 */
export function checkExpression(expr: string, exported: ReadonlyMap<string, ExportedSeries>): string[] {
  const refs = promqlReferences(expr);
  const problems: string[] = [];
  if (refs.errors.length > 0) problems.push(`syntax error at offset ${refs.errors[0]}: …${expr.slice(refs.errors[0], (refs.errors[0] ?? 0) + 40)}`);
  if (refs.metrics.length === 0) problems.push('names no metric');
  const known = new Set(TARGET_LABELS);
  for (const metric of refs.metrics) {
    const series = exported.get(metric);
    if (series === undefined) problems.push(`metric ${metric} is not exported`);
    else for (const label of series.labels) known.add(label);
  }
  for (const label of refs.labels) if (!known.has(label)) problems.push(`label ${label} is on none of ${refs.metrics.join(', ')}`);
  return problems;
}
