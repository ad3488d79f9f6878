import { GraphQLError, Kind, getIntrospectionQuery, getNamedType, getNullableType, isListType, isObjectType, parse } from './graphql-js.ts';
import type { GraphQLField } from 'graphql';
import type { FragmentDefinitionNode, GraphQLNamedType, GraphQLSchema, SelectionSetNode, ValidationContext, ValidationRule, ValueNode } from 'graphql';

/** How many items a list field without a `limit` argument is assumed to return, by field name. */
const LIST_SIZE: Record<string, number> = { workflows: 10, steps: 10, drift: 5, byAction: 5, byObjectKind: 50 };
/** Other list fields without a limit. */
const DEFAULT_LIST_SIZE = 100;

function numberArg(value: ValueNode | undefined, variables: Record<string, unknown>): number | undefined {
  if (!value) return undefined;
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const v = variables[value.name.value];
    return typeof v === 'number' ? v : undefined;
  }
  return undefined;
}

export interface CostInput {
  readonly schema: GraphQLSchema;
  /** Receives the cost of `__schema` / `__type` subtrees, which the returned cost leaves out. */
  introspectionCost?: number;
  readonly fragments: (name: string) => FragmentDefinitionNode | undefined;
  readonly variables: Record<string, unknown>;
}

/**
 * List sizes of the introspection types (`__Schema.types`, `__Type.fields`, ...): the schema's
 * own averages, so a full introspection query costs about what it returns.
 */
const introspectionSizes = new WeakMap<GraphQLSchema, Record<string, number>>();

function introspectionListSize(schema: GraphQLSchema, name: string): number | undefined {
  let sizes = introspectionSizes.get(schema);
  if (!sizes) {
    const types = Object.values(schema.getTypeMap());
    let withFields = 0;
    let fields = 0;
    let args = 0;
    let enums = 0;
    let enumValues = 0;
    for (const type of types) {
      const t = type as { getFields?: () => Record<string, { args?: readonly unknown[] }>; getValues?: () => readonly unknown[] };
      if (typeof t.getFields === 'function') {
        const list = Object.values(t.getFields());
        withFields += 1;
        fields += list.length;
        args += list.reduce((n, f) => n + (f.args?.length ?? 0), 0);
      }
      if (typeof t.getValues === 'function') {
        enums += 1;
        enumValues += t.getValues().length;
      }
    }
    const avg = (total: number, over: number): number => Math.max(1, Math.ceil(total / Math.max(1, over)));
    sizes = {
      types: types.length,
      fields: avg(fields, withFields),
      inputFields: avg(fields, withFields),
      args: avg(args, fields),
      enumValues: avg(enumValues, enums),
      interfaces: 2,
      possibleTypes: 2,
      directives: schema.getDirectives().length,
      locations: 1,
    };
    introspectionSizes.set(schema, sizes);
  }
  return sizes[name];
}

/** The field a selection names on `parent`, introspection's `__schema` and `__type` included. */
function fieldOf(schema: GraphQLSchema, parent: GraphQLNamedType | undefined, name: string): GraphQLField<unknown, unknown> | undefined {
  if (name === '__schema' || name === '__type') {
    const type = schema.getType(name === '__schema' ? '__Schema' : '__Type');
    return type ? ({ type, args: [] } as unknown as GraphQLField<unknown, unknown>) : undefined;
  }
  return parent && isObjectType(parent) ? parent.getFields()[name] : undefined;
}

/**
 * Estimated cost of a selection set on `parent`: every field costs 1 (aliases and introspection
 * fields included), and what is selected under a list field is multiplied by the list's size —
 * its `limit` argument (or that argument's default), else a per-field guess (introspection
 * lists: the schema's own averages). Unknown fields cost 1 (graphql's own rules reject them).
 */
export function selectionCost(
  input: CostInput,
  parent: GraphQLNamedType | undefined,
  selections: SelectionSetNode,
  seen: ReadonlySet<string> = new Set(),
): number {
  let cost = 0;
  for (const selection of selections.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      // Introspection fields count like any other: 5,000 aliased `__schema` are 5,000 schemas.
      const field = fieldOf(input.schema, parent, name);
      let size = 1;
      if (field && isListType(getNullableType(field.type))) {
        const limitArg = field.args.find((a) => a.name === 'limit');
        const given = numberArg(selection.arguments?.find((a) => a.name.value === 'limit')?.value, input.variables);
        const introspected = parent?.name.startsWith('__') ? introspectionListSize(input.schema, name) : undefined;
        const fallback = typeof limitArg?.defaultValue === 'number' ? limitArg.defaultValue : (introspected ?? LIST_SIZE[name] ?? DEFAULT_LIST_SIZE);
        size = Math.max(1, given ?? fallback);
      }
      const below = selection.selectionSet ? selectionCost(input, field ? getNamedType(field.type) : undefined, selection.selectionSet, seen) : 0;
      if (name === '__schema' || name === '__type') input.introspectionCost = (input.introspectionCost ?? 0) + 1 + size * below;
      else cost += 1 + size * below;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const typed = selection.typeCondition ? input.schema.getType(selection.typeCondition.name.value) : parent;
      cost += selectionCost(input, typed ?? undefined, selection.selectionSet, seen);
    } else {
      const name = selection.name.value;
      const fragment = input.fragments(name);
      // A fragment cycle is reported by graphql's own rules; count it once here.
      if (fragment && !seen.has(name)) {
        cost += selectionCost(input, input.schema.getType(fragment.typeCondition.name.value) ?? undefined, fragment.selectionSet, new Set([...seen, name]));
      }
    }
  }
  return cost;
}

const introspectionBudgets = new WeakMap<GraphQLSchema, number>();

/**
 * What introspection may cost in one operation: what the standard introspection query (the one
 * GraphiQL and code generators send) costs against this schema, with a margin — one full
 * introspection passes, several (aliased or nested deeper) do not.
 */
function introspectionBudget(schema: GraphQLSchema): number {
  let budget = introspectionBudgets.get(schema);
  if (budget === undefined) {
    const document = parse(
      getIntrospectionQuery({ descriptions: true, directiveIsRepeatable: true, inputValueDeprecation: true, specifiedByUrl: true, schemaDescription: true }),
    );
    const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
    const input: CostInput = { schema, fragments: (name) => fragments.get(name), variables: {} };
    for (const d of document.definitions) if (d.kind === Kind.OPERATION_DEFINITION) selectionCost(input, schema.getQueryType() ?? undefined, d.selectionSet);
    budget = Math.ceil((input.introspectionCost ?? 0) * 1.2);
    introspectionBudgets.set(schema, budget);
  }
  return budget;
}

/**
 * A validation rule refusing operations whose estimated cost (see selectionCost) is above
 * `maxCost`, or whose introspection (`__schema`, `__type`) costs more than one standard
 * introspection query, before anything runs.
 */
export function costLimitRule(maxCost: number, variables: Record<string, unknown>): ValidationRule {
  return (context: ValidationContext) => ({
    OperationDefinition(node): void {
      const schema = context.getSchema();
      const root = node.operation === 'query' ? schema.getQueryType() : node.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
      const input: CostInput = { schema, fragments: (name) => context.getFragment(name) ?? undefined, variables };
      const cost = selectionCost(input, root ?? undefined, node.selectionSet);
      if (cost > maxCost) {
        context.reportError(
          new GraphQLError(`Query cost ${cost} exceeds the limit of ${maxCost}: ask for fewer fields or smaller limits, or page with cursor.`, {
            nodes: [node],
          }),
        );
      }
      const introspection = input.introspectionCost ?? 0;
      const budget = introspectionBudget(schema);
      if (introspection > budget) {
        context.reportError(
          new GraphQLError(
            `Introspection cost ${introspection} exceeds the limit of ${budget} (one standard introspection query): introspect the schema once.`,
            { nodes: [node] },
          ),
        );
      }
    },
  });
}

/**
 * Refuses string arguments that hold a NUL character, written inline (`"a\\u0000b"`) or passed as
 * variables: Postgres cannot store NUL in text, so the query would fail with a 500 further in.
 */
export function nulCharacterRule(variables: Record<string, unknown>): ValidationRule {
  const hasNul = (value: unknown, depth = 0): boolean => {
    if (typeof value === 'string') return value.includes('\u0000');
    if (value === null || typeof value !== 'object' || depth > 64) return false;
    return Object.entries(value as Record<string, unknown>).some(([k, v]) => k.includes('\u0000') || hasNul(v, depth + 1));
  };
  return (context: ValidationContext) => ({
    Document(node): void {
      const bad = Object.entries(variables).find(([, value]) => hasNul(value));
      if (bad) context.reportError(new GraphQLError(`Variable $${bad[0]} holds a NUL character (\\u0000); remove it.`, { nodes: [node] }));
    },
    StringValue(node): void {
      if (node.value.includes('\u0000'))
        context.reportError(new GraphQLError('A string argument holds a NUL character (\\u0000); remove it.', { nodes: [node] }));
    },
  });
}
