import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerGenerateCommand } from '../../../cli/commands/generate.ts';
import { ExitCode, createCliContext } from '../../../cli/context.ts';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'generate-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs `netbox-gitops generate <args>` in-process; returns what it printed and its exit code. */
async function run(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: '', err: '' };
  out.on('data', (chunk: Buffer) => (chunks.out += chunk.toString()));
  err.on('data', (chunk: Buffer) => (chunks.err += chunk.toString()));
  const program = new Command('netbox-gitops').exitOverride();
  registerGenerateCommand(program, createCliContext({}, out, err));
  let code = 0;
  try {
    await program.parseAsync(['generate', '--out', root, ...args], { from: 'user' });
  } catch (error) {
    if (!(error instanceof ExitCode)) throw error;
    code = error.code;
  }
  return { ...chunks, code };
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
    expect(check.err).toBe(
      'stale generated files (run npm run generate):\n  schema/intent.schema.json\n  crds/devicetypesets.netbox-gitops.io.yaml\n',
    );
    expect(await readFile(crd, 'utf8')).toMatch(/# hand edit\n$/);

    await run();
    expect((await run('--check')).code).toBe(0);
  });
});
