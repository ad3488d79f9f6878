import type { TemplateKind } from '../catalogue/index.ts';
import type { NetBoxRecord, NetBoxState } from '../reconcile/index.ts';

/** A manufacturer as NetBox holds it. */
export interface InventoryManufacturer {
  readonly id: number;
  readonly name: string;
  /** Lower-case, as the engine keys manufacturers. */
  readonly slug: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly record: NetBoxRecord;
}

/** A device or module type as NetBox holds it, with its component templates. */
export interface InventoryType {
  readonly kind: 'device-type' | 'module-type';
  readonly id: number;
  /** Manufacturer slug, lower-case. */
  readonly manufacturer: string;
  readonly model: string;
  /** Device types only. */
  readonly slug?: string;
  readonly tags: readonly string[];
  readonly record: NetBoxRecord;
  /** Templates per kind in creation order (NetBox id), which is the order their file listed them in. */
  readonly templates: ReadonlyMap<TemplateKind, readonly NetBoxRecord[]>;
}

/** What NetBox's catalogue holds: the input of init, the report and export. */
export interface Inventory {
  readonly netboxVersion: string;
  /** Sorted by slug. */
  readonly manufacturers: readonly InventoryManufacturer[];
  /** Sorted by manufacturer slug, then model. */
  readonly deviceTypes: readonly InventoryType[];
  readonly moduleTypes: readonly InventoryType[];
  /** The engine's snapshot the inventory was built from: the classification plans against it. */
  readonly snapshot: NetBoxState;
}

/** How a NetBox type was paired with a library definition. */
export type MatchedBy = 'model' | 'slug' | 'part-number';

/**
 * - identical: a library reference reproduces it exactly (the engine plans no change);
 * - differs: fields or component fields differ from the library;
 * - templates: only the set of components differs (NetBox has extra or missing ones);
 * - renamed: paired by slug or part number (or a model differing in case): the model differs;
 * - not-in-library: no library counterpart.
 */
export type Classification = 'identical' | 'differs' | 'templates' | 'renamed' | 'not-in-library';

/** A field whose value differs: NetBox's value → the library's, normalised as the engine compares them. */
export interface FieldDifference {
  readonly field: string;
  readonly netbox: unknown;
  readonly library: unknown;
}

export interface TemplateDifference {
  readonly kind: TemplateKind;
  readonly name: string;
  /** missing: the library has it, NetBox does not; extra: NetBox has it, the library does not. */
  readonly change: 'missing' | 'extra' | 'differs';
  readonly fields?: readonly FieldDifference[];
}

export interface LibraryCounterpart {
  /** Path in the library, e.g. `device-types/Cisco/C9300-48P.yaml`. */
  readonly file: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly slug?: string;
  readonly matchedBy: MatchedBy;
}

/** What init did with a type. */
export interface IntentChoice {
  /** `DeviceTypeSet/<name>`. */
  readonly intent: string;
  /** library: referenced by slug (device types) or model (module types); custom: written out in the library's format. */
  readonly as: 'library' | 'custom';
}

export interface TypeReport {
  readonly kind: 'device-type' | 'module-type';
  readonly netboxId: number;
  readonly manufacturer: string;
  readonly manufacturerName: string;
  readonly model: string;
  readonly slug?: string;
  readonly classification: Classification;
  readonly library?: LibraryCounterpart;
  readonly fields: readonly FieldDifference[];
  readonly templates: readonly TemplateDifference[];
  /** Template counts: compared equal, differing, only in the library, only in NetBox. */
  readonly counts: { readonly same: number; readonly differing: number; readonly missing: number; readonly extra: number };
  /** Intents (`nbg-...` tags) that already own it; init leaves owned types alone. */
  readonly ownedBy: readonly string[];
  /** Whether it carries the controller's ownership tag. */
  readonly owned: boolean;
  readonly intent?: IntentChoice;
  /** NetBox values the library's format cannot hold (so a custom definition cannot carry them). */
  readonly notExpressible: readonly string[];
}

export interface ManufacturerReport {
  readonly netboxId: number;
  readonly name: string;
  readonly slug: string;
  /** identical: the library's vendor with the same name and slug; differs: same vendor, other name or slug. */
  readonly classification: 'identical' | 'differs' | 'not-in-library';
  readonly library?: { readonly name: string; readonly slug: string };
  readonly fields: readonly FieldDifference[];
  readonly deviceTypes: number;
  readonly moduleTypes: number;
  readonly owned: boolean;
  readonly ownedBy: readonly string[];
  readonly intent?: { readonly intent: string; readonly as: 'library' | 'custom' };
}

/** One row of the summary table: counts per manufacturer. */
export interface SummaryRow {
  readonly manufacturer: string;
  readonly types: number;
  readonly identical: number;
  readonly differs: number;
  readonly templates: number;
  readonly renamed: number;
  readonly notInLibrary: number;
  /** Already owned by an intent (counted in the columns above as well). */
  readonly owned: number;
}

/** The onboarding report: what NetBox holds against the library, per manufacturer and type. */
export interface OnboardingReport {
  readonly formatVersion: 1;
  readonly netboxVersion: string;
  readonly libraryRevision: string;
  readonly summary: {
    readonly manufacturers: number;
    readonly deviceTypes: Readonly<Record<Classification, number>>;
    readonly moduleTypes: Readonly<Record<Classification, number>>;
    readonly owned: number;
    readonly rows: readonly SummaryRow[];
  };
  readonly manufacturers: readonly ManufacturerReport[];
  readonly deviceTypes: readonly TypeReport[];
  readonly moduleTypes: readonly TypeReport[];
}
