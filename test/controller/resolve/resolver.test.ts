import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalogue } from '../../../controller/catalogue/index.ts';
import { formatIssue } from '../../../controller/errors/index.ts';
import { loadIntents } from '../../../controller/intents/index.ts';
import { resolveIntents } from '../../../controller/resolve/index.ts';
import type { DesiredState } from '../../../controller/resolve/index.ts';
import { EXAMPLE_INTENTS, loadLibrary } from '../../helpers/library.ts';

let catalogue: Catalogue;
beforeAll(async () => {
  catalogue = await loadLibrary();
});

async function resolveText(text: string): Promise<DesiredState> {
  const dir = await mkdtemp(path.join(tmpdir(), 'nbg-resolve-'));
  await writeFile(path.join(dir, 'dc.yaml'), text);
  const loaded = await loadIntents(dir);
  expect(loaded.issues).toEqual([]);
  return resolveIntents(loaded.intents, catalogue);
}

const header = (kind: string, name: string): string => `apiVersion: netbox-gitops.io/v1alpha1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n`;

describe('resolveIntents', () => {
  it('resolves the example intents into manufacturers, types and templates', async () => {
    const loaded = await loadIntents(EXAMPLE_INTENTS);
    const state = resolveIntents(loaded.intents, catalogue);
    expect(state.issues.filter((i) => i.severity === 'error')).toEqual([]);
    const dc = state.intents.find((i) => i.ref.name === 'datacenter-switches');
    expect(dc?.deviceTypes.length).toBeGreaterThan(0);
    expect(dc?.deviceTypes.every((d) => d.manufacturer === 'arista' && /^DCS-7050/.test(d.model) && !/-R$/.test(d.model))).toBe(true);
    expect(dc?.moduleTypes.every((m) => /^PWR-.*-F$/.test(m.model))).toBe(true);
    expect(dc?.manufacturers).toEqual([{ slug: 'arista', name: 'Arista', managed: false }]);
    const lab = state.intents.find((i) => i.ref.name === 'lab-devices');
    const tap = lab?.deviceTypes[0];
    expect(tap).toMatchObject({ manufacturer: 'acme-lab', model: 'TAP-4 Optical Tap', slug: 'acme-lab-tap-4' });
    expect(tap?.templates['front-port']?.map((t) => t.fields.rear_port)).toEqual(['Trunk', 'Trunk', 'Trunk', 'Trunk']);
    expect(state.libraryRevision).toBe(catalogue.revision);
  });

  it('selects every vendor with "all"', async () => {
    const state = await resolveText(`${header('VendorSet', 'everyone')}  vendors: all\n`);
    expect(state.intents[0]?.manufacturers.length).toBe(catalogue.vendors.size);
  });

  it('reports a vendor the library does not have at its file, line and column', async () => {
    const state = await resolveText(`${header('VendorSet', 'v')}  vendors:\n    - Cisco\n    - Cysco Systems\n`);
    const error = state.issues.find((i) => i.severity === 'error');
    expect(error).toMatchObject({ file: 'dc.yaml', line: 8, column: 7, path: 'spec.vendors[1]' });
    expect(formatIssue(error!)).toMatch(/^dc\.yaml:8:7 spec\.vendors\[1\]: VendorSet\/v: vendor "Cysco Systems" is not in the devicetype-library/);
  });

  it('warns about a regular expression that matches nothing', async () => {
    const state = await resolveText(`${header('DeviceTypeSet', 'd')}  vendors: [Arista]\n  include:\n    - ^DCS-7050\n    - ^NOPE\n`);
    const warning = state.issues.find((i) => i.severity === 'warning');
    expect(warning).toMatchObject({ path: 'spec.include[1]', line: 9 });
    expect(warning?.message).toContain('"^NOPE" matches nothing');
    expect(state.issues.some((i) => i.severity === 'error')).toBe(false);
  });

  it('adds explicit picks regardless of filters and reports unknown ones', async () => {
    const someSlug = catalogue.deviceTypes.find((d) => d.manufacturerSlug === 'juniper')!.slug;
    const arista = catalogue.deviceTypes.find((d) => d.manufacturerSlug === 'arista')!.model;
    const state = await resolveText(
      `${header('DeviceTypeSet', 'd')}  vendors: [Arista]\n  include: ['^${arista}$']\n  deviceTypes:\n    slugs: [${someSlug}, no-such-slug]\n`,
    );
    expect(state.intents[0]!.deviceTypes.map((d) => d.model)).toContain(arista);
    const picked = state.intents[0]!.deviceTypes.map((d) => d.slug);
    expect(picked).toContain(someSlug);
    expect(state.intents[0]!.manufacturers.map((m) => m.slug).sort()).toEqual(['arista', 'juniper']);
    expect(state.issues.find((i) => i.severity === 'error')?.message).toContain('"no-such-slug" is not in the devicetype-library');
  });

  it('validates inline custom device types against the library schema', async () => {
    const state = await resolveText(
      `${header('DeviceTypeSet', 'd')}  custom:\n    - manufacturer: Acme\n      model: Box\n      slug: acme-box\n      u_height: 1\n      is_full_depth: false\n      interfaces:\n        - name: eth0\n          type: warp-drive\n`,
    );
    const errors = state.issues.filter((i) => i.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: 'spec.custom[0].interfaces[0].type', line: 14, column: 17 });
    expect(errors[0]?.message).toContain('"warp-drive" is not one of the allowed values');
    expect(state.intents[0]?.deviceTypes).toEqual([]);
  });

  it('picks module types by model: only those, across the library without vendors, within spec.vendors with them', async () => {
    const picked = await resolveText(`${header('DeviceTypeSet', 'picks')}  moduleTypes:\n    models: [EX-UM-2QSFP, EX-UM-2XFP]\n`);
    expect(picked.issues).toEqual([]);
    expect(picked.intents[0]?.deviceTypes).toEqual([]);
    expect(picked.intents[0]?.moduleTypes.map((m) => m.source)).toEqual(['module-types/Juniper/EX-UM-2QSFP.yaml', 'module-types/Juniper/EX-UM-2XFP.yaml']);
    expect(picked.intents[0]?.manufacturers).toEqual([{ slug: 'juniper', name: 'Juniper', managed: false }]);

    const withFilter = await resolveText(
      `${header('DeviceTypeSet', 'mixed')}  vendors: [Juniper]\n  include: ['^EX2300-24T$']\n  moduleTypes:\n    include: ['^EX-FAN']\n    models: [EX-UM-2QSFP]\n`,
    );
    expect(withFilter.intents[0]?.moduleTypes.map((m) => m.model).sort()).toEqual(['EX-FAN-AFI', 'EX-FAN-AFO', 'EX-UM-2QSFP']);

    const wrongVendor = await resolveText(
      `${header('DeviceTypeSet', 'wrong')}  vendors: [Arista]\n  include: ['^DCS-7050CX3-32S$']\n  moduleTypes:\n    models: [EX-UM-2QSFP, NOPE]\n`,
    );
    expect(wrongVendor.issues.filter((i) => i.severity === 'error').map((i) => [i.path, i.message])).toEqual([
      ['spec.moduleTypes.models[0]', 'DeviceTypeSet/wrong: module-type model "EX-UM-2QSFP" is not in the devicetype-library for the selected vendors'],
      ['spec.moduleTypes.models[1]', 'DeviceTypeSet/wrong: module-type model "NOPE" is not in the devicetype-library for the selected vendors'],
    ]);
  });

  it('keeps the library-wide counts when every vendor is selected', async () => {
    const state = await resolveText(`${header('DeviceTypeSet', 'all')}  vendors: all\n  moduleTypes: true\n`);
    const intent = state.intents[0]!;
    expect(intent.deviceTypes.length).toBe(catalogue.deviceTypes.length);
    expect(intent.moduleTypes.length).toBe(catalogue.moduleTypes.length);
  });

  it('reads vendors: [all] (the list form, as in CRs and the import form) like vendors: all', async () => {
    const state = await resolveText(`${header('VendorSet', 'all')}  vendors: [all]
`);
    expect(state.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(state.intents[0]?.manufacturers.length).toBe(catalogue.vendors.size);
  });
});
