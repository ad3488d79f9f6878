// The chart's PrometheusRule (prometheusRule.enabled): every expression parses as PromQL and
// names only metrics and labels that /metrics exports, every alert has its runbook page, and —
// where promtool is installed (Debian's `prometheus` package) — `promtool check rules` accepts
// the rules and `promtool test rules` fires each alert from synthetic series and not before.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, renderChart } from './chart.ts';
import type { RenderedObject } from './chart.ts';
import { checkExpression, exportedSeries, promqlReferences } from './promql.ts';
import type { ExportedSeries } from './promql.ts';

const run = promisify(execFile);

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

function rulesOf(object: RenderedObject | undefined): AlertRule[] {
  const spec = object?.spec as { groups: { name: string; rules: AlertRule[] }[] } | undefined;
  if (!spec) throw new Error('no PrometheusRule rendered');
  return spec.groups.flatMap((g) => g.rules);
}

function promtoolPath(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const PROMTOOL = promtoolPath();
const RUNBOOKS = join(REPO_ROOT, 'docs', 'runbooks');

/** The alerts the chart must ship, by what they watch (each has a runbook). */
const REQUIRED_ALERTS = [
  'NetBoxGitopsDriftPersists',
  'NetBoxGitopsReconcileFailing',
  'NetBoxGitopsQueueStalled',
  'NetBoxGitopsNetBoxUnreachable',
  'NetBoxGitopsCircuitBreakerOpen',
  'NetBoxGitopsLibraryUpgradeAvailable',
  'NetBoxGitopsNotificationDeliveryFailing',
];

describe('PrometheusRule', () => {
  let exported: ReadonlyMap<string, ExportedSeries>;
  beforeAll(async () => {
    exported = await exportedSeries();
  });

  it('is off by default', () => {
    expect(renderChart().objects.filter((o) => o.kind === 'PrometheusRule')).toEqual([]);
  });

  const chart = renderChart(
    { prometheusRule: { enabled: true, labels: { release: 'prometheus' }, additionalRuleLabels: { team: 'network' } } },
    { name: 'prod', namespace: 'infra' },
  );
  const object = chart.objects.find((o) => o.kind === 'PrometheusRule');
  const rules = rulesOf(object);

  it('renders for the operator with the given labels, one uniquely named alert per concern', () => {
    expect(object).toMatchObject({
      apiVersion: 'monitoring.coreos.com/v1',
      metadata: { name: 'prod-netbox-gitops', namespace: 'infra', labels: { release: 'prometheus' } },
    });
    const names = rules.map((r) => r.alert);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(REQUIRED_ALERTS));
    for (const rule of rules) {
      expect(rule.labels, rule.alert).toMatchObject({ team: 'network' });
      expect(['info', 'warning', 'critical'], rule.alert).toContain(rule.labels.severity);
      if (rule.for !== undefined) expect(rule.for, rule.alert).toMatch(/^\d+(s|m|h|d)$/);
      expect(rule.annotations.summary, rule.alert).toBeTruthy();
      expect(rule.annotations.description, rule.alert).toBeTruthy();
    }
  });

  it('the metrics exported include every kind the alerts watch (the check below is not vacuous)', () => {
    for (const name of [
      'netbox_gitops_drift_objects',
      'netbox_gitops_reconciles_total',
      'netbox_gitops_netbox_request_duration_seconds_count',
      'netbox_gitops_queue_jobs',
    ]) {
      expect(exported.has(name), name).toBe(true);
    }
    expect([...(exported.get('netbox_gitops_drift_objects')?.labels ?? [])].sort()).toEqual(['action', 'intent_kind', 'intent_name', 'object_kind']);
  });

  it('every expression parses and names only metrics and labels /metrics exports, scoped to the release namespace', () => {
    for (const rule of rules) {
      expect(checkExpression(rule.expr, exported), `${rule.alert}: ${rule.expr}`).toEqual([]);
      // Every selector is limited to this release's series.
      const selectors = rule.expr.match(/netbox_gitops_\w+\{[^}]*\}/g) ?? [];
      expect(selectors.length, rule.alert).toBe(promqlReferences(rule.expr).metrics.length);
      for (const selector of selectors) expect(selector, rule.alert).toContain('namespace="infra"');
    }
  });

  it('the checker catches an unknown metric, a misspelt label and a syntax error', () => {
    expect(checkExpression('rate(netbox_gitops_reconcile_total[5m]) > 0', exported)).toEqual(['metric netbox_gitops_reconcile_total is not exported']);
    expect(checkExpression('sum by (intent) (netbox_gitops_drift_objects) > 0', exported)).toEqual(['label intent is on none of netbox_gitops_drift_objects']);
    expect(checkExpression('sum(rate(netbox_gitops_reconciles_total[5m])', exported)[0]).toMatch(/^syntax error/);
    expect(checkExpression('histogram_quantile(0.9, sum by (le) (rate(netbox_gitops_reconcile_duration_seconds_bucket[5m])))', exported)).toEqual([]);
  });

  it('annotations name only labels the expression keeps', () => {
    for (const rule of rules) {
      const labels = new Set(promqlReferences(rule.expr).labels);
      for (const text of Object.values(rule.annotations)) {
        for (const [, label] of text.matchAll(/\$labels\.(\w+)/g)) expect(labels.has(label as string), `${rule.alert}: $labels.${label}`).toBe(true);
      }
    }
  });

  it('each alert has a runbook page in docs/runbooks, listed in its index and in the README', () => {
    const index = readFileSync(join(RUNBOOKS, 'README.md'), 'utf8');
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    for (const rule of rules) {
      const url = rule.annotations.runbook_url ?? '';
      expect(url, rule.alert).toMatch(/^docs\/runbooks\/[a-z-]+\.md$/);
      const page = join(REPO_ROOT, url);
      expect(existsSync(page), `${rule.alert}: ${url}`).toBe(true);
      const text = readFileSync(page, 'utf8');
      expect(text.split('\n')[0], url).toBe(`# ${rule.alert}`);
      expect(text, url).toMatch(/\*\*Means:\*\*/);
      expect(index, `docs/runbooks/README.md lists ${rule.alert}`).toContain(`\`${rule.alert}\``);
      expect(readme, `README.md has a runbook paragraph for ${rule.alert}`).toContain(`\`${rule.alert}\``);
    }
  });

  it('runbookBaseUrl, selector and thresholds reach the rules', () => {
    const custom = rulesOf(
      renderChart({
        prometheusRule: {
          enabled: true,
          runbookBaseUrl: 'https://git.example.com/net/netbox-gitops/-/blob/main/docs/runbooks/',
          selector: 'job=~"nbg-.*"',
          driftFor: '2h',
          netboxErrorRatio: 0.25,
        },
      }).objects.find((o) => o.kind === 'PrometheusRule'),
    );
    for (const rule of custom) {
      expect(rule.annotations.runbook_url, rule.alert).toMatch(/^https:\/\/git\.example\.com\/net\/netbox-gitops\/-\/blob\/main\/docs\/runbooks\/[a-z-]+\.md$/);
      expect(rule.expr, rule.alert).not.toContain('namespace="');
      expect(rule.expr, rule.alert).toContain('job=~"nbg-.*"');
    }
    const byName = new Map(custom.map((r) => [r.alert, r]));
    expect(byName.get('NetBoxGitopsDriftPersists')?.for).toBe('2h');
    expect(byName.get('NetBoxGitopsNetBoxUnreachable')?.expr).toMatch(/> 0\.25$/);
  });

  describe.skipIf(PROMTOOL === undefined)('with promtool', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'nbg-rules-'));
      writeFileSync(join(dir, 'rules.yaml'), stringify(object?.spec));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('promtool check rules accepts the rendered rules', async () => {
      const { stdout } = await run(PROMTOOL as string, ['check', 'rules', join(dir, 'rules.yaml')]);
      expect(stdout).toContain(`SUCCESS: ${rules.length} rules found`);
    });

    it('promtool test rules: each alert fires from synthetic series after its delay, and not for healthy ones', async () => {
      writeFileSync(join(dir, 'tests.yaml'), stringify(promtoolTests(rules)));
      const result = await run(PROMTOOL as string, ['test', 'rules', join(dir, 'tests.yaml')]).catch((error: { stdout?: string; stderr?: string }) => error);
      expect(`${result.stdout ?? ''}${result.stderr ?? ''}`).toContain('SUCCESS');
    });
  });
});

/** Expected annotations: the Go templates of Prometheus expanded for the simple cases the rules use. */
function expand(text: string, labels: Record<string, string>, value: string): string {
  return text.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_m, l: string) => labels[l] ?? '').replace(/\{\{ \$value( \| humanizePercentage)? \}\}/g, value);
}

interface Case {
  readonly alert: string;
  readonly series: Record<string, string>;
  /** Minutes after which it must fire; before, it must not. */
  readonly firesAt: number;
  readonly silentAt: number;
  readonly labels: Record<string, string>;
  readonly value: string;
}

const NS = 'namespace="infra"';

/** One promtool unit-test group per alert: series that must make it fire at `firesAt` and not at `silentAt`. */
function promtoolTests(rules: readonly AlertRule[]): object {
  const cases: Case[] = [
    {
      alert: 'NetBoxGitopsDriftPersists',
      series: {
        [`netbox_gitops_drift_objects{${NS},pod="api-1",intent_kind="VendorSet",intent_name="core",object_kind="dcim.devicetype",action="update"}`]: '3x90',
        [`netbox_gitops_drift_objects{${NS},pod="api-2",intent_kind="VendorSet",intent_name="core",object_kind="dcim.devicetype",action="update"}`]: '3x90',
        [`netbox_gitops_drift_objects{${NS},pod="api-1",intent_kind="VendorSet",intent_name="core",object_kind="dcim.devicetype",action="unmanaged"}`]: '7x90',
        [`netbox_gitops_intent_info{${NS},pod="api-1",intent_kind="VendorSet",intent_name="core",mode="enforce",status="active"}`]: '1x90',
        // Observe intents may drift for ever.
        [`netbox_gitops_drift_objects{${NS},pod="api-1",intent_kind="VendorSet",intent_name="watch",object_kind="dcim.devicetype",action="create"}`]: '5x90',
        [`netbox_gitops_intent_info{${NS},pod="api-1",intent_kind="VendorSet",intent_name="watch",mode="observe",status="active"}`]: '1x90',
      },
      silentAt: 20,
      firesAt: 40,
      labels: { namespace: 'infra', intent_kind: 'VendorSet', intent_name: 'core' },
      value: '3',
    },
    {
      alert: 'NetBoxGitopsReconcileFailing',
      series: {
        // 'core' fails from minute 10 on; 'ok' fails once and then completes.
        [`netbox_gitops_reconciles_total{${NS},pod="w-1",intent_kind="VendorSet",intent_name="core",result="failed"}`]: '0x10 1+1x80',
        [`netbox_gitops_reconciles_total{${NS},pod="w-1",intent_kind="VendorSet",intent_name="core",result="completed"}`]: '4x90',
        [`netbox_gitops_reconciles_total{${NS},pod="w-1",intent_kind="VendorSet",intent_name="ok",result="failed"}`]: '0x10 1x80',
        [`netbox_gitops_reconciles_total{${NS},pod="w-1",intent_kind="VendorSet",intent_name="ok",result="completed"}`]: '0x11 1+1x79',
      },
      silentAt: 9,
      firesAt: 20,
      labels: { namespace: 'infra', intent_kind: 'VendorSet', intent_name: 'core' },
      value: '',
    },
    {
      alert: 'NetBoxGitopsQueueStalled',
      series: {
        [`netbox_gitops_queue_jobs{${NS},pod="api-1",queue="netbox-gitops",state="waiting"}`]: '4x90',
        [`netbox_gitops_queue_jobs{${NS},pod="api-1",queue="netbox-gitops",state="active"}`]: '2x10 0x80',
      },
      silentAt: 20,
      firesAt: 30,
      labels: { namespace: 'infra', queue: 'netbox-gitops' },
      value: '4',
    },
    {
      alert: 'NetBoxGitopsNetBoxUnreachable',
      series: {
        [`netbox_gitops_netbox_request_duration_seconds_count{${NS},pod="w-1",method="GET",endpoint="/api/status/",status="200"}`]: '0+60x10 600+6x80',
        [`netbox_gitops_netbox_request_duration_seconds_count{${NS},pod="w-1",method="GET",endpoint="/api/status/",status="error"}`]: '0x10 0+54x80',
      },
      silentAt: 12,
      firesAt: 30,
      labels: { namespace: 'infra' },
      value: '90%',
    },
    {
      alert: 'NetBoxGitopsCircuitBreakerOpen',
      series: {
        [`netbox_gitops_netbox_circuit_breaker_state{${NS},pod="w-1"}`]: '0x10 2x80',
        [`netbox_gitops_netbox_circuit_breaker_state{${NS},pod="w-2"}`]: '0x10 1x80',
      },
      silentAt: 14,
      firesAt: 30,
      labels: { namespace: 'infra', pod: 'w-1' },
      value: '',
    },
    {
      alert: 'NetBoxGitopsLibraryUpgradeAvailable',
      series: { [`netbox_gitops_library_upgrades_available{${NS},pod="api-1",intent_kind="DeviceTypeSet",intent_name="edge"}`]: '0x10 1x80' },
      silentAt: 15,
      firesAt: 30,
      labels: { namespace: 'infra', intent_kind: 'DeviceTypeSet', intent_name: 'edge' },
      value: '',
    },
    {
      alert: 'NetBoxGitopsNotificationDeliveryFailing',
      series: {
        [`netbox_gitops_notification_deliveries_total{${NS},pod="w-1",channel="slack",event="drift_detected",result="failed"}`]: '0x10 1+1x80',
        [`netbox_gitops_notification_deliveries_total{${NS},pod="w-1",channel="slack",event="drift_detected",result="suppressed"}`]: '0+5x90',
      },
      silentAt: 9,
      firesAt: 30,
      labels: { namespace: 'infra', channel: 'slack', event: 'drift_detected' },
      value: '',
    },
    {
      alert: 'NetBoxGitopsMetricsCollectionFailing',
      series: { [`netbox_gitops_metrics_collect_errors_total{${NS},pod="api-1",collector="postgres:drift"}`]: '0x10 1+1x80' },
      silentAt: 20,
      firesAt: 40,
      labels: { namespace: 'infra', collector: 'postgres:drift' },
      value: '',
    },
  ];
  expect(cases.map((c) => c.alert).sort()).toEqual(rules.map((r) => r.alert).sort());
  return {
    rule_files: ['rules.yaml'],
    evaluation_interval: '1m',
    tests: cases.map((c) => {
      const rule = rules.find((r) => r.alert === c.alert) as AlertRule;
      const labels = { ...c.labels, ...rule.labels };
      // Values that depend on rates are not compared: only annotations without $value are.
      const annotations = Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, expand(v, labels, c.value)]));
      return {
        interval: '1m',
        input_series: Object.entries(c.series).map(([series, values]) => ({ series, values })),
        alert_rule_test: [
          { eval_time: `${c.silentAt}m`, alertname: c.alert, exp_alerts: [] },
          { eval_time: `${c.firesAt}m`, alertname: c.alert, exp_alerts: [{ exp_labels: labels, exp_annotations: annotations }] },
        ],
      };
    }),
  };
}
