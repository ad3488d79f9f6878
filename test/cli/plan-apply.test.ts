import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/index.ts';
import type { Emulator } from '../../emulator/index.ts';
import { runCli } from '../helpers/cli.ts';
import { LIBRARY_PATH } from '../helpers/library.ts';

let emulator: Emulator;
let intents: string;
beforeEach(async () => {
  emulator = await startEmulator({ port: 0 });
  intents = await mkdtemp(path.join(tmpdir(), 'nbg-plan-'));
  await writeFile(
    path.join(intents, 'lab.yaml'),
    [
      'apiVersion: netbox-gitops.io/v1alpha1',
      'kind: DeviceTypeSet',
      'metadata:',
      '  name: lab',
      'spec:',
      '  mode: enforce',
      '  vendors: [Arista]',
      '  include: ["^DCS-7050CX3-32S"]',
    ].join('\n'),
  );
});
afterEach(async () => {
  await emulator.close();
});

const env = (): Record<string, string> => ({ NETBOX_URL: emulator.url, NETBOX_TOKEN: emulator.token });
const source = (): string[] => ['--intents', intents, '--library', LIBRARY_PATH];

describe('plan and apply commands', () => {
  it('plan exits 2 with changes under --detailed-exitcode, apply converges, plan then exits 0', async () => {
    const plan = await runCli(['plan', ...source(), '--detailed-exitcode'], env());
    expect(plan.code).toBe(2);
    expect(plan.out).toMatch(/\+ device-type arista\/DCS-7050CX3-32S/);
    expect(plan.out).toMatch(/Plan: \d+ to create, 0 to update, 0 to delete/);

    const apply = await runCli(['apply', ...source(), '--yes'], env());
    expect(apply.code).toBe(0);
    expect(apply.out).toMatch(/verify: 0 to create, 0 to update, 0 to delete/);

    const again = await runCli(['plan', ...source(), '--detailed-exitcode', '--json'], env());
    expect(again.code).toBe(0);
    const parsed = JSON.parse(again.out) as { summary: { changes: number; unchanged: number } };
    expect(parsed.summary.changes).toBe(0);
    expect(parsed.summary.unchanged).toBeGreaterThan(10);
  });

  it('refuses to apply without --yes when nobody can answer', async () => {
    const apply = await runCli(['apply', ...source()], env());
    expect(apply.code).toBe(1);
    expect(apply.err).toContain('pass --yes');
    expect(emulator.stats().requests.byMethod.POST ?? 0).toBe(0);
  });

  it('never reaches NetBox with an invalid intent', async () => {
    await writeFile(path.join(intents, 'bad.yaml'), 'apiVersion: netbox-gitops.io/v1alpha1\nkind: VendorSet\nmetadata:\n  name: bad\nspec:\n  vendors: [Nokla]\n');
    const apply = await runCli(['apply', ...source(), '--yes'], env());
    expect(apply.code).toBe(1);
    expect(apply.err).toMatch(/bad\.yaml:6:\d+ spec\.vendors\[0\]/);
    expect(emulator.stats().requests.total).toBe(0);
  });

  it('fails with a clear message when NETBOX_URL is missing', async () => {
    await expect(runCli(['plan', ...source()], {})).rejects.toThrow(/NETBOX_URL is not set/);
  });
});
