import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  findStaleIntentArtifacts,
  loadIntents,
  renderIntentArtifacts,
  renderIntentJsonSchema,
  toStructuralSchema,
  compileIntentPattern,
} from '../../../controller/intents/index.ts';
import type { DeviceTypeSetIntent } from '../../../controller/intents/index.ts';
import { findStructuralViolations } from './structural-schema.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const LIBRARY = join(REPO, '../shared/devicetype-library');
const CRD_FILES = { VendorSet: 'crds/vendorsets.netbox-gitops.io.yaml', DeviceTypeSet: 'crds/devicetypesets.netbox-gitops.io.yaml' } as const;

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

type Json = Record<string, unknown>;

async function readYaml(path: string): Promise<Json> {
  return parse(await readFile(join(REPO, path), 'utf8')) as Json;
}

async function exampleDocuments(): Promise<Json[]> {
  const documents: Json[] = [];
  for (const name of (await readdir(join(REPO, 'intents'))).sort()) {
    const text = await readFile(join(REPO, 'intents', name), 'utf8');
    for (const doc of parseAllDocuments(text)) documents.push(doc.toJS() as Json);
  }
  return documents;
}

function crdSchema(crd: Json): Json {
  const version = (crd.spec as { versions: { schema: { openAPIV3Schema: Json } }[] }).versions[0];
  return version!.schema.openAPIV3Schema;
}

describe('generated files', () => {
  it('are up to date in the repository (npm run generate:check)', async () => {
    expect(await findStaleIntentArtifacts(REPO)).toEqual([]);
  });

  it('render to the same bytes every time', () => {
    expect(renderIntentArtifacts()).toEqual(renderIntentArtifacts());
    expect(renderIntentArtifacts().map((file) => file.path)).toEqual([
      'schema/intent.schema.json',
      CRD_FILES.VendorSet,
      `charts/netbox-gitops/${CRD_FILES.VendorSet}`,
      CRD_FILES.DeviceTypeSet,
      `charts/netbox-gitops/${CRD_FILES.DeviceTypeSet}`,
      'crds/notifications.netbox-gitops.io.yaml',
      'charts/netbox-gitops/crds/notifications.netbox-gitops.io.yaml',
      'schema/notification.schema.json',
    ]);
  });
});

describe('the CRDs', () => {
  it.each(Object.entries(CRD_FILES))('%s is a structural apiextensions.k8s.io/v1 CRD', async (kind, path) => {
    const crd = await readYaml(path);
    const plural = kind === 'VendorSet' ? 'vendorsets' : 'devicetypesets';
    expect(crd).toMatchObject({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${plural}.netbox-gitops.io` },
      spec: {
        group: 'netbox-gitops.io',
        scope: 'Namespaced',
        names: {
          kind,
          listKind: `${kind}List`,
          plural,
          singular: plural.slice(0, -1),
          shortNames: kind === 'VendorSet' ? ['vs'] : ['dts', 'dtset'],
          categories: ['netbox-gitops'],
        },
        versions: [{ name: 'v1alpha1', served: true, storage: true, subresources: { status: {} } }],
      },
    });
    const version = (crd.spec as { versions: Json[] }).versions[0]!;
    const columns = (version.additionalPrinterColumns as { name: string; jsonPath: string }[]).map((column) => `${column.name}=${column.jsonPath}`);
    expect(columns).toEqual(
      expect.arrayContaining([
        'Ready=.status.conditions[?(@.type=="Ready")].status',
        'Mode=.spec.mode',
        'Drift=.status.drift.total',
        'Age=.metadata.creationTimestamp',
      ]),
    );
    const schema = crdSchema(crd);
    expect(findStructuralViolations(schema)).toEqual([]);
    const status = (schema.properties as Record<string, Json>).status!;
    expect(Object.keys(status.properties as Json)).toEqual([
      'observedGeneration',
      'conditions',
      'drift',
      'lastReconcileTime',
      'lastProcessId',
      'lastAppliedLibraryRevision',
      'lastHandledReconcileAt',
    ]);
  });

  it('types the Git shorthands by their canonical form and the inline definitions field by field', async () => {
    const spec = (crdSchema(await readYaml(CRD_FILES.DeviceTypeSet)).properties as Record<string, Json>).spec!.properties as Record<string, Json>;
    expect(spec.vendors).toMatchObject({ type: 'array', default: [], 'x-kubernetes-list-type': 'set', items: { type: 'string' } });
    expect(spec.moduleTypes).toMatchObject({ type: 'object', properties: { include: { type: 'array' }, exclude: { type: 'array' } } });
    expect(spec.custom).toMatchObject({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['slug'] });
    expect((spec.custom!.items as Json).required).toEqual(['manufacturer', 'model', 'slug']);
    expect(((spec.custom!.items as Json).properties as Record<string, Json>).interfaces).toMatchObject({
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      items: { type: 'object', required: ['name', 'type'] },
    });
    expect(spec.mode).toMatchObject({ type: 'string', enum: ['observe', 'enforce'], default: 'observe' });
  });

  it('the structural checker catches what Kubernetes rejects', () => {
    const bad: Json = {
      type: 'object',
      properties: {
        metadata: { type: 'object', properties: { labels: { type: 'object' } } },
        spec: {
          type: 'object',
          additionalProperties: false,
          properties: {
            untyped: { description: 'no type' },
            either: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
            ref: { $ref: '#/definitions/x' },
            tags: { type: 'array', uniqueItems: true, items: { type: 'string' } },
            level: { type: 'string', enum: ['a'], default: 'b' },
          },
        },
      },
    };
    expect(findStructuralViolations(bad)).toEqual([
      'metadata: only type: object and properties name/generateName are allowed',
      '<root>.spec: additionalProperties must not be false',
      '<root>.spec: properties and additionalProperties are mutually exclusive',
      '<root>.spec.untyped: type must be non-empty',
      '<root>.spec.either: type must be non-empty',
      '<root>.spec.either.anyOf[0]: "type" is not allowed inside a logical junctor',
      '<root>.spec.either.anyOf[1]: "type" is not allowed inside a logical junctor',
      '<root>.spec.either.anyOf[1]: "items" inside a junctor must also be specified outside it',
      '<root>.spec.ref: keyword "$ref" is not allowed in a CRD schema',
      '<root>.spec.ref: type must be non-empty',
      '<root>.spec.tags: uniqueItems must not be true',
      '<root>.spec.level: default "b" is not in enum',
    ]);
  });

  it('generation fails on keywords it cannot express rather than emitting them', () => {
    expect(() => toStructuralSchema({ type: 'object', properties: { x: { $ref: '#/x' } } })).toThrow(
      'cannot express JSON Schema keyword "$ref" at <root>.x in a structural CRD schema',
    );
    expect(() => toStructuralSchema({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } })).toThrow(
      'properties and additionalProperties cannot both be set',
    );
  });

  it('accepts the example intents (as the API server would, ignoring x-kubernetes extensions)', async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validators = {
      VendorSet: ajv.compile(crdSchema(await readYaml(CRD_FILES.VendorSet))),
      DeviceTypeSet: ajv.compile(crdSchema(await readYaml(CRD_FILES.DeviceTypeSet))),
    };
    for (const doc of await exampleDocuments()) {
      const validate = validators[doc.kind as keyof typeof validators];
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    }
  });
});

describe('the JSON Schema', () => {
  async function compile(): Promise<ReturnType<Ajv['compile']>> {
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats(ajv);
    return ajv.compile(JSON.parse(await readFile(join(REPO, 'schema/intent.schema.json'), 'utf8')) as Json);
  }

  it('is the rendered schema, with an $id editors can reference', async () => {
    const written = JSON.parse(await readFile(join(REPO, 'schema/intent.schema.json'), 'utf8')) as Json;
    expect(written).toEqual(renderIntentJsonSchema());
    expect(written.$id).toBe('https://netbox-gitops.io/schema/intent.schema.json');
  });

  it('accepts every example intent', async () => {
    const validate = await compile();
    const documents = await exampleDocuments();
    expect(documents).toHaveLength(4);
    for (const doc of documents) expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each([
    ['an unknown field', (doc: Json) => ({ ...doc, spec: { ...(doc.spec as Json), colour: 'red' } })],
    ['an unknown kind', (doc: Json) => ({ ...doc, kind: 'RackSet' })],
    ['a wrong mode', (doc: Json) => ({ ...doc, spec: { ...(doc.spec as Json), mode: 'apply' } })],
    ['a bad name', (doc: Json) => ({ ...doc, metadata: { name: 'Not_DNS' } })],
    ['a bad interval', (doc: Json) => ({ ...doc, spec: { ...(doc.spec as Json), interval: '1 hour' } })],
    ['vendors of the wrong type', (doc: Json) => ({ ...doc, spec: { ...(doc.spec as Json), vendors: 3 } })],
  ])('rejects %s', async (_label, mutate) => {
    const validate = await compile();
    const [first] = await exampleDocuments();
    expect(validate(first)).toBe(true);
    expect(validate(mutate(first!))).toBe(false);
  });
});

describe('the example intents against the real library', () => {
  async function models(folder: 'device-types' | 'module-types', vendor: string): Promise<{ model: string; slug?: string }[]> {
    const dir = join(LIBRARY, folder, vendor);
    const names = (await readdir(dir)).filter((name) => /\.ya?ml$/.test(name));
    return Promise.all(names.map(async (name) => parse(await readFile(join(dir, name), 'utf8')) as { model: string; slug?: string }));
  }

  const matches = (patterns: readonly string[] | undefined, item: { model: string; slug?: string }): boolean =>
    (patterns ?? []).some((pattern) => [item.model, item.slug ?? ''].some((text) => compileIntentPattern(pattern).test(text)));

  it('names vendors the library has', async () => {
    const { intents } = await loadIntents(join(REPO, 'intents'));
    const folders = new Set(await readdir(join(LIBRARY, 'device-types')));
    const named = intents.flatMap(({ intent }) => intent.spec.vendors.filter((vendor) => vendor !== 'all'));
    expect(named.length).toBeGreaterThan(0);
    for (const vendor of named) expect(folders.has(vendor), vendor).toBe(true);
  });

  it('selects tens of data-centre switches and some power supplies, not thousands', async () => {
    const { intents } = await loadIntents(join(REPO, 'intents'));
    const dc = intents.find((loaded) => loaded.intent.metadata.name === 'datacenter-switches')?.intent as DeviceTypeSetIntent;
    const spec = dc.spec;
    const selected = (await models('device-types', 'Arista')).filter((item) => matches(spec.include, item) && !matches(spec.exclude, item));
    expect(selected.length).toBeGreaterThanOrEqual(10);
    expect(selected.length).toBeLessThan(100);
    expect(selected.every((item) => item.model.startsWith('DCS-7050') && !item.model.endsWith('-R'))).toBe(true);
    const moduleFilter = typeof spec.moduleTypes === 'object' ? spec.moduleTypes.include : undefined;
    const supplies = (await models('module-types', 'Arista')).filter((item) => matches(moduleFilter, item));
    expect(supplies.length).toBeGreaterThan(0);
    expect(supplies.every((item) => item.model.startsWith('PWR-'))).toBe(true);
  });

  it('writes the inline custom device type in valid devicetype-library format', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    for (const name of await readdir(join(LIBRARY, 'schema'))) {
      ajv.addSchema(JSON.parse(await readFile(join(LIBRARY, 'schema', name), 'utf8')) as Json);
    }
    const validate = ajv.getSchema('urn:devicetype-library:device-type');
    const { intents } = await loadIntents(join(REPO, 'intents'));
    const lab = intents.find((loaded) => loaded.intent.metadata.name === 'lab-devices')?.intent as DeviceTypeSetIntent;
    const custom = lab.spec.custom ?? [];
    expect(custom).toHaveLength(1);
    expect(validate?.(custom[0]), JSON.stringify(validate?.errors)).toBe(true);
    const vendors = intents.flatMap(({ intent }) => (intent.kind === 'VendorSet' ? intent.spec.custom.map((entry) => entry.name) : []));
    expect(vendors).toContain(custom[0]?.manufacturer);
  });
});
