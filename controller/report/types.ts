import type { ActionCounts } from './summary.ts';

/** How an intent changed between two revisions of the intent files. */
export type IntentChange = 'added' | 'modified' | 'removed';

/** An intent a change (a pull request, a merge request) touches. */
export interface TouchedIntent {
  /** `Kind/name`. */
  readonly intent: string;
  readonly change: IntentChange;
  /** The file that holds it at the head revision (at the base for a removed intent). */
  readonly file: string;
}

/** The two revisions a plan for review compares, and what the change between them touches. */
export interface ReviewContext {
  readonly base: string;
  readonly head: string;
  /** Commit SHAs the refs resolved to. */
  readonly baseRevision: string;
  readonly headRevision: string;
  readonly touched: readonly TouchedIntent[];
  /** Intents present at the head that the change does not touch (not planned). */
  readonly untouched: number;
}

/** A device-type or module-type file of the library, as a library diff lists it. */
export interface LibraryFileRef {
  readonly file: string;
  readonly kind: 'device-type' | 'module-type';
  readonly manufacturer: string;
  readonly model: string;
}

/** Template changes of one kind in one model. */
export interface TemplateKindChange {
  readonly kind: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

/** A model whose definition differs between two library revisions. */
export interface LibraryModelChange extends LibraryFileRef {
  /** Fields of the type itself that differ (u_height, part_number, ...). */
  readonly fields: readonly string[];
  /** Template kinds with added, removed or changed templates. */
  readonly templates: readonly TemplateKindChange[];
}

/** What changed in the devicetype-library itself between two revisions. */
export interface LibraryChanges {
  readonly from: string;
  readonly to: string;
  readonly added: readonly LibraryFileRef[];
  readonly removed: readonly LibraryFileRef[];
  /** Same model moved to another file (or the same content under another path). */
  readonly renamed: readonly { readonly from: LibraryFileRef; readonly to: LibraryFileRef }[];
  readonly changed: readonly LibraryModelChange[];
  readonly vendorsAdded: readonly string[];
  readonly vendorsRemoved: readonly string[];
  /** Models present and equal at both revisions. */
  readonly unchanged: number;
  /** Set when the lists were shortened for storage: the full counts. */
  readonly totals?: {
    readonly added: number;
    readonly removed: number;
    readonly renamed: number;
    readonly changed: number;
    readonly withTemplateChanges: number;
  };
}

/** What a library upgrade would do to one intent: operations it adds to the intent's plan. */
export interface UpgradeEffect {
  /** `Kind/name`. */
  readonly intent: string;
  /** The revision the intent uses now (its pin, the installation's, or the current one). */
  readonly from: string;
  /** Counts of the plan at the new revision. */
  readonly planAtNew: ActionCounts;
  /** Counts of operations in the plan at the new revision that the plan at the current one does not have. */
  readonly introduced: ActionCounts;
  /** Operations the upgrade removes from the plan (drift the new revision no longer shows). */
  readonly resolved: number;
  /** Identities of introduced operations, `action kind identity`, the first ones only. */
  readonly sample: readonly string[];
  /** Set when the intent does not resolve against the new revision (a model it names was removed). */
  readonly error?: string;
}

/** A library upgrade preview: the library's own changes and the effect on each intent. */
export interface LibraryUpgradeReport {
  readonly from: string;
  readonly to: string;
  readonly changes: LibraryChanges;
  readonly effects: readonly UpgradeEffect[];
}
