// Checks rendered objects against the Kubernetes API types as @kubernetes/client-node describes
// them (its generated models list every field with its type): an unknown or misspelt field, or a
// value of the wrong type, is reported with its path. Required fields are not in that metadata;
// the tests check the ones that matter themselves.
import * as k8s from '@kubernetes/client-node';

interface Attribute {
  readonly name: string;
  readonly baseName: string;
  readonly type: string;
  readonly format: string;
}

interface Model {
  getAttributeTypeMap(): readonly Attribute[];
}

const models = k8s as unknown as Record<string, Model | undefined>;

/** The client-node model of an apiVersion/kind, e.g. apps/v1 Deployment → V1Deployment. */
export function modelNameFor(apiVersion: string, kind: string): string {
  const version = apiVersion.split('/').at(-1) ?? '';
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

/** Whether client-node knows the type (false for custom resources such as ServiceMonitor). */
export function isKnownKind(apiVersion: string, kind: string): boolean {
  return typeof models[modelNameFor(apiVersion, kind)]?.getAttributeTypeMap === 'function';
}

/** Every problem found in `object`, as "path: message" lines; empty when it fits. */
export function checkShape(object: unknown, apiVersion: string, kind: string): string[] {
  const problems: string[] = [];
  checkValue(object, modelNameFor(apiVersion, kind), kind, problems);
  return problems;
}

function checkValue(value: unknown, type: string, path: string, problems: string[]): void {
  if (value === null || value === undefined) return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) problems.push(`${path}: expected a list, got ${describe(value)}`);
    else value.forEach((item, index) => checkValue(item, array[1] as string, `${path}[${index}]`, problems));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (!isObject(value)) problems.push(`${path}: expected a map, got ${describe(value)}`);
    else for (const [key, item] of Object.entries(value)) checkValue(item, map[1] as string, `${path}.${key}`, problems);
    return;
  }
  switch (type) {
    case 'string':
      if (typeof value !== 'string') problems.push(`${path}: expected a string, got ${describe(value)}`);
      return;
    case 'number':
      if (typeof value !== 'number') problems.push(`${path}: expected a number, got ${describe(value)}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') problems.push(`${path}: expected true or false, got ${describe(value)}`);
      return;
    case 'IntOrString':
      if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value))) {
        problems.push(`${path}: expected an integer or a string, got ${describe(value)}`);
      }
      return;
    case 'Date':
    case 'any':
    case 'object':
      return;
  }
  const model = models[type];
  if (model === undefined || typeof model.getAttributeTypeMap !== 'function') {
    problems.push(`${path}: no model ${type} in @kubernetes/client-node`);
    return;
  }
  if (!isObject(value)) {
    problems.push(`${path}: expected an object (${type}), got ${describe(value)}`);
    return;
  }
  const attributes = new Map(model.getAttributeTypeMap().map((attribute) => [attribute.baseName, attribute]));
  for (const [key, item] of Object.entries(value)) {
    const attribute = attributes.get(key);
    if (attribute === undefined) problems.push(`${path}.${key}: not a field of ${type}`);
    else checkValue(item, attribute.type, `${path}.${key}`, problems);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'a list' : `${typeof value} ${JSON.stringify(value)}`;
}
