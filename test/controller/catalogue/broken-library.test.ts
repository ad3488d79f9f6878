import { readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDeviceTypeBySlug, isCatalogueIssue, loadCatalogue } from '../../../controller/catalogue/index.ts';
import type { Catalogue, CatalogueIssue } from '../../../controller/catalogue/index.ts';
import { ResourceError } from '../../../controller/errors/index.ts';
import { createScratchLibrary, deviceTypeYaml, SNAPSHOT } from './fixtures.ts';
import type { ScratchLibrary } from './fixtures.ts';

const GOOD = [
  'device-types/Cisco/C9300-24P.yaml',
  'device-types/Nabu Casa/Home-Assistant-Green.yaml',
  'device-types/Panduit/CPA24BLY.yaml',
  'module-types/Huawei/CR5D0MPUD471.yaml',
];
const BROKEN = 'device-types/Arista/DCS-7280SE-72-F.yaml';

let library: ScratchLibrary;
let catalogue: Catalogue;

function issuesFor(file: string): CatalogueIssue[] {
  return catalogue.issues.filter(isCatalogueIssue).filter((issue) => issue.file === file);
}

beforeAll(async () => {
  library = createScratchLibrary();
  for (const file of GOOD) library.copy(file);
  // A copy of a real file with one interface type corrupted.
  const original = readFileSync(path.join(SNAPSHOT, BROKEN), 'utf8');
  const corrupted = original.replace(/type: 10gbase-x-sfpp/, 'type: 10gbase-x-sfpp-typo');
  expect(corrupted).not.toBe(original);
  library.write(BROKEN, corrupted);
  library.write('device-types/Acme/bad-yaml.yaml', deviceTypeYaml('Acme', 'Bad YAML', 'acme-bad-yaml', 'comments: [unclosed\n'));
  library.write('device-types/Acme/not-a-mapping.yaml', '---\n- just\n- a list\n');
  library.write('device-types/Acme/extra-field.yml', deviceTypeYaml('Acme', 'Extra', 'acme-extra', 'colour: red\n'));
  const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 9; i += 1) {
    levels.push(
      `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
        .fill(`*${String.fromCharCode(96 + i)}`)
        .join(', ')}]`,
    );
  }
  library.write('device-types/Acme/bomb.yaml', `${deviceTypeYaml('Acme', 'Bomb', 'acme-bomb')}${levels.join('\n')}\n`);
  library.write('device-types/Acme/huge.yaml', `${deviceTypeYaml('Acme', 'Huge', 'acme-huge')}comments: "${'x'.repeat(1024 * 1024)}"\n`);
  library.write(
    'device-types/Acme/typos.yaml',
    deviceTypeYaml(
      'Acme',
      'Typos',
      'acme-typos',
      [
        'power-ports:',
        '  - name: PSU1',
        '    type: iec-60320-c14',
        '    maxium_draw: 200',
        '  - name: PSU2',
        '    type: iec-60320-c14',
        '    maximum-draw: 150',
        'interfaces:',
        '  - name: eth0',
        '    type: 1000base-t',
        '    speed: 1000',
        '    poe-mode: pse',
        '    poe-type: type2-ieee802.3at',
        'power-outlets:',
        '  - name: Out 1',
        '    type: iec-60320-c13',
        '    power_port: PSU1',
        '    feed_leg: A',
        '    comments: left side',
        '',
      ].join('\n'),
    ),
  );
  library.write('device-types/Acme/zz-dup-slug.yaml', deviceTypeYaml('Acme', 'Another', 'acme-typos'));
  library.write('module-types/Acme/m1.yaml', '---\nmanufacturer: Acme\nmodel: M1\n');
  library.write('module-types/Acme/m1-again.yaml', '---\nmanufacturer: Acme\nmodel: m1\n');
  library.write('device-types/Acme/readme.txt', 'not a data file');
  library.write('elevation-images/Acme/acme-typos.front.png', 'png');
  catalogue = await loadCatalogue({ root: library.root });
});

afterAll(() => library.remove());

describe('a library with broken files', () => {
  it('loads every good file', () => {
    expect(catalogue.deviceTypes.map((d) => d.slug).sort()).toEqual(['acme-typos', 'cisco-c9300-24p', 'nabu-casa-home-assistant-green', 'panduit-cpa24bly']);
    expect(catalogue.moduleTypes.map((m) => m.model)).toEqual(['m1', 'CR5D0MPUD471']);
    expect(catalogue.stats).toMatchObject({ deviceTypeFiles: 11, moduleTypeFiles: 3, skippedFiles: 8 });
  });

  it('reports the corrupted copy with its path, field and line, and skips it', () => {
    const [issue, ...more] = issuesFor(BROKEN);
    expect(more).toEqual([]);
    expect(issue).toMatchObject({ code: 'schema', severity: 'error', path: expect.stringMatching(/^interfaces\[\d+\]\.type$/), line: expect.any(Number) });
    expect(issue?.message).toContain('"10gbase-x-sfpp-typo" is not one of the allowed values');
    expect(issue?.message).toContain('file skipped');
    const lines = readFileSync(path.join(library.root, BROKEN), 'utf8').split('\n');
    expect(lines[(issue?.line ?? 0) - 1]).toContain('type: 10gbase-x-sfpp-typo');
    expect(catalogue.deviceTypes.find((d) => d.file === BROKEN)).toBeUndefined();
  });

  it('reports bad YAML, a list instead of a mapping and a field the schema forbids', () => {
    expect(issuesFor('device-types/Acme/bad-yaml.yaml')).toEqual([
      expect.objectContaining({ code: 'yaml-syntax', line: 8, message: expect.stringContaining('invalid YAML') }),
    ]);
    expect(issuesFor('device-types/Acme/not-a-mapping.yaml')).toEqual([expect.objectContaining({ code: 'not-a-mapping' })]);
    expect(issuesFor('device-types/Acme/extra-field.yml')).toEqual([
      expect.objectContaining({
        code: 'schema',
        path: 'colour',
        line: 7,
        column: 1,
        message: expect.stringContaining('not a field the library schema allows'),
      }),
    ]);
  });

  it('refuses an alias bomb and an oversize file with an issue, not a crash', () => {
    expect(issuesFor('device-types/Acme/bomb.yaml')).toEqual([expect.objectContaining({ code: 'yaml-aliases', severity: 'error' })]);
    expect(issuesFor('device-types/Acme/huge.yaml')).toEqual([
      expect.objectContaining({ code: 'file-too-large', message: expect.stringContaining('1048576-byte limit') }),
    ]);
  });

  it('reports typos and unknown keys, renames hyphenated spellings, and sends only allow-listed fields', () => {
    const file = 'device-types/Acme/typos.yaml';
    const codes = issuesFor(file).map((issue) => [issue.code, issue.path]);
    expect(codes).toEqual(
      expect.arrayContaining([
        ['known-typo', 'power-ports[0].maxium_draw'],
        ['renamed-key', 'power-ports[1].maximum-draw'],
        ['renamed-key', 'interfaces[0].poe-mode'],
        ['renamed-key', 'interfaces[0].poe-type'],
        ['unknown-key', 'interfaces[0].speed'],
        ['unknown-key', 'power-outlets[0].comments'],
      ]),
    );
    expect(codes).toHaveLength(6);
    expect(issuesFor(file).find((issue) => issue.path === 'power-outlets[0].comments')?.message).toContain('put it in "description"');
    const typos = findDeviceTypeBySlug(catalogue, 'acme-typos');
    expect(typos?.templates['power-port']).toEqual([
      { name: 'PSU1', fields: { type: 'iec-60320-c14' } },
      { name: 'PSU2', fields: { type: 'iec-60320-c14', maximum_draw: 150 } },
    ]);
    expect(typos?.templates.interface).toEqual([{ name: 'eth0', fields: { type: '1000base-t', poe_mode: 'pse', poe_type: 'type2-ieee802.3at' } }]);
    expect(typos?.templates['power-outlet']).toEqual([{ name: 'Out 1', fields: { type: 'iec-60320-c13', power_port: 'PSU1', feed_leg: 'A' } }]);
    expect(typos?.images).toEqual({ front: path.join(library.root, 'elevation-images/Acme/acme-typos.front.png') });
  });

  it('reports a duplicate slug and a duplicate module model, keeping the first file by path', () => {
    expect(issuesFor('device-types/Acme/typos.yaml').some((issue) => issue.code === 'duplicate-slug')).toBe(false);
    expect(issuesFor('device-types/Acme/zz-dup-slug.yaml')).toEqual([
      expect.objectContaining({ code: 'duplicate-slug', message: expect.stringContaining('device-types/Acme/typos.yaml') }),
    ]);
    expect(issuesFor('module-types/Acme/m1.yaml')).toEqual([
      expect.objectContaining({ code: 'duplicate-model', message: expect.stringContaining('module-types/Acme/m1-again.yaml') }),
    ]);
  });

  it('honours a smaller file size limit', async () => {
    const strict = await loadCatalogue({ root: library.root, maxFileBytes: 200 });
    const tooLarge = strict.issues.filter(isCatalogueIssue).filter((issue) => issue.code === 'file-too-large');
    expect(tooLarge.length).toBeGreaterThan(5);
    expect(strict.deviceTypes.length).toBeLessThan(catalogue.deviceTypes.length);
  });

  it('changes the content revision when a file changes', async () => {
    const before = (await loadCatalogue({ root: library.root })).revision;
    const target = path.join(library.root, 'module-types/Acme/m1-again.yaml');
    writeFileSync(target, '---\nmanufacturer: Acme\nmodel: m1 again\n');
    utimesSync(target, new Date(), new Date(Date.now() + 5_000));
    const after = await loadCatalogue({ root: library.root });
    expect(after.revision).not.toBe(before);
    expect(after.moduleTypes).toHaveLength(3);
  });
});

describe('a folder that is not a library', () => {
  it('fails with a ResourceError that says what to point at', async () => {
    const empty = createScratchLibrary('catalogue-empty-');
    try {
      await expect(loadCatalogue({ root: empty.root })).rejects.toThrow(ResourceError);
      await expect(loadCatalogue({ root: empty.root })).rejects.toThrow(/neither device-types\/ nor module-types\//);
      await expect(loadCatalogue({ root: path.join(empty.root, 'missing') })).rejects.toThrow(/folder .*missing does not exist/);
      empty.write('device-types/Acme/box.yaml', deviceTypeYaml('Acme', 'Box', 'acme-box'));
      rmSync(path.join(empty.root, 'schema'), { recursive: true });
      await expect(loadCatalogue({ root: empty.root })).rejects.toThrow(/has no schema\/ folder/);
    } finally {
      empty.remove();
    }
  });
});
