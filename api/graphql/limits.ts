// Limits checked before graphql-js validates a document (some of its own rules are quadratic in
// the number of same-named fields), and a time limit for every resolver.
import type { DocumentNode, SelectionSetNode } from 'graphql';
import type { IResolvers } from 'mercurius';
import { HttpError } from '../errors.ts';
import { GraphQLError, Kind } from './graphql-js.ts';

/** Structural limits of one document. */
export interface DocumentLimits {
  /** Aliased fields in the whole document (operations and fragments). */
  readonly maxAliases: number;
  /** Field selections in the whole document, introspection (`__schema`, `__type`) included. */
  readonly maxFields: number;
}

/** Thrown from mercurius' preValidation hook: the error formatter answers 400 with these errors. */
export class GraphqlLimitError extends Error {
  readonly statusCode = 400;
  constructor(readonly errors: readonly InstanceType<typeof GraphQLError>[]) {
    super(errors.map((e) => e.message).join('; '));
    this.name = 'GraphqlLimitError';
  }
}

/**
 * Counts aliases and field selections of a parsed document without expanding fragments (each
 * written selection counts once) and refuses it when a limit is passed. Runs before
 * validation, so a query of 5,000 aliased `__schema` fields is refused in microseconds instead
 * of being validated and executed.
 */
export function checkDocumentLimits(document: DocumentNode, limits: DocumentLimits): void {
  let aliases = 0;
  let fields = 0;
  const visit = (set: SelectionSetNode | undefined): void => {
    if (!set) return;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        fields += 1;
        if (selection.alias) aliases += 1;
        visit(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet);
      }
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) visit(definition.selectionSet);
  }
  const errors: InstanceType<typeof GraphQLError>[] = [];
  if (aliases > limits.maxAliases) errors.push(new GraphQLError(`The query uses ${aliases} aliases; at most ${limits.maxAliases} are allowed.`));
  if (fields > limits.maxFields) errors.push(new GraphQLError(`The query selects ${fields} fields; at most ${limits.maxFields} are allowed.`));
  if (errors.length > 0) throw new GraphqlLimitError(errors);
}

/** A resolver that did not finish in time. */
export class ResolverTimeoutError extends HttpError {
  constructor(
    readonly field: string,
    readonly timeoutMs: number,
  ) {
    super(503, 'timeout', `${field} did not answer within ${timeoutMs} ms; try again, or ask for less.`, { field, timeout_ms: timeoutMs });
  }
}

type ResolverFn = (...args: unknown[]) => unknown;

/**
 * Wraps every field resolver (not subscriptions: those are long-lived by design) so that one
 * that has not settled after `timeoutMs` fails with ResolverTimeoutError instead of holding the
 * request. The work itself is not interrupted, but the answer no longer waits for it.
 */
export function withResolverTimeouts(resolvers: IResolvers, timeoutMs: number): IResolvers {
  const wrapped: Record<string, unknown> = {};
  for (const [typeName, fields] of Object.entries(resolvers as Record<string, unknown>)) {
    if (typeName === 'Subscription' || fields === null || typeof fields !== 'object') {
      wrapped[typeName] = fields;
      continue;
    }
    const out: Record<string, unknown> = {};
    for (const [fieldName, resolver] of Object.entries(fields as Record<string, unknown>)) {
      out[fieldName] = typeof resolver === 'function' ? timed(resolver as ResolverFn, `${typeName}.${fieldName}`, timeoutMs) : resolver;
    }
    wrapped[typeName] = out;
  }
  return wrapped as IResolvers;
}

function timed(resolver: ResolverFn, field: string, timeoutMs: number): ResolverFn {
  return function (this: unknown, ...args: unknown[]): unknown {
    const result = resolver.apply(this, args);
    if (!(result instanceof Promise)) return result;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new ResolverTimeoutError(field, timeoutMs)), timeoutMs);
      timer.unref();
    });
    return Promise.race([result, timeout]).finally(() => clearTimeout(timer));
  };
}
