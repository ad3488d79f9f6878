import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResourceError, formatIssue } from '../../../controller/errors/index.ts';
import { loadIntents, parseIntentText } from '../../../controller/intents/index.ts';
import type { LoadIntentsResult } from '../../../controller/intents/index.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const EXAMPLES = join(REPO, 'intents');

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'intents-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
}

function messages(result: LoadIntentsResult): string[] {
  return result.issues.map(formatIssue);
}

const HEADER = 'apiVersion: netbox-gitops.io/v1alpha1\n';

describe('loadIntents on the example intents', () => {
  it('loads every example without an issue', async () => {
    const result = await loadIntents(EXAMPLES);
    expect(messages(result)).toEqual([]);
    expect(result.intents.map(({ file, line, intent }) => `${file}:${line} ${intent.kind}/${intent.metadata.name}`)).toEqual([
      'custom-lab.yaml:7 VendorSet/lab-vendors',
      'custom-lab.yaml:18 DeviceTypeSet/lab-devices',
      'datacenter-switches.yaml:6 DeviceTypeSet/datacenter-switches',
      'vendors.yaml:6 VendorSet/network-vendors',
    ]);
  });

  it('keeps a locator the resolver can use for its own findings', async () => {
    const { intents } = await loadIntents(EXAMPLES);
    const dc = intents.find((loaded) => loaded.intent.metadata.name === 'datacenter-switches');
    // include[0] is `    - ^DCS-7050` on line 15 of the file.
    expect(dc?.locate(['spec', 'include', 0])).toEqual({ line: 15, column: 7 });
    expect(dc?.locate(['spec', 'include'], 'key')).toEqual({ line: 14, column: 3 });
    // A path that does not exist resolves to the deepest field that does.
    expect(dc?.locate(['spec', 'deviceTypes', 'slugs'])).toEqual({ line: 10, column: 1 });
  });
});

describe('loadIntents error reporting', () => {
  it('names file, line, column and path of an invalid regular expression', async () => {
    await write({
      'intents/dc.yaml': [
        '# Data-centre switches',
        'apiVersion: netbox-gitops.io/v1alpha1',
        'kind: DeviceTypeSet',
        'metadata:',
        '  name: dc',
        'spec:',
        '  mode: enforce',
        '  vendors:',
        '    - Arista',
        '  components: true',
        '  include:',
        '    - ^DCS-7050',
        '    - ^DCS-7280',
        '    - "(["',
        '',
      ].join('\n'),
    });
    const result = await loadIntents(dir);
    expect(messages(result)).toEqual([
      'intents/dc.yaml:14:7 spec.include[2]: invalid regular expression "([": missing closing ]: `[` (RE2 syntax: https://github.com/google/re2/wiki/Syntax)',
    ]);
    expect(result.intents).toEqual([]);
  });

  it('reports YAML syntax errors with their position and keeps the other documents', async () => {
    await write({
      'broken.yaml': `${HEADER}kind: VendorSet\nmetadata:\n  name: a\nspec:\n  vendors: [Cisco\n---\n${HEADER}kind: VendorSet\nmetadata:\n  name: b\nspec:\n  vendors: all\n`,
    });
    const result = await loadIntents(dir);
    expect(result.issues).toHaveLength(1);
    expect(formatIssue(result.issues[0]!)).toMatch(/^broken\.yaml:7:1: YAML: .*\]/);
    expect(result.intents.map((loaded) => loaded.intent.metadata.name)).toEqual(['b']);
  });

  it('reports duplicate keys as YAML errors at the repeated key', async () => {
    await write({ 'dup-key.yaml': `${HEADER}kind: VendorSet\nmetadata:\n  name: a\nspec:\n  vendors: all\n  vendors: [Cisco]\n` });
    expect(messages(await loadIntents(dir))).toEqual(['dup-key.yaml:7:3: YAML: Map keys must be unique']);
  });

  it('reports unknown kinds and apiVersions at their values', async () => {
    await write({
      'kinds.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n${HEADER}kind: RackSet\nmetadata:\n  name: b\nspec: {}\n`,
    });
    expect(messages(await loadIntents(dir))).toEqual([
      'kinds.yaml:1:13 apiVersion: unsupported apiVersion "v1"; expected "netbox-gitops.io/v1alpha1"',
      'kinds.yaml:2:7 kind: unknown kind "ConfigMap"; expected VendorSet, DeviceTypeSet or Notification',
      'kinds.yaml:7:7 kind: unknown kind "RackSet"; expected VendorSet, DeviceTypeSet or Notification',
    ]);
  });

  it('reports unknown fields at the field name, wrong types at the value, missing fields at their parent', async () => {
    await write({
      'fields.yaml': [
        HEADER.trimEnd(),
        'kind: DeviceTypeSet',
        'metadata:',
        '  name: dc',
        '  owner: me',
        'spec:',
        '  vendors: [Arista]',
        '  prune: "yes"',
        '  moduleTypes:',
        '    includes: [x]',
        '  custom:',
        '    - manufacturer: Acme',
        '      model: M1',
        '',
      ].join('\n'),
    });
    expect(messages(await loadIntents(dir))).toEqual([
      'fields.yaml:5:3 metadata.owner: unknown field "owner" (expected one of: name, namespace, labels, annotations)',
      'fields.yaml:8:10 spec.prune: expected boolean, got string "yes"',
      'fields.yaml:10:5 spec.moduleTypes.includes: unknown field "includes"; did you mean "include"? (expected one of: include, exclude, models)',
      'fields.yaml:12:7 spec.custom[0].slug: missing required field; expected string',
    ]);
  });

  it('reports a missing spec at the document and a document that is not a mapping', async () => {
    await write({ 'shape.yaml': `${HEADER}kind: VendorSet\nmetadata:\n  name: a\n---\n- just\n- a list\n` });
    expect(messages(await loadIntents(dir))).toEqual([
      'shape.yaml:1:1 spec: missing required field; expected object',
      'shape.yaml:6:1: expected an intent resource (a mapping with apiVersion, kind, metadata and spec), got a list',
    ]);
  });

  it('reports a duplicate name per kind, naming both places, and keeps the first', async () => {
    const vendorSet = (name: string, vendors: string): string => `${HEADER}kind: VendorSet\nmetadata:\n  name: ${name}\nspec:\n  vendors: ${vendors}\n`;
    const deviceTypeSet = `${HEADER}kind: DeviceTypeSet\nmetadata:\n  name: core\nspec:\n  vendors: all\n`;
    await write({
      'a.yaml': vendorSet('core', '[Cisco]'),
      'nested/b.yml': `${deviceTypeSet}---\n${vendorSet('core', '[Juniper]')}`,
    });
    const result = await loadIntents(dir);
    expect(messages(result)).toEqual([
      'nested/b.yml:11:9 metadata.name: duplicate VendorSet name "core", already defined at a.yaml:4:9; names must be unique per kind',
    ]);
    expect(result.intents.map((loaded) => `${loaded.file} ${loaded.intent.kind}`)).toEqual(['a.yaml VendorSet', 'nested/b.yml DeviceTypeSet']);
    expect(result.intents[0]?.intent.spec.vendors).toEqual(['Cisco']);
  });

  it('refuses an alias bomb with an error instead of expanding it', async () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let level = 1; level < 9; level += 1) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    await write({
      'bomb.yaml': `${HEADER}kind: VendorSet\nmetadata:\n  name: bomb\n  labels:\n${lines.map((line) => `    ${line}`).join('\n')}\nspec:\n  vendors: all\n`,
    });
    const result = await loadIntents(dir);
    expect(messages(result)).toEqual([
      'bomb.yaml:1:1: YAML: the document expands to more than 100000 nodes once aliases are resolved (an alias bomb?); write the data out or split it',
    ]);
    expect(result.intents).toEqual([]);
  });

  it('refuses too many alias expansions even below the node cap', async () => {
    const aliases = Array.from({ length: 120 }, (_, index) => `    - name: v${index}\n      slug: *s`).join('\n');
    const text = `${HEADER}kind: VendorSet\nmetadata:\n  name: many\nspec:\n  vendors: all\n  custom:\n    - name: first\n      slug: &s acme\n${aliases}\n`;
    const result = parseIntentText(text, 'many.yaml');
    expect(messages(result)).toEqual([
      'many.yaml:1:1: YAML: too many alias expansions (more than 100; an alias bomb?); write the data out instead of aliasing it',
    ]);
    expect(parseIntentText(text, 'many.yaml', { maxAliasCount: -1 }).issues.map((issue) => issue.path)).toContain('spec.custom[1]');
  });

  it('returns the span and value of every document, refused ones too, from its one parse', () => {
    const good = `${HEADER}kind: VendorSet\nmetadata:\n  name: good\nspec:\n  vendors: all\n`;
    const bad = `${HEADER}kind: DeviceTypeSet\nmetadata:\n  name: bad\nspec: [unclosed\n`;
    const result = parseIntentText(`${good}---\n${bad}`, 'two.yaml');
    const spans = result.spans?.get('two.yaml') ?? [];
    expect(spans.map(({ firstLine, lastLine }) => [firstLine, lastLine])).toEqual([
      [1, 6],
      [7, 12],
    ]);
    expect(spans[0]?.value).toMatchObject({ kind: 'VendorSet', metadata: { name: 'good' } });
    expect(spans[1]?.value).toMatchObject({ kind: 'DeviceTypeSet', metadata: { name: 'bad' } });
  });

  it('refuses a recursive alias', async () => {
    const result = parseIntentText(`${HEADER}kind: VendorSet\nmetadata: &m\n  name: a\n  labels: *m\nspec:\n  vendors: all\n`, 'loop.yaml');
    expect(messages(result)).toEqual(['loop.yaml:1:1: YAML: an alias refers to the node that contains it (recursive structure); intents must be trees']);
  });

  it('refuses files over the size limit without reading them', async () => {
    const big = `# ${'x'.repeat(1024 * 1024)}\n${HEADER}kind: VendorSet\nmetadata:\n  name: big\nspec:\n  vendors: all\n`;
    await write({ 'big.yaml': big, 'small.yaml': `${HEADER}kind: VendorSet\nmetadata:\n  name: small\nspec:\n  vendors: all\n` });
    const result = await loadIntents(dir);
    expect(messages(result)).toEqual([
      `big.yaml: file is ${Buffer.byteLength(big)} bytes, over the 1048576-byte limit for intent files; split it into several files`,
    ]);
    expect(result.intents.map((loaded) => loaded.intent.metadata.name)).toEqual(['small']);
    expect(messages(await loadIntents(dir, { maxFileBytes: 50 }))).toHaveLength(2);
    expect(messages(parseIntentText('a: 1\n', 'tiny.yaml', { maxFileBytes: 3 }))).toEqual([
      'tiny.yaml: file is 5 bytes, over the 3-byte limit for intent files; split it into several files',
    ]);
  });

  it('refuses absurdly deep nesting without crashing', () => {
    const text = `${HEADER}kind: VendorSet\nmetadata:\n  name: deep\nspec:\n  vendors: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;
    const result = parseIntentText(text, 'deep.yaml');
    expect(result.intents).toEqual([]);
    // Where the parser's stack runs out depends on the engine's frame sizes, so only the first report is pinned.
    expect(messages(result)[0]).toMatch(/^deep\.yaml:6:\d+: YAML: nesting is too deep to parse; flatten the document$/);
    expect(result.issues.every((issue) => issue.severity === 'error')).toBe(true);
  });
});

describe('loadIntents folder handling', () => {
  it('reads .yaml and .yml recursively, skips other files and dot-folders, and several documents per file', async () => {
    const doc = (name: string): string => `${HEADER}kind: VendorSet\nmetadata:\n  name: ${name}\nspec:\n  vendors: all\n`;
    await write({
      'z.yml': doc('z'),
      'a/b/deep.YAML': `---\n${doc('deep-1')}---\n# only a comment\n---\n${doc('deep-2')}`,
      'notes.md': 'not an intent',
      '.git/config.yaml': 'not: an intent',
    });
    const result = await loadIntents(dir);
    expect(messages(result)).toEqual([]);
    expect(result.intents.map((loaded) => `${loaded.file}#${loaded.documentIndex}:${loaded.line}:${loaded.column}`)).toEqual([
      'a/b/deep.YAML#0:2:1',
      'a/b/deep.YAML#2:11:1',
      'z.yml#0:1:1',
    ]);
  });

  it('loads a single file when given one', async () => {
    await write({ 'one.yaml': `${HEADER}kind: VendorSet\nmetadata:\n  name: one\nspec:\n  vendors: all\n` });
    const result = await loadIntents(join(dir, 'one.yaml'));
    expect(result.intents.map((loaded) => loaded.file)).toEqual(['one.yaml']);
  });

  it('throws a ResourceError for a folder that does not exist', async () => {
    await expect(loadIntents(join(dir, 'missing'))).rejects.toBeInstanceOf(ResourceError);
  });

  it('locates fields that came in through a merge key', () => {
    const text = `${HEADER}kind: DeviceTypeSet\nmetadata:\n  name: m\nx-policy: &policy\n  mode: sometimes\nspec:\n  <<: *policy\n  vendors: all\n`;
    const result = parseIntentText(text, 'merge.yaml');
    expect(messages(result)).toEqual([
      'merge.yaml:5:1 x-policy: unknown field "x-policy" (expected one of: apiVersion, kind, metadata, spec, status)',
      'merge.yaml:6:9 spec.mode: expected "observe" or "enforce", got string "sometimes"',
    ]);
  });
});
