/**
 * Reviewing a change to the intents: the intent files at two Git revisions of a checkout and
 * the intents the change touches, for `plan --base REF --head REF` in CI.
 */
export { exportIntentsAt, openIntentRepository, resolveRevision, withIntentsAt } from './git-revisions.ts';
export type { IntentRepository } from './git-revisions.ts';
export { touchedIntents } from './touched.ts';
export type { NamedIntent } from './touched.ts';
