import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/index.ts';
import type { Emulator } from '../../emulator/index.ts';
import { cliEnv, runCli, sourceArgs } from '../helpers/cli.ts';
import { deviceTypeSetYaml, writeIntentsFolder } from '../helpers/intents.ts';

let emulator: Emulator;
let intents: string;
beforeEach(async () => {
  emulator = await startEmulator({ port: 0 });
  intents = await writeIntentsFolder('nbg-plan-', { 'lab.yaml': deviceTypeSetYaml('lab', '^DCS-7050CX3-32S') });
});
afterEach(async () => {
  await emulator.close();
});

const env = (): Record<string, string> => cliEnv({ netbox: emulator });
const source = (): string[] => sourceArgs(intents);

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

  it('lists every object NetBox refused, with its message, and exits 1', async () => {
    // Device bays on a device type that is not a parent: NetBox refuses them, the rest goes in.
    await writeFile(
      path.join(intents, 'bays.yaml'),
      [
        'apiVersion: netbox-gitops.io/v1alpha1',
        'kind: DeviceTypeSet',
        'metadata:',
        '  name: bays',
        'spec:',
        '  mode: enforce',
        '  custom:',
        '    - manufacturer: Arista',
        '      model: Bay Box',
        '      slug: arista-bay-box',
        '      u_height: 1',
        '      is_full_depth: false',
        '      device-bays:',
        '        - name: Bay 1',
        '        - name: Bay 2',
      ].join('\n'),
    );
    const apply = await runCli(['apply', ...source(), '--yes'], env());
    expect(apply.code).toBe(1);
    expect(apply.out).toMatch(/failed: create device-bay-template arista\/Bay Box\/Bay 1: .*must be set to "parent"/);
    expect(apply.out).toMatch(/failed: create device-bay-template arista\/Bay Box\/Bay 2: /);
    expect(apply.out).toMatch(/applied \d+ changes \(\d+ create\)/);
  });

  it('says what it wrote when the apply stops half-way, instead of "nothing was written"', async () => {
    // The writes go through; re-reading the templates afterwards fails (and is not retried here).
    emulator.setFaults({ errorRate: 1, errorStatuses: [503], errorOn: { methods: ['GET'], endpoints: ['interface-templates'] } });
    const apply = await runCli(['apply', ...source(), '--yes', '--wait-for-netbox', '0'], { ...env(), NETBOX_MAX_RETRIES: '0' });
    expect(apply.code).toBe(1);
    expect(apply.err).toMatch(/error: NetBox failed GET \/api\/dcim\/interface-templates\/ \(503\)/);
    expect(apply.err).toMatch(/apply stopped: \d{2,} change\(s\) were applied before the failure \(\d+ create\)/);
    expect(apply.err).not.toMatch(/Nothing was written/i);
    expect(emulator.store.count('interface-templates')).toBeGreaterThan(0);
  });

  it('rides out a 6 s NetBox outage in the middle of an apply (--wait-for-netbox, default 2m)', async () => {
    // Slow writes, so that the outage starts while the apply is writing.
    emulator.setFaults({ writeMsPerObject: 20 });
    let outageAt = -1;
    const watch = setInterval(() => {
      const posts = emulator.stats().requests.byMethod.POST ?? 0;
      if (outageAt < 0 && posts >= 2) {
        outageAt = posts;
        emulator.setFaults({ downForMs: 6_000 });
      }
    }, 5);
    let apply;
    try {
      apply = await runCli(['apply', ...source(), '--yes'], env());
    } finally {
      clearInterval(watch);
    }
    expect(outageAt).toBeGreaterThan(0);
    expect(emulator.stats().faultsInjected.down).toBeGreaterThan(0);
    expect(apply.err).toBe('nothing was recorded (no DATABASE_URL)\n');
    expect(apply.code).toBe(0);
    expect(apply.out).toMatch(/verify: 0 to create, 0 to update, 0 to delete/);
  }, 60_000);

  it('fails with the wait it gave up after when NetBox stays down longer than --wait-for-netbox', async () => {
    emulator.setFaults({ down: true });
    const failure = await runCli(['plan', ...source(), '--wait-for-netbox', '2s'], env()).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/^NetBox at http:\/\/127\.0\.0\.1:\d+ did not answer \(GET \/api\/status\/\): waited \d+ s for it to come back/);
  }, 30_000);

  it('a 500 on a write fails that chunk only: the rest of the apply goes on', async () => {
    // NetBox bugs are not transient: interface template writes fail with 500, everything else lands.
    emulator.setFaults({ errorRate: 1, errorStatuses: [500], errorOn: { methods: ['POST'], endpoints: ['interface-templates'] } });
    const apply = await runCli(['apply', ...source(), '--yes'], env());
    expect(apply.code).toBe(1);
    expect(apply.out).toMatch(/failed: create interface-template \S+: NetBox failed POST \/api\/dcim\/interface-templates\/ \(500\)/);
    expect(emulator.store.count('interface-templates')).toBe(0);
    expect(emulator.store.count('device-types')).toBe(4);
    for (const kind of ['console-port-templates', 'module-bay-templates'] as const) expect(emulator.store.count(kind)).toBeGreaterThan(0);
    // One request per interface chunk: a 500 is not sent again.
    expect(emulator.stats().faultsInjected.errors).toBe(emulator.stats().requests.byEndpoint['POST /api/dcim/interface-templates/']);
  }, 60_000);

  it('plan --out saves a plan; apply FILE applies exactly it, and refuses it once NetBox changed', async () => {
    const file = path.join(intents, '..', `${path.basename(intents)}.plan.json`);
    const saved = await runCli(['plan', ...source(), '--out', file], env());
    expect(saved.code).toBe(0);
    expect(saved.err).toContain(`netbox-gitops apply ${file}`);
    // Someone changes NetBox in the plan's scope: the saved plan is stale and nothing is written.
    emulator.store.seed('manufacturers', [{ name: 'Arista', slug: 'arista' }]);
    const posts = emulator.stats().requests.byMethod.POST ?? 0;
    const stale = await runCli(['apply', file, ...source(), '--yes'], env());
    expect(stale.code).toBe(1);
    expect(stale.err).toMatch(/refusing to apply the saved plan .*: NetBox or the intents changed since it was made .*no longer: create manufacturer arista/);
    expect(emulator.stats().requests.byMethod.POST ?? 0).toBe(posts);
    // Planned again, it applies.
    expect((await runCli(['plan', ...source(), '--out', file], env())).code).toBe(0);
    const apply = await runCli(['apply', file, ...source(), '--yes'], env());
    expect(apply.code).toBe(0);
    expect(apply.out).toMatch(/verify: 0 to create, 0 to update, 0 to delete/);
  });

  it('refuses to apply without --yes when nobody can answer', async () => {
    const apply = await runCli(['apply', ...source()], env());
    expect(apply.code).toBe(1);
    expect(apply.err).toContain('pass --yes');
    expect(emulator.stats().requests.byMethod.POST ?? 0).toBe(0);
  });

  it('never reaches NetBox with an invalid intent', async () => {
    await writeFile(
      path.join(intents, 'bad.yaml'),
      'apiVersion: netbox-gitops.io/v1alpha1\nkind: VendorSet\nmetadata:\n  name: bad\nspec:\n  vendors: [Nokla]\n',
    );
    const apply = await runCli(['apply', ...source(), '--yes'], env());
    expect(apply.code).toBe(1);
    expect(apply.err).toMatch(/bad\.yaml:6:\d+ spec\.vendors\[0\]/);
    expect(emulator.stats().requests.total).toBe(0);
  });

  it('fails with a clear message when NETBOX_URL is missing', async () => {
    await expect(runCli(['plan', ...source()], {})).rejects.toThrow(/NETBOX_URL is not set/);
  });
});
