/**
 * A checker for the rules Kubernetes applies to CRD schemas (apiextensions.k8s.io/v1,
 * "Specifying a structural schema" and the structural-schema KEP): every node typed outside
 * logical junctors unless x-kubernetes-preserve-unknown-fields / x-kubernetes-int-or-string;
 * no $ref or other keywords JSONSchemaProps lacks; properties and additionalProperties
 * mutually exclusive; no `additionalProperties: false`, `uniqueItems: true` or
 * `x-kubernetes-preserve-unknown-fields: false`; inside allOf/anyOf/oneOf/not no type,
 * description, default, additionalProperties, nullable, title or extensions; root metadata
 * limited to name/generateName; defaults that fit their node.
 */
type Schema = Record<string, unknown>;

/** Fields of apiextensions v1 JSONSchemaProps that CRDs may use. */
const ALLOWED = new Set([
  'description',
  'type',
  'format',
  'title',
  'default',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'multipleOf',
  'enum',
  'maxProperties',
  'minProperties',
  'required',
  'items',
  'allOf',
  'oneOf',
  'anyOf',
  'not',
  'properties',
  'additionalProperties',
  'nullable',
  'example',
  'externalDocs',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-int-or-string',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-list-type',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
]);
const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);
const FORBIDDEN_IN_JUNCTORS = ['type', 'description', 'default', 'additionalProperties', 'nullable', 'title'];
const JUNCTORS = ['allOf', 'anyOf', 'oneOf', 'not'] as const;

function isSchema(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Every violation found, as `<path>: <rule>`; an empty list means the schema is structural. */
export function findStructuralViolations(root: Schema): string[] {
  const violations: string[] = [];
  if (root.type !== 'object') violations.push('<root>: type must be object');
  const properties = isSchema(root.properties) ? root.properties : {};
  const metadata = properties.metadata;
  if (isSchema(metadata)) {
    const extra = Object.keys(metadata).filter((key) => key !== 'type' && key !== 'properties');
    const fields = isSchema(metadata.properties) ? Object.keys(metadata.properties) : [];
    if (metadata.type !== 'object' || extra.length > 0 || fields.some((field) => field !== 'name' && field !== 'generateName')) {
      violations.push('metadata: only type: object and properties name/generateName are allowed');
    }
  }
  checkNode(root, '<root>', violations);
  return violations;
}

function checkNode(node: Schema, at: string, violations: string[]): void {
  for (const key of Object.keys(node)) {
    if (!ALLOWED.has(key)) violations.push(`${at}: keyword "${key}" is not allowed in a CRD schema`);
  }
  const preserve = node['x-kubernetes-preserve-unknown-fields'];
  const intOrString = node['x-kubernetes-int-or-string'] === true;
  if (preserve !== undefined && preserve !== true) violations.push(`${at}: x-kubernetes-preserve-unknown-fields must be true or absent`);
  if (node.type === undefined) {
    if (preserve !== true && !intOrString) violations.push(`${at}: type must be non-empty`);
  } else if (typeof node.type !== 'string' || !TYPES.has(node.type)) {
    violations.push(`${at}: type must be one of ${[...TYPES].join(', ')}`);
  }
  if (node.additionalProperties === false) violations.push(`${at}: additionalProperties must not be false`);
  if (node.properties !== undefined && node.additionalProperties !== undefined) {
    violations.push(`${at}: properties and additionalProperties are mutually exclusive`);
  }
  if (node.uniqueItems === true) violations.push(`${at}: uniqueItems must not be true`);
  if (node.type === 'array' && !isSchema(node.items)) violations.push(`${at}: arrays need a single items schema`);
  if (node['x-kubernetes-list-type'] === 'map') checkMapList(node, at, violations);
  if (node.default !== undefined) checkDefault(node, at, violations);
  if (isSchema(node.properties)) {
    for (const [name, child] of Object.entries(node.properties)) {
      if (isSchema(child)) checkNode(child, `${at}.${name}`, violations);
      else violations.push(`${at}.${name}: must be a schema`);
    }
  }
  if (isSchema(node.items)) checkNode(node.items, `${at}[]`, violations);
  if (isSchema(node.additionalProperties)) checkNode(node.additionalProperties, `${at}{}`, violations);
  for (const junctor of JUNCTORS) {
    const value = node[junctor];
    if (value === undefined) continue;
    const branches = Array.isArray(value) ? value : [value];
    branches.forEach((branch, index) => {
      if (isSchema(branch)) checkJunctorBranch(branch, `${at}.${junctor}[${index}]`, intOrString, violations);
    });
  }
}

function checkJunctorBranch(branch: Schema, at: string, intOrString: boolean, violations: string[]): void {
  for (const key of Object.keys(branch)) {
    const allowedType = key === 'type' && intOrString && (branch.type === 'integer' || branch.type === 'string');
    if ((FORBIDDEN_IN_JUNCTORS.includes(key) && !allowedType) || key.startsWith('x-kubernetes-')) {
      violations.push(`${at}: "${key}" is not allowed inside a logical junctor`);
    }
  }
  for (const nested of ['properties', 'items'] as const) {
    if (branch[nested] !== undefined) violations.push(`${at}: "${nested}" inside a junctor must also be specified outside it`);
  }
}

function checkMapList(node: Schema, at: string, violations: string[]): void {
  const keys = node['x-kubernetes-list-map-keys'];
  const items = isSchema(node.items) ? node.items : {};
  const required = Array.isArray(items.required) ? items.required : [];
  if (!Array.isArray(keys) || keys.length === 0) violations.push(`${at}: a map list needs x-kubernetes-list-map-keys`);
  else if (items.type !== 'object' || keys.some((key) => !required.includes(key))) {
    violations.push(`${at}: map list keys must be required fields of object items`);
  }
}

function checkDefault(node: Schema, at: string, violations: string[]): void {
  const value = node.default;
  if (node['x-kubernetes-preserve-unknown-fields'] === true && node.type === undefined) return;
  const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value === 'number' && Number.isInteger(value) ? 'integer' : typeof value;
  const fits = actual === node.type || (node.type === 'number' && actual === 'integer');
  if (!fits) violations.push(`${at}: default ${JSON.stringify(value)} does not fit type ${String(node.type)}`);
  if (Array.isArray(node.enum) && !node.enum.includes(value)) violations.push(`${at}: default ${JSON.stringify(value)} is not in enum`);
}
