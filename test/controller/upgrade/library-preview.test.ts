// A library upgrade between two library folders that differ: files added, removed, renamed and
// changed (fields and templates), what the upgrade would do to an intent already applied to the
// emulator at the old revision, `plan --library-ref`, and an intent pinned to the old revision.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../../controller/catalogue/index.ts';
import type { Catalogue } from '../../../controller/catalogue/index.ts';
import { diffCatalogues } from '../../../controller/upgrade/index.ts';
import { startEmulator } from '../../../emulator/index.ts';
import type { Emulator } from '../../../emulator/index.ts';
import { cliEnv, runCli } from '../../helpers/cli.ts';
import { writeFile } from '../../helpers/files.ts';
import { createScratchLibrary, deviceTypeYaml } from '../catalogue/fixtures.ts';
import type { ScratchLibrary } from '../catalogue/fixtures.ts';

const interfaces = (...list: string[]): string => `interfaces:\n${list.map((line) => `  - ${line}\n`).join('')}`;

let before: ScratchLibrary;
let after: ScratchLibrary;
let intents: string;
let cacheDir: string;
let emulator: Emulator;
let from: Catalogue;
let to: Catalogue;

beforeAll(async () => {
  before = createScratchLibrary('upgrade-before-');
  before.write(
    'device-types/Acme/box-1.yaml',
    deviceTypeYaml('Acme', 'Box 1', 'acme-box-1', interfaces('{ name: eth0, type: 1000base-t }', '{ name: eth1, type: 1000base-t }')),
  );
  before.write('device-types/Acme/box-2.yaml', deviceTypeYaml('Acme', 'Box 2', 'acme-box-2'));
  before.write('device-types/Acme/old-box.yaml', deviceTypeYaml('Acme', 'Old Box', 'acme-old-box'));
  before.write('device-types/Acme/same.yaml', deviceTypeYaml('Acme', 'Same', 'acme-same'));

  after = createScratchLibrary('upgrade-after-');
  // Changed: a field, a template's type, a new template.
  after.write(
    'device-types/Acme/box-1.yaml',
    deviceTypeYaml(
      'Acme',
      'Box 1',
      'acme-box-1',
      interfaces('{ name: eth0, type: 1000base-t }', '{ name: eth1, type: 10gbase-x-sfpp }', '{ name: eth2, type: 10gbase-x-sfpp }'),
    ).replace('u_height: 1', 'u_height: 2'),
  );
  // Renamed: the same model under another file name.
  after.write('device-types/Acme/box-two.yaml', deviceTypeYaml('Acme', 'Box 2', 'acme-box-2'));
  // Added and removed.
  after.write('device-types/Acme/new-box.yaml', deviceTypeYaml('Acme', 'New Box', 'acme-new-box', interfaces('{ name: mgmt0, type: 1000base-t }')));
  after.write('device-types/Acme/same.yaml', deviceTypeYaml('Acme', 'Same', 'acme-same'));
  after.write('device-types/Zeta/z-1.yaml', deviceTypeYaml('Zeta', 'Z 1', 'zeta-z-1'));

  [from, to] = await Promise.all([loadCatalogue({ root: before.root }), loadCatalogue({ root: after.root })]);
  intents = mkdtempSync(path.join(tmpdir(), 'upgrade-intents-'));
  cacheDir = path.join(intents, '.cache');
  writeFile(
    intents,
    'acme.yaml',
    'apiVersion: netbox-gitops.io/v1alpha1\nkind: DeviceTypeSet\nmetadata:\n  name: acme\nspec:\n  mode: enforce\n  prune: true\n  vendors: [Acme]\n',
  );
  emulator = await startEmulator({ port: 0 });
  const applied = await runCli(['apply', '--intents', intents, '--library', before.root, '--yes'], env());
  expect(applied.code, applied.err).toBe(0);
});

afterAll(async () => {
  await emulator?.close();
  before?.remove();
  after?.remove();
  rmSync(intents, { recursive: true, force: true });
});

function env(): Record<string, string> {
  return cliEnv({ netbox: emulator }, { CACHE_DIR: cacheDir });
}

interface PreviewJson {
  operations: { action: string; kind: string; identity: string }[];
  libraryUpgrade: {
    from: string;
    to: string;
    changes: ReturnType<typeof diffCatalogues>;
    effects: { intent: string; from: string; introduced: Record<string, number>; resolved: number; sample: string[] }[];
  };
}

describe('library upgrade preview', () => {
  it("lists the library's own changes: files added, removed, renamed, models changed", () => {
    const changes = diffCatalogues(from, to);
    expect(changes.from).toBe(from.revision);
    expect(changes.to).toBe(to.revision);
    expect(changes.added.map((f) => f.file)).toEqual(['device-types/Acme/new-box.yaml', 'device-types/Zeta/z-1.yaml']);
    expect(changes.removed.map((f) => f.file)).toEqual(['device-types/Acme/old-box.yaml']);
    expect(changes.renamed).toEqual([
      {
        from: expect.objectContaining({ file: 'device-types/Acme/box-2.yaml' }),
        to: expect.objectContaining({ file: 'device-types/Acme/box-two.yaml', model: 'Box 2' }),
      },
    ]);
    expect(changes.changed).toEqual([
      expect.objectContaining({
        file: 'device-types/Acme/box-1.yaml',
        model: 'Box 1',
        fields: ['u_height'],
        templates: [{ kind: 'interface', added: ['eth2'], removed: [], changed: ['eth1'] }],
      }),
    ]);
    expect(changes.vendorsAdded).toEqual(['zeta']);
    expect(changes.unchanged).toBe(2);
  });

  it('plan --library-ref shows what the upgrade would create, update and delete for the intent', async () => {
    const run = await runCli(
      ['plan', '--intents', intents, '--library', before.root, '--library-ref', after.root, '--format', 'json', '--detailed-exitcode'],
      env(),
    );
    expect(run.code, run.err).toBe(2);
    const result = JSON.parse(run.out) as PreviewJson;
    expect(result.libraryUpgrade.from).toBe(from.revision);
    expect(result.libraryUpgrade.to).toBe(to.revision);
    const [effect] = result.libraryUpgrade.effects;
    expect(effect?.intent).toBe('DeviceTypeSet/acme');
    // New Box and its interface; Box 1's u_height and eth1; eth2; Old Box pruned (the intent prunes).
    expect(effect?.introduced).toMatchObject({ create: 3, update: 2, delete: 1 });
    expect(effect?.resolved).toBe(0);
    expect(effect?.sample).toEqual(
      expect.arrayContaining([
        'create device-type acme/New Box',
        'update device-type acme/Box 1',
        'delete device-type acme/Old Box',
        'create interface-template acme/Box 1/eth2',
      ]),
    );
    const ops = result.operations.map((o) => `${o.action} ${o.kind} ${o.identity}`);
    expect(ops).toContain('update interface-template acme/Box 1/eth1');
    expect(ops).not.toContain('create device-type acme/Box 2');
  });

  it('renders the preview as a comment with the library changes', async () => {
    const run = await runCli(['plan', '--intents', intents, '--library', before.root, '--library-ref', after.root, '--format', 'markdown'], env());
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain('#### Library upgrade');
    expect(run.out).toContain('2 files added, 1 removed, 1 renamed, 1 models changed (1 with template changes), 2 unchanged');
    expect(run.out).toContain('| <code>DeviceTypeSet/acme</code> | 3 | 2 | 1 | 0 | 0 |');
    expect(run.out).toContain('<code>device-types/Acme/box-2.yaml</code> → <code>device-types/Acme/box-two.yaml</code>');
    expect(run.out).toContain('interface templates +1 −0 ~1');
  });

  it('an intent pinned to the old revision plans against it while the library moved on', async () => {
    // CACHE_DIR holds the parsed old revision from the runs above.
    writeFile(
      intents,
      'acme.yaml',
      `apiVersion: netbox-gitops.io/v1alpha1\nkind: DeviceTypeSet\nmetadata:\n  name: acme\nspec:\n  mode: enforce\n  prune: true\n  vendors: [Acme]\n  library:\n    ref: ${from.revision}\n`,
    );
    const pinned = await runCli(['plan', '--intents', intents, '--library', after.root, '--detailed-exitcode'], env());
    expect(pinned.code, pinned.err).toBe(0);
    writeFile(
      intents,
      'acme.yaml',
      'apiVersion: netbox-gitops.io/v1alpha1\nkind: DeviceTypeSet\nmetadata:\n  name: acme\nspec:\n  mode: enforce\n  prune: true\n  vendors: [Acme]\n',
    );
    const following = await runCli(['plan', '--intents', intents, '--library', after.root, '--detailed-exitcode'], env());
    expect(following.code, following.err).toBe(2);
    expect(following.out).toContain('+ device-type acme/New Box');
  });

  it('a pin the library cannot serve is an error at the intent, before NetBox is read', async () => {
    writeFile(
      intents,
      'acme.yaml',
      'apiVersion: netbox-gitops.io/v1alpha1\nkind: DeviceTypeSet\nmetadata:\n  name: acme\nspec:\n  vendors: [Acme]\n  library:\n    ref: v2025.05\n',
    );
    emulator.resetStats();
    const run = await runCli(['plan', '--intents', intents, '--library', after.root], env());
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/acme\.yaml:\d+:\d+ spec\.library\.ref: DeviceTypeSet\/acme pins the devicetype-library at "v2025\.05"/);
    expect(emulator.stats().requests.total).toBe(0);
  });
});
