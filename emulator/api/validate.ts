import type { MappingInput, ReferenceResolver } from '../model/fields.ts';
import { parseField } from '../model/fields.ts';
import type { Candidate, ModelDef } from '../model/model-def.ts';
import { pythonTypeName } from '../model/text.ts';
import type { ErrorDetail, ErrorDict, FieldValue, Json, Row } from '../model/types.ts';
import type { Store } from '../store/store.ts';
import type { IndexKey } from '../store/table.ts';
import type { VersionProfile } from '../version.ts';

export type Validated = { readonly ok: true; readonly candidate: Candidate } | { readonly ok: false; readonly errors: ErrorDict };

export interface ValidateInput {
  readonly def: ModelDef;
  readonly body: Json;
  readonly previous: Row | null;
  /** PATCH: only the fields given are validated and written. */
  readonly partial: boolean;
}

/**
 * Validates one object the way NetBox's serializer does: field by field first (all field errors
 * reported together), and only when every field is valid, the model's clean() and its unique
 * constraints (Django's full_clean).
 */
export function validateObject(input: ValidateInput, store: Store, profile: VersionProfile, refs: ReferenceResolver): Validated {
  const { def, body, previous, partial } = input;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, errors: { non_field_errors: [`Invalid data. Expected a dictionary, but got ${pythonTypeName(body)}.`] } };
  }
  const errors: ErrorDict = {};
  const f: Record<string, FieldValue> = previous ? { ...previous.f } : {};
  let mappings: MappingInput[] | undefined;
  for (const spec of def.fields(profile)) {
    const given = Object.prototype.hasOwnProperty.call(body, spec.name);
    if (!given) {
      if (spec.required && !partial) errors[spec.name] = ['This field is required.'];
      else if (!previous && spec.kind.type !== 'mappings') f[spec.name] = spec.default ?? null;
      continue;
    }
    const parsed = parseField(spec.kind, body[spec.name] ?? null, refs);
    if (!parsed.ok) {
      errors[spec.name] = parsed.error;
      continue;
    }
    if (spec.kind.type === 'mappings') {
      mappings = parsed.value as unknown as MappingInput[];
      continue;
    }
    f[spec.name] = parsed.value;
    const unique = def.uniqueFields.find((u) => u.field === spec.name);
    if (unique && takenBy(store, def, unique.index, String(parsed.value), previous?.id ?? null)) errors[spec.name] = [unique.message];
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const candidate: Candidate = { id: previous?.id ?? null, previous, f, ...(mappings ? { mappings } : {}) };
  const modelErrors = validateModel(def, candidate, store, profile);
  return modelErrors ? { ok: false, errors: modelErrors } : { ok: true, candidate };
}

/** Model clean() plus unique constraints, combined as Django's full_clean() combines them. */
function validateModel(def: ModelDef, candidate: Candidate, store: Store, profile: VersionProfile): ErrorDict | null {
  const errors: ErrorDict = {};
  const cleanErrors = def.clean?.(candidate, store, profile) ?? null;
  if (cleanErrors) Object.assign(errors, cleanErrors);
  for (const constraint of def.constraints) {
    const key = constraint.key(candidate.f);
    if (key === null || !takenBy(store, def, constraint.index, key, candidate.id)) continue;
    const all = (errors.__all__ as string[] | undefined) ?? [];
    errors.__all__ = [...all, constraint.message];
  }
  const mappingErrors = candidate.mappings ? validateMappings(def, candidate, store) : null;
  if (mappingErrors) errors[def.endpoint === 'front-port-templates' ? 'rear_ports' : 'front_ports'] = mappingErrors;
  return Object.keys(errors).length > 0 ? errors : null;
}

/**
 * DRF's UniqueTogetherValidator on each written mapping: the peer port position must not be
 * mapped already (by another port; the port's own mappings are about to be replaced).
 */
function validateMappings(def: ModelDef, candidate: Candidate, store: Store): ErrorDetail | null {
  const front = def.endpoint === 'front-port-templates';
  const table = store.table('port-template-mappings');
  const index = front ? 'rear_port_position' : 'front_port_position';
  const ownField = front ? 'front_port' : 'rear_port';
  const message = front
    ? 'The fields rear_port, rear_port_position must make a unique set.'
    : 'The fields front_port, front_port_position must make a unique set.';
  let failed = false;
  const errors = (candidate.mappings ?? []).map((mapping): ErrorDict => {
    for (const id of table.lookup(index, `${mapping.peer}\u0000${mapping.peerPosition}`)) {
      if (table.get(id)?.f[ownField] !== candidate.id) {
        failed = true;
        return { non_field_errors: [message] };
      }
    }
    return {};
  });
  return failed ? errors : null;
}

/** True when another row than `self` holds `key` in the unique index `index`. */
export function takenBy(store: Store, def: ModelDef, index: string, key: IndexKey, self: number | null): boolean {
  for (const id of store.table(def.endpoint).lookup(index, key)) if (id !== self) return true;
  return false;
}
