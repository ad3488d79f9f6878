import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  findDeviceTypeByModel,
  findDeviceTypeBySlug,
  findModuleTypeByModel,
  findVendor,
  isCatalogueIssue,
  LIBRARY_TEMPLATE_KEYS,
  loadCatalogue,
  mapInlineDeviceType,
  parseLibraryYaml,
  TEMPLATE_KINDS,
} from '../../../controller/catalogue/index.ts';
import type { Catalogue, CatalogueIssue, TemplateKind } from '../../../controller/catalogue/index.ts';
import { SNAPSHOT } from './fixtures.ts';

/** Template counts of the snapshot's device types, as its README gives them. */
const README_DEVICE_TEMPLATES: Record<TemplateKind, number> = {
  interface: 86_622,
  'console-port': 4_597,
  'console-server-port': 3_508,
  'power-port': 3_616,
  'power-outlet': 4_131,
  'front-port': 3_014,
  'rear-port': 3_137,
  'device-bay': 473,
  'module-bay': 6_859,
  'inventory-item': 59,
};

let catalogue: Catalogue;
let issues: CatalogueIssue[];

beforeAll(async () => {
  catalogue = await loadCatalogue({ root: SNAPSHOT });
  issues = catalogue.issues.filter(isCatalogueIssue);
});

function issuesFor(file: string): CatalogueIssue[] {
  return issues.filter((issue) => issue.file === file);
}

describe('the devicetype-library snapshot', () => {
  it('finds every file the README counts', () => {
    expect(catalogue.stats?.deviceTypeFiles).toBe(4_449);
    expect(catalogue.stats?.moduleTypeFiles).toBe(1_466);
    expect(catalogue.moduleTypes).toHaveLength(1_466);
  });

  it('passes the library schema everywhere: the only file left out is a duplicate (manufacturer, model)', () => {
    const errors = issues.filter((issue) => issue.severity === 'error');
    expect(errors).toEqual([expect.objectContaining({ code: 'duplicate-model', file: 'device-types/Juniper/MX304.yaml', path: 'model' })]);
    expect(errors[0]?.message).toContain('device-types/Juniper/MX304-BASE.yaml');
    expect(catalogue.deviceTypes).toHaveLength(4_448);
    expect(catalogue.stats?.skippedFiles).toBe(1);
    expect(findDeviceTypeBySlug(catalogue, 'juniper-mx304-base')?.model).toBe('MX304');
    expect(findDeviceTypeBySlug(catalogue, 'juniper-mx304')).toBeUndefined();
  });

  it('loads the README template counts: loaded + the skipped duplicate = 116,016 for device types, 9,443 for modules', () => {
    const skippedText = readFileSync(path.join(SNAPSHOT, 'device-types/Juniper/MX304.yaml'), 'utf8');
    const parsed = parseLibraryYaml(skippedText, 'MX304.yaml');
    if (!parsed.ok) throw new Error('MX304.yaml should parse');
    const skipped = parsed.value as Record<string, unknown[] | undefined>;
    let total = 0;
    for (const kind of TEMPLATE_KINDS) {
      const loaded = catalogue.stats?.deviceTypeTemplates[kind] ?? 0;
      const inSkipped = skipped[LIBRARY_TEMPLATE_KEYS[kind]]?.length ?? 0;
      expect({ kind, count: loaded + inSkipped }).toEqual({ kind, count: README_DEVICE_TEMPLATES[kind] });
      total += loaded + inSkipped;
    }
    expect(total).toBe(116_016);
    const moduleTotal = Object.values(catalogue.stats?.moduleTypeTemplates ?? {}).reduce((a, b) => a + b, 0);
    expect(moduleTotal).toBe(9_443);
    const counted = catalogue.deviceTypes.reduce((sum, d) => sum + (d.templates.interface?.length ?? 0), 0);
    expect(counted).toBe(catalogue.stats?.deviceTypeTemplates.interface);
  });

  it('keeps unquoted digit strings with a leading zero as strings (YAML 1.1, as PyYAML reads them)', () => {
    const panduit = findDeviceTypeBySlug(catalogue, 'panduit-cpa24bly');
    const port08 = panduit?.templates['front-port']?.find((port) => port.name === '08');
    expect(port08).toBeDefined();
    expect(port08?.fields.rear_port).toBe('08');
    expect(panduit?.templates['rear-port']?.map((port) => port.name)).toContain('09');

    expect(findDeviceTypeByModel(catalogue, 'Huawei', 'NE40E-X8')?.fields.part_number).toBe('02351930');
    const huaweiModule = catalogue.moduleTypes.find((m) => m.file === 'module-types/Huawei/CR5D0MPUD471.yaml');
    expect(huaweiModule?.fields.part_number).toBe('03057248');

    const eaton = catalogue.deviceTypes.find((d) => d.file === 'device-types/Eaton/Tripp-Lite-PDUMVR30HVNETLX.yaml');
    const names = Object.values(eaton?.templates ?? {}).flatMap((list) => list.map((t) => t.name));
    expect(names).toEqual(expect.arrayContaining(['08', '09']));
    const notStrings = [...catalogue.deviceTypes, ...catalogue.moduleTypes].flatMap((type) =>
      Object.values(type.templates).flatMap((list) => list.filter((template) => typeof template.name !== 'string')),
    );
    expect(notStrings).toEqual([]);
  });

  it('reads .yml files, vendor folders with spaces and tabs inside text blocks', () => {
    const dell = catalogue.deviceTypes.find((d) => d.file === 'device-types/Dell/PowerEdge-R430.yml');
    expect(dell?.slug).toBe('dell-poweredge-r430');
    const nabu = findDeviceTypeBySlug(catalogue, 'nabu-casa-home-assistant-green');
    expect(nabu?.vendor).toBe('Nabu Casa');
    expect(nabu?.manufacturerSlug).toBe('nabu-casa');
    const mikrotik = catalogue.deviceTypes.find((d) => d.file === 'device-types/MikroTik/RBLtAP-2HnD.yaml');
    expect(String(mikrotik?.fields.comments)).toContain('2G Category\tClass12');
  });

  it('maps library keys to NetBox fields and keeps template references as names', () => {
    const apc = catalogue.deviceTypes.find((d) => (d.templates['power-outlet'] ?? []).some((o) => o.fields.power_port !== undefined));
    const outlet = apc?.templates['power-outlet']?.find((o) => o.fields.power_port !== undefined);
    expect(typeof outlet?.fields.power_port).toBe('string');
    expect(apc?.templates['power-port']?.map((p) => p.name)).toContain(outlet?.fields.power_port);

    const poe = catalogue.deviceTypes.flatMap((d) => d.templates.interface ?? []).find((i) => i.fields.poe_mode !== undefined);
    expect(poe?.fields).toMatchObject({ poe_mode: expect.stringMatching(/^(pd|pse)$/), poe_type: expect.any(String) });

    const panduit = findDeviceTypeBySlug(catalogue, 'panduit-cpa24bly');
    expect(panduit?.templates['front-port']?.[0]).toEqual({ name: '01', fields: { type: '8p8c', rear_port: '01', rear_port_position: 1 } });
    // Library-only keys are handled, not sent: image flags, is_powered, identity.
    expect(panduit?.fields).toEqual({ part_number: 'CPA24BLY', u_height: 1, is_full_depth: false });
  });

  it('reports known typos and unknown keys as warnings and does not send them', () => {
    const ubiquiti = 'device-types/Ubiquiti/USW-Pro-Max-16-PoE.yaml';
    expect(issuesFor(ubiquiti)).toContainEqual(
      expect.objectContaining({ code: 'known-typo', severity: 'warning', path: expect.stringMatching(/^power-ports\[\d+\]\.maxium_draw$/) }),
    );
    const cisco = 'device-types/Cisco/SX550X-16FT.yaml';
    expect(issuesFor(cisco)).toContainEqual(expect.objectContaining({ code: 'known-typo', message: expect.stringContaining('mgmt_only') }));
    const sfp = catalogue.deviceTypes.find((d) => d.file === cisco);
    for (const template of sfp?.templates.interface ?? []) expect(template.fields).not.toHaveProperty('management-only');

    const connectcom = 'device-types/ConnectCom/CCM-Patchpanel-1HE-SLITE-HD-Right.yaml';
    expect(issuesFor(connectcom)).toContainEqual(expect.objectContaining({ code: 'known-typo', path: 'front-ports[71].rear-ports' }));

    const efg = 'device-types/Ubiquiti/EFG.yaml';
    expect(issuesFor(efg)).toContainEqual(
      expect.objectContaining({
        code: 'unknown-key',
        message: expect.stringContaining('"installed_module" is not a NetBox module-bay template field (2 times'),
      }),
    );
    const sentKeys = new Set(catalogue.deviceTypes.flatMap((d) => Object.values(d.templates).flatMap((list) => list.flatMap((t) => Object.keys(t.fields)))));
    expect([...sentKeys].filter((key) => !/^[a-z_]+$/.test(key))).toEqual([]);
    expect(sentKeys).not.toContain('installed_module');
    expect(sentKeys).not.toContain('maxium_draw');
  });

  it('reads hyphenated field spellings (poe-mode, maximum-draw) as the NetBox field, with a warning', () => {
    const dell = 'device-types/Dell/PowerSwitch-N3248P-ON.yaml';
    expect(issuesFor(dell)).toContainEqual(expect.objectContaining({ code: 'renamed-key', message: expect.stringContaining('"poe_mode"') }));
    const switchType = catalogue.deviceTypes.find((d) => d.file === dell);
    expect(switchType?.templates.interface?.filter((i) => i.fields.poe_mode === 'pse').length).toBeGreaterThan(0);

    const minisforum = catalogue.deviceTypes.find((d) => d.file === 'device-types/Minisforum/Minisforum-MS-01.yml');
    expect(minisforum?.templates['power-port']?.[0]?.fields.maximum_draw).toBe(180);
  });

  it('finds elevation images by vendor folder and slug, including a folder with a space', () => {
    const nabu = findDeviceTypeBySlug(catalogue, 'nabu-casa-home-assistant-green');
    expect(nabu?.images.front).toBe(path.join(SNAPSHOT, 'elevation-images/Nabu Casa/nabu-casa-home-assistant-green.front.png'));
    expect(nabu?.images.rear).toBe(path.join(SNAPSHOT, 'elevation-images/Nabu Casa/nabu-casa-home-assistant-green.rear.png'));
    expect(findDeviceTypeBySlug(catalogue, 'hp-elitedesk-800-g2-mini')?.images.front).toMatch(/\.front\.jpeg$/);
    const withImages = catalogue.deviceTypes.filter((d) => d.images.front !== undefined || d.images.rear !== undefined);
    expect(withImages.map((d) => d.slug).sort()).toEqual([
      'cisco-sg350xg-24t',
      'dell-poweredge-r430',
      'fortinet-fg-60f',
      'hp-elitedesk-800-g2-mini',
      'nabu-casa-home-assistant-green',
    ]);
  });

  it('indexes vendors by slug and name, case-insensitively', () => {
    expect(catalogue.vendors.size).toBe(209);
    expect(findVendor(catalogue, 'nabu casa')?.slug).toBe('nabu-casa');
    expect(findVendor(catalogue, 'NABU-CASA')?.name).toBe('Nabu Casa');
    expect(findVendor(catalogue, 'Rohde & Schwarz')?.slug).toBe('rohde-schwarz');
    expect(findVendor(catalogue, 'no such vendor')).toBeUndefined();
    const generic = findVendor(catalogue, 'generic');
    expect(generic?.folders).toEqual(['Generic', 'Testing']);
    const cisco = catalogue.vendors.get('cisco');
    expect(cisco?.deviceTypeCount).toBe(catalogue.deviceTypes.filter((d) => d.manufacturerSlug === 'cisco').length);
    expect(cisco?.moduleTypeCount).toBeGreaterThan(0);
  });

  it('looks device and module types up by (manufacturer, model) and slug', () => {
    const byModel = findDeviceTypeByModel(catalogue, 'cisco', 'catalyst 9300-24p');
    expect(byModel?.slug).toBe('cisco-c9300-24p');
    expect(findDeviceTypeByModel(catalogue, 'Cisco', 'Catalyst 9300-24P')).toBe(byModel);
    expect(findDeviceTypeBySlug(catalogue, 'CISCO-C9300-24P')).toBe(byModel);
    const module = catalogue.moduleTypes[0];
    expect(module && findModuleTypeByModel(catalogue, module.manufacturer, module.model)).toBe(module);
    expect(findModuleTypeByModel(catalogue, 'cisco', 'no such module')).toBeUndefined();
  });

  it('revision is a content hash when the folder is not a Git checkout, stable across loads', async () => {
    expect(catalogue.revision).toMatch(/^sha256:[0-9a-f]{64}$/);
    const again = await loadCatalogue({ root: SNAPSHOT });
    expect(again.revision).toBe(catalogue.revision);
  });

  it('validates inline custom definitions with the same schemas, without touching the input', () => {
    const raw = {
      manufacturer: 'Acme',
      model: 'Edge 1',
      slug: 'acme-edge-1',
      u_height: 1,
      is_full_depth: false,
      interfaces: [{ name: 'eth0', type: '1000base-t', 'poe-mode': 'pd', speed: 1000 }],
    };
    const mapped = mapInlineDeviceType(raw, catalogue);
    expect(mapped.ok).toBe(true);
    if (!mapped.ok) return;
    expect(mapped.value.templates.interface).toEqual([{ name: 'eth0', fields: { type: '1000base-t', poe_mode: 'pd' } }]);
    expect(mapped.warnings.map((w) => w.path)).toEqual([
      ['interfaces', 0, 'poe-mode'],
      ['interfaces', 0, 'speed'],
    ]);
    expect(raw.interfaces[0]).toHaveProperty('poe-mode');

    const bad = mapInlineDeviceType({ manufacturer: 'Acme', model: 'X', slug: 'acme-x', u_height: 1, is_full_depth: false, airflow: 'sideways' }, catalogue);
    expect(bad).toEqual({ ok: false, issues: [expect.objectContaining({ path: ['airflow'], severity: 'error' })] });
  });
});
