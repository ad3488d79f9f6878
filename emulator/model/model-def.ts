import type { VersionProfile } from '../version.ts';
import type { Store } from '../store/store.ts';
import type { IndexKey, IndexSpec } from '../store/table.ts';
import type { FieldSpec, MappingInput } from './fields.ts';
import type { FilterMap } from './filter-spec.ts';
import type { EndpointName, ErrorDict, FieldValue, JsonObject, Row, TableName } from './types.ts';

/** What serialisers need: where the emulator is reached, the state, and a per-request cache. */
export interface SerializeContext {
  /** Scheme and host the client used, e.g. `http://127.0.0.1:8001`. */
  readonly base: string;
  readonly store: Store;
  readonly profile: VersionProfile;
  /** Brief nested objects already built in this response, by `endpoint:id`. */
  readonly nested: Map<string, JsonObject>;
}

/** An object about to be written, after field parsing, before model validation. */
export interface Candidate {
  readonly id: number | null;
  readonly previous: Row | null;
  readonly f: Record<string, FieldValue>;
  /** 4.5 port mappings written with the port (`rear_ports` / `front_ports`), when given. */
  readonly mappings?: readonly MappingInput[];
}

/** A unique constraint checked by model validation (Django's `validate_constraints`). */
export interface UniqueConstraint {
  /** Name of the unique index in the table. */
  readonly index: string;
  readonly message: string;
  /** Key of a candidate; null when a field is null (Django then skips the check). */
  key(f: Readonly<Record<string, FieldValue>>): IndexKey | null;
}

/** A single-field uniqueness check run with field validation (DRF's UniqueValidator). */
export interface UniqueField {
  readonly field: string;
  readonly index: string;
  readonly message: string;
}

/** Everything the emulator knows about one NetBox model and its endpoint. */
export interface ModelDef {
  readonly endpoint: EndpointName;
  readonly app: 'dcim' | 'extras';
  /** Django model class name, used in "No X matches the given query.". */
  readonly modelName: string;
  /** Django verbose name, e.g. "interface template". */
  readonly verboseName: string;
  fields(profile: VersionProfile): readonly FieldSpec[];
  readonly uniqueFields: readonly UniqueField[];
  readonly constraints: readonly UniqueConstraint[];
  readonly indexes: readonly IndexSpec[];
  /** Foreign keys by field name, for attribute lookups like `{"manufacturer": {"slug": "x"}}`. */
  readonly refs: Readonly<Record<string, TableName>>;
  /** Tables whose changes can reorder this one (its default ordering follows their fields). */
  readonly orderDeps: readonly TableName[];
  /** Python str() of the object: `display`, and names in messages. */
  display(row: Row, store: Store): string;
  serialize(row: Row, ctx: SerializeContext): JsonObject;
  brief(row: Row, ctx: SerializeContext): JsonObject;
  /** Model clean(): errors by field or `__all__`. */
  clean?(candidate: Candidate, store: Store, profile: VersionProfile): ErrorDict | null;
  /** `q` search; `needle` is lower-cased. */
  search(row: Row, needle: string, store: Store, profile: VersionProfile): boolean;
  filters(profile: VersionProfile): FilterMap;
  /** Default ordering as one comparable string. */
  sortKey(row: Row, store: Store): string;
}
