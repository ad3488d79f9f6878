import { formatIssue } from '../errors/index.ts';
import { intentKey } from '../intents/index.ts';
import type { Logger } from '../logging/index.ts';
import { findConflictsByIntent, resolveIntents } from '../resolve/index.ts';
import type { IntentSnapshot, InvalidIntent, LibraryProvider } from './types.ts';

/**
 * Marks intents that conflict with another intent of the snapshot invalid: two enforce intents
 * wanting one object with different values would make NetBox flip on every reconcile (each
 * intent is reconciled on its own). Both intents of a pair stay unreconciled, with a message
 * naming both files and the differing fields, until their author resolves it. Needs the library
 * (values come from it); without one, or when it cannot be loaded, the snapshot is unchanged.
 */
export async function markConflicts(snapshot: IntentSnapshot, library: LibraryProvider | undefined, logger: Logger): Promise<IntentSnapshot> {
  if (!library || snapshot.intents.filter((loaded) => loaded.intent.spec.mode === 'enforce').length < 2) return snapshot;
  let catalogue;
  try {
    catalogue = await library.current();
  } catch (error) {
    logger.warn({ err: error }, 'the library could not be loaded to check intents for conflicts; checked at the next sync');
    return snapshot;
  }
  const state = resolveIntents(snapshot.intents, catalogue);
  const conflicts = findConflictsByIntent(
    state.intents,
    snapshot.intents.map((loaded) => ({ intent: loaded.intent, source: loaded })),
  );
  if (conflicts.size === 0) return snapshot;
  const invalid: InvalidIntent[] = [...snapshot.invalid];
  for (const [index, issues] of conflicts) {
    const loaded = snapshot.intents[index]!;
    invalid.push({
      kind: loaded.intent.kind,
      name: loaded.intent.metadata.name,
      file: loaded.file,
      document: loaded.intent,
      message: issues.map(formatIssue).join('\n'),
    });
  }
  const refused = new Set([...conflicts.keys()].map((index) => intentKey(snapshot.intents[index]!.intent)));
  return { ...snapshot, intents: snapshot.intents.filter((loaded) => !refused.has(intentKey(loaded.intent))), invalid };
}
