// Names the Kubernetes source shares with the CRDs, the chart and the CLI.
import { CRD_NAMES, INTENT_GROUP, INTENT_KINDS, INTENT_VERSION } from '../intents/index.ts';
import type { Condition, IntentKind, IntentStatus } from '../intents/index.ts';

/** Added before the first NetBox write; released once a deletion has been handled (pruned or not). */
export const FINALIZER = 'netbox-gitops.io/finalizer';
/** Set (to any new value, by convention a timestamp) to ask for a reconcile now, like Flux's `reconcile.fluxcd.io/requestedAt`. */
export const RECONCILE_REQUESTED_ANNOTATION = 'netbox-gitops.io/reconcile-requested-at';
/** Field manager of every write the controller makes. */
export const FIELD_MANAGER = 'netbox-gitops-controller';
/** `reportingController` of the controller's Events. */
export const REPORTING_CONTROLLER = 'netbox-gitops.io/controller';

/** ObjectMeta as the controller reads it. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  finalizers?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

/** A VendorSet or DeviceTypeSet as the API server returns it. */
export interface IntentResource {
  apiVersion: string;
  kind: IntentKind;
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: IntentStatus;
}

export type { Condition };

/** Group, version and plural of one kind, for the custom objects API. */
export function resourceOf(kind: IntentKind): { group: string; version: string; plural: string } {
  return { group: INTENT_GROUP, version: INTENT_VERSION, plural: CRD_NAMES[kind].plural };
}

/** `/apis/netbox-gitops.io/v1alpha1[/namespaces/NS]/PLURAL`: what informers list and watch. */
export function collectionPath(kind: IntentKind, namespace?: string): string {
  const { group, version, plural } = resourceOf(kind);
  return `/apis/${group}/${version}${namespace ? `/namespaces/${namespace}` : ''}/${plural}`;
}

/**
 * The kind a user means by `VendorSet`, `vendorsets`, `vendorset`, `vs`, `DeviceTypeSet`,
 * `dts`, ... (the names kubectl accepts), or undefined.
 */
export function kindNamed(text: string): IntentKind | undefined {
  const lower = text.toLowerCase().replace(/\.netbox-gitops\.io$/, '');
  return INTENT_KINDS.find((kind) => {
    const names = CRD_NAMES[kind];
    return lower === kind.toLowerCase() || lower === names.plural || lower === names.singular || names.shortNames.includes(lower);
  });
}

/** `intents.source` of a custom resource: one source per object, so its removal is its own. */
export function sourceIdOf(namespace: string, name: string): string {
  return `kubernetes:${namespace}/${name}`;
}

/** True for the `intents.source` of a custom resource. */
export function isKubernetesSource(source: string): boolean {
  return source.startsWith('kubernetes:');
}

/** The stored revision of a custom resource: generation (what the spec is at), resourceVersion and uid. */
export function revisionOf(resource: IntentResource): string {
  const { generation, resourceVersion, uid } = resource.metadata;
  return `generation=${generation ?? 0},resourceVersion=${resourceVersion ?? ''},uid=${uid ?? ''}`;
}

/** The generation in a revision written by {@link revisionOf}, if it is one. */
export function generationOfRevision(revision: string | null | undefined): number | undefined {
  const match = /^generation=(\d+),/.exec(revision ?? '');
  return match ? Number(match[1]) : undefined;
}

/** `namespace/name` of a resource, the key of the controller's work queue within a kind. */
export function objectKey(kind: IntentKind, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}
