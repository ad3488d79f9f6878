import { withTransaction } from '../db/index.ts';
import type { Pool, PoolClient } from '../db/index.ts';
import { intentKey } from '../intents/index.ts';
import type { Intent } from '../intents/index.ts';
import {
  clearIntentConflictNotes,
  clearOperatorSuspension,
  insertIntent,
  insertInvalidIntent,
  lockIntent,
  lockIntentsForSync,
  markIntentInvalid,
  markIntentRemoved,
  noteIntentConflict,
  recordIntentRevision,
  setIntentStatusMessage,
  setOperatorSuspension,
  updateIntent,
  withIntentSourceLock,
} from '../store/index.ts';
import type { IntentStatus, IntentWrite, OperatorSuspension, SyncedIntentRow } from '../store/index.ts';
import type { IntentRef, IntentSnapshot, InvalidIntent } from './types.ts';

/** What one sync changed in the `intents` table. */
export interface SyncResult {
  readonly source: string;
  readonly revision: string;
  /** Active intents that are new, changed, or active again: each wants a reconcile now. */
  readonly changed: readonly IntentRef[];
  /** Intents marked removed by this sync; `prune` when their last valid version said `prune: true` and was not suspended. */
  readonly removed: readonly { readonly ref: IntentRef; readonly prune: boolean }[];
  readonly invalid: readonly IntentRef[];
  readonly suspended: readonly IntentRef[];
  /** Valid intents whose stored spec did not change. */
  readonly unchanged: number;
  /** True when removals were held back because some errors could not be pinned to an intent. */
  readonly removalsWithheld: boolean;
  /**
   * Intents of this snapshot that another source already defines (`definedBy`): an error. The
   * first source keeps the intent (its row gets a note naming this source); this copy is not
   * stored until the other one is removed, when a later sync of this source takes it over.
   */
  readonly conflicts: readonly { readonly ref: IntentRef; readonly definedBy: string }[];
}

/** The note on an intent's row while another source also defines it. */
export function conflictNote(otherSource: string): string {
  return `also defined by ${otherSource}; that copy is ignored until this one is removed (one kind/name from two sources is an error)`;
}
const CONFLICT_NOTE_PREFIX = 'also defined by ';

/** The source named by a {@link conflictNote}, if `message` is one. */
export function conflictingSourceOf(message: string | null | undefined): string | undefined {
  if (!message?.startsWith(CONFLICT_NOTE_PREFIX)) return undefined;
  const end = message.indexOf('; that copy is ignored');
  return end > 0 ? message.slice(CONFLICT_NOTE_PREFIX.length, end) : undefined;
}

/**
 * Brings the `intents` table in line with what `source` holds at `snapshot.revision`, in one
 * transaction: valid intents are upserted (a new intent_revisions row when their spec
 * changed), invalid ones get status 'invalid' with every error in status_message (their last
 * valid spec stays stored but is never reconciled), and intents of this source that are
 * gone get status 'removed'. Reconcile requests are the caller's job, from the result.
 */
export async function syncIntents(pool: Pool, source: string, snapshot: IntentSnapshot): Promise<SyncResult> {
  // Two controllers that both believe they lead (a lock that expired mid-sync) still write one after the other.
  return withIntentSourceLock(pool, source, async (client) => {
    const keys = [...snapshot.intents.map((loaded) => intentKey(loaded.intent)), ...snapshot.invalid.map((entry) => `${entry.kind}/${entry.name}`)];
    const stored = await lockIntentsForSync(client, source, keys);
    const changed: IntentRef[] = [];
    const suspended: IntentRef[] = [];
    const conflicts: { ref: IntentRef; definedBy: string }[] = [];
    let unchanged = 0;
    // A row another source holds (and has not removed) stays that source's: note the conflict on it.
    const ownedElsewhere = async (ref: IntentRef, row: SyncedIntentRow | undefined): Promise<boolean> => {
      if (row === undefined || row.source === source || row.status === 'removed') return false;
      conflicts.push({ ref, definedBy: row.source });
      await noteIntentConflict(client, row.id, conflictNote(source), CONFLICT_NOTE_PREFIX);
      return true;
    };
    for (const { intent } of snapshot.intents) {
      const ref = { kind: intent.kind, name: intent.metadata.name };
      const row = stored.get(intentKey(intent));
      if (await ownedElsewhere(ref, row)) continue;
      const outcome = await upsertValidIntent(client, source, snapshot.revision, intent, row);
      if (intent.spec.suspend) suspended.push(ref);
      if (outcome === 'reconcile') changed.push(ref);
      else if (outcome === 'unchanged') unchanged += 1;
    }
    for (const entry of snapshot.invalid) {
      const row = stored.get(`${entry.kind}/${entry.name}`);
      if (await ownedElsewhere({ kind: entry.kind, name: entry.name }, row)) continue;
      await markInvalid(client, source, snapshot.revision, entry, row);
    }
    // This source no longer defines what it conflicted over: clear its note on the other rows.
    await clearIntentConflictNotes(client, source, conflictNote(source), keys);
    const present = new Set(keys);
    const gone = [...stored.values()].filter((row) => row.source === source && row.status !== 'removed' && !present.has(`${row.kind}/${row.name}`));
    const removalsWithheld = snapshot.unattributed.length > 0 && gone.length > 0;
    const removed = removalsWithheld ? [] : await markRemoved(client, snapshot.revision, gone);
    return {
      source,
      revision: snapshot.revision,
      changed,
      removed,
      invalid: snapshot.invalid.map((entry) => ({ kind: entry.kind, name: entry.name })),
      suspended,
      unchanged,
      removalsWithheld,
      conflicts,
    };
  });
}

/** 'reconcile' when the intent is active and new, changed or active again; 'updated' for other writes. */
async function upsertValidIntent(
  client: PoolClient,
  source: string,
  revision: string,
  intent: Intent,
  stored: SyncedIntentRow | undefined,
): Promise<'reconcile' | 'updated' | 'unchanged'> {
  // An operator's suspension outlasts syncs until the operator resumes the intent.
  const operator = stored?.suspendedAt ? operatorSuspension(stored) : undefined;
  const status = intent.spec.suspend || operator !== undefined ? 'suspended' : 'active';
  const message = intent.spec.suspend ? 'spec.suspend is true: not reconciled and not scheduled until it is set back to false' : (operator ?? null);
  const spec = JSON.stringify(intent);
  const write: IntentWrite = { source, revision, spec, status, statusMessage: message, mode: intent.spec.mode };
  if (stored === undefined) {
    const id = await insertIntent(client, { kind: intent.kind, name: intent.metadata.name }, write);
    await recordIntentRevision(client, id, revision, spec, source);
    return status === 'active' ? 'reconcile' : 'updated';
  }
  const specChanged = canonicalJson(stored.spec) !== canonicalJson(intent) || !stored.wasValid;
  const statusChanged = stored.status !== status;
  if (!specChanged && !statusChanged && stored.source === source && stored.revision === revision) return 'unchanged';
  await updateIntent(client, stored.id, write);
  if (specChanged) await recordIntentRevision(client, stored.id, revision, spec, source);
  if (status === 'active' && (specChanged || statusChanged)) return 'reconcile';
  return specChanged || statusChanged ? 'updated' : 'unchanged';
}

function operatorSuspension(row: OperatorSuspension): string {
  const when = row.suspendedAt?.toISOString() ?? 'an unknown time';
  return `suspended by ${row.suspendedBy ?? 'an operator'} at ${when}${row.suspendMessage ? `: ${row.suspendMessage}` : ''}; resume it to reconcile again`;
}

/** The state of an intent after {@link suspendIntent} or {@link resumeIntent}. */
export interface SuspensionResult {
  readonly status: IntentStatus;
  readonly statusMessage: string | null;
  /** The status before the call. */
  readonly previousStatus: IntentStatus;
}

/**
 * Suspends an intent on an operator's request (the API's suspend): no reconciles and no
 * scheduled drift checks run until {@link resumeIntent}, whatever its source says meanwhile.
 * Removed intents are left alone (undefined is returned only for unknown intents).
 */
export async function suspendIntent(pool: Pool, ref: IntentRef, by: string, message: string | null = null): Promise<SuspensionResult | undefined> {
  return withTransaction(pool, async (client) => {
    const row = await lockIntent(client, ref);
    if (!row) return undefined;
    if (row.status === 'removed') return { status: row.status, statusMessage: null, previousStatus: row.status };
    const updated = await setOperatorSuspension(client, row.id, by, message);
    if (!updated) return undefined;
    // spec.suspend's own message wins; an invalid intent keeps its problems as the message.
    let statusMessage = updated.statusMessage;
    if (updated.status === 'suspended' && (row.status === 'active' || statusMessage === null)) {
      statusMessage = operatorSuspension(updated);
      await setIntentStatusMessage(client, row.id, statusMessage);
    }
    return { status: updated.status, statusMessage, previousStatus: row.status };
  });
}

/**
 * Lifts an operator's suspension. The intent becomes active again unless its source still says
 * spec.suspend (or it is invalid or removed); the caller requests a reconcile when it did.
 */
export async function resumeIntent(pool: Pool, ref: IntentRef): Promise<SuspensionResult | undefined> {
  return withTransaction(pool, async (client) => {
    const row = await lockIntent(client, ref);
    if (!row) return undefined;
    const activate = row.status === 'suspended' && !row.specSuspends;
    const updated = await clearOperatorSuspension(client, row.id, activate);
    return updated ? { status: updated.status, statusMessage: updated.statusMessage, previousStatus: row.status } : undefined;
  });
}

/** The last valid spec stays (the engine must not use it while the status is 'invalid'); a new name stores the raw document. */
async function markInvalid(client: PoolClient, source: string, revision: string, entry: InvalidIntent, stored: SyncedIntentRow | undefined): Promise<void> {
  if (stored === undefined) {
    const document = entry.document !== null && typeof entry.document === 'object' ? entry.document : {};
    await insertInvalidIntent(client, { kind: entry.kind, name: entry.name }, { source, revision, document: JSON.stringify(document), message: entry.message });
    return;
  }
  await markIntentInvalid(client, stored.id, source, entry.message);
}

async function markRemoved(client: PoolClient, revision: string, gone: readonly SyncedIntentRow[]): Promise<{ ref: IntentRef; prune: boolean }[]> {
  const removed: { ref: IntentRef; prune: boolean }[] = [];
  for (const row of gone) {
    await markIntentRemoved(client, row.id, `no longer in the source at revision ${revision}`);
    // A suspended intent is frozen, deletions included (as Flux skips garbage collection of a suspended object).
    const prune = row.wasValid && row.status !== 'suspended' && prunes(row.spec);
    removed.push({ ref: { kind: row.kind, name: row.name }, prune });
  }
  return removed;
}

function prunes(spec: unknown): boolean {
  const inner = (spec as { spec?: { prune?: unknown } } | null)?.spec;
  return inner?.prune === true;
}

/** JSON with object keys sorted, so a jsonb value read back compares equal to the object written. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
