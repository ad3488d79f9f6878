/**
 * What a Kubernetes API server does with a custom resource against its CRD's
 * openAPIV3Schema, in the order it does it: prune unknown fields (an error instead under
 * `fieldValidation=Strict`, which kubectl sends), apply defaults, validate the OpenAPI schema
 * (ajv, with the OpenAPI formats), enforce `x-kubernetes-list-type` set/map uniqueness, and
 * evaluate the `x-kubernetes-validations` CEL rules (@marcbachmann/cel-js). Used by the
 * stand-in API server for admission and by the test that checks the CRDs reject what the
 * controller's validation rejects.
 */
import { evaluate } from '@marcbachmann/cel-js';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

type Json = Record<string, unknown>;
type Schema = Record<string, unknown>;

/** How unknown fields are treated (the `fieldValidation` query parameter). */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface AdmissionResult {
  /** The object as it would be stored: pruned and defaulted. */
  readonly object: Json;
  /** `path: message` lines, as the API server's 422 Invalid lists its causes. */
  readonly errors: readonly string[];
  /** Unknown fields that were dropped (returned as Warning headers under `Warn`). */
  readonly warnings: readonly string[];
}

/** Validates objects against one CRD version's openAPIV3Schema. */
export interface CrdSchemaValidator {
  admit(object: Json, fieldValidation?: FieldValidation): AdmissionResult;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Compiles the schema once; `admit` is then cheap. */
export function createCrdSchemaValidator(openAPIV3Schema: Schema): CrdSchemaValidator {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  const validate = ajv.compile(withoutExtensions(openAPIV3Schema) as Schema);
  return {
    admit(input, fieldValidation = 'Warn') {
      const object = structuredClone(input);
      const unknown: string[] = [];
      prune(object, openAPIV3Schema, '', unknown, true);
      applyDefaults(object, openAPIV3Schema);
      const errors: string[] = [];
      if (fieldValidation === 'Strict') errors.push(...unknown.map((path) => `${path}: unknown field "${path.split('.').at(-1) ?? path}"`));
      errors.push(...metadataErrors(object));
      const schema = schemaErrors(validate, object);
      errors.push(...schema.messages);
      errors.push(...listErrors(object, openAPIV3Schema, ''));
      // As the API server: CEL rules run only on values of the right types and enum members.
      if (schema.blocking)
        errors.push(
          '<root>: Invalid value: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
        );
      else errors.push(...celErrors(object, openAPIV3Schema, ''));
      return { object, errors, warnings: fieldValidation === 'Warn' ? unknown.map((path) => `unknown field "${path}"`) : [] };
    },
  };
}

/** ajv knows no x-kubernetes-* keywords; they are handled here instead. */
function withoutExtensions(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutExtensions);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema as Schema)
      .filter(([key]) => !key.startsWith('x-kubernetes-'))
      // `properties` maps names to schemas; every other object-valued keyword is a schema itself.
      .map(([key, value]) => [key, key === 'enum' || key === 'default' || key === 'required' ? value : withoutExtensions(value)]),
  );
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function child(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function prune(value: unknown, schema: Schema, path: string, unknown: string[], root = false): void {
  if (Array.isArray(value)) {
    if (isObject(schema.items)) for (const [index, item] of value.entries()) prune(item, schema.items, `${path}[${index}]`, unknown);
    return;
  }
  if (!isObject(value) || schema['x-kubernetes-preserve-unknown-fields'] === true) return;
  const properties = isObject(schema.properties) ? schema.properties : undefined;
  if (properties === undefined) {
    if (isObject(schema.additionalProperties))
      for (const [key, item] of Object.entries(value)) prune(item, schema.additionalProperties, child(path, key), unknown);
    return;
  }
  for (const key of Object.keys(value)) {
    // The API server owns these at the root; metadata is validated by its own rules.
    if (root && (key === 'apiVersion' || key === 'kind' || key === 'metadata')) continue;
    const propertySchema = properties[key];
    if (!isObject(propertySchema)) {
      unknown.push(child(path, key));
      delete value[key];
    } else {
      prune(value[key], propertySchema, child(path, key), unknown);
    }
  }
}

function applyDefaults(value: unknown, schema: Schema): void {
  if (Array.isArray(value)) {
    if (isObject(schema.items)) for (const item of value) applyDefaults(item, schema.items);
    return;
  }
  if (!isObject(value) || !isObject(schema.properties)) return;
  for (const [key, propertySchema] of Object.entries(schema.properties)) {
    if (!isObject(propertySchema)) continue;
    if (value[key] === undefined && propertySchema.default !== undefined) value[key] = structuredClone(propertySchema.default);
    if (value[key] !== undefined) applyDefaults(value[key], propertySchema);
  }
}

function metadataErrors(object: Json): string[] {
  const metadata = object.metadata;
  if (!isObject(metadata)) return ['metadata: Required value'];
  const name = metadata.name;
  if (typeof name !== 'string' || name === '') return ['metadata.name: Required value: name or generateName is required'];
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    return [`metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`];
  }
  return [];
}

function schemaErrors(validate: ValidateFunction, object: Json): { messages: string[]; blocking: boolean } {
  if (validate(object)) return { messages: [], blocking: false };
  const errors = validate.errors ?? [];
  return { messages: errors.map(formatAjvError), blocking: errors.some((error) => error.keyword === 'type' || error.keyword === 'enum') };
}

function formatAjvError(error: ErrorObject): string {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${segment.replace(/~1/g, '/').replace(/~0/g, '~')}`))
    .join('')
    .replace(/^\./, '');
  const at = error.keyword === 'required' ? child(path, String((error.params as { missingProperty?: string }).missingProperty)) : path;
  return `${at || '<root>'}: ${error.keyword === 'required' ? 'Required value' : `Invalid value: ${error.message ?? error.keyword}`}`;
}

function listErrors(value: unknown, schema: Schema, path: string): string[] {
  const errors: string[] = [];
  if (Array.isArray(value)) {
    const type = schema['x-kubernetes-list-type'];
    const keys = schema['x-kubernetes-list-map-keys'];
    const seen = new Map<string, number>();
    value.forEach((item, index) => {
      let key: string | undefined;
      if (type === 'set') key = JSON.stringify(item);
      else if (type === 'map' && Array.isArray(keys) && isObject(item)) key = JSON.stringify(keys.map((name) => item[String(name)]));
      if (key === undefined) return;
      if (seen.has(key)) errors.push(`${path}[${index}]: Duplicate value: ${key}`);
      else seen.set(key, index);
    });
    if (isObject(schema.items)) value.forEach((item, index) => errors.push(...listErrors(item, schema.items as Schema, `${path}[${index}]`)));
    return errors;
  }
  if (isObject(value) && isObject(schema.properties)) {
    for (const [key, propertySchema] of Object.entries(schema.properties)) {
      if (isObject(propertySchema) && value[key] !== undefined) errors.push(...listErrors(value[key], propertySchema, child(path, key)));
    }
  }
  return errors;
}

function celErrors(value: unknown, schema: Schema, path: string): string[] {
  const errors: string[] = [];
  const rules = schema['x-kubernetes-validations'];
  if (Array.isArray(rules) && value !== undefined) {
    const self = toCel(value, schema);
    for (const entry of rules as { rule: string; message?: string }[]) {
      let passed: unknown;
      try {
        passed = evaluate(entry.rule, { self });
      } catch (error) {
        // The API server reports a rule that fails to evaluate as a validation error, too.
        passed = `error: ${error instanceof Error ? error.message : String(error)}`;
      }
      if (passed !== true) {
        const detail = typeof passed === 'string' ? ` (${passed})` : '';
        errors.push(`${path || '<root>'}: Invalid value: "${describe(value)}": ${entry.message ?? `failed rule: ${entry.rule}`}${detail}`);
      }
    }
  }
  if (Array.isArray(value) && isObject(schema.items)) {
    value.forEach((item, index) => errors.push(...celErrors(item, schema.items as Schema, `${path}[${index}]`)));
  } else if (isObject(value) && isObject(schema.properties)) {
    for (const [key, propertySchema] of Object.entries(schema.properties)) {
      if (isObject(propertySchema) && value[key] !== undefined) errors.push(...celErrors(value[key], propertySchema, child(path, key)));
    }
  }
  return errors;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return value === null ? 'null' : typeof value;
}

/** CEL has int and double: JSON numbers of `type: integer` nodes become ints (BigInt in cel-js). */
function toCel(value: unknown, schema: Schema | undefined): unknown {
  if (typeof value === 'number' && schema?.type === 'integer' && Number.isInteger(value)) return BigInt(value);
  if (Array.isArray(value)) return value.map((item) => toCel(item, isObject(schema?.items) ? schema.items : undefined));
  if (isObject(value)) {
    const properties = isObject(schema?.properties) ? schema.properties : {};
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toCel(item, isObject(properties[key]) ? properties[key] : undefined)]));
  }
  return value;
}
