// The chart's Grafana dashboard (grafanaDashboard.enabled): a ConfigMap the Grafana sidecar picks
// up, holding dashboards/netbox-gitops.json, whose every query parses as PromQL and names only
// metrics and labels /metrics exports, and which shows every netbox_gitops_ metric.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHART_DIR, renderChart } from './chart.ts';
import { checkExpression, exportedSeries, promqlReferences } from './promql.ts';
import type { ExportedSeries } from './promql.ts';

interface Target {
  readonly expr: string;
  readonly refId: string;
  readonly datasource?: { readonly uid: string };
}

interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly description?: string;
  readonly datasource?: { readonly type: string; readonly uid: string };
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly targets?: readonly Target[];
  readonly panels?: readonly Panel[];
}

interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly panels: readonly Panel[];
  readonly templating: { readonly list: readonly { readonly name: string; readonly type: string; readonly query: string | { readonly query: string } }[] };
}

const FILE = join(CHART_DIR, 'dashboards', 'netbox-gitops.json');
const dashboard = JSON.parse(readFileSync(FILE, 'utf8')) as Dashboard;
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const queries = panels.filter((p) => p.type !== 'row');

/** A Grafana query as Prometheus receives it: dashboard variables replaced by sample values. */
function asPromQL(expr: string): string {
  return expr.replace(/\$__(rate_interval|interval|range)\b/g, '5m').replace(/\$\{?(namespace|intent)\}?/g, 'x');
}

describe('Grafana dashboard', () => {
  let exported: ReadonlyMap<string, ExportedSeries>;
  beforeAll(async () => {
    exported = await exportedSeries();
  });

  it('is off by default; on, a ConfigMap with the sidecar label holds the dashboard file as it is', () => {
    expect(renderChart().objects.filter((o) => o.metadata.name.endsWith('-dashboard'))).toEqual([]);
    const chart = renderChart({ grafanaDashboard: { enabled: true, annotations: { grafana_folder: 'NetBox' } } }, { name: 'prod', namespace: 'infra' });
    const configMap = chart.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'prod-netbox-gitops-dashboard');
    expect(configMap?.metadata).toMatchObject({
      namespace: 'infra',
      labels: { grafana_dashboard: '1', 'app.kubernetes.io/instance': 'prod' },
      annotations: { grafana_folder: 'NetBox' },
    });
    const data = configMap?.data as Record<string, string>;
    expect(Object.keys(data)).toEqual(['netbox-gitops.json']);
    expect(JSON.parse(data['netbox-gitops.json'] as string)).toEqual(dashboard);
    const elsewhere = renderChart({ grafanaDashboard: { enabled: true, namespace: 'monitoring' } }).objects.find((o) => o.metadata.name.endsWith('-dashboard'));
    expect(elsewhere?.metadata.namespace).toBe('monitoring');
  });

  it('has a stable uid, unique panel ids, and panels inside the 24-column grid', () => {
    expect(dashboard).toMatchObject({ uid: 'netbox-gitops', title: 'netbox-gitops' });
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels) {
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
      expect(panel.gridPos.h, panel.title).toBeGreaterThan(0);
    }
  });

  it('every panel queries the chosen Prometheus data source and says what it shows', () => {
    expect(dashboard.templating.list.find((v) => v.name === 'datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(queries.length).toBeGreaterThan(15);
    for (const panel of queries) {
      expect(panel.datasource?.uid, panel.title).toBe('${datasource}');
      expect(panel.description, panel.title).toBeTruthy();
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.datasource?.uid, panel.title).toBe('${datasource}');
    }
  });

  it("every panel's PromQL parses and names only metrics and labels /metrics exports", () => {
    for (const panel of queries) {
      for (const target of panel.targets ?? []) {
        expect(checkExpression(asPromQL(target.expr), exported), `${panel.title} ${target.refId}: ${target.expr}`).toEqual([]);
      }
    }
  });

  it('the variables read labels that exist, from metrics every process exports', () => {
    for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
      const query = typeof variable.query === 'string' ? variable.query : variable.query.query;
      const match = /^label_values\((.+), (\w+)\)$/.exec(query);
      expect(match, `${variable.name}: ${query}`).not.toBeNull();
      const [, selector, label] = match as unknown as [string, string, string];
      expect(checkExpression(asPromQL(selector), exported), variable.name).toEqual([]);
      const [metric] = promqlReferences(asPromQL(selector)).metrics;
      expect(['namespace', ...(exported.get(metric as string)?.labels ?? [])], variable.name).toContain(label);
    }
  });

  it('shows every netbox_gitops_ metric of this project and the concerns the issue names', () => {
    const used = new Set(queries.flatMap((p) => (p.targets ?? []).flatMap((t) => promqlReferences(asPromQL(t.expr)).metrics)));
    // Our own metrics, not prom-client's default process metrics.
    const ours = [...exported.keys()].filter((name) => !/^netbox_gitops_(process_|nodejs_)/.test(name) && !/_(bucket|sum|count)$/.test(name));
    const histograms = [...exported.keys()]
      .filter((name) => name.endsWith('_bucket') && !/^netbox_gitops_(process_|nodejs_)/.test(name))
      .map((name) => name.replace(/_bucket$/, ''));
    for (const metric of ours) expect(used.has(metric), `${metric} has no panel`).toBe(true);
    for (const histogram of histograms)
      expect(
        [...used].some((m) => m.startsWith(histogram)),
        `${histogram} has no panel`,
      ).toBe(true);
    const titles = queries.map((p) => p.title.toLowerCase()).join('\n');
    for (const concern of ['drift', 'reconcile duration', 'reconciles by result', 'netbox writes', 'netbox request latency', 'queue', 'library upgrades']) {
      expect(titles, concern).toContain(concern);
    }
  });

  it('the checks above catch a panel naming a metric that is not exported', () => {
    expect(checkExpression(asPromQL('sum(rate(netbox_gitops_netbox_writes_total{namespace="$namespace"}[$__rate_interval]))'), exported)).toEqual([
      'metric netbox_gitops_netbox_writes_total is not exported',
    ]);
  });
});
