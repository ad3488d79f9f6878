import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { load, YAML11_SCHEMA } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { NOT_HANDLED, parseSimpleYaml, resolvePlainScalar } from '../../../controller/catalogue/fast-yaml.ts';
import { parseLibraryYaml } from '../../../controller/catalogue/index.ts';
import { SNAPSHOT } from './fixtures.ts';

function snapshotFiles(): string[] {
  const files: string[] = [];
  for (const folder of ['device-types', 'module-types']) {
    for (const vendor of readdirSync(path.join(SNAPSHOT, folder))) {
      for (const name of readdirSync(path.join(SNAPSHOT, folder, vendor))) files.push(path.join(folder, vendor, name));
    }
  }
  return files;
}

describe('the fast path for the library style', () => {
  it('gives exactly js-yaml YAML 1.1 values for every snapshot file it takes, and takes most of them', () => {
    const files = snapshotFiles();
    let handled = 0;
    const differing: string[] = [];
    for (const file of files) {
      const text = readFileSync(path.join(SNAPSHOT, file), 'utf8');
      const fast = parseSimpleYaml(text);
      if (fast === NOT_HANDLED) continue;
      handled += 1;
      if (JSON.stringify(fast) !== JSON.stringify(load(text, { schema: YAML11_SCHEMA }))) differing.push(file);
    }
    expect(files).toHaveLength(4_449 + 1_466);
    expect(differing).toEqual([]);
    expect(handled / files.length).toBeGreaterThan(0.9);
  });

  it('resolves plain scalars as YAML 1.1: leading zeros with 8/9 stay text, octal and sexagesimal do not', () => {
    expect(resolvePlainScalar('08')).toBe('08');
    expect(resolvePlainScalar('02351930')).toBe('02351930');
    expect(resolvePlainScalar('010')).toBe(8);
    expect(resolvePlainScalar('1:30')).toBe(90);
    expect(resolvePlainScalar('yes')).toBe(true);
    expect(resolvePlainScalar('Off')).toBe(false);
    expect(resolvePlainScalar('~')).toBeNull();
    expect(resolvePlainScalar('1.5')).toBe(1.5);
    expect(resolvePlainScalar('rj-45')).toBe('rj-45');
  });

  it('parses mappings, sequences of mappings, quotes, comments and literal blocks', () => {
    const text = [
      '---',
      '# comment',
      'manufacturer: Acme # trailing comment',
      "model: 'It''s 08'",
      'part_number: "0123"',
      'name: 08',
      'comments: |',
      '  line one',
      '',
      '    indented',
      'strip: |-',
      '  x',
      'keep: |+',
      '  y',
      '',
      'interfaces:',
      '  - name: eth0',
      '    type: 1000base-t',
      '  - name: 09',
      'console-ports:',
      '- name: con',
      'empty:',
      '',
    ].join('\n');
    const expected = {
      manufacturer: 'Acme',
      model: "It's 08",
      part_number: '0123',
      name: '08',
      comments: 'line one\n\n  indented\n',
      strip: 'x',
      keep: 'y\n\n',
      interfaces: [{ name: 'eth0', type: '1000base-t' }, { name: '09' }],
      'console-ports': [{ name: 'con' }],
      empty: null,
    };
    expect(parseSimpleYaml(text)).toEqual(expected);
    expect(load(text, { schema: YAML11_SCHEMA })).toEqual(expected);
  });

  it.each([
    ['a flow sequence', 'a: [1, 2]\n'],
    ['an alias', 'a: &x 1\nb: *x\n'],
    ['a folded block', 'a: >\n  text\n'],
    ['a multi-line plain scalar', 'a: one\n  two\n'],
    ['an escape', 'a: "x\\ty"\n'],
    ['a tab in the indentation', 'a:\n\tb: 1\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['two documents', '---\na: 1\n---\nb: 2\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a quoted key', "'a': 1\n"],
    ['a block scalar with an indentation indicator', 'a: |2\n   x\n'],
  ])('leaves %s to js-yaml', (_what, text) => {
    expect(parseSimpleYaml(text)).toBe(NOT_HANDLED);
  });

  it('falls back to js-yaml for what it leaves, with the same YAML 1.1 values', () => {
    const parsed = parseLibraryYaml('manufacturer: Acme\ncomments: >\n  folded\n  text\nname: 08\n', 'x.yaml');
    expect(parsed).toEqual({ ok: true, value: { manufacturer: 'Acme', comments: 'folded text\n', name: '08' } });
  });
});

describe('parseLibraryYaml guards', () => {
  it('reports invalid YAML with its line and column', () => {
    const parsed = parseLibraryYaml('manufacturer: Acme\nmodel: [unclosed\n', 'device-types/Acme/x.yaml');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issue).toMatchObject({ code: 'yaml-syntax', severity: 'error', file: 'device-types/Acme/x.yaml', line: expect.any(Number) });
  });

  it('refuses a billion-laughs alias bomb instead of expanding it', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i += 1) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array.from({ length: 9 }, () => `*${prev}`).join(',')}]`);
    }
    const bomb = `${levels.join('\n')}\n`;
    const parsed = parseLibraryYaml(bomb, 'bomb.yaml');
    expect(parsed).toMatchObject({ ok: false, issue: { code: 'yaml-aliases', severity: 'error', file: 'bomb.yaml' } });

    const small = parseLibraryYaml(bomb, 'bomb.yaml', { maxAliases: 1_000, maxExpandedNodes: 100_000 });
    expect(small).toMatchObject({ ok: false, issue: { code: 'yaml-aliases', message: expect.stringContaining('100000 nodes') } });

    const counted = parseLibraryYaml(bomb, 'bomb.yaml', { maxAliases: 10, maxExpandedNodes: 100_000 });
    expect(counted).toMatchObject({ ok: false, issue: { code: 'yaml-aliases', message: expect.stringContaining('too many YAML aliases') } });
  });

  it('accepts a few harmless aliases', () => {
    const parsed = parseLibraryYaml('base: &b {type: rj-45}\nports: [*b, *b]\n', 'ok.yaml');
    expect(parsed).toEqual({ ok: true, value: { base: { type: 'rj-45' }, ports: [{ type: 'rj-45' }, { type: 'rj-45' }] } });
  });
});
