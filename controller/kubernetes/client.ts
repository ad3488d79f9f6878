// The Kubernetes API calls the controller and the CLI make, on @kubernetes/client-node: custom
// objects (read, merge patches of metadata and status), Leases and events.k8s.io Events.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { CoordinationV1Api, CustomObjectsApi, EventsV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { EventsV1Event, V1Lease } from '@kubernetes/client-node';
import { ConfigurationError, IntegrationError } from '../errors/index.ts';
import type { IntentKind, IntentStatus } from '../intents/index.ts';
import { FIELD_MANAGER, resourceOf } from './resources.ts';
import type { IntentResource, ObjectMeta } from './resources.ts';

/** Where to find the cluster. */
export interface KubeConfigOptions {
  /** A kubeconfig file; wins over everything else. */
  readonly kubeconfig?: string;
  /** Inside a pod: use the service account (token, CA and KUBERNETES_SERVICE_HOST). */
  readonly inCluster?: boolean;
}

/**
 * Loads the cluster connection: the kubeconfig file when given, else the pod's service account
 * when in a cluster, else `~/.kube/config`.
 * @throws ConfigurationError when none of them is there.
 */
export function loadKubeConfig(options: KubeConfigOptions): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (options.kubeconfig !== undefined) kc.loadFromFile(options.kubeconfig);
    else if (options.inCluster) kc.loadFromCluster();
    else {
      const fallback = join(homedir(), '.kube', 'config');
      if (!existsSync(fallback)) {
        throw new ConfigurationError('no Kubernetes cluster configured: set KUBECONFIG to a kubeconfig file, or run inside a pod', 'KUBECONFIG');
      }
      kc.loadFromFile(fallback);
    }
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    throw new ConfigurationError(
      `cannot load the Kubernetes configuration${options.kubeconfig ? ` from ${options.kubeconfig}` : ''}: ${messageOf(error)}`,
      'KUBECONFIG',
      { cause: error },
    );
  }
  if (!kc.getCurrentCluster()) throw new ConfigurationError('the kubeconfig has no current cluster (set current-context)', 'KUBECONFIG');
  return kc;
}

/** An API server answer other than success, with its HTTP status and the Status reason. */
export class KubernetesApiError extends IntegrationError {
  override readonly code = 'kubernetes_api_error';
  constructor(
    message: string,
    readonly status: number,
    readonly reason: string | undefined,
    options?: ErrorOptions,
  ) {
    super(message, { system: 'kubernetes', transient: status === 0 || status === 429 || status >= 500 }, options);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The HTTP status of a client-node error (0 when the request did not get an answer). */
export function statusOf(error: unknown): number {
  if (error instanceof KubernetesApiError) return error.status;
  const code = (error as { code?: unknown; statusCode?: unknown } | null)?.code ?? (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : 0;
}

/** Turns a client-node ApiException into a KubernetesApiError naming the call; the API server's message is kept. */
function wrap(what: string, error: unknown): KubernetesApiError {
  const status = statusOf(error);
  let reason: string | undefined;
  let detail = messageOf(error);
  const body = (error as { body?: unknown } | null)?.body;
  const parsed = typeof body === 'string' ? safeJson(body) : body;
  if (parsed !== null && typeof parsed === 'object') {
    const s = parsed as { message?: unknown; reason?: unknown };
    if (typeof s.message === 'string') detail = s.message;
    if (typeof s.reason === 'string') reason = s.reason;
  }
  return new KubernetesApiError(`${what}: ${status === 0 ? '' : `HTTP ${status} `}${detail}`, status, reason, { cause: error });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** The calls the controller and the CLI make. Every failure is a KubernetesApiError. */
export interface KubernetesApi {
  readonly kubeConfig: KubeConfig;
  list(kind: IntentKind, namespace?: string): Promise<{ items: IntentResource[]; metadata: { resourceVersion?: string } }>;
  /** Undefined when it does not exist. */
  get(kind: IntentKind, namespace: string, name: string): Promise<IntentResource | undefined>;
  /**
   * JSON merge patch of metadata (finalizers, annotations). With `resourceVersion` the write is
   * conditional: a 409 says the object changed since it was read.
   */
  patchMetadata(kind: IntentKind, namespace: string, name: string, metadata: Partial<ObjectMeta>): Promise<IntentResource>;
  /** JSON merge patch of the status subresource (field manager {@link FIELD_MANAGER}). */
  patchStatus(kind: IntentKind, namespace: string, name: string, status: IntentStatus): Promise<IntentResource>;
  createEvent(namespace: string, event: EventsV1Event): Promise<EventsV1Event>;
  patchEvent(namespace: string, name: string, patch: Record<string, unknown>): Promise<EventsV1Event>;
  getLease(namespace: string, name: string): Promise<V1Lease | undefined>;
  createLease(namespace: string, lease: V1Lease): Promise<V1Lease>;
  /** Replaces a Lease; its metadata.resourceVersion makes it conditional (409 when it moved on). */
  replaceLease(namespace: string, lease: V1Lease): Promise<V1Lease>;
}

/** The API on a loaded KubeConfig. */
export function createKubernetesApi(kubeConfig: KubeConfig): KubernetesApi {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const coordination = kubeConfig.makeApiClient(CoordinationV1Api);
  const events = kubeConfig.makeApiClient(EventsV1Api);
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw wrap(what, error);
    }
  };
  return {
    kubeConfig,
    list: (kind, namespace) =>
      call(`list ${resourceOf(kind).plural}${namespace ? ` in ${namespace}` : ''}`, async () => {
        const r = resourceOf(kind);
        const list = (namespace ? await custom.listNamespacedCustomObject({ ...r, namespace }) : await custom.listClusterCustomObject(r)) as {
          items?: IntentResource[];
          metadata?: { resourceVersion?: string };
        };
        return { items: list.items ?? [], metadata: list.metadata ?? {} };
      }),
    async get(kind, namespace, name) {
      try {
        return (await custom.getNamespacedCustomObject({ ...resourceOf(kind), namespace, name })) as IntentResource;
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw wrap(`get ${kind} ${namespace}/${name}`, error);
      }
    },
    patchMetadata: (kind, namespace, name, metadata) =>
      call(
        `patch ${kind} ${namespace}/${name}`,
        async () =>
          (await custom.patchNamespacedCustomObject(
            { ...resourceOf(kind), namespace, name, body: { metadata }, fieldManager: FIELD_MANAGER },
            mergePatch,
          )) as IntentResource,
      ),
    patchStatus: (kind, namespace, name, status) =>
      call(
        `write the status of ${kind} ${namespace}/${name}`,
        async () =>
          (await custom.patchNamespacedCustomObjectStatus(
            { ...resourceOf(kind), namespace, name, body: { status }, fieldManager: FIELD_MANAGER },
            mergePatch,
          )) as IntentResource,
      ),
    createEvent: (namespace, event) => call(`create an Event in ${namespace}`, () => events.createNamespacedEvent({ namespace, body: event })),
    patchEvent: (namespace, name, patch) =>
      call(`update Event ${namespace}/${name}`, () => events.patchNamespacedEvent({ namespace, name, body: patch, fieldManager: FIELD_MANAGER }, mergePatch)),
    async getLease(namespace, name) {
      try {
        return await coordination.readNamespacedLease({ namespace, name });
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw wrap(`read Lease ${namespace}/${name}`, error);
      }
    },
    createLease: (namespace, lease) =>
      call(`create Lease ${namespace}/${lease.metadata?.name ?? ''}`, () => coordination.createNamespacedLease({ namespace, body: lease })),
    replaceLease: (namespace, lease) =>
      call(`update Lease ${namespace}/${lease.metadata?.name ?? ''}`, () =>
        coordination.replaceNamespacedLease({ namespace, name: lease.metadata?.name ?? '', body: lease }),
      ),
  };
}
