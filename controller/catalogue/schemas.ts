import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { ResourceError } from '../errors/index.ts';

/** The library's schema ids (each file's `$id`); they `$ref` each other by these. */
export const DEVICE_TYPE_SCHEMA_ID = 'urn:devicetype-library:device-type';
export const MODULE_TYPE_SCHEMA_ID = 'urn:devicetype-library:module-type';

/** Compiled validators for the two kinds of library file. */
export interface LibraryValidators {
  readonly deviceType: ValidateFunction;
  readonly moduleType: ValidateFunction;
  /** sha256 over the schema files, so callers can tell two schema sets apart. */
  readonly fingerprint: string;
}

/** Compiling takes a few hundred milliseconds, so keep the last few schema sets by content. */
const compiled = new Map<string, LibraryValidators>();
const MAX_CACHED_SCHEMA_SETS = 4;

/**
 * Reads every `*.json` in `<root>/schema/` and compiles the device-type and module-type
 * schemas with ajv (draft 2020-12). The same schema files are compiled once per process.
 *
 * @throws ResourceError when the folder or one of the two top-level schemas is missing.
 */
export async function loadLibraryValidators(root: string): Promise<LibraryValidators> {
  const schemaDir = path.join(root, 'schema');
  let names: string[];
  try {
    names = (await readdir(schemaDir)).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    throw new ResourceError(`the library at ${root} has no schema/ folder; point the library path at a devicetype-library checkout`, schemaDir, {
      cause: error,
    });
  }
  const texts = await Promise.all(names.map((name) => readFile(path.join(schemaDir, name), 'utf8')));
  return compileOnce(names, texts, schemaDir);
}

/** Synchronous twin of {@link loadLibraryValidators}, for lookups that cannot await. */
export function loadLibraryValidatorsSync(root: string): LibraryValidators {
  const schemaDir = path.join(root, 'schema');
  let names: string[];
  try {
    names = readdirSync(schemaDir)
      .filter((name) => name.endsWith('.json'))
      .sort();
  } catch (error) {
    throw new ResourceError(`the library at ${root} has no schema/ folder; point the library path at a devicetype-library checkout`, schemaDir, {
      cause: error,
    });
  }
  const texts = names.map((name) => readFileSync(path.join(schemaDir, name), 'utf8'));
  return compileOnce(names, texts, schemaDir);
}

function compileOnce(names: readonly string[], texts: readonly string[], schemaDir: string): LibraryValidators {
  const hash = createHash('sha256');
  names.forEach((name, i) => hash.update(`${name}\0${texts[i]}\0`));
  const fingerprint = hash.digest('hex');
  const cached = compiled.get(fingerprint);
  if (cached) return cached;
  const validators = compileValidators(names, texts, schemaDir, fingerprint);
  if (compiled.size >= MAX_CACHED_SCHEMA_SETS) {
    const oldest = compiled.keys().next().value;
    if (oldest !== undefined) compiled.delete(oldest);
  }
  compiled.set(fingerprint, validators);
  return validators;
}

function compileValidators(names: readonly string[], texts: readonly string[], schemaDir: string, fingerprint: string): LibraryValidators {
  const ajv = new Ajv2020({
    allErrors: true,
    // The schemas are third-party; a keyword ajv does not know must not stop the load.
    strict: false,
    validateFormats: false,
    // The library validates with Decimal numbers, so 4.35 is a multiple of 0.01 there;
    // plain floating point would reject it (182 files of the snapshot).
    multipleOfPrecision: 9,
    // Compile each $ref'd component once and skip code optimisation: compiling drops from
    // about 230 ms to about 90 ms on the library's schemas and validation is no slower.
    inlineRefs: false,
    code: { optimize: false },
  });
  names.forEach((name, i) => {
    try {
      ajv.addSchema(JSON.parse(texts[i] ?? '') as object);
    } catch (error) {
      throw new ResourceError(`schema/${name} of the library is not a usable JSON Schema: ${String(error)}`, path.join(schemaDir, name), {
        cause: error,
      });
    }
  });
  return {
    deviceType: getValidator(ajv, DEVICE_TYPE_SCHEMA_ID, schemaDir),
    moduleType: getValidator(ajv, MODULE_TYPE_SCHEMA_ID, schemaDir),
    fingerprint,
  };
}

function getValidator(ajv: Ajv2020, id: string, schemaDir: string): ValidateFunction {
  let validate: ValidateFunction | undefined;
  try {
    validate = ajv.getSchema(id);
  } catch (error) {
    throw new ResourceError(`the library's schema ${id} does not compile: ${String(error)}`, schemaDir, { cause: error });
  }
  if (!validate) {
    throw new ResourceError(`the library's schema/ folder has no schema with $id ${id}; is this a devicetype-library checkout?`, schemaDir);
  }
  return validate;
}

/** One schema violation, located by path segments inside the document. */
export interface SchemaViolation {
  readonly segments: readonly (string | number)[];
  readonly message: string;
}

const MAX_LISTED_CHOICES = 8;

/** Turns ajv's errors into located, readable violations (one per distinct location and rule). */
export function describeSchemaErrors(errors: readonly ErrorObject[], document: unknown): SchemaViolation[] {
  const seen = new Set<string>();
  const out: SchemaViolation[] = [];
  for (const error of errors) {
    const segments = pointerToSegments(error.instancePath, document);
    const params = error.params as Record<string, unknown>;
    let message: string;
    switch (error.keyword) {
      case 'required':
        message = `missing required field "${String(params.missingProperty)}"`;
        break;
      case 'additionalProperties':
        segments.push(String(params.additionalProperty));
        message = `"${String(params.additionalProperty)}" is not a field the library schema allows here`;
        break;
      case 'enum': {
        const allowed = (params.allowedValues as unknown[] | undefined) ?? [];
        const listed = allowed
          .slice(0, MAX_LISTED_CHOICES)
          .map((v) => JSON.stringify(v))
          .join(', ');
        const more = allowed.length > MAX_LISTED_CHOICES ? `, … (${allowed.length} choices)` : '';
        message = `${describeValue(valueAt(document, segments))} is not one of the allowed values (${listed}${more})`;
        break;
      }
      default:
        message = `${error.message ?? `fails ${error.keyword}`} (got ${describeValue(valueAt(document, segments))})`;
    }
    const key = `${segments.join('\0')}\0${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ segments, message });
  }
  return out;
}

function pointerToSegments(pointer: string, document: unknown): (string | number)[] {
  if (pointer === '') return [];
  const segments: (string | number)[] = [];
  let node = document;
  for (const raw of pointer.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment = Array.isArray(node) && /^\d+$/.test(part) ? Number(part) : part;
    segments.push(segment);
    node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[segment] : undefined;
  }
  return segments;
}

function valueAt(document: unknown, segments: readonly (string | number)[]): unknown {
  let node = document;
  for (const segment of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return `a date (${value.toISOString().slice(0, 10)}; quote it to keep it text)`;
  return 'a mapping';
}
