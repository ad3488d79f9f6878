import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyAndVerify, applyPlan, driftCount, formatPlan, planIntents } from '../../../controller/reconcile/index.ts';
import type { ChangeRecord, PlanOperation } from '../../../controller/reconcile/index.ts';
import { LIBRARY_PATH } from '../../helpers/library.ts';
import { startNetBox, writesServed } from '../../helpers/netbox.ts';
import type { NetBoxFixture } from '../../helpers/netbox.ts';
import { deviceType, deviceTypeSet, moduleType, vendorSet } from './fixtures.ts';

let nb: NetBoxFixture;
beforeEach(async () => {
  nb = await startNetBox();
});
afterEach(async () => {
  await nb.close();
});

const ops = (list: readonly PlanOperation[], action: string, kind?: string): PlanOperation[] =>
  list.filter((o) => o.action === action && (kind === undefined || o.kind === kind));

describe('plan and apply against the emulator', () => {
  it('plans everything as creates from an empty NetBox, applies it and then shows zero drift', async () => {
    const intents = [deviceTypeSet('lab', [deviceType('A1'), deviceType('B2')])];
    const { plan } = await planIntents(nb.api, intents);
    expect(plan.summary.total).toMatchObject({ create: 2 + 2 * 8 + 1 + 2, update: 0, delete: 0 });
    expect(
      ops(plan.operations, 'create', 'tag')
        .map((o) => o.identity)
        .sort(),
    ).toEqual(['nbg-devicetypeset-lab', 'netbox-gitops']);
    expect(formatPlan(plan)).toMatch(/\+ device-type acme\/A1\n\s+\+ .*2 interface-templates/);

    const result = await applyAndVerify(nb.api, intents, plan);
    expect(result.apply.failures).toEqual([]);
    expect(result.apply.records).toHaveLength(plan.summary.changes);
    expect(driftCount(result.verify)).toBe(0);
    expect(result.verify.summary.unchanged).toBe(2 + 2 * 8 + 1);

    const again = await planIntents(nb.api, intents);
    expect(again.plan.operations).toEqual([]);
    const rp = await nb.client.list('front-port-templates', {});
    expect(rp.every((f) => f.rear_ports.length === 1)).toBe(true);
  });

  it('shows field-level drift and repairs exactly the drifted objects', async () => {
    const intents = [deviceTypeSet('lab', [deviceType('A1'), deviceType('B2')])];
    await applyAndVerify(nb.api, intents, (await planIntents(nb.api, intents)).plan);
    const [dt] = await nb.client.list('device-types', { model: 'A1' });
    nb.emulator.store.mutate('device-types', dt!.id, { u_height: 2, part_number: 'HAND-EDITED' });
    const [eth1] = await nb.client.list('interface-templates', { device_type_id: dt!.id, name: 'eth1' });
    nb.emulator.store.mutate('interface-templates', eth1!.id, { type: '1000base-t', description: 'hand' });
    const [console] = await nb.client.list('console-port-templates', { device_type_id: dt!.id });
    nb.emulator.store.remove('console-port-templates', console!.id);

    const { plan } = await planIntents(nb.api, intents);
    expect(plan.summary.changes).toBe(3);
    const dtUpdate = ops(plan.operations, 'update', 'device-type')[0];
    expect(dtUpdate?.changes).toEqual({ u_height: { before: 2, after: 1 }, part_number: { before: 'HAND-EDITED', after: 'PN-A1' } });
    // The library leaves the description unset: NetBox's default (empty) is what the intent wants.
    expect(ops(plan.operations, 'update', 'interface-template')[0]?.changes).toEqual({
      type: { before: '1000base-t', after: '10gbase-x-sfpp' },
      description: { before: 'hand', after: null },
    });
    expect(ops(plan.operations, 'create', 'console-port-template')[0]?.identity).toBe('acme/A1/Console');
    expect(formatPlan(plan)).toContain('u_height: 2 → 1');

    nb.emulator.resetStats();
    const result = await applyAndVerify(nb.api, intents, plan);
    expect(result.apply.records.map((r) => `${r.action} ${r.kind} ${r.identity}`).sort()).toEqual([
      'create console-port-template acme/A1/Console',
      'update device-type acme/A1',
      'update interface-template acme/A1/eth1',
    ]);
    expect(driftCount(result.verify)).toBe(0);
  });

  it('orders writes by reference: rear ports before front ports, power ports before outlets', async () => {
    const intents = [deviceTypeSet('lab', [deviceType('A1')])];
    const order: ChangeRecord[] = [];
    const { plan } = await planIntents(nb.api, intents);
    await applyPlan(nb.api, plan, { onRecords: (r) => void order.push(...r), tuning: { maxChunk: 1, concurrency: 1 } });
    const at = (kind: string): number[] => order.flatMap((r, i) => (r.kind === kind ? [i] : []));
    expect(Math.max(...at('rear-port-template'))).toBeLessThan(Math.min(...at('front-port-template')));
    expect(Math.max(...at('power-port-template'))).toBeLessThan(Math.min(...at('power-outlet-template')));
    expect(Math.max(...at('device-type'))).toBeLessThan(Math.min(...at('interface-template')));
    expect(Math.max(...at('manufacturer'))).toBeLessThan(Math.min(...at('device-type')));
    const outlets = await nb.client.list('power-outlet-templates', {});
    expect(outlets[0]?.power_port?.name).toBe('PSU1');
  });

  it('splits a rejected chunk, reports the bad object with NetBox messages and writes the rest', async () => {
    const bad = deviceType('A1', {
      templates: {
        interface: [
          { name: 'eth0', fields: { type: '1000base-t' } },
          { name: 'eth1', fields: { type: 'warp-drive' } },
          { name: 'eth2', fields: { type: '1000base-t' } },
          { name: 'eth3', fields: { type: '1000base-t' } },
        ],
      },
    });
    const intents = [deviceTypeSet('lab', [bad])];
    const result = await applyAndVerify(nb.api, intents, (await planIntents(nb.api, intents)).plan);
    expect(result.apply.failures).toHaveLength(1);
    expect(result.apply.failures[0]).toMatchObject({ identity: 'acme/A1/eth1', action: 'create' });
    expect(result.apply.failures[0]?.message).toContain('warp-drive');
    const names = (await nb.client.list('interface-templates', {})).map((t) => t.name).sort();
    expect(names).toEqual(['eth0', 'eth2', 'eth3']);
    expect(driftCount(result.verify)).toBe(1);
  });

  it('converges without duplicates after an apply that stopped half-way', async () => {
    const intents = [deviceTypeSet('lab', [deviceType('A1'), deviceType('B2'), deviceType('C3')])];
    const { plan } = await planIntents(nb.api, intents);
    const stop = new AbortController();
    let chunks = 0;
    const first = await applyPlan(nb.api, plan, {
      tuning: { maxChunk: 2, concurrency: 1 },
      signal: stop.signal,
      onRecords: () => {
        if (++chunks === 4) stop.abort();
      },
    });
    expect(first.cancelled).toBe(true);
    expect(first.records.length).toBeLessThan(plan.summary.changes);

    const { plan: resumed } = await planIntents(nb.api, intents);
    expect(resumed.summary.total.create).toBe(plan.summary.total.create - first.records.length);
    const result = await applyAndVerify(nb.api, intents, resumed);
    expect(result.apply.failures).toEqual([]);
    expect(driftCount(result.verify)).toBe(0);
    expect(await nb.client.list('interface-templates', {})).toHaveLength(6);
    expect(await nb.client.list('device-types', {})).toHaveLength(3);
  });

  it('applies only the operations of enforcing intents', async () => {
    const intents = [deviceTypeSet('watch', [deviceType('A1')], { mode: 'observe' })];
    const { plan } = await planIntents(nb.api, intents);
    const result = await applyPlan(nb.api, plan);
    expect(result.records).toEqual([]);
    expect(result.skipped).toBe(plan.summary.changes);
    expect(writesServed(nb.emulator)).toBe(0);
  });
});

describe('ownership: adopt and prune', () => {
  it('reports untagged matching objects as unmanaged, and adopts them when asked', async () => {
    const [m] = nb.emulator.store.seed('manufacturers', [{ name: 'Acme', slug: 'acme' }]);
    nb.emulator.store.seed('device-types', [{ manufacturer: m!.id, model: 'A1', slug: 'acme-a1', u_height: 1 }]);
    const observe = [deviceTypeSet('lab', [deviceType('A1')])];
    const { plan } = await planIntents(nb.api, observe);
    expect(ops(plan.operations, 'unmanaged').map((o) => `${o.kind} ${o.identity}`)).toEqual(['device-type acme/A1']);
    expect(plan.operations.some((o) => o.kind.endsWith('-template'))).toBe(false);

    const adopting = [deviceTypeSet('lab', [deviceType('A1')], { adopt: true })];
    const adopted = await planIntents(nb.api, adopting);
    const update = ops(adopted.plan.operations, 'update', 'device-type')[0];
    expect(update?.changes?.tags?.after).toEqual(['nbg-devicetypeset-lab', 'netbox-gitops']);
    const result = await applyAndVerify(nb.api, adopting, adopted.plan);
    expect(driftCount(result.verify)).toBe(0);
    // Once tagged, the object is ours even for an intent that does not adopt.
    expect(driftCount((await planIntents(nb.api, observe)).plan)).toBe(0);
  });

  it('prunes only objects it owns, and reports deletes NetBox would refuse as blocked', async () => {
    const both = [deviceTypeSet('lab', [deviceType('A1'), deviceType('B2')], { prune: true })];
    await applyAndVerify(nb.api, both, (await planIntents(nb.api, both)).plan);
    const [acme] = await nb.client.list('manufacturers', { slug: 'acme' });
    nb.emulator.store.seed('device-types', [{ manufacturer: acme!.id, model: 'Hand-made', slug: 'hand-made' }]);

    const one = [deviceTypeSet('lab', [deviceType('A1')], { prune: true })];
    const { plan } = await planIntents(nb.api, one);
    expect(ops(plan.operations, 'delete').map((o) => `${o.kind} ${o.identity}`)).toEqual(['device-type acme/B2']);
    await applyAndVerify(nb.api, one, plan);
    expect((await nb.client.list('device-types', {})).map((d) => d.model).sort()).toEqual(['A1', 'Hand-made']);

    const none = [deviceTypeSet('lab', [], { prune: true })];
    const emptied = await planIntents(nb.api, none);
    expect(ops(emptied.plan.operations, 'delete').map((o) => o.identity)).toEqual(['acme/A1']);
    expect(ops(emptied.plan.operations, 'blocked')).toMatchObject([{ kind: 'manufacturer', identity: 'acme' }]);
  });

  it('releases a shared object instead of deleting it while another intent still owns it', async () => {
    const vendors = vendorSet('vendors', [{ slug: 'acme', name: 'Acme' }]);
    const lab = deviceTypeSet('lab', [deviceType('A1')], { prune: true });
    await applyAndVerify(nb.api, [vendors, lab], (await planIntents(nb.api, [vendors, lab])).plan);
    const [acme] = await nb.client.list('manufacturers', { slug: 'acme' });
    expect(acme?.tags.map((t) => t.slug).sort()).toEqual(['nbg-devicetypeset-lab', 'nbg-vendorset-vendors', 'netbox-gitops']);

    const emptied = deviceTypeSet('lab', [], { prune: true });
    const { plan } = await planIntents(nb.api, [emptied]);
    const manufacturerOp = plan.operations.find((o) => o.kind === 'manufacturer');
    expect(manufacturerOp).toMatchObject({ action: 'update', changes: { tags: { after: ['nbg-vendorset-vendors', 'netbox-gitops'] } } });
  });

  it('never prunes without prune: true', async () => {
    const both = [deviceTypeSet('lab', [deviceType('A1'), deviceType('B2')])];
    await applyAndVerify(nb.api, both, (await planIntents(nb.api, both)).plan);
    const { plan } = await planIntents(nb.api, [deviceTypeSet('lab', [deviceType('A1')])]);
    expect(plan.operations).toEqual([]);
  });
});

describe('images and snapshot scope', () => {
  const imageDir = `${LIBRARY_PATH}/elevation-images/Dell`;

  it('uploads front/rear images only when missing or different', async () => {
    const withImages = deviceType('R430', {
      images: { front: `${imageDir}/dell-poweredge-r430.front.jpg`, rear: `${imageDir}/dell-poweredge-r430.rear.jpg` },
    });
    const intents = [deviceTypeSet('lab', [withImages], { images: true })];
    const { plan } = await planIntents(nb.api, intents);
    expect(ops(plan.operations, 'create', 'image').map((o) => o.identity)).toEqual(['acme/R430/front', 'acme/R430/rear']);
    const result = await applyAndVerify(nb.api, intents, plan);
    expect(result.apply.failures).toEqual([]);
    expect(driftCount(result.verify)).toBe(0);

    // Someone uploads another picture by hand: only that side is uploaded again.
    const [dt] = await nb.client.list('device-types', { model: 'R430' });
    await nb.client.uploadImage(dt!.id, { rear: { filename: 'other.png', data: Buffer.from('not the library image'), contentType: 'image/png' } });
    const { plan: drifted } = await planIntents(nb.api, intents);
    expect(drifted.operations.map((o) => `${o.action} ${o.identity}`)).toEqual(['update acme/R430/rear']);
  });

  it('reads only the manufacturers the intents cover, with parent filters', async () => {
    const [other] = nb.emulator.store.seed('manufacturers', [{ name: 'Other', slug: 'other' }]);
    nb.emulator.store.seed(
      'device-types',
      Array.from({ length: 30 }, (_, i) => ({ manufacturer: other!.id, model: `O${i}`, slug: `o${i}` })),
    );
    const intents = [deviceTypeSet('lab', [deviceType('A1')])];
    await applyAndVerify(nb.api, intents, (await planIntents(nb.api, intents)).plan);
    nb.emulator.resetStats();
    await planIntents(nb.api, intents);
    const byEndpoint = nb.emulator.stats().requests.byEndpoint;
    // status, tags, manufacturers, device types and module types of acme, one request per template kind it has.
    expect(nb.emulator.stats().requests.total).toBeLessThanOrEqual(12);
    expect(byEndpoint['GET /api/dcim/interface-templates/']).toBe(1);
    expect(byEndpoint['GET /api/dcim/device-bay-templates/'] ?? 0).toBe(0);
  });
});

describe('all drift shown', () => {
  it('lists a template added by hand to an owned type as extra without prune, and deletes it only with prune', async () => {
    const intents = [deviceTypeSet('lab', [deviceType('A1')])];
    await applyAndVerify(nb.api, intents, (await planIntents(nb.api, intents)).plan);
    const [dt] = await nb.client.list('device-types', { model: 'A1' });
    nb.emulator.store.seed('interface-templates', [{ device_type: dt!.id, name: 'hand0', type: '1000base-t' }]);
    const { plan } = await planIntents(nb.api, intents);
    expect(ops(plan.operations, 'extra').map((o) => `${o.kind} ${o.identity}`)).toEqual(['interface-template acme/A1/hand0']);
    expect(plan.summary.total.extra).toBe(1);
    expect(driftCount(plan)).toBe(1);
    expect(formatPlan(plan)).toMatch(/\? interface-template hand0 \(extra/);
    // Not deleted without prune: apply leaves it, and converges.
    const kept = await applyAndVerify(nb.api, intents, plan);
    expect(kept.apply.records).toEqual([]);
    expect(await nb.client.list('interface-templates', { device_type_id: dt!.id, name: 'hand0' })).toHaveLength(1);
    const pruning = [deviceTypeSet('lab', [deviceType('A1')], { prune: true })];
    const pruned = await applyAndVerify(nb.api, pruning, (await planIntents(nb.api, pruning)).plan);
    expect(pruned.apply.records.map((r) => `${r.action} ${r.identity}`)).toEqual(['delete acme/A1/hand0']);
  });

  it('compares fields the library leaves unset against NetBox defaults; ignoreFields opts them out', async () => {
    const intents = [deviceTypeSet('lab', [deviceType('A1')])];
    await applyAndVerify(nb.api, intents, (await planIntents(nb.api, intents)).plan);
    const [dt] = await nb.client.list('device-types', { model: 'A1' });
    const [eth1] = await nb.client.list('interface-templates', { device_type_id: dt!.id, name: 'eth1' });
    // The library leaves mgmt_only and enabled unset on eth1, and the device type's comments.
    nb.emulator.store.mutate('interface-templates', eth1!.id, { mgmt_only: true, enabled: false });
    nb.emulator.store.mutate('device-types', dt!.id, { comments: 'racked by hand' });
    const { plan } = await planIntents(nb.api, intents);
    expect(ops(plan.operations, 'update', 'interface-template')[0]?.changes).toEqual({
      mgmt_only: { before: true, after: false },
      enabled: { before: false, after: true },
    });
    expect(ops(plan.operations, 'update', 'device-type')[0]?.changes).toEqual({ comments: { before: 'racked by hand', after: null } });

    const tolerant = [
      deviceTypeSet('lab', [deviceType('A1')], {
        ignoreFields: [{ kind: 'interface-template', fields: ['mgmt_only'] }, { fields: ['comments'] }],
      }),
    ];
    const ignored = await planIntents(nb.api, tolerant);
    expect(ignored.plan.operations.map((o) => `${o.action} ${o.identity} ${Object.keys(o.changes ?? {}).join(',')}`)).toEqual(['update acme/A1/eth1 enabled']);
    const repaired = await applyAndVerify(nb.api, tolerant, ignored.plan);
    expect(driftCount(repaired.verify)).toBe(0);
    const [after] = await nb.client.list('interface-templates', { device_type_id: dt!.id, name: 'eth1' });
    expect(after).toMatchObject({ mgmt_only: true, enabled: true });
  });

  it("agrees with NetBox's defaults: objects created with only their required fields show no drift", async () => {
    const intents = [
      {
        ...deviceTypeSet('bare', [
          deviceType('Bare', {
            fields: { u_height: 1, is_full_depth: true },
            templates: {
              interface: [{ name: 'e0', fields: { type: '1000base-t' } }],
              'console-port': [{ name: 'c0', fields: {} }],
              'console-server-port': [{ name: 'cs0', fields: {} }],
              'power-port': [{ name: 'p0', fields: {} }],
              'power-outlet': [{ name: 'o0', fields: {} }],
              'rear-port': [{ name: 'r0', fields: { type: 'lc' } }],
              'front-port': [{ name: 'f0', fields: { type: 'lc', rear_port: 'r0' } }],
              'module-bay': [{ name: 'mb0', fields: {} }],
              'inventory-item': [{ name: 'i0', fields: {} }],
            },
          }),
        ]),
        moduleTypes: [moduleType('BareModule', { fields: {}, templates: { interface: [{ name: 'm0', fields: { type: '1000base-t' } }] } })],
      },
    ];
    const result = await applyAndVerify(nb.api, intents, (await planIntents(nb.api, intents)).plan);
    expect(result.apply.failures).toEqual([]);
    expect(result.verify.operations).toEqual([]);
  });
});

describe('writes whose outcome is unknown', () => {
  it('reads a device-type chunk back after its answer was lost instead of sending it again', async () => {
    const slow = await startNetBox({}, { timeoutMs: 300 });
    try {
      // NetBox commits the first device-type POST but never answers it.
      slow.emulator.setFaults({ commitThenTimeout: { rate: 1, max: 1, answerAfterMs: null, endpoints: ['device-types'] } });
      const intents = [deviceTypeSet('lab', [deviceType('A1'), deviceType('B2')])];
      const { plan } = await planIntents(slow.api, intents);
      const audited: ChangeRecord[] = [];
      const result = await applyAndVerify(slow.api, intents, plan, { tuning: { baseTimeoutMs: 300 }, onRecords: (r) => void audited.push(...r) });
      expect(result.apply.failures).toEqual([]);
      expect(result.apply.unknownOutcomes).toBe(1);
      expect(result.apply.readBacks).toBe(1);
      expect(driftCount(result.verify)).toBe(0);
      // Both device types were written once, in the request whose answer was lost, and audited as read back.
      expect(slow.emulator.stats().requests.byEndpoint['POST /api/dcim/device-types/']).toBe(1);
      expect(
        audited
          .filter((r) => r.kind === 'device-type')
          .map((r) => `${r.identity} ${r.confirmedBy}`)
          .sort(),
      ).toEqual(['acme/A1 read-back', 'acme/B2 read-back']);
      expect(audited).toHaveLength(plan.summary.changes);
      expect(slow.emulator.store.list('device-types')).toHaveLength(2);
    } finally {
      await slow.close();
    }
  });

  it('reads back a template chunk whose objects hang under device types and module types alike', async () => {
    // One interface-template POST carries templates of a device type and of a module type; its
    // answer is lost. NetBox answers 400 to a module_type_id naming a device type, so the
    // read-back asks per parent kind.
    const slow = await startNetBox({}, { timeoutMs: 300 });
    try {
      const intents = [deviceTypeSet('lab', [deviceType('A1', { templates: { interface: [{ name: 'e0', fields: { type: '1000base-t' } }] } })])];
      intents[0] = {
        ...intents[0],
        moduleTypes: [moduleType('M1', { fields: {}, templates: { interface: [{ name: 'm0', fields: { type: '1000base-t' } }] } })],
      } as (typeof intents)[0];
      slow.emulator.setFaults({ commitThenTimeout: { rate: 1, max: 1, answerAfterMs: null, endpoints: ['interface-templates'] } });
      const { plan } = await planIntents(slow.api, intents);
      const audited: ChangeRecord[] = [];
      const result = await applyAndVerify(slow.api, intents, plan, { tuning: { baseTimeoutMs: 300 }, onRecords: (r) => void audited.push(...r) });
      expect(result.apply.failures).toEqual([]);
      expect(result.apply.unknownOutcomes).toBe(1);
      expect(audited.filter((r) => r.kind === 'interface-template').map((r) => r.confirmedBy)).toEqual(['read-back', 'read-back']);
      expect(slow.emulator.stats().requests.byEndpoint['POST /api/dcim/interface-templates/']).toBe(1);
      expect(slow.emulator.store.list('interface-templates')).toHaveLength(2);
      expect(driftCount(result.verify)).toBe(0);
    } finally {
      await slow.close();
    }
  });

  it('reads back a template chunk spread over many device types in a few requests, not one per template', async () => {
    // 120 types with two power ports each, named alike in every type: one chunk of 240 whose
    // answer is lost. A 1,000-character URL holds ~50 device-type ids, so the ids need three
    // URLs; the two names fit beside them.
    const slow = await startNetBox({}, { timeoutMs: 300, maxUrlLength: 1000 });
    try {
      const types = Array.from({ length: 120 }, (_, i) =>
        deviceType(`T${i}`, {
          templates: {
            'power-port': [
              { name: 'PSU1', fields: { type: 'iec-60320-c14' } },
              { name: 'PSU2', fields: { type: 'iec-60320-c14' } },
            ],
          },
        }),
      );
      const intents = [deviceTypeSet('lab', types)];
      slow.emulator.setFaults({ commitThenTimeout: { rate: 1, max: 1, answerAfterMs: null, endpoints: ['power-port-templates'] } });
      const { plan } = await planIntents(slow.api, intents);
      const readsBefore = slow.emulator.stats().requests.byEndpoint['GET /api/dcim/power-port-templates/'] ?? 0;
      const result = await applyPlan(slow.api, plan, { tuning: { baseTimeoutMs: 300, maxChunk: 1000 } });
      expect(result.failures).toEqual([]);
      expect(result.readBacks).toBe(1);
      expect(result.records.filter((r) => r.kind === 'power-port-template' && r.confirmedBy === 'read-back')).toHaveLength(240);
      expect(slow.emulator.stats().requests.byEndpoint['POST /api/dcim/power-port-templates/']).toBe(1);
      expect((slow.emulator.stats().requests.byEndpoint['GET /api/dcim/power-port-templates/'] ?? 0) - readsBefore).toBe(3);
    } finally {
      await slow.close();
    }
  });

  it('converges when more writes are in flight than NetBox has workers and queued ones time out', async () => {
    // One worker, 75 ms per device type: the third chunk of four waits for two others and times out.
    const busy = await startNetBox({ workers: 1, writeMsPerObject: 30 }, { timeoutMs: 250 });
    try {
      const intents = [
        deviceTypeSet(
          'lab',
          ['A1', 'B2', 'C3', 'D4', 'E5', 'F6', 'G7', 'H8', 'I9', 'J10', 'K11', 'L12'].map((m) => deviceType(m, { templates: {} })),
        ),
      ];
      const { plan } = await planIntents(busy.api, intents);
      const result = await applyAndVerify(busy.api, intents, plan, { tuning: { maxChunk: 4, concurrency: 3, baseTimeoutMs: 250 } });
      expect(result.apply.failures).toEqual([]);
      expect(result.apply.unknownOutcomes).toBeGreaterThan(0);
      expect(driftCount(result.verify)).toBe(0);
      expect(busy.emulator.store.list('device-types')).toHaveLength(12);
      expect(busy.emulator.stats().maxQueued).toBeGreaterThan(0);
    } finally {
      await busy.close();
    }
  });

  it('takes "already exists" for the object it meant to write when NetBox holds it as ours, and leaves its audit to the run that wrote it', async () => {
    const intents = [deviceTypeSet('lab', [deviceType('A1')])];
    const { plan } = await planIntents(nb.api, intents);
    // Another run of the same intent wrote the tags, the manufacturer and the device type meanwhile.
    const tags = ['netbox-gitops', 'nbg-devicetypeset-lab'];
    nb.emulator.store.seed(
      'tags',
      tags.map((slug) => ({ name: slug, slug })),
    );
    const [m] = nb.emulator.store.seed('manufacturers', [{ name: 'Acme', slug: 'acme', tags: tags.map((slug) => ({ slug })) }]);
    nb.emulator.store.seed('device-types', [{ manufacturer: m!.id, model: 'A1', slug: 'acme-a1', u_height: 1, tags: tags.map((slug) => ({ slug })) }]);
    const result = await applyAndVerify(nb.api, intents, plan);
    expect(result.apply.failures).toEqual([]);
    // This run's requests were refused: the other run created those objects and audited them.
    expect(result.apply.records.filter((r) => r.action === 'create' && !r.kind.endsWith('template')).map((r) => `${r.kind} ${r.identity}`)).toEqual([]);
    expect(result.verify.summary.changes).toBe(0);
    expect(nb.emulator.store.list('device-types')).toHaveLength(1);
  });

  it('does not take someone else’s object for its own: no audit record, and the re-plan shows it as unmanaged', async () => {
    const intents = [deviceTypeSet('lab', [deviceType('A1')])];
    const { plan } = await planIntents(nb.api, intents);
    const [m] = nb.emulator.store.seed('manufacturers', [{ name: 'Acme', slug: 'acme' }]);
    nb.emulator.store.seed('device-types', [{ manufacturer: m!.id, model: 'A1', slug: 'acme-a1', u_height: 1 }]);
    const result = await applyAndVerify(nb.api, intents, plan);
    expect(result.apply.records.filter((r) => r.kind === 'device-type' || r.kind.endsWith('-template'))).toEqual([]);
    // Nothing is left to write: the untagged device type is drift to adopt or resolve, not a failed write.
    expect(result.apply.failures).toEqual([]);
    expect(result.verify.operations.filter((o) => o.action === 'unmanaged').map((o) => o.identity)).toContain('acme/A1');
    expect(nb.emulator.store.list('device-types')).toHaveLength(1);
  });

  it('fails the chunk NetBox answers with 500, applies the rest, and finishes in a second round', async () => {
    const flaky = await startNetBox(
      {},
      {
        onRequest: (e) => {
          // One 500 on the rear-port POST, then NetBox is fine again.
          if (e.method === 'POST' && e.status === 500) flaky.emulator.setFaults({ errorRate: 0 });
        },
      },
    );
    try {
      flaky.emulator.setFaults({ errorRate: 1, errorStatuses: [500], errorOn: { methods: ['POST'], endpoints: ['rear-port-templates'] } });
      const intents = [deviceTypeSet('lab', [deviceType('A1')])];
      const { plan } = await planIntents(flaky.api, intents);
      const result = await applyAndVerify(flaky.api, intents, plan);
      expect(result.rounds).toBe(2);
      expect(result.apply.failures).toEqual([]);
      expect(driftCount(result.verify)).toBe(0);
      expect(result.apply.records).toHaveLength(plan.summary.changes);
      expect(flaky.emulator.store.list('front-port-templates')).toHaveLength(2);
    } finally {
      await flaky.close();
    }
  });
});

describe('template kinds and their parents', () => {
  it('reads device-bay and inventory-item templates by device type only, so a partial scope with module types plans', async () => {
    // Another team's parent device type with a device bay and an inventory item, outside the scope.
    const [other] = nb.emulator.store.seed('manufacturers', [{ name: 'Other', slug: 'other' }]);
    const [chassis] = nb.emulator.store.seed('device-types', [
      { manufacturer: other!.id, model: 'Chassis', slug: 'chassis', u_height: 4, subdevice_role: 'parent' },
    ]);
    nb.emulator.store.seed('device-bay-templates', [{ device_type: chassis!.id, name: 'Bay 1' }]);
    nb.emulator.store.seed('inventory-item-templates', [{ device_type: chassis!.id, name: 'Fan tray' }]);
    const intents = [{ ...deviceTypeSet('lab', [deviceType('A1')]), moduleTypes: [moduleType('LC-8')] }];
    const first = await planIntents(nb.api, intents);
    expect(first.plan.summary.total.create).toBeGreaterThan(0);
    const result = await applyAndVerify(nb.api, intents, first.plan);
    expect(result.apply.failures).toEqual([]);
    expect(driftCount(result.verify)).toBe(0);
    nb.emulator.resetStats();
    const again = await planIntents(nb.api, intents);
    expect(again.plan.operations).toEqual([]);
    // The module type's templates were read by module_type_id where NetBox has that filter.
    expect(nb.emulator.stats().requests.byEndpoint['GET /api/dcim/module-bay-templates/']).toBeGreaterThan(0);
  });

  it('refuses a module_type_id filter on device-bay templates before sending it', async () => {
    nb.emulator.resetStats();
    await expect(nb.client.list('device-bay-templates', { module_type_id: [1] })).rejects.toThrow(/belong to device types only/);
    expect(nb.emulator.stats().requests.byEndpoint['GET /api/dcim/device-bay-templates/'] ?? 0).toBe(0);
  });
});

describe('a NetBox that ignores a filter', () => {
  it('fails the snapshot instead of comparing against other device types’ templates', async () => {
    // A 3.7 server does not know device_type_id; a client that believes it is 4.5 sends it anyway.
    const old = await startNetBox({ version: '3.7' }, { serverVersion: '4.5.10' });
    try {
      const [acme, other] = old.emulator.store.seed('manufacturers', [
        { name: 'Acme', slug: 'acme' },
        { name: 'Other', slug: 'other' },
      ]);
      const [mine, theirs] = old.emulator.store.seed('device-types', [
        { manufacturer: acme!.id, model: 'A1', slug: 'acme-a1' },
        { manufacturer: other!.id, model: 'O1', slug: 'o1' },
      ]);
      old.emulator.store.seed('interface-templates', [
        { device_type: mine!.id, name: 'eth0', type: '1000base-t' },
        { device_type: theirs!.id, name: 'eth9', type: '1000base-t' },
      ]);
      await expect(planIntents(old.api, [deviceTypeSet('lab', [deviceType('A1')], { adopt: true })])).rejects.toThrow(/device_type_id/);
    } finally {
      await old.close();
    }
  });
});
