// graphql-js as mercurius loads it. mercurius require()s graphql's CommonJS build; an ESM
// `import 'graphql'` may load its .mjs build instead (bundler-style resolvers such as vitest's
// prefer the "module" field), and graphql refuses types, scalars and errors from a second
// instance. Loading it with require() here guarantees one instance.
import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';

const graphql = createRequire(import.meta.url)('graphql') as typeof GraphQL;

export const {
  GraphQLError,
  GraphQLScalarType,
  Kind,
  NoSchemaIntrospectionCustomRule,
  getIntrospectionQuery,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  parse,
} = graphql;
