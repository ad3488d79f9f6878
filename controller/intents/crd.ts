/**
 * Kubernetes CustomResourceDefinitions generated from the zod schemas. Kubernetes only accepts
 * structural schemas (every node typed outside anyOf/oneOf, no $ref, no
 * `additionalProperties: false`, metadata left to the API server), so the JSON Schema zod
 * produces is rewritten here; anything this file does not know how to express fails the
 * generation instead of producing a CRD the API server would reject.
 */
import { z } from 'zod';
import { DeviceTypeSetSchema, INTENT_GROUP, INTENT_VERSION, VendorSetSchema } from './schema.ts';
import type { IntentKind } from './schema.ts';

export type JsonObject = Record<string, unknown>;

/** Kubernetes naming of each kind. */
export const CRD_NAMES: Readonly<Record<IntentKind, { plural: string; singular: string; shortNames: readonly string[] }>> = {
  VendorSet: { plural: 'vendorsets', singular: 'vendorset', shortNames: ['vs'] },
  DeviceTypeSet: { plural: 'devicetypesets', singular: 'devicetypeset', shortNames: ['dts', 'dtset'] },
};

/** Schema keywords copied as they are, in the order they are written out. */
const VALUE_KEYWORDS = [
  'description',
  'type',
  'format',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'nullable',
  'default',
  'required',
] as const;
const HANDLED_KEYWORDS = new Set<string>([...VALUE_KEYWORDS, 'properties', 'items', 'additionalProperties', 'const', 'anyOf', 'oneOf', 'propertyNames']);

/**
 * Rewrites a zod-generated (OpenAPI 3.0 flavoured) JSON Schema into a Kubernetes structural
 * schema. Unions of different types become `x-kubernetes-preserve-unknown-fields` nodes (the
 * controller validates them with the zod schema); loose objects keep their unknown fields.
 * @throws Error naming the schema location when a keyword has no structural equivalent.
 */
export function toStructuralSchema(schema: JsonObject, at = '<root>'): JsonObject {
  for (const key of Object.keys(schema)) {
    if (!HANDLED_KEYWORDS.has(key)) throw new Error(`cannot express JSON Schema keyword "${key}" at ${at} in a structural CRD schema`);
  }
  if (schema.anyOf !== undefined || schema.oneOf !== undefined) return polymorphic(schema);
  const values: JsonObject = {};
  for (const key of VALUE_KEYWORDS) {
    const value = schema[key];
    if (value !== undefined && !isUnboundedIntegerLimit(key, value)) values[key] = value;
  }
  if (schema.const !== undefined) values.enum = [schema.const];
  if (values.type === 'integer' && values.format === undefined) values.format = 'int64';
  const ordered: JsonObject = {};
  for (const key of VALUE_KEYWORDS) if (values[key] !== undefined) ordered[key] = values[key];
  return withChildren(schema, ordered, at);
}

function withChildren(schema: JsonObject, out: JsonObject, at: string): JsonObject {
  if (isObject(schema.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([name, child]) => [name, toStructuralSchema(asObject(child, `${at}.${name}`), `${at}.${name}`)]),
    );
  }
  if (schema.items !== undefined) out.items = toStructuralSchema(asObject(schema.items, `${at}[]`), `${at}[]`);
  const additional = schema.additionalProperties;
  if (additional === true || (isObject(additional) && Object.keys(additional).length === 0)) {
    out['x-kubernetes-preserve-unknown-fields'] = true;
  } else if (isObject(additional)) {
    if (out.properties !== undefined) throw new Error(`${at}: properties and additionalProperties cannot both be set in a CRD schema`);
    out.additionalProperties = toStructuralSchema(additional, `${at}{}`);
  }
  // additionalProperties: false is forbidden in CRDs; the API server prunes unknown fields instead.
  return out;
}

function polymorphic(schema: JsonObject): JsonObject {
  const out: JsonObject = {};
  if (schema.description !== undefined) out.description = schema.description;
  if (schema.default !== undefined) out.default = schema.default;
  out['x-kubernetes-preserve-unknown-fields'] = true;
  return out;
}

function isUnboundedIntegerLimit(key: string, value: unknown): boolean {
  return (key === 'maximum' || key === 'minimum') && Math.abs(Number(value)) === Number.MAX_SAFE_INTEGER;
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asObject(value: unknown, at: string): JsonObject {
  if (!isObject(value)) throw new Error(`${at}: expected a schema object`);
  return value;
}

function openApiSchemaOf(kind: IntentKind): JsonObject {
  const schema = kind === 'VendorSet' ? VendorSetSchema : DeviceTypeSetSchema;
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }) as JsonObject;
}

/** The openAPIV3Schema of one kind's CRD. */
export function renderCrdSchema(kind: IntentKind): JsonObject {
  const source = openApiSchemaOf(kind);
  const properties = asObject(source.properties, kind);
  const spec = toStructuralSchema(asObject(properties.spec, 'spec'), 'spec');
  spec['x-kubernetes-validations'] = [
    { rule: '!(has(self.interval) && has(self.schedule))', message: 'set either interval or schedule, not both' },
  ];
  const status = toStructuralSchema(asObject(properties.status, 'status'), 'status');
  const statusProperties = asObject(status.properties, 'status');
  // Conditions are keyed by type, so server-side apply merges them instead of replacing the list.
  statusProperties.conditions = {
    ...asObject(statusProperties.conditions, 'status.conditions'),
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
  };
  return {
    description: source.description,
    type: 'object',
    required: ['spec'],
    properties: {
      apiVersion: { description: 'netbox-gitops.io/v1alpha1', type: 'string' },
      kind: { description: kind, type: 'string' },
      // The API server validates metadata itself and forbids CRDs from constraining it.
      metadata: { type: 'object' },
      spec,
      status,
    },
  };
}

/** The whole CustomResourceDefinition of one kind (apiextensions.k8s.io/v1). */
export function renderCustomResourceDefinition(kind: IntentKind): JsonObject {
  const names = CRD_NAMES[kind];
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${names.plural}.${INTENT_GROUP}`,
      labels: { 'app.kubernetes.io/part-of': 'netbox-gitops' },
    },
    spec: {
      group: INTENT_GROUP,
      names: {
        kind,
        listKind: `${kind}List`,
        plural: names.plural,
        singular: names.singular,
        shortNames: [...names.shortNames],
        categories: ['netbox-gitops'],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: INTENT_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: printerColumns(),
          schema: { openAPIV3Schema: renderCrdSchema(kind) },
        },
      ],
    },
  };
}

function printerColumns(): JsonObject[] {
  return [
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: 'Mode', type: 'string', jsonPath: '.spec.mode' },
    { name: 'Drift', type: 'integer', description: 'Operations needed to make NetBox match', jsonPath: '.status.drift.total' },
    { name: 'Suspended', type: 'boolean', priority: 1, jsonPath: '.spec.suspend' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ];
}
