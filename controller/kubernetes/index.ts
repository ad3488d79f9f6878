/**
 * Kubernetes: VendorSet and DeviceTypeSet custom resources as an intent source beside Git and
 * folders — informers that survive dropped watches and 410 Gone, the intent store and the
 * workflow engine for reconciles, status and Events written back, a finalizer for prune on
 * delete, Lease leader election, and what the CLI needs (`reconcile`, `get`).
 */
export { createKubernetesApi, KubernetesApiError, loadKubeConfig, statusOf } from './client.ts';
export type { KubeConfigOptions, KubernetesApi } from './client.ts';
export { createEventRecorder } from './events.ts';
export type { EventRecorder, EventRecorderOptions, EventSpec } from './events.ts';
export { createResourceInformer } from './informer.ts';
export type { InformerEvent, ResourceInformer, ResourceInformerOptions } from './informer.ts';
export { createLeaseElection } from './lease.ts';
export type { LeaseElection, LeaseElectionOptions } from './lease.ts';
export { formatAge, printResources, renderTable } from './print.ts';
export {
  FIELD_MANAGER,
  FINALIZER,
  RECONCILE_REQUESTED_ANNOTATION,
  REPORTING_CONTROLLER,
  collectionPath,
  generationOfRevision,
  isKubernetesSource,
  kindNamed,
  resourceOf,
  revisionOf,
  sourceIdOf,
} from './resources.ts';
export type { IntentResource, ObjectMeta } from './resources.ts';
export { createKubernetesSource } from './source.ts';
export type { KubernetesSourceOptions } from './source.ts';
export { READY, RECONCILING, STALLED, computeStatus, readyOf, sameStatus } from './status.ts';
export type { Finalizing, StatusInputs } from './status.ts';
export { createIntentWatcher } from './watcher.ts';
export type { IntentWatcher, IntentWatcherOptions, WatchHealth } from './watcher.ts';
