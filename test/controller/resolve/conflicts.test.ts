// Two enforce intents that want one object with different values are refused at validate time,
// naming both files and the fields that differ; overlaps with equal values, and observe
// intents, are fine.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Catalogue } from '../../../controller/catalogue/index.ts';
import { formatIssue } from '../../../controller/errors/index.ts';
import { loadIntents } from '../../../controller/intents/index.ts';
import { resolveIntents } from '../../../controller/resolve/index.ts';
import { runCli } from '../../helpers/cli.ts';
import { LIBRARY_PATH, loadLibrary } from '../../helpers/library.ts';

let catalogue: Catalogue;
let dir: string;
beforeAll(async () => {
  catalogue = await loadLibrary();
});
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'nbg-conflicts-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const header = (kind: string, name: string): string => `apiVersion: netbox-gitops.io/v1alpha1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n`;

const customBox = (name: string, mode: string, fields: string, extra = ''): string =>
  `${header('DeviceTypeSet', name)}  mode: ${mode}\n${extra}  custom:\n    - manufacturer: Acme\n      model: Box 1\n      slug: acme-box-1\n      is_full_depth: false\n${fields.includes('u_height') ? '' : '      u_height: 1\n'}${fields}`;

async function errorsOf(files: Record<string, string>): Promise<string[]> {
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  const loaded = await loadIntents(dir);
  expect(loaded.issues.filter((i) => i.severity === 'error').map(formatIssue)).toEqual([]);
  const state = resolveIntents(loaded.intents, catalogue);
  return state.issues.filter((i) => i.severity === 'error').map(formatIssue);
}

describe('conflicting intents', () => {
  it('two enforce intents defining one device type differently: an error in each file naming both and the fields', async () => {
    const errors = await errorsOf({
      'a.yaml': customBox('box-a', 'enforce', '      u_height: 1\n      airflow: front-to-rear\n      part_number: BOX-1\n'),
      'b.yaml': customBox('box-b', 'enforce', '      u_height: 2\n      airflow: front-to-rear\n      comments: only b sets this\n'),
    });
    expect(errors).toEqual([
      expect.stringMatching(
        /^a\.yaml:8:7 spec\.custom\[0\]: DeviceTypeSet\/box-a conflicts with DeviceTypeSet\/box-b \(b\.yaml:8:7\): both enforce different values .* for device-type acme\/Box 1: u_height \(1 vs 2\)\. NetBox would flip/,
      ),
      expect.stringMatching(/^b\.yaml:8:7 spec\.custom\[0\]: DeviceTypeSet\/box-b conflicts with DeviceTypeSet\/box-a \(a\.yaml:8:7\): .*u_height \(1 vs 2\)/),
    ]);
    // Fields only one of them sets (part_number, comments) and equal ones (airflow) are not conflicts.
    expect(errors.join('\n')).not.toMatch(/airflow|part_number|comments/);
  });

  it('a custom definition of a library device type against the library selection', async () => {
    const errors = await errorsOf({
      'library.yaml': `${header('DeviceTypeSet', 'arista')}  mode: enforce\n  vendors: [Arista]\n  include: ["^DCS-7050CX3-32C-F$"]\n`,
      'custom.yaml': `${header('DeviceTypeSet', 'mine')}  mode: enforce\n  custom:\n    - manufacturer: Arista\n      model: DCS-7050CX3-32C-F\n      slug: arista-dcs-7050cx3-32c-f\n      is_full_depth: true\n      u_height: 2\n      weight: 21\n`,
    });
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(
      /^custom\.yaml:8:7 spec\.custom\[0\]: DeviceTypeSet\/mine conflicts with DeviceTypeSet\/arista \(library\.yaml:8:12\): .*device-type arista\/DCS-7050CX3-32C-F: u_height \(2 vs 1\)/,
    );
    expect(errors[1]).toMatch(/^library\.yaml:8:12 spec\.include: DeviceTypeSet\/arista conflicts with DeviceTypeSet\/mine \(custom\.yaml:8:7\)/);
  });

  it('templates: a different definition of one template conflicts, and so does one only the other wants when this one prunes', async () => {
    const ports = (type: string, extra = ''): string => `      interfaces:\n        - name: eth0\n          type: ${type}\n${extra}`;
    const same = await errorsOf({
      'a.yaml': customBox('box-a', 'enforce', ports('1000base-t', '        - name: eth1\n          type: 1000base-t\n')),
      'b.yaml': customBox('box-b', 'enforce', ports('1000base-t')),
    });
    // b does not prune: the union of both is stable.
    expect(same).toEqual([]);
    await rm(dir, { recursive: true, force: true });
    dir = await mkdtemp(path.join(tmpdir(), 'nbg-conflicts-'));
    const errors = await errorsOf({
      'a.yaml': customBox('box-a', 'enforce', ports('1000base-t', '        - name: eth1\n          type: 1000base-t\n')),
      'b.yaml': customBox('box-b', 'enforce', ports('10gbase-x-sfpp'), '  prune: true\n'),
    });
    expect(errors[0]).toMatch(
      /interface-template eth0: type \("1000base-t" vs "10gbase-x-sfpp"\), interface-template eth1 \(only DeviceTypeSet\/box-a wants it, DeviceTypeSet\/box-b prunes it\)/,
    );
  });

  it('a VendorSet naming a library manufacturer differently', async () => {
    const errors = await errorsOf({
      'lib.yaml': `${header('VendorSet', 'lib')}  mode: enforce\n  vendors: [Arista]\n`,
      'own.yaml': `${header('VendorSet', 'own')}  mode: enforce\n  custom:\n    - name: Arista Networks\n      slug: arista\n`,
    });
    expect(errors).toEqual([
      expect.stringMatching(
        /^lib\.yaml:7:12 spec\.vendors: VendorSet\/lib conflicts with VendorSet\/own \(own\.yaml:8:7\): .*manufacturer arista: name \("Arista" vs "Arista Networks"\)/,
      ),
      expect.stringMatching(/^own\.yaml:8:7 spec\.custom\[0\]: VendorSet\/own conflicts with VendorSet\/lib/),
    ]);
  });

  it('equal overlaps, observe intents and ignored fields are fine', async () => {
    expect(
      await errorsOf({
        'a.yaml': `${header('DeviceTypeSet', 'a')}  mode: enforce\n  prune: true\n  vendors: [Arista]\n  include: ["^DCS-7050"]\n`,
        'b.yaml': `${header('DeviceTypeSet', 'b')}  mode: enforce\n  vendors: [Arista]\n  include: ["^DCS-7050CX3"]\n`,
        'c.yaml': customBox('box-c', 'observe', '      u_height: 9\n'),
        'd.yaml': customBox('box-d', 'enforce', '      u_height: 1\n'),
        'e.yaml': customBox('box-e', 'enforce', '      u_height: 2\n', '  ignoreFields:\n    - kind: device-type\n      fields: [u_height]\n'),
      }),
    ).toEqual([]);
  });

  it('validate exits 1 with both files named', async () => {
    await writeFile(path.join(dir, 'a.yaml'), customBox('box-a', 'enforce', '      u_height: 1\n'));
    await writeFile(path.join(dir, 'b.yaml'), customBox('box-b', 'enforce', '      u_height: 2\n'));
    const run = await runCli(['validate', '--intents', dir, '--library', LIBRARY_PATH]);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/a\.yaml:8:7 spec\.custom\[0\]: DeviceTypeSet\/box-a conflicts with DeviceTypeSet\/box-b \(.*b\.yaml:8:7\)/);
    expect(run.out).toMatch(/2 errors/);
  });
});
