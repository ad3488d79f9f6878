import type { FieldValue, Row, TableName } from '../model/types.ts';
import { Table } from './table.ts';
import type { IndexSpec } from './table.ts';

/** An uploaded image as the emulator keeps it in memory. */
export interface MediaFile {
  readonly contentType: string;
  readonly data: Buffer;
}

/**
 * All emulated state: one table per model, uploaded media, and an undo log that makes every
 * API operation all-or-nothing, as NetBox's database transactions do.
 */
export class Store {
  readonly media = new Map<string, MediaFile>();
  private readonly tables = new Map<TableName, Table>();
  private undoLog: Array<() => void> | null = null;
  private revCounter = 0;

  constructor(indexes: ReadonlyMap<TableName, readonly IndexSpec[]>) {
    for (const [name, specs] of indexes) this.tables.set(name, new Table(name, specs));
  }

  table(name: TableName): Table {
    const table = this.tables.get(name);
    if (!table) throw new Error(`emulator store has no table ${name}`);
    return table;
  }

  tableNames(): TableName[] {
    return [...this.tables.keys()];
  }

  /**
   * Runs `fn` as one transaction: if it throws, every change it made is undone (ids handed out
   * stay used, like a database sequence). Nested calls join the outer transaction.
   */
  transaction<T>(fn: () => T): T {
    if (this.undoLog) return fn();
    const log: Array<() => void> = [];
    this.undoLog = log;
    try {
      const result = fn();
      this.undoLog = null;
      return result;
    } catch (error) {
      this.undoLog = null;
      for (let i = log.length - 1; i >= 0; i -= 1) log[i]?.();
      throw error;
    }
  }

  insert(tableName: TableName, fields: Record<string, FieldValue>, id?: number): Row {
    const table = this.table(tableName);
    const now = timestamp();
    const row: Row = { id: id ?? table.nextId, rev: this.nextRev(), created: now, last_updated: now, f: fields };
    table.nextId = Math.max(table.nextId, row.id + 1);
    table.put(row);
    this.record(() => table.remove(row.id));
    return row;
  }

  /** Replaces a row's fields; `touch` false keeps last_updated (Django's queryset.update()). */
  update(tableName: TableName, id: number, fields: Record<string, FieldValue>, touch = true): Row {
    const table = this.table(tableName);
    const previous = table.get(id);
    if (!previous) throw new Error(`emulator store has no ${tableName} ${id}`);
    const row: Row = { ...previous, rev: this.nextRev(), last_updated: touch ? timestamp() : previous.last_updated, f: fields };
    table.put(row);
    this.record(() => table.put(previous));
    return row;
  }

  delete(tableName: TableName, id: number): Row | undefined {
    const table = this.table(tableName);
    const previous = table.remove(id);
    if (previous) this.record(() => table.put(previous));
    return previous;
  }

  /** Puts a row back exactly as it was (state files). */
  restore(tableName: TableName, row: Row): void {
    this.revCounter = Math.max(this.revCounter, row.rev);
    this.table(tableName).put(row);
  }

  putMedia(path: string, file: MediaFile): void {
    const previous = this.media.get(path);
    this.media.set(path, file);
    this.record(() => (previous ? this.media.set(path, previous) : this.media.delete(path)));
  }

  deleteMedia(path: string): void {
    const previous = this.media.get(path);
    if (!previous) return;
    this.media.delete(path);
    this.record(() => this.media.set(path, previous));
  }

  clear(): void {
    for (const table of this.tables.values()) table.clear();
    this.media.clear();
  }

  private nextRev(): number {
    this.revCounter += 1;
    return this.revCounter;
  }

  private record(undo: () => void): void {
    this.undoLog?.push(undo);
  }
}

let lastMillis = -1;
let lastIso = '';
let microCounter = 0;

/** An ISO timestamp with microseconds, the way NetBox writes created/last_updated. */
export function timestamp(): string {
  const now = Date.now();
  if (now !== lastMillis) {
    lastMillis = now;
    lastIso = new Date(now).toISOString().slice(0, 23);
    microCounter = 0;
  } else {
    microCounter = (microCounter + 1) % 1000;
  }
  return `${lastIso}${String(microCounter).padStart(3, '0')}Z`;
}
