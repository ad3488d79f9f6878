import { randomBytes } from 'node:crypto';
import type { Candidate, ModelDef } from '../model/model-def.ts';
import { RELATIONS } from '../model/registry.ts';
import { TAGGED_TABLES } from '../model/defs/tags.ts';
import { ids } from '../model/nested.ts';
import type { EndpointName, FieldValue, Row, TableName } from '../model/types.ts';
import { ApiFailure } from '../model/types.ts';
import type { Store } from '../store/store.ts';
import type { VersionProfile } from '../version.ts';
import { takenBy } from './validate.ts';

/** An uploaded file from a multipart request. */
export interface UploadedFile {
  readonly filename: string;
  readonly contentType: string;
  readonly data: Buffer;
}

/**
 * A database-level unique violation: validation passed (e.g. two items of one bulk request
 * with the same name), the INSERT did not. NetBox answers these with a 500 and this body.
 */
function integrityError(def: ModelDef, index: string, profile: VersionProfile): ApiFailure {
  const constraint = `${def.app}_${def.modelName.toLowerCase()}_unique_${index}`;
  return new ApiFailure(500, {
    error: `duplicate key value violates unique constraint "${constraint}"`,
    exception: 'IntegrityError',
    netbox_version: profile.fullVersion,
    python_version: '3.13.0',
  });
}

function checkDatabaseUnique(store: Store, def: ModelDef, candidate: Candidate, profile: VersionProfile): void {
  for (const unique of def.uniqueFields) {
    const value = candidate.f[unique.field];
    if (value !== null && value !== undefined && takenBy(store, def, unique.index, String(value), candidate.id))
      throw integrityError(def, unique.index, profile);
  }
  for (const constraint of def.constraints) {
    const key = constraint.key(candidate.f);
    if (key !== null && takenBy(store, def, constraint.index, key, candidate.id)) throw integrityError(def, constraint.index, profile);
  }
}

/** Inserts a validated object (and its 4.5 port mappings). Call inside a store transaction. */
export function insertCandidate(store: Store, def: ModelDef, candidate: Candidate, profile: VersionProfile): Row {
  checkDatabaseUnique(store, def, candidate, profile);
  const row = store.insert(def.endpoint, candidate.f);
  if (candidate.mappings) writeMappings(store, def, row.id, candidate, profile);
  return row;
}

/** Writes a validated change to an existing object. Call inside a store transaction. */
export function updateCandidate(store: Store, def: ModelDef, candidate: Candidate, profile: VersionProfile): Row {
  if (candidate.id === null) throw new Error('updateCandidate needs an existing object');
  checkDatabaseUnique(store, def, candidate, profile);
  const previous = candidate.previous;
  for (const field of ['front_image', 'rear_image']) {
    const old = previous?.f[field];
    if (typeof old === 'string' && old !== candidate.f[field]) store.deleteMedia(old);
  }
  const row = store.update(def.endpoint, candidate.id, candidate.f);
  if (candidate.mappings) writeMappings(store, def, row.id, candidate, profile);
  return row;
}

/** Replaces the mappings of a front or rear port (NetBox's PortSerializer.create/update). */
function writeMappings(store: Store, def: ModelDef, portId: number, candidate: Candidate, profile: VersionProfile): void {
  const front = def.endpoint === 'front-port-templates';
  const table = store.table('port-template-mappings');
  for (const id of [...table.lookup(front ? 'front_port' : 'rear_port', portId)]) store.delete('port-template-mappings', id);
  for (const mapping of candidate.mappings ?? []) {
    const f: Record<string, FieldValue> = front
      ? { front_port: portId, front_port_position: mapping.position, rear_port: mapping.peer, rear_port_position: mapping.peerPosition }
      : { rear_port: portId, rear_port_position: mapping.position, front_port: mapping.peer, front_port_position: mapping.peerPosition };
    const frontKey = `${String(f.front_port)}\u0000${String(f.front_port_position)}`;
    const rearKey = `${String(f.rear_port)}\u0000${String(f.rear_port_position)}`;
    if (table.lookup('front_port_position', frontKey).size > 0) throw integrityError(def, 'front_port_position', profile);
    if (table.lookup('rear_port_position', rearKey).size > 0) throw integrityError(def, 'rear_port_position', profile);
    store.insert('port-template-mappings', f);
  }
}

/** Stores an uploaded image under NetBox's upload_to folder and returns its media path. */
export function saveImage(store: Store, file: UploadedFile): string {
  const clean =
    file.filename
      .trim()
      .replace(/\s+/g, '_')
      .replace(/[^-\w.]/g, '') || 'image';
  let path = `devicetype-images/${clean}`;
  if (store.media.has(path)) {
    const dot = clean.lastIndexOf('.');
    const stem = dot > 0 ? clean.slice(0, dot) : clean;
    const ext = dot > 0 ? clean.slice(dot) : '';
    path = `devicetype-images/${stem}_${randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 7)}${ext}`;
  }
  store.putMedia(path, { contentType: file.contentType, data: file.data });
  return path;
}

/**
 * Deletes a row the way Django's collector does: rows that reference it are deleted too
 * (CASCADE), cleared (SET_NULL) or block the delete (PROTECT → 409 naming them).
 */
export function deleteRow(
  store: Store,
  endpoint: EndpointName,
  id: number,
  describe: (table: TableName, row: Row) => string,
  order: (table: TableName, rows: Row[]) => Row[],
): number {
  const doomed = new Map<TableName, Set<number>>();
  const blocked: Array<[TableName, number]> = [];
  const cleared: Array<[TableName, number, string]> = [];
  const collect = (table: TableName, rowId: number): void => {
    const set = doomed.get(table) ?? new Set<number>();
    if (set.has(rowId)) return;
    set.add(rowId);
    doomed.set(table, set);
    for (const relation of RELATIONS) {
      if (relation.to !== table) continue;
      for (const dependent of store.table(relation.from).lookup(relation.field, rowId)) {
        if (relation.onDelete === 'cascade') collect(relation.from, dependent);
        else if (relation.onDelete === 'protect') blocked.push([relation.from, dependent]);
        else cleared.push([relation.from, dependent, relation.field]);
      }
    }
  };
  collect(endpoint, id);
  const protectedRows = blocked.filter(([table, rowId]) => !doomed.get(table)?.has(rowId));
  if (protectedRows.length > 0) throw protectedError(store, protectedRows, describe, order);
  for (const [table, rowId, field] of cleared) {
    if (doomed.get(table)?.has(rowId)) continue;
    const row = store.table(table).get(rowId);
    if (row) store.update(table, rowId, { ...row.f, [field]: null }, false);
  }
  let deleted = 0;
  for (const [table, rowIds] of doomed) {
    for (const rowId of rowIds) {
      const row = store.delete(table, rowId);
      if (!row) continue;
      deleted += 1;
      for (const field of ['front_image', 'rear_image']) if (typeof row.f[field] === 'string') store.deleteMedia(row.f[field]);
    }
  }
  if (endpoint === 'tags') untag(store, id);
  return deleted;
}

function protectedError(
  store: Store,
  rows: Array<[TableName, number]>,
  describe: (table: TableName, row: Row) => string,
  order: (table: TableName, rows: Row[]) => Row[],
): ApiFailure {
  const byTable = new Map<TableName, Row[]>();
  for (const [table, rowId] of rows) {
    const row = store.table(table).get(rowId);
    if (!row) continue;
    const list = byTable.get(table) ?? [];
    list.push(row);
    byTable.set(table, list);
  }
  const names: string[] = [];
  for (const [table, list] of byTable) for (const row of order(table, list)) names.push(`${describe(table, row)} (${row.id})`);
  return new ApiFailure(409, { detail: `Unable to delete object. ${names.length} dependent objects were found: ${names.join(', ')}` });
}

/** Removes a deleted tag from every tagged object (taggit's through rows cascade). */
function untag(store: Store, tagId: number): void {
  for (const table of TAGGED_TABLES) {
    for (const rowId of [...store.table(table).lookup('tags', tagId)]) {
      const row = store.table(table).get(rowId);
      if (row) store.update(table, rowId, { ...row.f, tags: ids(row.f.tags).filter((t) => t !== tagId) }, false);
    }
  }
}
