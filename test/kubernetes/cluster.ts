// The cluster the Kubernetes suite talks to: a fresh stand-in API server (test/kube-apiserver)
// unless `npm run test:kubernetes` was given KUBECONFIG, then that cluster. Either way the CRDs
// are applied and a namespace of its own is created through the real @kubernetes/client-node,
// and the tests act on the cluster the way kubectl would (create, merge patch, delete).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiextensionsV1Api, CoreV1Api, CustomObjectsApi, EventsV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { EventsV1Event, V1CustomResourceDefinition, V1JSONSchemaProps } from '@kubernetes/client-node';
import { inject } from 'vitest';
import { INTENT_KINDS, renderCustomResourceDefinition } from '../../controller/intents/index.ts';
import type { IntentKind } from '../../controller/intents/index.ts';
import { FINALIZER, createKubernetesApi, resourceOf, statusOf } from '../../controller/kubernetes/index.ts';
import type { IntentResource, KubernetesApi } from '../../controller/kubernetes/index.ts';
import { startStandInApiServer } from '../kube-apiserver/index.ts';
import type { StandInApiServer, StandInOptions } from '../kube-apiserver/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by vitest.kubernetes.config.ts from KUBECONFIG; empty or absent means the stand-in. */
    kubeconfig?: string;
  }
}

export interface TestCluster {
  /** A real cluster (KUBECONFIG), not the stand-in: fault injection is not available. */
  readonly real: boolean;
  readonly standIn: StandInApiServer | undefined;
  /** A kubeconfig file for child processes and the CLI, with this test's namespace as context namespace. */
  readonly kubeconfigPath: string;
  readonly kubeConfig: KubeConfig;
  /** The controller's API wrapper on this cluster. */
  readonly api: KubernetesApi;
  /**
   * The API as a user of its own (stand-in only, so that the stand-in's partition() can cut this
   * one client off); the shared `api` on a real cluster.
   */
  apiAs(user: string): KubernetesApi;
  readonly namespace: string;
  /** `kubectl apply` of a new object (a 422 from admission is thrown). */
  create(resource: { kind: IntentKind; metadata: { name: string } & Record<string, unknown>; spec: unknown }): Promise<IntentResource>;
  /** `kubectl patch --type merge`. */
  patch(kind: IntentKind, name: string, patch: Record<string, unknown>): Promise<IntentResource>;
  get(kind: IntentKind, name: string): Promise<IntentResource | undefined>;
  remove(kind: IntentKind, name: string): Promise<void>;
  /** events.k8s.io Events of this namespace about `name` (all when undefined). */
  events(name?: string): Promise<EventsV1Event[]>;
  close(): Promise<void>;
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** Connects (or starts the stand-in), applies the CRDs and creates a namespace. */
export async function connectCluster(options: StandInOptions = {}): Promise<TestCluster> {
  const given = inject('kubeconfig') ?? '';
  const standIn = given === '' ? await startStandInApiServer(options) : undefined;
  const namespace = `nbg-test-${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nbg-kube-'));
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  const kubeConfig = new KubeConfig();
  if (standIn) {
    kubeConfig.loadFromString(standIn.kubeconfig(namespace));
  } else {
    kubeConfig.loadFromFile(given);
    const context = kubeConfig.getContextObject(kubeConfig.getCurrentContext());
    if (context) kubeConfig.contexts = kubeConfig.contexts.map((c) => (c.name === context.name ? { ...c, namespace } : c));
  }
  writeFileSync(kubeconfigPath, kubeConfig.exportConfig(), { mode: 0o600 });
  const crds = kubeConfig.makeApiClient(ApiextensionsV1Api);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const eventsApi = kubeConfig.makeApiClient(EventsV1Api);
  await applyCrds(crds);
  await core.createNamespace({
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'app.kubernetes.io/part-of': 'netbox-gitops-tests' } } },
  });

  const cluster: TestCluster = {
    real: standIn === undefined,
    standIn,
    kubeconfigPath,
    kubeConfig,
    api: createKubernetesApi(kubeConfig),
    apiAs(user) {
      if (!standIn) return cluster.api;
      standIn.addUser(user);
      const own = new KubeConfig();
      own.loadFromString(standIn.kubeconfig(namespace, user));
      return createKubernetesApi(own);
    },
    namespace,
    async create(resource) {
      const body = { apiVersion: 'netbox-gitops.io/v1alpha1', ...resource, metadata: { ...resource.metadata, namespace } };
      return (await custom.createNamespacedCustomObject({ ...resourceOf(resource.kind), namespace, body, fieldValidation: 'Strict' })) as IntentResource;
    },
    async patch(kind, name, patch) {
      return (await custom.patchNamespacedCustomObject(
        { ...resourceOf(kind), namespace, name, body: patch, fieldValidation: 'Strict' },
        mergePatch,
      )) as IntentResource;
    },
    async get(kind, name) {
      try {
        return (await custom.getNamespacedCustomObject({ ...resourceOf(kind), namespace, name })) as IntentResource;
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    },
    async remove(kind, name) {
      await custom.deleteNamespacedCustomObject({ ...resourceOf(kind), namespace, name });
    },
    async events(name) {
      const list = await eventsApi.listNamespacedEvent({ namespace });
      return list.items.filter((event) => name === undefined || event.regarding?.name === name);
    },
    async close() {
      // Objects left behind keep our finalizer once no controller runs: strip it, then delete.
      for (const kind of INTENT_KINDS) {
        const list = (await custom.listNamespacedCustomObject({ ...resourceOf(kind), namespace }).catch(() => ({ items: [] }))) as { items: IntentResource[] };
        for (const item of list.items) {
          const finalizers = (item.metadata.finalizers ?? []).filter((f) => f !== FINALIZER);
          await custom
            .patchNamespacedCustomObject({ ...resourceOf(kind), namespace, name: item.metadata.name, body: { metadata: { finalizers } } }, mergePatch)
            .catch(() => undefined);
          await custom.deleteNamespacedCustomObject({ ...resourceOf(kind), namespace, name: item.metadata.name }).catch(() => undefined);
        }
      }
      await core.deleteNamespace({ name: namespace }).catch(() => undefined);
      await standIn?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return cluster;
}

/**
 * client-node's typed API sends only the model's own property names: a schema written as JSON
 * (`default`, `enum`, `x-kubernetes-validations`, ...) must be renamed to the model's names
 * (`_default`, `_enum`, `x_kubernetes_validations`) or those keywords are silently dropped.
 */
function toModel(schema: Record<string, unknown>): Record<string, unknown> {
  const renamed: Record<string, string> = { $ref: 'ref', $schema: 'schema', default: '_default', enum: '_enum' };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    const name = renamed[key] ?? key.replace(/^x-kubernetes-/, 'x_kubernetes_').replace(/-/g, '_');
    if (key === 'properties' && value !== null && typeof value === 'object') {
      out[name] = Object.fromEntries(Object.entries(value).map(([property, child]) => [property, toModel(child as Record<string, unknown>)]));
    } else if ((key === 'items' || key === 'additionalProperties') && value !== null && typeof value === 'object') {
      out[name] = toModel(value as Record<string, unknown>);
    } else {
      out[name] = value;
    }
  }
  return out;
}

/** Creates the CRDs, or updates them to the generated version (a real cluster may hold older ones). */
async function applyCrds(api: ApiextensionsV1Api): Promise<void> {
  for (const kind of INTENT_KINDS) {
    const body = renderCustomResourceDefinition(kind) as unknown as V1CustomResourceDefinition;
    const name = body.metadata?.name ?? '';
    let existing: V1CustomResourceDefinition | undefined;
    try {
      existing = await api.readCustomResourceDefinition({ name });
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
    body.spec.versions = body.spec.versions.map((version) => ({
      ...version,
      schema: { openAPIV3Schema: toModel(version.schema?.openAPIV3Schema as Record<string, unknown>) as V1JSONSchemaProps },
    }));
    if (existing === undefined) await api.createCustomResourceDefinition({ body });
    else
      await api.replaceCustomResourceDefinition({
        name,
        body: { ...body, metadata: { ...body.metadata, resourceVersion: existing.metadata?.resourceVersion } },
      });
    // A real API server serves a new CRD once it is Established.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const crd = await api.readCustomResourceDefinition({ name });
      if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} did not become Established`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
