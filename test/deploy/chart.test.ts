// The Helm chart, without helm: values.yaml against values.schema.json, the CRD copies, and the
// templates rendered (go-template.ts) with several value sets, parsed as Kubernetes reads YAML and
// checked against the API types of @kubernetes/client-node.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CHART_DIR, REPO_ROOT, mergeValues, readDefaultValues, renderChart } from './chart.ts';
import type { RenderedChart, RenderedObject } from './chart.ts';
import { checkShape, isKnownKind } from './k8s-shape.ts';
import { loadConfig } from '../../controller/config/index.ts';
import { startMetricsServer } from '../../controller/metrics/index.ts';

/** Every option switched away from its default, so each optional template renders. */
const EVERYTHING_ON = {
  fullnameOverride: 'nbg',
  image: { digest: `sha256:${'a'.repeat(64)}` },
  imagePullSecrets: [{ name: 'registry' }],
  config: { NETBOX_URL: 'https://netbox.example.com', DEBUG: true, NETBOX_TIMEOUT: 60, GIT_URL: 'ssh://git@git.example.com/net/intents.git' },
  secrets: { existingSecret: 'netbox-gitops-credentials' },
  git: { sshKeySecret: 'intents-deploy-key' },
  cache: { existingClaim: 'netbox-gitops-cache' },
  rbac: { scope: 'cluster' },
  podLabels: { team: 'network' },
  podAnnotations: { 'example.com/owner': 'network' },
  extraEnv: [{ name: 'NODE_EXTRA_CA_CERTS', value: '/etc/ssl/extra/ca.crt' }],
  extraVolumes: [{ name: 'extra-ca', configMap: { name: 'extra-ca' } }],
  extraVolumeMounts: [{ name: 'extra-ca', mountPath: '/etc/ssl/extra', readOnly: true }],
  controller: { replicas: 2, nodeSelector: { 'kubernetes.io/os': 'linux' }, affinity: { podAntiAffinity: {} } },
  worker: {
    shutdownGraceMs: 1_000_000,
    tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }],
    autoscaling: { enabled: true, targetMemoryUtilizationPercentage: 80 },
  },
  api: {
    service: { type: 'LoadBalancer', annotations: { 'example.com/lb': 'internal' } },
    ingress: {
      enabled: true,
      className: 'nginx',
      annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '10m' },
      hosts: [{ host: 'netbox-gitops.example.com', paths: [{ path: '/' }, { path: '/graphql', pathType: 'Exact' }] }],
      tls: [{ secretName: 'netbox-gitops-tls', hosts: ['netbox-gitops.example.com'] }],
    },
  },
  serviceMonitor: { enabled: true, labels: { release: 'prometheus' } },
  prometheusRule: { enabled: true, labels: { release: 'prometheus' } },
  grafanaDashboard: { enabled: true },
};

const SECRET_VARIABLES = ['NETBOX_TOKEN', 'DATABASE_URL', 'DATABASE_PASSWORD', 'REDIS_URL', 'REDIS_PASSWORD', 'GIT_TOKEN', 'GIT_WEBHOOK_SECRET'];

interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; fieldRef?: { apiVersion?: string; fieldPath: string } };
  }[];
  envFrom?: { configMapRef?: { name: string } }[];
  ports?: { name: string; containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  securityContext?: Record<string, unknown>;
  resources?: Record<string, unknown>;
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  startupProbe?: { httpGet?: { path: string; port: string | number }; periodSeconds?: number; failureThreshold?: number };
}

interface PodSpec {
  containers: Container[];
  volumes?: { name: string; emptyDir?: object; persistentVolumeClaim?: { claimName: string }; secret?: { secretName: string } }[];
  securityContext?: Record<string, unknown>;
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  restartPolicy?: string;
}

function find(chart: RenderedChart, kind: string, name: string): RenderedObject {
  const found = chart.objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} ${name} in ${chart.objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

function podSpec(object: RenderedObject): PodSpec {
  return (object.spec as { template: { spec: PodSpec } }).template.spec;
}

function container(object: RenderedObject): Container {
  const [first] = podSpec(object).containers;
  if (first === undefined) throw new Error(`${object.kind} ${object.metadata.name} has no container`);
  return first;
}

function kindsOf(chart: RenderedChart): string[] {
  return chart.objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
}

/** The environment variable names controller/config/config.ts reads (the keys of its envSchema). */
function configVariables(): string[] {
  const source = readFileSync(join(REPO_ROOT, 'controller', 'config', 'config.ts'), 'utf8');
  const start = source.indexOf('const envSchema = z.object({');
  const end = source.indexOf('\n});', start);
  expect(start, 'envSchema in controller/config/config.ts').toBeGreaterThan(0);
  return [...source.slice(start, end).matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1] as string);
}

describe('chart CRDs', () => {
  it('are byte-for-byte copies of crds/*.yaml (fix: cp crds/*.yaml charts/netbox-gitops/crds/)', () => {
    const source = readdirSync(join(REPO_ROOT, 'crds'))
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    const copies = readdirSync(join(CHART_DIR, 'crds')).sort();
    expect(copies).toEqual(source);
    for (const file of source) {
      expect(readFileSync(join(CHART_DIR, 'crds', file), 'utf8'), `charts/netbox-gitops/crds/${file}`).toBe(
        readFileSync(join(REPO_ROOT, 'crds', file), 'utf8'),
      );
    }
  });

  it('define VendorSet and DeviceTypeSet with a status subresource (the RBAC rules name them)', () => {
    type Crd = { spec: { group: string; names: { plural: string }; versions: { subresources?: { status?: object } }[] } };
    const crds = readdirSync(join(CHART_DIR, 'crds')).map((f) => parse(readFileSync(join(CHART_DIR, 'crds', f), 'utf8')) as Crd);
    expect(crds.map((c) => c.spec.names.plural).sort()).toEqual(['devicetypesets', 'notifications', 'vendorsets']);
    for (const crd of crds) {
      expect(crd.spec.group).toBe('netbox-gitops.io');
      // Notification is configuration read by the controller: it has no status to report.
      if (crd.spec.names.plural === 'notifications') continue;
      expect(crd.spec.versions.every((v) => v.subresources?.status !== undefined)).toBe(true);
    }
  });
});

describe('values', () => {
  const schema = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8')) as object;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

  it('values.yaml validates against values.schema.json', () => {
    const valid = validate(readDefaultValues());
    expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema rejects typos, wrong types and secrets in the ConfigMap', () => {
    const values = readDefaultValues();
    const cases: [string, Record<string, unknown>][] = [
      ['misspelt key', { ...values, wroker: {} }],
      ['negative replicas', { ...values, worker: { ...(values.worker as object), replicas: -1 } }],
      ['token in config', { ...values, config: { ...(values.config as object), NETBOX_TOKEN: 'x' } }],
      ['CACHE_DIR in config', { ...values, config: { ...(values.config as object), CACHE_DIR: '/x' } }],
      ['POD_NAME in config (the downward API sets it)', { ...values, config: { ...(values.config as object), POD_NAME: 'x' } }],
      ['HEALTH_PORT in config (controller.healthPort sets it)', { ...values, config: { ...(values.config as object), HEALTH_PORT: 9000 } }],
      ['controller probe without httpGet', { ...values, controller: { ...(values.controller as object), readinessProbe: { periodSeconds: 5 } } }],
      ['bad rbac scope', { ...values, rbac: { create: true, scope: 'everywhere' } }],
      ['map in config', { ...values, config: { ...(values.config as object), NETBOX_URL: { url: 'x' } } }],
    ];
    for (const [what, candidate] of cases) expect(validate(candidate), what).toBe(false);
  });

  it('EVERYTHING_ON (the test value set) is itself valid', () => {
    expect(validate(mergeValues(readDefaultValues(), EVERYTHING_ON)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('every variable of controller/config/config.ts is in values.yaml and the chart README', () => {
    const values = readDefaultValues() as { config: Record<string, unknown>; secrets: { keys: Record<string, string>; values: Record<string, string> } };
    const readme = readFileSync(join(CHART_DIR, 'README.md'), 'utf8');
    const chartManaged = new Set(['CACHE_DIR', 'API_PORT', 'METRICS_PORT', 'HEALTH_PORT', 'POD_NAME', 'POD_NAMESPACE']);
    const variables = configVariables();
    expect(variables.length).toBeGreaterThan(30);
    for (const variable of variables) {
      const inValues = variable in values.config || variable in values.secrets.keys || chartManaged.has(variable);
      expect(
        inValues,
        `${variable} is new in config.ts: add it to charts/netbox-gitops/values.yaml (config, or secrets.keys + secrets.values for a credential)`,
      ).toBe(true);
      expect(readme, `${variable} is new in config.ts: add it to the config table of charts/netbox-gitops/README.md`).toContain(variable);
    }
    for (const variable of SECRET_VARIABLES) {
      expect(values.secrets.keys[variable], `secrets.keys.${variable}`).toBe(variable);
      expect(values.secrets.values[variable], `secrets.values.${variable}`).toBe('');
      expect(variable in values.config, `${variable} must not be in config`).toBe(false);
    }
  });

  it('every top-level value is described in the chart README', () => {
    const readme = readFileSync(join(CHART_DIR, 'README.md'), 'utf8');
    for (const key of Object.keys(readDefaultValues())) expect(readme, key).toMatch(new RegExp(`\`${key}[.\`]`));
  });

  it("Chart.yaml's appVersion is package.json's version (the default image tag)", () => {
    const chart = parse(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8')) as { apiVersion: string; appVersion: string; name: string };
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'netbox-gitops', appVersion: pkg.version });
  });
});

describe('templates with the default values', () => {
  const chart = renderChart();

  it('render the expected objects and nothing optional', () => {
    expect(kindsOf(chart)).toEqual([
      'ConfigMap/demo-netbox-gitops',
      'Deployment/demo-netbox-gitops-api',
      'Deployment/demo-netbox-gitops-controller',
      'Deployment/demo-netbox-gitops-worker',
      'Job/demo-netbox-gitops-migrate',
      'PodDisruptionBudget/demo-netbox-gitops-api',
      'PodDisruptionBudget/demo-netbox-gitops-worker',
      'Role/demo-netbox-gitops',
      'Role/demo-netbox-gitops-leader-election',
      'RoleBinding/demo-netbox-gitops',
      'RoleBinding/demo-netbox-gitops-leader-election',
      'Secret/demo-netbox-gitops',
      'Secret/demo-netbox-gitops-migrate',
      'Service/demo-netbox-gitops-api',
      'Service/demo-netbox-gitops-worker-metrics',
      'ServiceAccount/demo-netbox-gitops',
    ]);
  });

  it('every object fits its Kubernetes API type and sits in the release namespace', () => {
    for (const { file, ...object } of chart.objects) {
      expect(isKnownKind(object.apiVersion, object.kind), `${file}: ${object.kind}`).toBe(true);
      expect(checkShape(object, object.apiVersion, object.kind), file).toEqual([]);
      expect(object.metadata.namespace, `${file}: ${object.kind}`).toBe('netbox');
      expect(object.metadata.labels?.['app.kubernetes.io/instance']).toBe('demo');
    }
  });

  it('runs controller, worker and api from one image with the right commands', () => {
    const args = ['controller', 'worker', 'api'].map((c) => container(find(chart, 'Deployment', `demo-netbox-gitops-${c}`)).args);
    expect(args).toEqual([['controller'], ['worker', '--concurrency', '4', '--shutdown-grace', '10000'], ['api']]);
    expect(container(find(chart, 'Job', 'demo-netbox-gitops-migrate')).args).toEqual(['migrate']);
    for (const o of chart.objects.filter((x) => x.kind === 'Deployment' || x.kind === 'Job')) expect(container(o).image).toBe('netbox-gitops:0.1.0');
  });

  it('selectors match their pod labels, one component each', () => {
    for (const component of ['controller', 'worker', 'api']) {
      const deployment = find(chart, 'Deployment', `demo-netbox-gitops-${component}`);
      const spec = deployment.spec as { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> } } };
      expect(spec.selector.matchLabels['app.kubernetes.io/component']).toBe(component);
      expect(spec.template.metadata.labels).toMatchObject(spec.selector.matchLabels);
    }
    const service = find(chart, 'Service', 'demo-netbox-gitops-api').spec as { selector: Record<string, string>; ports: { targetPort: string }[] };
    expect(service.selector['app.kubernetes.io/component']).toBe('api');
    expect(service.ports[0]?.targetPort).toBe('http');
    for (const component of ['api', 'worker']) {
      const pdb = find(chart, 'PodDisruptionBudget', `demo-netbox-gitops-${component}`).spec as { selector: { matchLabels: Record<string, string> } };
      expect(pdb.selector.matchLabels['app.kubernetes.io/component']).toBe(component);
    }
  });

  it('the api listens on API_PORT with liveness /livez and readiness /readyz probes on that named port', () => {
    const api = container(find(chart, 'Deployment', 'demo-netbox-gitops-api'));
    expect(api.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(api.env?.find((e) => e.name === 'API_PORT')?.value).toBe('8080');
    expect(api.livenessProbe?.httpGet).toEqual({ path: '/livez', port: 'http' });
    expect(api.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
  });

  it('the controller gets its Lease identity and namespace from the downward API, HEALTH_PORT from controller.healthPort, and probes on that port', () => {
    const controller = container(find(chart, 'Deployment', 'demo-netbox-gitops-controller'));
    const env = new Map(controller.env?.map((e) => [e.name, e]));
    expect(env.get('POD_NAME')?.valueFrom?.fieldRef).toEqual({ apiVersion: 'v1', fieldPath: 'metadata.name' });
    expect(env.get('POD_NAMESPACE')?.valueFrom?.fieldRef).toEqual({ apiVersion: 'v1', fieldPath: 'metadata.namespace' });
    expect(env.get('HEALTH_PORT')?.value).toBe('8081');
    expect(controller.ports).toEqual([{ name: 'health', containerPort: 8081, protocol: 'TCP' }]);
    expect(controller.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(controller.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'health' });
    expect(controller.startupProbe?.httpGet).toEqual({ path: '/healthz', port: 'health' });
    // Migration and first connections come before the health server: at least a minute of grace.
    expect((controller.startupProbe?.periodSeconds ?? 10) * (controller.startupProbe?.failureThreshold ?? 3)).toBeGreaterThanOrEqual(60);
    // The downward API's values win over a ConfigMap entry of the same name (env beats envFrom).
    expect(controller.envFrom?.length).toBe(1);
  });

  it("the controller's probe paths are what its health server answers, on the port its configuration reads", async () => {
    const controller = container(find(chart, 'Deployment', 'demo-netbox-gitops-controller'));
    const env = Object.fromEntries((controller.env ?? []).flatMap((e) => (e.value !== undefined ? [[e.name, e.value]] : [])));
    const config = loadConfig({ ...env, POD_NAME: 'demo-netbox-gitops-controller-7d9f-abcde', POD_NAMESPACE: 'netbox' });
    expect(config.healthPort).toBe(controller.ports?.[0]?.containerPort);
    expect(config.kubernetes).toMatchObject({ identity: 'demo-netbox-gitops-controller-7d9f-abcde', leaseNamespace: 'netbox' });
    let ready = false;
    const server = await startMetricsServer({ port: 0, host: '127.0.0.1', readiness: () => ({ ready }) });
    try {
      const base = server.url.replace(/\/metrics$/, '');
      for (const probe of [controller.livenessProbe, controller.startupProbe]) expect((await fetch(`${base}${probe?.httpGet?.path ?? ''}`)).status).toBe(200);
      const readiness = `${base}${controller.readinessProbe?.httpGet?.path ?? ''}`;
      expect((await fetch(readiness)).status).toBe(503);
      ready = true;
      expect((await fetch(readiness)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('each worker serves /metrics on METRICS_PORT behind a headless Service, and /livez for its probe', () => {
    const worker = container(find(chart, 'Deployment', 'demo-netbox-gitops-worker'));
    expect(worker.ports).toEqual([{ name: 'metrics', containerPort: 9464, protocol: 'TCP' }]);
    expect(worker.env?.find((e) => e.name === 'METRICS_PORT')?.value).toBe('9464');
    expect(worker.livenessProbe?.httpGet).toEqual({ path: '/livez', port: 'metrics' });
    const service = find(chart, 'Service', 'demo-netbox-gitops-worker-metrics').spec as {
      clusterIP: string;
      selector: Record<string, string>;
      ports: object[];
    };
    expect(service.clusterIP).toBe('None');
    expect(service.selector['app.kubernetes.io/component']).toBe('worker');
    expect(service.ports).toEqual([{ name: 'metrics', port: 9464, targetPort: 'metrics', protocol: 'TCP' }]);
  });

  it('pods run as non-root on a read-only root filesystem whose only writable place is the cache (also HOME and TMPDIR)', () => {
    for (const object of chart.objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job')) {
      const spec = podSpec(object);
      const main = container(object);
      expect(spec.securityContext, object.metadata.name).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      expect(main.securityContext, object.metadata.name).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      expect(main.resources, object.metadata.name).toHaveProperty('requests');
      const mounts = new Map(main.volumeMounts?.map((m) => [m.mountPath, m.name]));
      const volumes = new Map(spec.volumes?.map((v) => [v.name, v]));
      const writable = object.kind === 'Job' ? [] : ['/var/cache/netbox-gitops'];
      const mounted = (main.volumeMounts ?? []).filter((m) => m.readOnly !== true).map((m) => m.mountPath);
      expect(mounted, `${object.metadata.name}: writable mounts`).toEqual(writable);
      for (const path of writable) {
        const volume = volumes.get(mounts.get(path) ?? '');
        expect(volume?.emptyDir, `${object.metadata.name}: emptyDir at ${path}`).toBeDefined();
      }
      if (object.kind !== 'Job') {
        const env = new Map(main.env?.map((e) => [e.name, e.value]));
        expect([env.get('HOME'), env.get('TMPDIR')], object.metadata.name).toEqual(['/var/cache/netbox-gitops', '/var/cache/netbox-gitops']);
      }
    }
  });

  it('every process gets the ConfigMap, each secret variable from the Secret (optional) and CACHE_DIR on its volume', () => {
    for (const component of ['controller', 'worker', 'api']) {
      const main = container(find(chart, 'Deployment', `demo-netbox-gitops-${component}`));
      expect(main.envFrom).toEqual([{ configMapRef: { name: 'demo-netbox-gitops' } }]);
      const env = new Map(main.env?.map((e) => [e.name, e]));
      expect(env.get('CACHE_DIR')?.value).toBe('/var/cache/netbox-gitops');
      for (const variable of SECRET_VARIABLES) {
        expect(env.get(variable)?.valueFrom?.secretKeyRef, `${component} ${variable}`).toEqual({ name: 'demo-netbox-gitops', key: variable, optional: true });
      }
    }
  });

  it('the ConfigMap holds only set values, all strings, and no secrets', () => {
    const data = find(chart, 'ConfigMap', 'demo-netbox-gitops').data as Record<string, unknown>;
    expect(data).toEqual({ INTENTS_SOURCE: 'git', LIBRARY_GIT_URL: 'https://github.com/netbox-community/devicetype-library.git' });
  });

  it('the migration is a pre-install/pre-upgrade hook that needs nothing the release creates later', () => {
    const job = find(chart, 'Job', 'demo-netbox-gitops-migrate');
    const hookSecret = find(chart, 'Secret', 'demo-netbox-gitops-migrate');
    expect(job.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(hookSecret.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(Number(hookSecret.metadata.annotations?.['helm.sh/hook-weight'])).toBeLessThan(Number(job.metadata.annotations?.['helm.sh/hook-weight']));
    const spec = podSpec(job);
    expect(spec.restartPolicy).toBe('Never');
    expect(spec.serviceAccountName).toBeUndefined();
    expect(spec.automountServiceAccountToken).toBe(false);
    const main = container(job);
    expect(main.envFrom).toBeUndefined();
    const refs = main.env?.flatMap((e) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef.name] : [])) ?? [];
    expect(new Set(refs)).toEqual(new Set(['demo-netbox-gitops-migrate']));
    expect(main.env?.map((e) => e.name)).toEqual(expect.arrayContaining(['DATABASE_URL', 'DATABASE_PASSWORD', 'INTENTS_SOURCE']));
  });

  it('RBAC: read the intent resources, write their status, record events, hold leases', () => {
    type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };
    const rules = [
      ...(find(chart, 'Role', 'demo-netbox-gitops').rules as Rule[]),
      ...(find(chart, 'Role', 'demo-netbox-gitops-leader-election').rules as Rule[]),
    ];
    const allowed = (group: string, resource: string, verb: string): boolean =>
      rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));
    for (const resource of ['vendorsets', 'devicetypesets']) {
      for (const verb of ['get', 'list', 'watch']) expect(allowed('netbox-gitops.io', resource, verb), `${verb} ${resource}`).toBe(true);
      for (const verb of ['update', 'patch']) expect(allowed('netbox-gitops.io', `${resource}/status`, verb), `${verb} ${resource}/status`).toBe(true);
      // patch only: the finalizer and the reconcile annotation (merge patches); no updates of whole objects.
      expect(allowed('netbox-gitops.io', resource, 'patch'), `patch ${resource} (finalizer)`).toBe(true);
      expect(allowed('netbox-gitops.io', resource, 'update'), `no update of the ${resource} themselves`).toBe(false);
    }
    expect(allowed('', 'events', 'create')).toBe(true);
    for (const verb of ['get', 'create', 'update']) expect(allowed('coordination.k8s.io', 'leases', verb)).toBe(true);
    const binding = find(chart, 'RoleBinding', 'demo-netbox-gitops') as unknown as { subjects: { name: string }[]; roleRef: { name: string } };
    expect(binding.subjects[0]?.name).toBe('demo-netbox-gitops');
    expect(binding.roleRef.name).toBe('demo-netbox-gitops');
  });

  it('NOTES.txt warns about what is still missing', () => {
    expect(chart.notes).toContain('config.NETBOX_URL is empty');
    expect(chart.notes).toContain('config.GIT_URL is empty');
    expect(chart.notes).toContain('port-forward svc/demo-netbox-gitops-api');
  });
});

describe('templates with every option on', () => {
  const chart = renderChart(EVERYTHING_ON, { name: 'prod', namespace: 'infra' });

  it('render the optional objects and drop the chart-made Secret for existingSecret', () => {
    const kinds = kindsOf(chart);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'ClusterRole/infra-nbg',
        'ClusterRoleBinding/infra-nbg',
        'HorizontalPodAutoscaler/nbg-worker',
        'Ingress/nbg-api',
        'ServiceMonitor/nbg-api',
        'ServiceMonitor/nbg-worker',
        'PrometheusRule/nbg',
        'ConfigMap/nbg-dashboard',
        'Role/nbg-leader-election',
      ]),
    );
    expect(kinds.filter((k) => k.startsWith('Secret/'))).toEqual([]);
  });

  it('every object fits its API type (ServiceMonitor checked by hand, PrometheusRule in alerts.test.ts)', () => {
    for (const { file, ...object } of chart.objects) {
      if (object.kind === 'ServiceMonitor' || object.kind === 'PrometheusRule') continue;
      expect(checkShape(object, object.apiVersion, object.kind), file).toEqual([]);
    }
    for (const [component, port] of [
      ['api', 'http'],
      ['worker', 'metrics'],
    ] as const) {
      const monitor = find(chart, 'ServiceMonitor', `nbg-${component}`);
      expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
      expect(monitor.metadata.labels?.release).toBe('prometheus');
      expect(monitor.spec).toMatchObject({
        selector: { matchLabels: { 'app.kubernetes.io/component': component, 'app.kubernetes.io/instance': 'prod' } },
        endpoints: [{ port, path: '/metrics', interval: '30s' }],
      });
      // The Service it selects carries the selected labels and the named port.
      const service = chart.objects.find((o) => o.kind === 'Service' && o.metadata.labels?.['app.kubernetes.io/component'] === component) as
        { spec: { ports: { name: string }[] } } | undefined;
      expect(service?.spec.ports.map((p) => p.name)).toContain(port);
    }
  });

  it('the worker is scaled by the HPA, not by a replica count', () => {
    expect((find(chart, 'Deployment', 'nbg-worker').spec as { replicas?: number }).replicas).toBeUndefined();
    expect(find(chart, 'HorizontalPodAutoscaler', 'nbg-worker').spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'nbg-worker' },
      minReplicas: 2,
      maxReplicas: 6,
    });
    const metrics = (find(chart, 'HorizontalPodAutoscaler', 'nbg-worker').spec as { metrics: { resource: { name: string } }[] }).metrics;
    expect(metrics.map((m) => m.resource.name)).toEqual(['cpu', 'memory']);
  });

  it('large numbers reach the command line as integers, not as Go floats (1e+06)', () => {
    expect(container(find(chart, 'Deployment', 'nbg-worker')).args).toEqual(['worker', '--concurrency', '4', '--shutdown-grace', '1000000']);
  });

  it('existingSecret, the ssh key, the cache claim and the extras reach every pod', () => {
    for (const component of ['controller', 'worker', 'api']) {
      const deployment = find(chart, 'Deployment', `nbg-${component}`);
      const main = container(deployment);
      expect(main.image).toBe(`netbox-gitops@sha256:${'a'.repeat(64)}`);
      const env = new Map(main.env?.map((e) => [e.name, e]));
      expect(env.get('NETBOX_TOKEN')?.valueFrom?.secretKeyRef?.name).toBe('netbox-gitops-credentials');
      expect(env.get('GIT_SSH_KEY_PATH')?.value).toBe('/etc/netbox-gitops/ssh/id_ed25519');
      expect(env.get('NODE_EXTRA_CA_CERTS')?.value).toBe('/etc/ssl/extra/ca.crt');
      const volumes = new Map(podSpec(deployment).volumes?.map((v) => [v.name, v]));
      expect(volumes.get('cache')?.persistentVolumeClaim?.claimName).toBe('netbox-gitops-cache');
      expect(volumes.get('ssh-key')?.secret?.secretName).toBe('intents-deploy-key');
      expect(volumes.has('extra-ca')).toBe(true);
      expect(main.volumeMounts?.map((m) => m.mountPath)).toEqual(expect.arrayContaining(['/etc/netbox-gitops/ssh', '/etc/ssl/extra']));
    }
    const job = container(find(chart, 'Job', 'nbg-migrate'));
    expect(job.env?.find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef?.name).toBe('netbox-gitops-credentials');
  });

  it('the ConfigMap renders booleans and numbers as strings', () => {
    const data = find(chart, 'ConfigMap', 'nbg').data as Record<string, unknown>;
    expect(data).toMatchObject({ DEBUG: 'true', NETBOX_TIMEOUT: '60', NETBOX_URL: 'https://netbox.example.com' });
    expect(Object.values(data).every((v) => typeof v === 'string')).toBe(true);
  });

  it('the Ingress routes every path to the api Service by port name, with TLS', () => {
    const ingress = find(chart, 'Ingress', 'nbg-api').spec as {
      ingressClassName: string;
      tls: object[];
      rules: { host: string; http: { paths: { path: string; pathType: string; backend: { service: { name: string; port: { name: string } } } }[] } }[];
    };
    expect(ingress.ingressClassName).toBe('nginx');
    expect(ingress.tls).toEqual([{ secretName: 'netbox-gitops-tls', hosts: ['netbox-gitops.example.com'] }]);
    expect(ingress.rules[0]?.http.paths.map((p) => [p.path, p.pathType, p.backend.service.name, p.backend.service.port.name])).toEqual([
      ['/', 'Prefix', 'nbg-api', 'http'],
      ['/graphql', 'Exact', 'nbg-api', 'http'],
    ]);
  });
});

describe('templates with the api off and chart-made secrets', () => {
  const chart = renderChart({
    api: { enabled: false },
    serviceAccount: { create: false },
    secrets: { values: { NETBOX_TOKEN: 'nbt_abc.def', DATABASE_PASSWORD: 'p"w', REDIS_URL: '' }, keys: { DATABASE_PASSWORD: 'db-password' } },
  });

  it('render no api objects and no ServiceAccount; pods use the default one', () => {
    expect(chart.notes).not.toContain('port-forward');
    expect(kindsOf(chart).filter((k) => k.includes('-api') || k.startsWith('ServiceAccount/'))).toEqual([]);
    expect(podSpec(find(chart, 'Deployment', 'demo-netbox-gitops-worker')).serviceAccountName).toBe('default');
  });

  it('store set secret values under the key the pods read, and only those', () => {
    const secret = find(chart, 'Secret', 'demo-netbox-gitops');
    expect(secret.stringData).toEqual({ NETBOX_TOKEN: 'nbt_abc.def', 'db-password': 'p"w' });
    const hook = find(chart, 'Secret', 'demo-netbox-gitops-migrate');
    expect(hook.stringData).toEqual({ 'db-password': 'p"w' });
    const env = container(find(chart, 'Deployment', 'demo-netbox-gitops-worker')).env ?? [];
    expect(env.find((e) => e.name === 'DATABASE_PASSWORD')?.valueFrom?.secretKeyRef?.key).toBe('db-password');
  });
});
