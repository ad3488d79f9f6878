// A pruning intent's first reconcile, before its ownership tag exists in NetBox: the snapshot
// must not filter by that tag (NetBox answers 400 "Select a valid choice" to an unknown tag).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { applyAndVerify, driftCount, planIntents } from '../../../controller/reconcile/index.ts';
import { startNetBox } from '../../helpers/netbox.ts';
import type { NetBoxFixture } from '../../helpers/netbox.ts';
import { vendorSet } from './fixtures.ts';

let nb: NetBoxFixture;
beforeAll(async () => {
  nb = await startNetBox();
});
afterAll(async () => {
  await nb.close();
});

it('plans a new prune: true intent while NetBox holds manufacturers outside its scope', async () => {
  // Another manufacturer makes the scope partial, so types are read by manufacturer and by owner tag.
  nb.emulator.store.seed('manufacturers', [{ name: 'Someone Else', slug: 'someone-else' }]);
  const intents = [vendorSet('fresh', [{ slug: 'fresh-0', name: 'Fresh 0' }], { prune: true, mode: 'enforce' })];
  const { plan } = await planIntents(nb.api, intents);
  expect(
    plan.operations
      .filter((op) => op.action === 'create')
      .map((op) => op.identity)
      .sort(),
  ).toEqual(['fresh-0', 'nbg-vendorset-fresh', 'netbox-gitops']);
  const result = await applyAndVerify(nb.api, intents, plan);
  expect(result.apply.failures).toEqual([]);
  expect(driftCount(result.verify)).toBe(0);
});
