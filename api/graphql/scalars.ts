import { GraphQLError, GraphQLScalarType, Kind } from './graphql-js.ts';
import type { ValueNode } from 'graphql';

/** DateTime: ISO 8601 strings out; ISO 8601 strings in, checked. */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  serialize(value: unknown): string {
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'string') return value;
    throw new GraphQLError('DateTime cannot represent this value');
  },
  parseValue(value: unknown): string {
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw new GraphQLError('DateTime expects an ISO 8601 date-time string');
    return new Date(value).toISOString();
  },
  parseLiteral(node: ValueNode): string {
    if (node.kind !== Kind.STRING || Number.isNaN(Date.parse(node.value))) throw new GraphQLError('DateTime expects an ISO 8601 date-time string');
    return new Date(node.value).toISOString();
  },
});

function literalValue(node: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.ENUM:
      return node.value;
    case Kind.LIST:
      return node.values.map((v) => literalValue(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literalValue(f.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[node.name.value];
  }
}

/** JSON: any JSON value, as is. */
export const JsonScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (value: unknown) => value,
  parseValue: (value: unknown) => value,
  parseLiteral: (node, variables) => literalValue(node, variables),
});
