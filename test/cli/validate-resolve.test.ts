import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { EXAMPLE_INTENTS, LIBRARY_PATH } from '../helpers/library.ts';

describe('netbox-gitops validate', () => {
  it('exits 0 for the example intents', async () => {
    const run = await runCli(['validate', '--intents', EXAMPLE_INTENTS, '--library', LIBRARY_PATH]);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/4 intents valid/);
  });

  it('exits 1 listing every error with file, line and column', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'nbg-validate-'));
    await writeFile(
      path.join(dir, 'bad.yaml'),
      'apiVersion: netbox-gitops.io/v1alpha1\nkind: DeviceTypeSet\nmetadata:\n  name: bad\nspec:\n  vendors: [Nokla]\n  include: ["(["]\n',
    );
    const run = await runCli(['validate', '--intents', dir, '--library', LIBRARY_PATH]);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/bad\.yaml:7:\d+ spec\.include\[0\]: .*invalid regular expression "\(\["/);
    const json = await runCli(['validate', '--json', '--intents', dir, '--library', LIBRARY_PATH]);
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.out) as { valid: boolean; issues: { path: string }[] };
    expect(parsed.valid).toBe(false);
    expect(parsed.issues.map((i) => i.path)).toContain('spec.include[0]');
  });

  it('reports a vendor that is not in the library', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'nbg-validate-'));
    await writeFile(path.join(dir, 'v.yaml'), 'apiVersion: netbox-gitops.io/v1alpha1\nkind: VendorSet\nmetadata:\n  name: v\nspec:\n  vendors: [Nokla]\n');
    const run = await runCli(['validate', '--intents', dir, '--library', LIBRARY_PATH]);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/v\.yaml:6:13 spec\.vendors\[0\]: VendorSet\/v: vendor "Nokla" is not in the devicetype-library/);
  });
});

describe('netbox-gitops resolve', () => {
  it('prints counts per intent and vendor', async () => {
    const run = await runCli(['resolve', '--intents', EXAMPLE_INTENTS, '--library', LIBRARY_PATH]);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/DeviceTypeSet\/datacenter-switches \(enforce\)/);
    expect(run.out).toMatch(/arista: \d+ device-types, \d+ interface-templates/);
  });

  it('prints the full desired state with --json', async () => {
    const run = await runCli(['resolve', '--json', '--intents', EXAMPLE_INTENTS, '--library', LIBRARY_PATH]);
    const state = JSON.parse(run.out) as { intents: { ref: { name: string }; deviceTypes: { slug: string }[] }[] };
    expect(state.intents.find((i) => i.ref.name === 'lab-devices')?.deviceTypes[0]?.slug).toBe('acme-lab-tap-4');
  });
});

describe('--help', () => {
  it('lists the commands, each of which has its own --help', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    const names = [...(help.out.split(/^Commands:$/m)[1] ?? '').matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1] as string).filter((n) => n !== 'help');
    expect(names).toEqual(expect.arrayContaining(['validate', 'plan', 'apply', 'controller', 'worker', 'api']));
    for (const name of names) {
      const run = await runCli([name, '--help']);
      expect(run.code, name).toBe(0);
      expect(run.out, name).toContain(`Usage: netbox-gitops ${name}`);
    }
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await runCli(['--version'])).toEqual({ out: `${version}\n`, err: '', code: 0 });
  });
});
