import { GraphQLError, Kind, getNamedType, getNullableType, isListType, isObjectType } from './graphql-js.ts';
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
  readonly fragments: (name: string) => FragmentDefinitionNode | undefined;
  readonly variables: Record<string, unknown>;
}

/**
 * Estimated cost of a selection set on `parent`: every field costs 1, and what is selected
 * under a list field is multiplied by the list's size — its `limit` argument (or that
 * argument's default), else a per-field guess. Unknown fields cost 1 (graphql's own rules
 * reject them).
 */
export function selectionCost(input: CostInput, parent: GraphQLNamedType | undefined, selections: SelectionSetNode, seen: ReadonlySet<string> = new Set()): number {
  let cost = 0;
  for (const selection of selections.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      if (name.startsWith('__')) continue;
      const field = parent && isObjectType(parent) ? parent.getFields()[name] : undefined;
      let size = 1;
      if (field && isListType(getNullableType(field.type))) {
        const limitArg = field.args.find((a) => a.name === 'limit');
        const given = numberArg(selection.arguments?.find((a) => a.name.value === 'limit')?.value, input.variables);
        const fallback = typeof limitArg?.defaultValue === 'number' ? limitArg.defaultValue : (LIST_SIZE[name] ?? DEFAULT_LIST_SIZE);
        size = Math.max(1, given ?? fallback);
      }
      const below = selection.selectionSet ? selectionCost(input, field ? getNamedType(field.type) : undefined, selection.selectionSet, seen) : 0;
      cost += 1 + size * below;
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

/** A validation rule refusing operations whose estimated cost (see selectionCost) is above `maxCost`, before anything runs. */
export function costLimitRule(maxCost: number, variables: Record<string, unknown>): ValidationRule {
  return (context: ValidationContext) => ({
    OperationDefinition(node): void {
      const schema = context.getSchema();
      const root = node.operation === 'query' ? schema.getQueryType() : node.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
      const cost = selectionCost({ schema, fragments: (name) => context.getFragment(name) ?? undefined, variables }, root ?? undefined, node.selectionSet);
      if (cost > maxCost) {
        context.reportError(new GraphQLError(`Query cost ${cost} exceeds the limit of ${maxCost}: ask for fewer fields or smaller limits, or page with cursor.`, { nodes: [node] }));
      }
    },
  });
}
