// Merge rules for intents that overlap on one object: an intent contributes only to the parts
// it manages, observing intents never decide what an enforcing one writes, and prune deletes
// only what the pruning intent itself manages.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyAndVerify, applyPlan, planIntents } from '../../../controller/reconcile/index.ts';
import type { PlanOperation } from '../../../controller/reconcile/index.ts';
import { startNetBox } from '../../helpers/netbox.ts';
import type { NetBoxFixture } from '../../helpers/netbox.ts';
import { deviceType, deviceTypeSet, vendorSet } from './fixtures.ts';

let nb: NetBoxFixture;
beforeEach(async () => {
  nb = await startNetBox();
});
afterEach(async () => {
  await nb.close();
});

const writes = (ops: readonly PlanOperation[]): string[] =>
  ops.filter((o) => o.enforce && (o.action === 'create' || o.action === 'update' || o.action === 'delete')).map((o) => `${o.action} ${o.kind} ${o.identity}`);

async function templateCount(): Promise<number> {
  const [dt] = await nb.client.list('device-types', { model: 'A1' });
  let n = 0;
  for (const endpoint of [
    'interface-templates',
    'console-port-templates',
    'power-port-templates',
    'power-outlet-templates',
    'rear-port-templates',
    'front-port-templates',
  ] as const) {
    n += (await nb.client.list(endpoint, { device_type_id: dt!.id })).length;
  }
  return n;
}

describe('overlapping intents', () => {
  for (const observer of [
    { what: 'components: false', policy: { mode: 'enforce' as const, components: false } },
    { what: 'mode: observe', policy: { mode: 'observe' as const, components: false } },
    { what: 'mode: observe with prune', policy: { mode: 'observe' as const, components: false, prune: true } },
  ]) {
    it(`an intent with ${observer.what} beside an enforce + prune intent deletes no templates`, async () => {
      const pruner = deviceTypeSet('pruner', [deviceType('A1')], { mode: 'enforce', prune: true });
      await applyAndVerify(nb.api, [pruner], (await planIntents(nb.api, [pruner])).plan);
      expect(await templateCount()).toBe(8);

      // Both orders: the first intent of a merge used to decide the templates of everyone.
      for (const intents of [
        [deviceTypeSet('other', [deviceType('A1')], observer.policy), pruner],
        [pruner, deviceTypeSet('other', [deviceType('A1')], observer.policy)],
      ]) {
        const { plan } = await planIntents(nb.api, intents);
        expect(plan.operations.filter((o) => o.action === 'delete')).toEqual([]);
        // At most the other intent's ownership tag is written (it wants the objects too); no template changes.
        expect(writes(plan.operations).filter((w) => w.includes('-template '))).toEqual([]);
        const result = await applyPlan(nb.api, plan);
        expect(result.failures).toEqual([]);
        expect(await templateCount()).toBe(8);
      }
    });
  }

  it('prune removes only what the pruning intent manages: a pruning intent without components leaves extra templates alone', async () => {
    const keeper = deviceTypeSet('keeper', [deviceType('A1')], { mode: 'enforce' });
    await applyAndVerify(nb.api, [keeper], (await planIntents(nb.api, [keeper])).plan);
    const [dt] = await nb.client.list('device-types', { model: 'A1' });
    nb.emulator.store.seed('interface-templates', [{ device_type: dt!.id, name: 'hand-made', type: 'virtual' }]);

    const pruner = deviceTypeSet('pruner', [deviceType('A1')], { mode: 'enforce', prune: true, components: false });
    const { plan } = await planIntents(nb.api, [keeper, pruner]);
    expect(plan.operations.filter((o) => o.action === 'delete')).toEqual([]);

    // An intent that manages the templates and prunes does delete the extra one, in its own name.
    const owner = deviceTypeSet('owner', [deviceType('A1')], { mode: 'enforce', prune: true });
    const pruned = await planIntents(nb.api, [keeper, owner]);
    const deletes = pruned.plan.operations.filter((o) => o.action === 'delete');
    expect(deletes.map((o) => `${o.kind} ${o.identity} ${o.intents.join(',')} ${o.enforce}`)).toEqual([
      'interface-template acme/A1/hand-made DeviceTypeSet/keeper,DeviceTypeSet/owner true',
    ]);
  });

  it('values of an observing intent are never enforced; the enforcing intent decides', async () => {
    const enforcer = deviceTypeSet('enforcer', [deviceType('A1')], { mode: 'enforce' });
    const observer = deviceTypeSet('observer', [deviceType('A1', { fields: { u_height: 2, part_number: 'OBSERVED' } })], { mode: 'observe' });
    const vendors = vendorSet('vendors', [{ slug: 'acme', name: 'Acme Observed', description: 'only observed' }], { mode: 'observe' });
    const { plan } = await planIntents(nb.api, [vendors, observer, enforcer]);
    const dt = plan.operations.find((o) => o.kind === 'device-type' && o.action === 'create');
    expect(dt?.desired).toMatchObject({ u_height: 1, part_number: 'PN-A1' });
    const mfr = plan.operations.find((o) => o.kind === 'manufacturer');
    expect(mfr?.enforce).toBe(true);
    expect(mfr?.desired).toMatchObject({ slug: 'acme', name: 'Acme' });
    expect(mfr?.desired).not.toHaveProperty('description');
    expect(plan.warnings).toEqual([]);
  });

  it('fields one intent does not set are taken from the other; templates are merged by name', async () => {
    const base = deviceType('A1');
    const a = deviceTypeSet('a', [{ ...base, fields: { u_height: 1 }, templates: { interface: [{ name: 'eth0', fields: { type: '1000base-t' } }] } }]);
    const b = deviceTypeSet('b', [
      { ...base, fields: { u_height: 1, airflow: 'front-to-rear' }, templates: { interface: [{ name: 'eth1', fields: { type: '1000base-t' } }] } },
    ]);
    const { plan } = await planIntents(nb.api, [a, b]);
    expect(plan.operations.find((o) => o.kind === 'device-type')?.desired).toMatchObject({ u_height: 1, airflow: 'front-to-rear' });
    expect(plan.operations.filter((o) => o.kind === 'interface-template').map((o) => o.identity)).toEqual(['acme/A1/eth0', 'acme/A1/eth1']);
    expect(plan.warnings).toEqual([]);
  });
});
