import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.ts';
import type { CliRun } from '../../helpers/cli.ts';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'generate-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs `netbox-gitops generate --out <root> <args>`; returns what it printed and its exit code. */
function run(...args: string[]): Promise<CliRun> {
  return runCli(['generate', '--out', root, ...args]);
}

describe('netbox-gitops generate', () => {
  it('writes the schema and CRDs, then reports them unchanged', async () => {
    const first = await run();
    expect(first.code).toBe(0);
    expect(first.out).toBe(
      [
        'wrote     schema/intent.schema.json',
        'wrote     crds/vendorsets.netbox-gitops.io.yaml',
        'wrote     charts/netbox-gitops/crds/vendorsets.netbox-gitops.io.yaml',
        'wrote     crds/devicetypesets.netbox-gitops.io.yaml',
        'wrote     charts/netbox-gitops/crds/devicetypesets.netbox-gitops.io.yaml',
        'wrote     crds/notifications.netbox-gitops.io.yaml',
        'wrote     charts/netbox-gitops/crds/notifications.netbox-gitops.io.yaml',
        'wrote     schema/notification.schema.json',
        '',
      ].join('\n'),
    );
    expect(await readFile(join(root, 'crds/vendorsets.netbox-gitops.io.yaml'), 'utf8')).toContain('kind: CustomResourceDefinition');
    expect((await run()).out).toMatch(/^unchanged schema\/intent\.schema\.json\n/);
    expect(await run('--check')).toEqual({ out: 'generated files are up to date\n', err: '', code: 0 });
  });

  it('--check exits 1 naming stale and missing files, without writing', async () => {
    await run();
    const crd = join(root, 'crds/devicetypesets.netbox-gitops.io.yaml');
    await writeFile(crd, `${await readFile(crd, 'utf8')}# hand edit\n`);
    await unlink(join(root, 'schema/intent.schema.json'));

    const check = await run('--check');
    expect(check.code).toBe(1);
    expect(check.err).toBe('stale generated files (run npm run generate):\n  schema/intent.schema.json\n  crds/devicetypesets.netbox-gitops.io.yaml\n');
    expect(await readFile(crd, 'utf8')).toMatch(/# hand edit\n$/);

    await run();
    expect((await run('--check')).code).toBe(0);
  });
});
