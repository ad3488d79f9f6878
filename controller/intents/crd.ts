/**
 * Kubernetes CustomResourceDefinitions generated from the zod schemas. Kubernetes only accepts
 * structural schemas (every node typed outside anyOf/oneOf, no $ref, no
 * `additionalProperties: false`, metadata left to the API server), so the JSON Schema zod
 * produces is rewritten here; anything this file does not know how to express fails the
 * generation instead of producing a CRD the API server would reject. Nodes that accept a
 * shorthand in Git files take their structural form, list semantics, tighter patterns and CEL
 * rules from the hints registered next to the zod schema (`crd-hints.ts`). No part of `spec`
 * preserves unknown fields: the API server validates every field it stores.
 */
import { z } from 'zod';
import { crdHintOf } from './crd-hints.ts';
import { DeviceTypeSetSchema, INTENT_GROUP, INTENT_VERSION, VendorSetSchema } from './schema.ts';
import type { IntentKind } from './schema.ts';

/**
 * The oldest Kubernetes that validates these CRDs completely: CEL rules
 * (`x-kubernetes-validations`) are on by default from 1.25. The chart's kubeVersion says the same.
 */
export const MIN_KUBERNETES_VERSION = '1.25';

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
  'multipleOf',
  'nullable',
  'default',
  'required',
] as const;
/** Kubernetes extensions, written after the children in this order. */
const EXTENSION_KEYWORDS = ['x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-validations'] as const;
const HANDLED_KEYWORDS = new Set<string>([
  ...VALUE_KEYWORDS,
  ...EXTENSION_KEYWORDS,
  'properties',
  'items',
  'additionalProperties',
  'const',
  'anyOf',
  'oneOf',
  'propertyNames',
]);

/**
 * Rewrites a zod-generated (OpenAPI 3.0 flavoured) JSON Schema into a Kubernetes structural
 * schema. A union left in the input has no structural form and fails the generation: give its
 * zod schema a `structural` hint.
 * @throws Error naming the schema location when a keyword has no structural equivalent.
 */
export function toStructuralSchema(schema: JsonObject, at = '<root>'): JsonObject {
  for (const key of Object.keys(schema)) {
    if (!HANDLED_KEYWORDS.has(key)) throw new Error(`cannot express JSON Schema keyword "${key}" at ${at} in a structural CRD schema`);
  }
  if (schema.anyOf !== undefined || schema.oneOf !== undefined) {
    throw new Error(`cannot express the union at ${at} in a structural CRD schema; register a structural form for it (crd-hints.ts)`);
  }
  const values: JsonObject = {};
  for (const key of VALUE_KEYWORDS) {
    const value = schema[key];
    if (value !== undefined && !isUnboundedIntegerLimit(key, value)) values[key] = value;
  }
  if (schema.const !== undefined) values.enum = [schema.const];
  if (values.type === 'integer' && values.format === undefined) values.format = 'int64';
  const ordered: JsonObject = {};
  for (const key of VALUE_KEYWORDS) if (values[key] !== undefined) ordered[key] = values[key];
  const out = withChildren(schema, ordered, at);
  for (const key of EXTENSION_KEYWORDS) if (schema[key] !== undefined) out[key] = schema[key];
  return out;
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

type JsonSchemaOptions = NonNullable<Parameters<typeof z.toJSONSchema>[1]>;

/** zod's OpenAPI 3.0 rendering with the CRD hints applied to the nodes they were registered on. */
export function openApiSchema(schema: z.ZodType): JsonObject {
  const options: JsonSchemaOptions = {
    target: 'openapi-3.0',
    io: 'input',
    override: (ctx) => {
      const hint = crdHintOf(ctx.zodSchema);
      if (hint === undefined) return;
      const node = ctx.jsonSchema as JsonObject;
      if (hint.structural !== undefined) {
        // The wrappers (description, default) are merged onto this node afterwards.
        for (const key of Object.keys(node)) delete node[key];
        const { $schema: _ignored, ...structural } = z.toJSONSchema(hint.structural, options) as JsonObject;
        Object.assign(node, structural);
      }
      if (hint.pattern !== undefined) node.pattern = hint.pattern;
      if (hint.listType !== undefined) node['x-kubernetes-list-type'] = hint.listType;
      if (hint.mapKeys !== undefined) node['x-kubernetes-list-map-keys'] = [...hint.mapKeys];
      if (hint.validations !== undefined) node['x-kubernetes-validations'] = hint.validations.map((rule) => ({ ...rule }));
    },
  };
  return z.toJSONSchema(schema, options) as JsonObject;
}

/** The openAPIV3Schema of one kind's CRD. */
export function renderCrdSchema(kind: IntentKind): JsonObject {
  const source = openApiSchema(kind === 'VendorSet' ? VendorSetSchema : DeviceTypeSetSchema);
  const properties = asObject(source.properties, kind);
  const spec = toStructuralSchema(asObject(properties.spec, 'spec'), 'spec');
  const status = toStructuralSchema(asObject(properties.status, 'status'), 'status');
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
