import type { Row, TableName } from '../model/types.ts';

export type IndexKey = string | number;

/** A secondary index: every row is filed under the keys this function returns. */
export interface IndexSpec {
  readonly name: string;
  keys(row: Row): readonly IndexKey[];
}

const EMPTY: ReadonlySet<number> = new Set();

/** The rows of one model plus the secondary indexes that keep lookups off the O(n) path. */
export class Table {
  /** Next primary key; like a database sequence it never goes back, not even on rollback. */
  nextId = 1;
  /** Bumped on every change; caches of derived orderings compare against it. */
  version = 0;
  private readonly rows = new Map<number, Row>();
  private readonly indexes = new Map<string, { spec: IndexSpec; map: Map<IndexKey, Set<number>> }>();

  constructor(
    readonly name: TableName,
    specs: readonly IndexSpec[],
  ) {
    for (const spec of specs) this.indexes.set(spec.name, { spec, map: new Map() });
  }

  get size(): number {
    return this.rows.size;
  }

  get(id: number): Row | undefined {
    return this.rows.get(id);
  }

  values(): IterableIterator<Row> {
    return this.rows.values();
  }

  /** Ids filed under `key` in the index `name` (empty when the index or key is unknown). */
  lookup(name: string, key: IndexKey): ReadonlySet<number> {
    return this.indexes.get(name)?.map.get(key) ?? EMPTY;
  }

  hasIndex(name: string): boolean {
    return this.indexes.has(name);
  }

  /** Inserts or replaces a row; returns the row it replaced. */
  put(row: Row): Row | undefined {
    const previous = this.rows.get(row.id);
    if (previous) this.unindex(previous);
    this.rows.set(row.id, row);
    this.index(row);
    if (row.id >= this.nextId) this.nextId = row.id + 1;
    this.version += 1;
    return previous;
  }

  remove(id: number): Row | undefined {
    const previous = this.rows.get(id);
    if (!previous) return undefined;
    this.unindex(previous);
    this.rows.delete(id);
    this.version += 1;
    return previous;
  }

  clear(): void {
    this.rows.clear();
    for (const index of this.indexes.values()) index.map.clear();
    this.nextId = 1;
    this.version += 1;
  }

  private index(row: Row): void {
    for (const { spec, map } of this.indexes.values()) {
      for (const key of spec.keys(row)) {
        let ids = map.get(key);
        if (!ids) {
          ids = new Set();
          map.set(key, ids);
        }
        ids.add(row.id);
      }
    }
  }

  private unindex(row: Row): void {
    for (const { spec, map } of this.indexes.values()) {
      for (const key of spec.keys(row)) {
        const ids = map.get(key);
        if (!ids) continue;
        ids.delete(row.id);
        if (ids.size === 0) map.delete(key);
      }
    }
  }
}
