// The Kubernetes part of `npm run demo`: there is no cluster here, so it starts the stand-in API
// server of the tests (test/kube-apiserver: in-process HTTP, not Kubernetes), applies the CRDs
// and two custom resources the way `kubectl apply` would, runs the real `netbox-gitops
// controller --source kubernetes` against it (a kubeconfig, as in a cluster), waits for the
// objects to be Ready and prints them as `kubectl get` and `kubectl describe` would: the CRDs'
// printer columns, the status conditions and the Events the controller recorded.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IntentKind } from '../controller/intents/index.ts';
import { formatAge, printResources, readyOf, renderTable, resourceOf } from '../controller/kubernetes/index.ts';
import type { IntentResource } from '../controller/kubernetes/index.ts';
import { startStandInApiServer } from '../test/kube-apiserver/index.ts';

/** What demo.ts lends this part: its process helpers and where to clean up. */
export interface KubernetesDemoContext {
  readonly root: string;
  /** The service environment of the demo (database, Redis, queue, NetBox, library). */
  readonly env: Record<string, string>;
  service(name: string, args: string[], env: Record<string, string>): ChildProcess;
  stop(child: ChildProcess): Promise<void>;
  freePort(): Promise<number>;
  /** Registers an undo step that runs however the demo ends. */
  cleanup(step: () => Promise<void>): void;
}

const NAMESPACE = 'network';

/** What a user would keep in Git and `kubectl apply -f`: a custom vendor and a library selection. */
const MANIFEST = `apiVersion: netbox-gitops.io/v1alpha1
kind: VendorSet
metadata:
  name: lab-optics
spec:
  mode: enforce
  custom:
    - name: Lab Optics
      slug: lab-optics
---
apiVersion: netbox-gitops.io/v1alpha1
kind: DeviceTypeSet
metadata:
  name: edge-routers
spec:
  mode: enforce
  vendors:
    - Juniper
  include:
    - ^MX204$
`;

const OBJECTS: readonly { kind: IntentKind; name: string }[] = [
  { kind: 'VendorSet', name: 'lab-optics' },
  { kind: 'DeviceTypeSet', name: 'edge-routers' },
];

const write = (text: string): boolean => process.stdout.write(text);

/** Runs the part; throws when an object is not Ready in time. */
export async function runKubernetesDemo(ctx: KubernetesDemoContext): Promise<void> {
  const apiServer = await startStandInApiServer();
  ctx.cleanup(() => apiServer.close());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'netbox-gitops-demo-kube-'));
  ctx.cleanup(async () => rmSync(dir, { recursive: true, force: true }));
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, apiServer.kubeconfig(NAMESPACE), { mode: 0o600 });
  write(`stand-in API server at ${apiServer.url} (kubeconfig ${kubeconfig})\n`);

  const request = async (method: string, urlPath: string, body?: string, contentType = 'application/yaml'): Promise<unknown> => {
    const response = await fetch(`${apiServer.url}${urlPath}`, {
      method,
      headers: { authorization: `Bearer ${apiServer.token}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': contentType } : {}) },
      ...(body !== undefined ? { body } : {}),
    });
    const answer = (await response.json()) as { message?: string };
    if (!response.ok) throw new Error(`${method} ${urlPath}: HTTP ${response.status} ${answer.message ?? ''}`);
    return answer;
  };

  write('$ kubectl apply -f crds/\n');
  for (const kind of ['vendorsets', 'devicetypesets']) {
    await request(
      'POST',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      readFileSync(path.join(ctx.root, 'crds', `${kind}.netbox-gitops.io.yaml`), 'utf8'),
    );
    write(`customresourcedefinition.apiextensions.k8s.io/${kind}.netbox-gitops.io created\n`);
  }
  await request('POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } }), 'application/json');

  // The controller as the chart runs it: its pod name is the Lease identity, probes on HEALTH_PORT.
  const healthPort = await ctx.freePort();
  const controllerEnv = {
    ...ctx.env,
    KUBECONFIG: kubeconfig,
    WATCH_NAMESPACE: NAMESPACE,
    POD_NAME: 'netbox-gitops-controller-7d9f8-x2k4q',
    POD_NAMESPACE: NAMESPACE,
    HEALTH_PORT: String(healthPort),
  };
  write(`$ netbox-gitops controller --source kubernetes   (WATCH_NAMESPACE=${NAMESPACE}, in the background)\n`);
  const controller = ctx.service('controller --source kubernetes', ['controller', '--source', 'kubernetes'], controllerEnv);
  try {
    // Ready as the leader: it holds the Lease and both informers have listed and are watching.
    const readyz = await waitForReady(`http://127.0.0.1:${healthPort}/readyz`, 60_000, (body) => body.includes('"leader":true'));
    write(`GET /readyz → 200 ${readyz}\n`);

    write(`$ kubectl apply -n ${NAMESPACE} -f edge.yaml\n${MANIFEST.replace(/^/gm, '    ')}\n`);
    for (const document of MANIFEST.split(/^---\n/m)) {
      const { kind, name } = OBJECTS.find((o) => document.includes(`kind: ${o.kind}\n`) && document.includes(`name: ${o.name}\n`)) ?? {};
      if (kind === undefined || name === undefined) continue;
      const { plural, group, version } = resourceOf(kind);
      await request(
        'POST',
        `/apis/${group}/${version}/namespaces/${NAMESPACE}/${plural}?fieldValidation=Strict&fieldManager=kubectl-client-side-apply`,
        document,
      );
      write(`${kind.toLowerCase()}.${group}/${name} created\n`);
    }

    const get = async (kind: IntentKind, name: string): Promise<IntentResource> => {
      const { plural, group, version } = resourceOf(kind);
      return (await request('GET', `/apis/${group}/${version}/namespaces/${NAMESPACE}/${plural}/${name}`)) as IntentResource;
    };

    // As `kubectl get vendorsets,devicetypesets -w`: a line each time a row changes, until both are Ready.
    write(`$ kubectl get vendorsets,devicetypesets -n ${NAMESPACE} -w\n`);
    const qualified = (resource: IntentResource): string => `${resource.kind.toLowerCase()}.${resourceOf(resource.kind).group}/${resource.metadata.name}`;
    const widths = [Math.max(...OBJECTS.map((o) => `${o.kind.toLowerCase()}.netbox-gitops.io/${o.name}`.length)) + 3, 8, 10, 8];
    const line = (cells: readonly string[]): string => `${cells.map((cell, i) => (i < widths.length ? cell.padEnd(widths[i] ?? 0) : cell)).join('')}\n`;
    write(line(['NAME', 'READY', 'MODE', 'DRIFT', 'AGE']));
    const seen = new Map<string, string>();
    const deadline = Date.now() + 90_000;
    for (;;) {
      const resources = await Promise.all(OBJECTS.map(({ kind, name }) => get(kind, name)));
      for (const resource of resources) {
        const cells = [
          qualified(resource),
          readyOf(resource.status)?.status ?? '',
          String(resource.spec?.mode ?? ''),
          resource.status?.drift?.total === undefined ? '' : String(resource.status.drift.total),
        ];
        const key = cells.join('|');
        if (seen.get(resource.metadata.name) === key) continue;
        seen.set(resource.metadata.name, key);
        write(line([...cells, formatAge(Date.now() - Date.parse(resource.metadata.creationTimestamp ?? ''))]));
      }
      if (resources.every(isReady)) break;
      if (Date.now() > deadline)
        throw new Error(
          `the custom resources were not Ready in time: ${resources.map((r) => `${r.metadata.name}: ${readyOf(r.status)?.message ?? 'no status'}`).join('; ')}`,
        );
      await sleep(200);
    }

    write(`\n$ kubectl get devicetypesets -n ${NAMESPACE}\n`);
    write(printResources('DeviceTypeSet', [await get('DeviceTypeSet', 'edge-routers')]));
    write(`\n$ kubectl get vendorsets -n ${NAMESPACE}\n`);
    write(printResources('VendorSet', [await get('VendorSet', 'lab-optics')]));

    const routers = await get('DeviceTypeSet', 'edge-routers');
    write(`\n$ kubectl describe devicetypeset edge-routers -n ${NAMESPACE}   (status and events)\n`);
    const status = routers.status;
    write(`Status:\n  Observed Generation:            ${status?.observedGeneration ?? ''}\n`);
    write(`  Last Applied Library Revision:  ${status?.lastAppliedLibraryRevision ?? ''}\n`);
    write(`  Last Process Id:                ${status?.lastProcessId ?? ''}\n`);
    write(`  Drift:                          ${JSON.stringify(status?.drift ?? {})}\n`);
    write('  Conditions:\n');
    write(
      indent(
        renderTable(
          ['TYPE', 'STATUS', 'REASON', 'LAST TRANSITION', 'MESSAGE'],
          (status?.conditions ?? []).map((c) => [c.type, c.status, c.reason, c.lastTransitionTime, c.message ?? '']),
        ),
        4,
      ),
    );
    // The controller writes Events in the background, right after the status: wait for the last one.
    const eventsOf = (name: string): Record<string, unknown>[] =>
      apiServer
        .objects('events', NAMESPACE)
        .filter((event) => (event.regarding as { name?: string } | undefined)?.name === name)
        .sort((a, b) => String(a.eventTime).localeCompare(String(b.eventTime)));
    for (let i = 0; i < 20 && !eventsOf('edge-routers').some((event) => event.reason === 'ReconciliationSucceeded'); i += 1) await sleep(100);
    const now = Date.now();
    const events = eventsOf('edge-routers');
    write('Events:\n');
    write(
      indent(
        renderTable(
          ['TYPE', 'REASON', 'AGE', 'FROM', 'MESSAGE'],
          events.map((event) => {
            const count = (event.series as { count?: number } | undefined)?.count;
            return [
              String(event.type),
              String(event.reason),
              `${formatAge(now - Date.parse(String(event.eventTime)))}${count ? ` (x${count})` : ''}`,
              String(event.reportingController),
              String(event.note),
            ];
          }),
        ),
        2,
      ),
    );
    const lease = apiServer.objects('leases', NAMESPACE)[0] as
      { metadata: { name: string }; spec: { holderIdentity?: string; leaseDurationSeconds?: number } } | undefined;
    write(
      `\nLease ${NAMESPACE}/${lease?.metadata.name ?? '?'}: held by ${lease?.spec.holderIdentity ?? 'nobody'} (${lease?.spec.leaseDurationSeconds ?? '?'}s, renewed while it leads)\n`,
    );
  } finally {
    await ctx.stop(controller);
  }
}

function isReady(resource: IntentResource): boolean {
  const ready = readyOf(resource.status);
  return (
    ready?.status === 'True' &&
    resource.status?.observedGeneration === resource.metadata.generation &&
    !(resource.status?.conditions ?? []).some((c) => c.type === 'Reconciling')
  );
}

function indent(text: string, width: number): string {
  return text.replace(/^(?=.)/gm, ' '.repeat(width));
}

async function waitForReady(url: string, ms: number, accept: (body: string) => boolean): Promise<string> {
  const deadline = Date.now() + ms;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const answer = await fetch(url).then(
      async (response) => ({ ok: response.ok, body: (await response.text()).trim() }),
      (error: unknown) => ({ ok: false, body: String(error) }),
    );
    if (answer.ok && accept(answer.body)) return answer.body;
    last = answer.body;
    await sleep(200);
  }
  throw new Error(`the controller did not become ready (${url}): ${last}`);
}
