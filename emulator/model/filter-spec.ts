import type { ChoiceSet } from '../choices.ts';
import type { Store } from '../store/store.ts';
import type { Row, TableName } from './types.ts';

/**
 * One query filter of a list endpoint, modelled on the django-filter filter NetBox declares.
 * Lookup suffixes (`__n`, `__ic`, `__gt`, ...) are derived from the kind.
 */
export type FilterSpec =
  /** `primaryKey` filters are answered from the primary key instead of a scan. */
  | { readonly kind: 'number'; readonly primaryKey?: boolean; get(row: Row): number | null }
  | { readonly kind: 'char'; get(row: Row): string }
  | { readonly kind: 'choice'; readonly set: ChoiceSet; get(row: Row): string | null }
  | { readonly kind: 'bool'; get(row: Row): boolean }
  /** ModelMultipleChoiceFilter: values must name existing objects (400 otherwise). */
  | {
      readonly kind: 'ref';
      readonly target: TableName;
      readonly by: 'id' | 'slug' | 'name';
      /** Index on this table holding rows by the referenced id, for candidate lookups. */
      readonly index?: string;
      get(row: Row, store: Store): number | null;
    }
  /** NetBox's TagFilter: conjoined (every tag given must be present). */
  | { readonly kind: 'tags'; readonly by: 'slug' | 'id' }
  | { readonly kind: 'search' }
  | { readonly kind: 'flag'; test(row: Row, value: boolean, store: Store): boolean };

export type FilterMap = Readonly<Record<string, FilterSpec>>;
