import type { ValidationIssue } from '../errors/index.ts';
import type { IntentKind, IntentRef, LoadedIntent, LoadedNotification } from '../intents/index.ts';

export type { IntentRef } from '../intents/index.ts';

export interface ReconcileRequestOptions {
  readonly createdBy?: string;
  readonly correlationId?: string;
  readonly reason?: string;
}

/**
 * The part of the workflow engine's WorkflowService the controller uses. Declared here
 * structurally so that sources do not depend on the engine's internals; the real service
 * (controller/workflow) satisfies it.
 */
export interface ReconcileRequester {
  /** Serialises per intent and merges repeated requests (the engine's contract). */
  requestReconcile(ref: IntentRef, options?: ReconcileRequestOptions): Promise<unknown>;
}

export type { LibraryProvider } from '../catalogue/index.ts';

/** An intent document that failed validation but still names its kind and `metadata.name`. */
export interface InvalidIntent {
  readonly kind: IntentKind;
  readonly name: string;
  readonly file: string;
  /** The document as written (it could not be validated), for the dashboard. */
  readonly document: unknown;
  /** Every error of this document, formatted `file:line:col path: message`. */
  readonly message: string;
}

/** What a source holds at one revision. */
export interface IntentSnapshot {
  readonly revision: string;
  readonly intents: readonly LoadedIntent[];
  readonly invalid: readonly InvalidIntent[];
  /**
   * Errors that cannot be pinned to a named intent (unparseable YAML, an unknown kind, a
   * missing name, an unreadable file). While there are any, no intent of the source is
   * marked removed: the intent might be in the broken file, and a removal can prune.
   */
  readonly unattributed: readonly ValidationIssue[];
  /** Warnings of valid documents, for the log. */
  readonly warnings: readonly ValidationIssue[];
  /** Valid Notification resources of the source (outgoing notification channels). */
  readonly notifications?: readonly LoadedNotification[];
}

/** Where intents come from: a Git repository or a local folder. */
export interface IntentSource {
  /** Stored in `intents.source`; identifies the source's intents for removal. Holds no credentials. */
  readonly id: string;
  readonly kind: 'git' | 'folder';
  /** The repository URL without credentials (Git sources), for matching webhooks. */
  readonly url?: string;
  /** Brings the source to its newest revision; `changed` when that differs from the last fetch. */
  fetch(): Promise<{ revision: string; changed: boolean }>;
  /** Loads the intents at the revision of the last fetch (fetching first when there was none). */
  load(): Promise<IntentSnapshot>;
  /**
   * Folder sources: calls `onChange` once per burst of file changes. Returns a function that
   * stops watching. Git sources have no watch; the controller polls them.
   */
  watch?(onChange: () => void): Promise<() => Promise<void>>;
}
