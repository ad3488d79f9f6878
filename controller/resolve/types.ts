import type { TemplateSet } from '../catalogue/index.ts';
import type { ValidationIssue } from '../errors/index.ts';
import type { IgnoreFieldsRule, IntentPolicy, IntentRef } from '../intents/index.ts';

export type { IntentRef } from '../intents/index.ts';

/**
 * How the engine treats an intent's objects: the intent's own policy fields the diff reads (see
 * the intent's `IntentPolicy`), plus what a DeviceTypeSet manages of its types.
 */
export interface ReconcilePolicy extends Pick<IntentPolicy, 'mode' | 'prune' | 'adopt'> {
  /** Reconcile component templates of the device and module types. */
  readonly components: boolean;
  /** Upload front/rear elevation images where the library has them. */
  readonly images: boolean;
  /** Fields left out of the diff (the intent's `ignoreFields`). */
  readonly ignoreFields: readonly IgnoreFieldsRule[];
}

export interface DesiredManufacturer {
  readonly slug: string;
  readonly name: string;
  /** Only set by custom VendorSet entries; library vendors carry no description. */
  readonly description?: string;
  /**
   * true: the intent manages this manufacturer's fields (VendorSet).
   * false: the intent only needs it to exist because its device types reference it.
   */
  readonly managed: boolean;
}

export interface DesiredDeviceType {
  /** Manufacturer slug. */
  readonly manufacturer: string;
  readonly model: string;
  readonly slug: string;
  /** NetBox device-type fields, as the library sets them. */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly templates: TemplateSet;
  readonly images: { readonly front?: string; readonly rear?: string };
  /** Library file (relative) or `intent:<file>` for inline custom definitions. */
  readonly source: string;
}

export interface DesiredModuleType {
  readonly manufacturer: string;
  readonly model: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly templates: TemplateSet;
  readonly source: string;
}

/** What one intent asks NetBox to hold: the resolver's output, the diff engine's input. */
export interface DesiredIntent {
  readonly ref: IntentRef;
  readonly policy: ReconcilePolicy;
  readonly manufacturers: readonly DesiredManufacturer[];
  readonly deviceTypes: readonly DesiredDeviceType[];
  readonly moduleTypes: readonly DesiredModuleType[];
}

/** The resolver's result for a set of intents. */
export interface DesiredState {
  readonly intents: readonly DesiredIntent[];
  /** Library revision the state was resolved at. */
  readonly libraryRevision: string;
  readonly issues: readonly ValidationIssue[];
}
