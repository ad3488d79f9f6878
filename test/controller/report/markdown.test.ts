// Plans rendered for review. The golden files are rendered from a real plan (fixtures/plan.json):
// intents resolved against the devicetype-library snapshot, applied to the NetBox emulator, then
// edited by hand in NetBox so that the plan holds every action, with names that need escaping.
// Regenerate the fixture and the golden files after an intended change with
//   UPDATE_GOLDEN=1 npx vitest run test/controller/report/markdown.test.ts
// and read the diff before committing it.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseIntentText } from '../../../controller/intents/index.ts';
import { applyAndVerify, planIntents } from '../../../controller/reconcile/index.ts';
import type { Plan } from '../../../controller/reconcile/index.ts';
import { GITHUB_COMMENT_LIMIT, countActions, renderPlan, renderPlanMarkdown, summariseByIntent } from '../../../controller/report/index.ts';
import { resolveIntents } from '../../../controller/resolve/index.ts';
import { loadLibrary } from '../../helpers/library.ts';
import { startNetBox } from '../../helpers/netbox.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURE = path.join(HERE, 'fixtures', 'plan.json');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

/** The intents before (`next` false) and after the change the plan is for. */
const intents = (next: boolean): string => `
apiVersion: netbox-gitops.io/v1alpha1
kind: VendorSet
metadata:
  name: lab-vendors
spec:
  mode: enforce
  prune: true
  vendors: [Juniper]
  custom:
    - name: 'Acme <Lab> | "R&D"'
      slug: acme-lab-rd
${next ? '' : '    - { name: Old Vendor, slug: old-vendor }'}
---
apiVersion: netbox-gitops.io/v1alpha1
kind: DeviceTypeSet
metadata:
  name: lab-devices
spec:
  mode: enforce
  prune: true
  custom:
    - manufacturer: 'Acme <Lab> | "R&D"'
      model: 'TAP-4 *Optical* _Tap_ | <b>x</b> @team'
      slug: acme-tap-4
      part_number: ACME-TAP4
      u_height: 1
      is_full_depth: false
      interfaces:
        - { name: mgmt0, type: 1000base-t, mgmt_only: true }
        - { name: 'eth\`1\`', type: 10gbase-x-sfpp }
        - { name: eth2, type: 10gbase-x-sfpp }
      console-ports:
        - { name: Console, type: rj-45 }
${
  next
    ? ''
    : `    - manufacturer: 'Acme <Lab> | "R&D"'
      model: Retired Box
      slug: acme-retired
      u_height: 2
      is_full_depth: true`
}
---
apiVersion: netbox-gitops.io/v1alpha1
kind: DeviceTypeSet
metadata:
  name: fabric
spec:
  mode: observe
  vendors: [Arista]
  include: ['^DCS-7050CX3-32S-F$']
`;

/** Builds the real plan: apply the intents, edit NetBox by hand, change the intents, plan again. */
async function capturePlan(): Promise<Plan> {
  const catalogue = await loadLibrary();
  const resolve = (text: string) => {
    const loaded = parseIntentText(text, 'lab.yaml');
    expect(loaded.issues.filter((i) => i.severity === 'error')).toEqual([]);
    const state = resolveIntents(loaded.intents, catalogue);
    expect(state.issues.filter((i) => i.severity === 'error')).toEqual([]);
    return state.intents;
  };
  const nb = await startNetBox();
  try {
    // Juniper exists already, made by hand: unmanaged.
    await nb.client.create('manufacturers', { name: 'Juniper', slug: 'juniper' });
    const first = resolve(intents(false)).filter((i) => i.ref.name !== 'fabric');
    const applied = await applyAndVerify(nb.api, first, (await planIntents(nb.api, first)).plan);
    expect(applied.apply.failures).toEqual([]);
    const [tap] = await nb.client.list('device-types', { slug: 'acme-tap-4' });
    nb.emulator.store.mutate('device-types', tap!.id, { u_height: 2, part_number: 'HAND | EDITED <3' });
    const [eth2] = await nb.client.list('interface-templates', { device_type_id: tap!.id, name: 'eth2' });
    nb.emulator.store.mutate('interface-templates', eth2!.id, { type: '1000base-t' });
    // A device type made by hand still uses the retired vendor: deleting the vendor is blocked.
    const [old] = await nb.client.list('manufacturers', { slug: 'old-vendor' });
    nb.emulator.store.seed('device-types', [{ manufacturer: old!.id, model: 'Hand-made', slug: 'hand-made' }]);
    const { plan } = await planIntents(nb.api, resolve(intents(true)));
    return plan;
  } finally {
    await nb.close();
  }
}

let loaded: Promise<Plan> | undefined;
function fixturePlan(): Promise<Plan> {
  loaded ??= UPDATE
    ? capturePlan().then(async (plan) => {
        await writeFile(FIXTURE, `${JSON.stringify(plan, null, 2)}\n`);
        return plan;
      })
    : readFile(FIXTURE, 'utf8').then((text) => JSON.parse(text) as Plan);
  return loaded;
}

async function golden(name: string, actual: string): Promise<void> {
  const file = path.join(HERE, 'fixtures', name);
  if (UPDATE) await writeFile(file, actual);
  expect(actual).toBe(await readFile(file, 'utf8'));
}

function balanced(markdown: string): void {
  expect(markdown.split('<details>').length).toBe(markdown.split('</details>').length);
}

describe('plan as a pull-request comment', () => {
  it('renders a real plan with every action and escaped names (golden)', async () => {
    const plan = await fixturePlan();
    const actions = countActions(plan.operations);
    for (const action of ['create', 'update', 'delete', 'unmanaged', 'blocked']) expect(actions[action], action).toBeGreaterThan(0);
    const markdown = renderPlanMarkdown(plan, { marker: '<!-- netbox-gitops-plan -->' });
    await golden('plan.md', markdown);
    balanced(markdown);
    // Names from outside never reach the comment raw.
    expect(markdown).not.toContain('<b>x</b>');
    expect(markdown).not.toContain('*Optical*');
    expect(markdown).toContain('TAP-4 \\*Optical\\* \\_Tap\\_ \\| &lt;b&gt;x&lt;/b&gt; @team');
    expect(markdown).not.toMatch(/Acme <Lab>/);
    // Every table row has as many cells as its header: escaped pipes do not split cells.
    for (const table of markdown.split('\n\n').filter((block) => block.startsWith('| '))) {
      const rows = table.split('\n').map((row) => row.replace(/\\\|/g, '').split('|').length);
      expect(new Set(rows).size, table).toBe(1);
    }
  });

  it('counts per intent in the summary table', async () => {
    const plan = await fixturePlan();
    const rows = summariseByIntent(plan);
    expect(rows.map((r) => r.intent)).toEqual(['DeviceTypeSet/fabric', 'DeviceTypeSet/lab-devices', 'VendorSet/lab-vendors', '(shared)']);
    const lab = rows.find((r) => r.intent === 'DeviceTypeSet/lab-devices');
    expect(lab?.counts).toMatchObject({ create: 0, update: 2, delete: 1 });
    expect(rows.find((r) => r.intent === 'VendorSet/lab-vendors')?.counts).toMatchObject({ unmanaged: 1, blocked: 1 });
    const markdown = renderPlanMarkdown(plan);
    expect(markdown).toContain(
      `| <code>DeviceTypeSet/lab-devices</code> | enforce | 0 | 2 | 1 | ${lab?.counts.extra} | ${lab?.counts.unmanaged} | ${lab?.counts.blocked} |`,
    );
    expect(markdown).toContain('| <code>VendorSet/lab-vendors</code> | enforce | 0 | 0 | 0 | 0 | 1 | 1 |');
  });

  it('cuts long lists at the limit and says what was cut (golden)', async () => {
    const plan = await fixturePlan();
    const markdown = renderPlanMarkdown(plan, { maxLength: 3_000, limits: { templatesPerType: 2, fieldsPerObject: 3 } });
    await golden('plan-cut.md', markdown);
    expect(markdown.length).toBeLessThanOrEqual(3_000);
    expect(markdown).toMatch(/Cut to stay under 3,000 characters:\*\* not shown: .*\d+ device\/module types?/);
    expect(markdown).toMatch(/… \d+ more (fields|template changes)/);
    balanced(markdown);
  });

  it("keeps a full vendor import under GitHub's comment limit", async () => {
    const catalogue = await loadLibrary();
    const loaded = parseIntentText(
      'apiVersion: netbox-gitops.io/v1alpha1\nkind: DeviceTypeSet\nmetadata: {name: cisco}\nspec: {vendors: [Cisco], mode: enforce}\n',
      'cisco.yaml',
    );
    const intents = resolveIntents(loaded.intents, catalogue).intents;
    const nb = await startNetBox();
    try {
      const { plan } = await planIntents(nb.api, intents);
      const types = plan.operations.filter((o) => o.kind === 'device-type').length;
      expect(types).toBeGreaterThan(500);
      const markdown = renderPlanMarkdown(plan);
      expect(markdown.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
      expect(markdown.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT - 5_000);
      const cut = /not shown: (.*)\. The summary/.exec(markdown)?.[1] ?? '';
      const shownTypes = (markdown.match(/<b>create<\/b> device-type/g) ?? []).length;
      const cutTypes = Number(/(\d+) device\/module types?/.exec(cut)?.[1] ?? 0);
      const listed = /… (\d+) more types of this vendor not listed/.exec(markdown);
      expect(shownTypes + cutTypes + Number(listed?.[1] ?? 0)).toBe(types + plan.operations.filter((o) => o.kind === 'module-type').length);
      const row = summariseByIntent(plan).find((r) => r.intent === 'DeviceTypeSet/cisco');
      expect(markdown).toContain(`| <code>DeviceTypeSet/cisco</code> | enforce | ${row?.counts.create} | 0 | 0 |`);
      balanced(markdown);
    } finally {
      await nb.close();
    }
  });

  it('prints json and text too', async () => {
    const plan = await fixturePlan();
    expect(JSON.parse(renderPlan(plan, 'json'))).toEqual(plan);
    expect(renderPlan(plan, 'text')).toMatch(/Plan: \d+ to create, 2 to update/);
  });
});
