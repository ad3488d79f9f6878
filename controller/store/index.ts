/**
 * Reads the API, the GraphQL resolvers and the dashboard make of the intent store (intents,
 * their revisions and drift): the SQL lives here, not in `api/`. The engine's own tables keep
 * their queries beside it in `controller/workflow` (processes, steps, audit, events, outbox).
 */
export { getIntent, getIntentDocument, intentExists, listIntents, readyCondition, summariseDrift } from './intents.ts';
export type { DriftCounts, DriftRow, DriftSummary, IntentDetail, IntentFilter, IntentRevision, IntentSummary, ReadyCondition } from './intents.ts';
