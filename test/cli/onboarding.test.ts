import { cp, mkdtemp, readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue, loadLibraryValidators, parseLibraryYaml } from '../../controller/catalogue/index.ts';
import type { Catalogue } from '../../controller/catalogue/index.ts';
import type { OnboardingReport, TypeReport } from '../../controller/onboarding/index.ts';
import type { NetBoxRecord } from '../../controller/reconcile/index.ts';
import { cliEnv, runCli } from '../helpers/cli.ts';
import { LIBRARY_PATH, loadLibrary } from '../helpers/library.ts';
import { startNetBox, writesServed } from '../helpers/netbox.ts';
import type { NetBoxFixture } from '../helpers/netbox.ts';
import { EXPECTED, seedOnboardingNetBox } from '../helpers/onboarding.ts';

let catalogue: Catalogue;
let nb: NetBoxFixture;
let work: string;
let out: string;
const env = (): Record<string, string> => cliEnv({ netbox: nb.emulator });
const lib = ['--library', LIBRARY_PATH];

beforeAll(async () => {
  catalogue = await loadLibrary();
  nb = await startNetBox();
  await seedOnboardingNetBox(nb.api, catalogue);
  work = await mkdtemp(path.join(tmpdir(), 'nbg-onboarding-'));
  out = path.join(work, 'intents');
}, 60_000);
afterAll(async () => {
  await nb?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

function writes(): number {
  return writesServed(nb.emulator);
}

async function readReport(dir: string): Promise<OnboardingReport> {
  return JSON.parse(await readFile(path.join(dir, 'onboarding-report.json'), 'utf8')) as OnboardingReport;
}

async function yamlFiles(dir: string): Promise<Map<string, string>> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.yaml')).sort();
  return new Map(await Promise.all(names.map(async (n) => [n, await readFile(path.join(dir, n), 'utf8')] as const)));
}

function byIdentity(report: OnboardingReport): Map<string, TypeReport> {
  return new Map([...report.deviceTypes, ...report.moduleTypes].map((t) => [`${t.manufacturer}/${t.model}`, t]));
}

/** Tags of every manufacturer, device type and module type, by kind and NetBox id. */
async function tagsInNetBox(): Promise<Map<string, string[]>> {
  const tags = new Map<string, string[]>();
  for (const endpoint of ['manufacturers', 'device-types', 'module-types'] as const) {
    for (const r of await nb.api.list(endpoint)) tags.set(`${endpoint}:${r.id}`, (r.tags ?? []).map((t) => t.slug).sort());
  }
  return tags;
}

describe('onboarding an existing NetBox: init → validate → plan → adopt → enforce', () => {
  it('init classifies every type against the library, prints the summary and writes intents and the report', async () => {
    const run = await runCli(['init', '--out', out, ...lib], env());
    expect(run.code, run.err).toBe(0);
    expect(run.out).toMatch(/manufacturer\s+types\s+identical\s+differs\s+extra\/missing templates\s+renamed\s+not in library\s+already managed/);
    expect(run.out).toMatch(/Juniper Networks\s+8\s+2\s+2\s+2\s+2\s+0\s+0/);
    expect(run.out).toMatch(/total\s+16\s+7\s+2\s+2\s+2\s+3\s+1/);
    expect(run.out).toMatch(/in \d+ requests/);

    const report = await readReport(out);
    const types = byIdentity(report);
    for (const id of EXPECTED.identical) expect(types.get(id)?.classification, id).toBe('identical');
    for (const id of EXPECTED.differs) expect(types.get(id)?.classification, id).toBe('differs');
    for (const id of EXPECTED.templates) expect(types.get(id)?.classification, id).toBe('templates');
    for (const [id, by] of Object.entries(EXPECTED.renamed)) {
      expect(types.get(id)?.classification, id).toBe('renamed');
      expect(types.get(id)?.library?.matchedBy, id).toBe(by);
    }
    for (const id of EXPECTED.notInLibrary) expect(types.get(id)?.classification, id).toBe('not-in-library');

    // Differences read NetBox → library, fields and templates alike.
    const edited = types.get('juniper/EX2300-24P');
    expect(edited?.fields).toEqual([{ field: 'u_height', netbox: 2, library: 1 }]);
    expect(edited?.templates).toEqual([
      { kind: 'interface', name: 'ge-0/0/0', change: 'differs', fields: [{ field: 'type', netbox: '10gbase-t', library: '1000base-t' }] },
    ]);
    expect(types.get('juniper/EX-UM-2XFP')?.fields).toEqual([{ field: 'part_number', netbox: 'EX-UM-2XFP-R', library: 'EX-UM-2XFP' }]);
    const partial = types.get('juniper/EX2300-48T');
    const libraryInterfaces = catalogue.deviceTypes.find((d) => d.model === 'EX2300-48T')?.templates.interface?.length ?? 0;
    expect(partial?.counts.missing).toBe(libraryInterfaces);
    expect(partial?.templates.every((t) => t.kind === 'interface' && t.change === 'missing')).toBe(true);
    expect(types.get('juniper/EX2300-48P')?.templates).toEqual([{ kind: 'interface', name: 'mgmt1', change: 'extra' }]);
    expect(types.get('juniper/EX2300 24-port mGig')?.fields).toEqual([
      { field: 'model', netbox: 'EX2300 24-port mGig', library: 'EX2300-24MP' },
      { field: 'slug', netbox: 'juniper-ex2300-24-mgig', library: 'juniper-ex2300-24mp' },
    ]);
    const owned = types.get(EXPECTED.owned);
    expect(owned?.owned).toBe(true);
    expect(owned?.intent).toBeUndefined();
    const juniper = report.manufacturers.find((m) => m.slug === 'juniper');
    expect(juniper?.classification).toBe('differs');
    expect(juniper?.fields).toEqual([{ field: 'name', netbox: 'Juniper Networks', library: 'Juniper' }]);

    // What init did with each: identical ones are library references, the rest written out.
    for (const id of EXPECTED.identical) expect(types.get(id)?.intent?.as, id).toBe('library');
    for (const id of [...EXPECTED.differs, ...EXPECTED.templates, ...Object.keys(EXPECTED.renamed), ...EXPECTED.notInLibrary])
      expect(types.get(id)?.intent?.as, id).toBe('custom');

    const files = await yamlFiles(out);
    expect([...files.keys()]).toEqual([
      'onboarded-acme-lab.yaml',
      'onboarded-apc.yaml',
      'onboarded-arista.yaml',
      'onboarded-commscope.yaml',
      'onboarded-juniper.yaml',
      'onboarded-vendors.yaml',
    ]);
    const arista = files.get('onboarded-arista.yaml') ?? '';
    expect(arista).toContain('mode: observe');
    expect(arista).toContain('- arista-awe-5310  # AWE-5310: identical to device-types/Arista/AWE-5310.yaml');
    expect(arista).not.toContain('AWE-7230R');
    const juniperFile = files.get('onboarded-juniper.yaml') ?? '';
    expect(juniperFile).toContain('# EX2300-24P: differs from device-types/Juniper/EX2300-24P.yaml (NetBox → library): u_height 2 → 1;');
    // The library's manufacturer name, so the custom definitions resolve to NetBox's slug.
    expect(juniperFile).toContain('    - manufacturer: Juniper\n      model: EX2300-24P\n');
    expect(files.get('onboarded-vendors.yaml')).toContain('    - name: Juniper Networks\n      slug: juniper\n');
    const markdown = await readFile(path.join(out, 'onboarding-report.md'), 'utf8');
    expect(markdown).toContain('## Renamed models (2)');
    expect(markdown).toContain('| Juniper Networks / EX2300-24P | device-type | `device-types/Juniper/EX2300-24P.yaml` | u_height 2 → 1;');
  }, 120_000);

  it('re-running init gives the same files, and replaces only its own stale files', async () => {
    const again = path.join(work, 'again');
    await cp(out, again, { recursive: true });
    await writeFile(path.join(again, 'onboarded-gone.yaml'), '# Generated by `netbox-gitops init` from an older NetBox.\n---\n');
    await writeFile(path.join(again, 'mine.yaml'), '# written by hand\n');
    await writeFile(path.join(again, 'onboarded-apc.yaml'), '# Generated by `netbox-gitops init`, then edited\n');
    const run = await runCli(['init', '--out', again, ...lib], env());
    expect(run.code).toBe(0);
    expect(run.err).toContain('also holds mine.yaml');
    const files = await yamlFiles(again);
    expect(files.get('mine.yaml')).toBe('# written by hand\n');
    files.delete('mine.yaml');
    expect(files).toEqual(await yamlFiles(out));
    expect(await readFile(path.join(again, 'onboarding-report.json'), 'utf8')).toBe(await readFile(path.join(out, 'onboarding-report.json'), 'utf8'));
  }, 120_000);

  it('the generated intents validate and, in observe mode, plan zero changes', async () => {
    const validate = await runCli(['validate', '--intents', out, ...lib], env());
    expect(validate.code, validate.out).toBe(0);
    expect(validate.out).toContain('6 intents valid (0 warnings)');
    const plan = await runCli(['plan', '--intents', out, ...lib, '--json', '--detailed-exitcode'], env());
    expect(plan.code, plan.err).toBe(0);
    const parsed = JSON.parse(plan.out) as { summary: { changes: number; total: { unmanaged: number } } };
    expect(parsed.summary.changes).toBe(0);
    // 5 manufacturers and 15 types, none owned yet (the already-managed type is left to its intent).
    expect(parsed.summary.total.unmanaged).toBe(20);
  }, 120_000);

  it('adopt refuses, writing nothing, when two intents would adopt one object', async () => {
    const conflicting = path.join(work, 'conflicting');
    await cp(out, conflicting, { recursive: true });
    await writeFile(
      path.join(conflicting, 'aps.yaml'),
      'apiVersion: netbox-gitops.io/v1alpha1\nkind: DeviceTypeSet\nmetadata:\n  name: wireless\nspec:\n  deviceTypes:\n    slugs: [arista-awe-5310]\n',
    );
    const before = writes();
    const run = await runCli(['adopt', '--intents', conflicting, ...lib, '--yes'], env());
    expect(run.code).toBe(1);
    expect(run.out).toContain('Refusing to adopt');
    expect(run.err).toMatch(/device-type arista\/AWE-5310 \(NetBox id \d+\) is wanted by DeviceTypeSet\/onboarded-arista and DeviceTypeSet\/wireless/);
    expect(writes()).toBe(before);
  }, 120_000);

  it('adopt --dry-run shows the tags and, for enforce intents, what would change — and writes nothing', async () => {
    const enforcing = path.join(work, 'enforcing');
    await cp(out, enforcing, { recursive: true });
    // Review outcome: take the library's definitions of two Juniper types, and enforce.
    const file = path.join(enforcing, 'onboarded-juniper.yaml');
    await unlink(file);
    await writeFile(
      path.join(enforcing, 'juniper.yaml'),
      'apiVersion: netbox-gitops.io/v1alpha1\nkind: DeviceTypeSet\nmetadata:\n  name: juniper\nspec:\n  mode: enforce\n  deviceTypes:\n    slugs: [juniper-ex2300-24p, juniper-ex2300-48t]\n',
    );
    const before = writes();
    const run = await runCli(['adopt', '--intents', enforcing, ...lib, '--dry-run'], env());
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain('+ tags device-type juniper/EX2300-24P: nbg-devicetypeset-juniper, netbox-gitops');
    expect(run.out).toContain('Once adopted, the intents in enforce mode would change');
    expect(run.out).toContain('u_height: 2 → 1');
    expect(run.out).toMatch(/~ interface-template ge-0\/0\/0\n\s+type: "10gbase-t" → "1000base-t"/);
    expect(run.out).toMatch(/\+ interface-template ge-0\/0\/0\n/);
    expect(run.out).toContain('Nothing else is written.');
    expect(writes()).toBe(before);
  }, 120_000);

  it('adopt tags exactly the objects the intents match, in bulk, and nothing else', async () => {
    // Something created after init: no intent covers it, so adopt must not touch it.
    const [late] = await nb.api.bulkCreate('manufacturers', [{ name: 'Late Vendor', slug: 'late-vendor' }]);
    const [lateType] = await nb.api.bulkCreate('device-types', [{ manufacturer: late?.id, model: 'L1', slug: 'late-vendor-l1' }]);
    const before = await tagsInNetBox();
    const fieldsBefore = new Map((await nb.api.list('device-types')).map((r) => [r.id, r]));
    const report = await readReport(out);
    nb.emulator.resetStats();

    const run = await runCli(['adopt', '--intents', out, ...lib, '--yes'], env());
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain('verify: every object the intents match is owned by them.');

    const routes = nb.emulator.stats().requests.byEndpoint;
    const writeRoutes = Object.keys(routes).filter((r) => !r.startsWith('GET'));
    expect(writeRoutes.sort()).toEqual([
      'PATCH /api/dcim/device-types/',
      'PATCH /api/dcim/manufacturers/',
      'PATCH /api/dcim/module-types/',
      'POST /api/extras/tags/',
    ]);
    expect(writeRoutes.reduce((n, r) => n + (routes[r] ?? 0), 0)).toBe(4);

    const after = await tagsInNetBox();
    const intentTag = (intent: string): string => `nbg-${intent.toLowerCase().replace('/', '-')}`;
    const expected = new Map(before);
    for (const t of [...report.deviceTypes, ...report.moduleTypes]) {
      if (!t.intent) continue;
      expected.set(`${t.kind}s:${t.netboxId}`, ['netbox-gitops', intentTag(t.intent.intent)].sort());
    }
    for (const m of report.manufacturers) {
      const owners = [
        m.intent?.intent,
        ...[...report.deviceTypes, ...report.moduleTypes].filter((t) => t.manufacturer === m.slug && t.intent).map((t) => t.intent?.intent),
      ];
      expected.set(`manufacturers:${m.netboxId}`, ['netbox-gitops', ...new Set(owners.filter((o): o is string => o !== undefined).map(intentTag))].sort());
    }
    expect(after).toEqual(expected);
    expect(after.get(`manufacturers:${late?.id}`)).toEqual([]);
    expect(after.get(`device-types:${lateType?.id}`)).toEqual([]);
    expect(after.get(`device-types:${byIdentity(report).get(EXPECTED.owned)?.netboxId}`)).toEqual(['nbg-devicetypeset-existing', 'netbox-gitops']);

    // Only tags changed.
    const strip = (r: NetBoxRecord): Record<string, unknown> => {
      const { tags: _tags, last_updated: _updated, ...rest } = r;
      return rest;
    };
    for (const r of await nb.api.list('device-types')) expect(strip(r)).toEqual(strip(fieldsBefore.get(r.id) as NetBoxRecord));
  }, 120_000);

  it('after adopting, observe mode still plans zero changes and nothing is unmanaged any more', async () => {
    const plan = await runCli(['plan', '--intents', out, ...lib, '--json'], env());
    expect(plan.code, plan.err).toBe(0);
    const parsed = JSON.parse(plan.out) as { summary: { changes: number; unchanged: number; total: { unmanaged: number } } };
    expect(parsed.summary.changes).toBe(0);
    expect(parsed.summary.total.unmanaged).toBe(0);
    // Every field and template of every type was compared and found equal.
    expect(parsed.summary.unchanged).toBeGreaterThan(200);
  }, 120_000);

  it('enforce: switching a written-out type to its library reference plans exactly the library differences', async () => {
    const file = path.join(out, 'onboarded-juniper.yaml');
    const text = await readFile(file, 'utf8');
    // The reviewer's edit: enforce, and reference the library for EX2300-24P instead of NetBox's copy.
    const start = text.indexOf('    # EX2300-24P:');
    const end = text.indexOf('\n    # ', start + 10);
    const edited = `${text.slice(0, start)}${text.slice(end + 1)}`
      .replace('  mode: observe', '  mode: enforce')
      .replace('      - juniper-ex2300-24t  #', '      - juniper-ex2300-24p\n      - juniper-ex2300-24t  #');
    await writeFile(file, edited);
    const plan = await runCli(['plan', '--intents', out, ...lib, '--json'], env());
    expect(plan.code, plan.err).toBe(0);
    const parsed = JSON.parse(plan.out) as { operations: { kind: string; action: string; identity: string; changes?: Record<string, unknown> }[] };
    const changes = parsed.operations.filter((o) => o.action !== 'unmanaged');
    expect(changes.map((o) => `${o.action} ${o.kind} ${o.identity}`)).toEqual([
      'update device-type juniper/EX2300-24P',
      'update interface-template juniper/EX2300-24P/ge-0/0/0',
    ]);
    const apply = await runCli(['apply', '--intents', out, ...lib, '--yes'], env());
    expect(apply.code, apply.out).toBe(0);
    expect(apply.out).toContain('verify: 0 to create, 0 to update, 0 to delete');
  }, 120_000);

  it("export writes a manufacturer's types as library files that pass the library's schemas and load back", async () => {
    const exported = path.join(work, 'export');
    const run = await runCli(['export', '--manufacturer', 'Acme Lab', '--out', exported, ...lib], env());
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain('wrote device-types/Acme Lab/TAP-4.yaml (new)');
    expect(run.out).toContain('wrote module-types/Acme Lab/ACME-LC-8.yaml (new)');
    const text = await readFile(path.join(exported, 'device-types/Acme Lab/TAP-4.yaml'), 'utf8');
    expect(text.startsWith('---\nmanufacturer: Acme Lab\nmodel: TAP-4\nslug: acme-lab-tap-4\npart_number: ACME-TAP4\n')).toBe(true);
    expect(text).toContain('comments: |\n  Optical tap.\n  Four LC taps off one MPO trunk.\n');
    expect(text).toContain('front-ports:\n  - name: Tap 1\n    type: lc\n    rear_port: Trunk\n    rear_port_position: 1\n');

    // Loaded as a library (with the library's own schemas), it is what NetBox holds.
    await cp(path.join(LIBRARY_PATH, 'schema'), path.join(exported, 'schema'), { recursive: true });
    const loaded = await loadCatalogue({ root: exported });
    expect(loaded.issues.filter((i) => i.severity === 'error')).toEqual([]);
    const tap = loaded.deviceTypes.find((d) => d.model === 'TAP-4');
    expect(tap?.templates['front-port']?.map((f) => [f.name, f.fields.rear_port, f.fields.rear_port_position])).toEqual([
      ['Tap 1', 'Trunk', 1],
      ['Tap 2', 'Trunk', 2],
      ['Tap 3', 'Trunk', 3],
      ['Tap 4', 'Trunk', 4],
    ]);
    expect(tap?.templates['power-outlet']?.[0]?.fields).toEqual({ type: 'iec-60320-c13', power_port: 'PSU1', feed_leg: 'A' });
    const validators = await loadLibraryValidators(LIBRARY_PATH);
    const module = parseLibraryYaml(await readFile(path.join(exported, 'module-types/Acme Lab/ACME-LC-8.yaml'), 'utf8'), 'm.yaml');
    expect(module.ok && validators.moduleType(module.value)).toBe(true);

    const one = await runCli(['export', '--manufacturer', 'juniper', '--model', 'EX2300-24T', '--out', path.join(work, 'one'), ...lib], env());
    expect(one.code, one.err).toBe(0);
    expect(one.out).toContain('wrote device-types/Juniper/EX2300-24T.yaml (updates the library file)');
    expect(await readFile(path.join(work, 'one/device-types/Juniper/EX2300-24T.yaml'), 'utf8')).toBe(
      await readFile(path.join(LIBRARY_PATH, 'device-types/Juniper/EX2300-24T.yaml'), 'utf8'),
    );

    await expect(runCli(['export', '--manufacturer', 'Nokla', '--out', path.join(work, 'none'), ...lib], env())).rejects.toThrow(
      /NetBox has no manufacturer "Nokla"/,
    );
  }, 120_000);
});
