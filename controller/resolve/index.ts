export { resolveIntents } from './resolver.ts';
export { findConflicts, findConflictsByIntent } from './conflicts.ts';
export type { IntentSourceInfo } from './conflicts.ts';
export { pinOf, resolvePinned } from './pinned.ts';
export type { ResolverInput } from './resolver.ts';
export type { IntentRef, ReconcilePolicy, DesiredManufacturer, DesiredDeviceType, DesiredModuleType, DesiredIntent, DesiredState } from './types.ts';
