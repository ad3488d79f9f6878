/**
 * Sources and scheduling: where intents come from (a Git repository, a watched folder) and
 * where the devicetype-library comes from (a cached catalogue per revision), how they reach
 * the `intents` table, how intent intervals become BullMQ schedules, and the controller that
 * ties it together under a Redis leader lock (`netbox-gitops controller`).
 */
export { createController, requestSourceSync, sameRepository, DEFAULT_SYNC_CHANNEL } from './controller.ts';
export type { Controller, ControllerDeps, ControllerHealth, LeaderDuty, SourceSyncReport } from './controller.ts';
export { createGitIntentSource } from './git-intent-source.ts';
export type { GitIntentSourceOptions } from './git-intent-source.ts';
export { createFolderIntentSource, hashIntentFolder, DEFAULT_DEBOUNCE_MS } from './folder-intent-source.ts';
export type { FolderIntentSourceOptions } from './folder-intent-source.ts';
export { createCachedLibraryProvider, fingerprintFolder } from '../catalogue/index.ts';
export type { CachedLibraryProvider, CachedLibraryProviderOptions, LibraryCacheStats } from '../catalogue/index.ts';
export { syncIntents, canonicalJson, conflictNote, conflictingSourceOf, suspendIntent, resumeIntent } from './intent-sync.ts';
export type { SyncResult, SuspensionResult } from './intent-sync.ts';
export { snapshotIntents } from './snapshot.ts';
export { createIntentScheduler, nextScheduledChecks, repeatOf, DEFAULT_SCHEDULE_QUEUE } from './scheduler.ts';
export type { IntentRepeat, IntentScheduler, IntentSchedulerOptions, ScheduleChanges } from './scheduler.ts';
export { createLeaderElection, DEFAULT_LEADER_KEY } from './leader.ts';
export type { LeaderElection, LeaderElectionOptions } from './leader.ts';
export { redactUrl } from '../catalogue/index.ts';
export { fetchCheckout, scrub, sshCommand } from '../catalogue/index.ts';
export type { IntentRef, IntentSnapshot, IntentSource, InvalidIntent, LibraryProvider, ReconcileRequestOptions, ReconcileRequester } from './types.ts';
