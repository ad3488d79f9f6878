/**
 * What the CRD generator needs to know about a zod schema beyond what JSON Schema says: the
 * structural form of a node that accepts a shorthand in Git files (`vendors: all`,
 * `moduleTypes: true`), Kubernetes list semantics, a tighter pattern than the zod check, and
 * CEL rules for what a structural schema cannot say. Kept beside the schemas rather than in
 * `.meta()`, so the JSON Schema for editors stays plain draft-07.
 */
import type { z } from 'zod';

/** One `x-kubernetes-validations` entry: a CEL rule and the message the API server returns. */
export interface CelRule {
  readonly rule: string;
  readonly message: string;
}

export interface CrdHint {
  /** The CRD types this node as that schema instead (the canonical form of a shorthand). */
  readonly structural?: z.core.$ZodType;
  /** `x-kubernetes-list-type`: `set` (unique scalars) or `map` (unique by `mapKeys`). */
  readonly listType?: 'set' | 'map';
  readonly mapKeys?: readonly string[];
  /** Replaces the zod pattern (which is kept loose so zod's own messages can be specific). */
  readonly pattern?: string;
  readonly validations?: readonly CelRule[];
}

const hints = new WeakMap<object, CrdHint>();

/** The hint registered for this zod schema instance, if any; read by `crd.ts`. */
export function crdHintOf(schema: object): CrdHint | undefined {
  return hints.get(schema);
}

/** Registers `hint` for `schema` and returns the schema, so hints sit where the schema is defined. */
export function withCrdHint<S extends z.ZodType>(schema: S, hint: CrdHint): S {
  hints.set(schema, hint);
  return schema;
}
