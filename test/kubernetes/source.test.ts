// The Kubernetes intent source end to end: custom resources applied to a cluster (the stand-in
// API server, or a real cluster with `KUBECONFIG=... npm run test:kubernetes`), a controller
// with the Kubernetes source, a real worker, Postgres, Redis and the NetBox emulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINALIZER, RECONCILE_REQUESTED_ANNOTATION, readyOf, statusOf } from '../../controller/kubernetes/index.ts';
import { conflictNote, syncIntents } from '../../controller/sources/index.ts';
import { validateIntentObject } from '../../controller/intents/index.ts';
import { runCli } from '../helpers/cli.ts';
import { manufacturerSlugs as manufacturerSlugsIn } from '../helpers/netbox.ts';
import { conditionOf, readyAtGeneration, startKubeFixture, vendorSet } from './fixture.ts';
import type { ControllerHandle, KubeFixture } from './fixture.ts';

let fx: KubeFixture;
let leader: ControllerHandle;

function manufacturerSlugs(prefix: string): Promise<string[]> {
  return manufacturerSlugsIn(fx.engine.nb.emulator, prefix);
}

async function statusWrites(): Promise<number> {
  const stats = fx.cluster.standIn?.stats.byVerb ?? {};
  return (stats['PATCH vendorsets/status'] ?? 0) + (stats['PATCH devicetypesets/status'] ?? 0);
}

beforeAll(async () => {
  fx = await startKubeFixture();
  leader = await fx.startController('controller-main');
  await new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + 30_000;
    const check = (): void => {
      if (leader.controller.isLeader && leader.controller.health().ready) resolve();
      else if (Date.now() > deadline) reject(new Error(`the controller did not become a ready leader: ${JSON.stringify(leader.controller.health())}`));
      else setTimeout(check, 50);
    };
    check();
  });
});

afterAll(async () => {
  await fx?.close();
});

describe('a VendorSet applied to the cluster', () => {
  it('is reconciled through the workflow engine: Ready=True, drift 0, finalizer, status fields, Events', async () => {
    await fx.cluster.create(vendorSet('apply-a', 2));
    const resource = await fx.waitFor('VendorSet', 'apply-a', 'to be Ready', (r) => readyAtGeneration(r, 1));
    expect(resource?.metadata.finalizers).toContain(FINALIZER);
    const status = resource?.status;
    expect(status?.drift).toEqual({ total: 0, create: 0, update: 0, delete: 0, unmanaged: 0, blocked: 0 });
    expect(status?.lastProcessId).toMatch(/^[0-9a-f-]{36}$/);
    expect(status?.lastAppliedLibraryRevision).toBeTruthy();
    expect(status?.lastReconcileTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(readyOf(status)).toMatchObject({ status: 'True', reason: 'ReconciliationSucceeded', observedGeneration: 1 });
    expect(readyOf(status)?.lastTransitionTime).toMatch(/Z$/);
    expect(conditionOf(status, 'Stalled')).toBeUndefined();
    expect(await manufacturerSlugs('apply-a-')).toEqual(['apply-a-0', 'apply-a-1']);
    // The intent is stored like a Git one: its own source, the revision names generation, resourceVersion and uid.
    const row = await fx.engine.db.pool.query<{ source: string; revision: string; status: string }>(
      `SELECT source, revision, status FROM intents WHERE kind = 'VendorSet' AND name = 'apply-a'`,
    );
    expect(row.rows[0]).toMatchObject({ source: `kubernetes:${fx.cluster.namespace}/apply-a`, status: 'active' });
    expect(row.rows[0]?.revision).toMatch(/^generation=1,resourceVersion=\d+,uid=[0-9a-f-]+$/);
    const process = await fx.engine.service.getProcess(status?.lastProcessId ?? '');
    expect(process).toMatchObject({ status: 'completed', createdBy: 'kubernetes', intent: { kind: 'VendorSet', name: 'apply-a' } });
    await leader.watcher()?.events.flush();
    const reasons = (await fx.cluster.events('apply-a')).map((event) => event.reason);
    expect(reasons).toEqual(expect.arrayContaining(['ReconciliationStarted', 'ReconciliationSucceeded']));
  });

  it('does not write an unchanged status again (no hot loop)', async () => {
    if (fx.cluster.real) return;
    const watcher = leader.watcher();
    await watcher?.idle();
    const before = await statusWrites();
    const resourceVersion = (await fx.cluster.get('VendorSet', 'apply-a'))?.metadata.resourceVersion;
    watcher?.resync();
    await watcher?.idle();
    watcher?.resync();
    await watcher?.idle();
    expect(await statusWrites()).toBe(before);
    expect((await fx.cluster.get('VendorSet', 'apply-a'))?.metadata.resourceVersion).toBe(resourceVersion);
  });
});

describe('changes', () => {
  it('reconciles a new generation when the spec changes', async () => {
    await fx.cluster.create(vendorSet('change-b', 1));
    await fx.waitFor('VendorSet', 'change-b', 'to be Ready', (r) => readyAtGeneration(r, 1));
    const first = (await fx.cluster.get('VendorSet', 'change-b'))?.status?.lastProcessId;
    const custom = [...(vendorSet('change-b', 2).spec.custom as unknown[])];
    const patched = await fx.cluster.patch('VendorSet', 'change-b', { spec: { custom } });
    expect(patched.metadata.generation).toBe(2);
    const resource = await fx.waitFor('VendorSet', 'change-b', 'to be Ready at generation 2', (r) => readyAtGeneration(r, 2));
    expect(resource?.status?.lastProcessId).not.toBe(first);
    expect(await manufacturerSlugs('change-b-')).toEqual(['change-b-0', 'change-b-1']);
    // Metadata changes do not make a new generation, and so no reconcile.
    const labelled = await fx.cluster.patch('VendorSet', 'change-b', { metadata: { labels: { team: 'network' } } });
    expect(labelled.metadata.generation).toBe(2);
  });

  it("reconciles on the reconcile-requested-at annotation (netbox-gitops reconcile), keeping Ready's lastTransitionTime while Ready stays True", async () => {
    const before = await fx.cluster.get('VendorSet', 'change-b');
    const readyBefore = readyOf(before?.status);
    const run = await runCli(['reconcile', 'VendorSet/change-b', '--wait', '--timeout', '60'], {
      KUBECONFIG: fx.cluster.kubeconfigPath,
      WATCH_NAMESPACE: fx.cluster.namespace,
    });
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/VendorSet .*\/change-b: reconcile requested at /);
    expect(run.out).toMatch(/NAME\s+READY\s+MODE\s+DRIFT\s+AGE\nchange-b\s+True\s+enforce\s+0\s+/);
    const after = await fx.cluster.get('VendorSet', 'change-b');
    const requestedAt = after?.metadata.annotations?.[RECONCILE_REQUESTED_ANNOTATION];
    expect(requestedAt).toBeTruthy();
    expect(after?.status?.lastHandledReconcileAt).toBe(requestedAt);
    expect(after?.status?.lastProcessId).not.toBe(before?.status?.lastProcessId);
    expect(readyOf(after?.status)?.status).toBe('True');
    expect(readyOf(after?.status)?.lastTransitionTime).toBe(readyBefore?.lastTransitionTime);
    const processes = await fx.engine.service.listProcesses({ intentKind: 'VendorSet', intentName: 'change-b' });
    expect(processes.items.some((p) => String(p.state.reason).includes(`reconcile requested at ${requestedAt}`))).toBe(true);
  });

  it('does not reconcile a suspended object, and says so', async () => {
    await fx.cluster.create(vendorSet('paused-c', 1, { suspend: true }));
    const resource = await fx.waitFor('VendorSet', 'paused-c', 'to report Suspended', (r) => readyOf(r?.status)?.reason === 'Suspended');
    expect(readyOf(resource?.status)).toMatchObject({ status: 'Unknown', observedGeneration: 1 });
    expect(readyOf(resource?.status)?.message).toContain('spec.suspend is true');
    const processes = await fx.engine.service.listProcesses({ intentKind: 'VendorSet', intentName: 'paused-c' });
    expect(processes.items).toEqual([]);
    expect(await manufacturerSlugs('paused-c-')).toEqual([]);
  });
});

describe('invalid specs', () => {
  it('are refused by the API server when the CRD schema can say why (kubectl apply fails)', async () => {
    const error = await fx.cluster.create({ kind: 'VendorSet', metadata: { name: 'bad-type' }, spec: { vendors: 42 } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(statusOf(error)).toBe(422);
    expect(String((error as { body?: unknown }).body)).toContain('spec.vendors');
    const cel = await fx.cluster.create(vendorSet('bad-both', 1, { interval: '5m', schedule: '0 * * * *' })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(statusOf(cel)).toBe(422);
    expect(String((cel as { body?: unknown }).body)).toContain('set either interval or schedule, not both');
  });

  it('get Ready=False, reason InvalidSpec naming the field, and never reach NetBox, when only our validation refuses them', async () => {
    await fx.cluster.create({ kind: 'DeviceTypeSet', metadata: { name: 'bad-regex' }, spec: { vendors: ['Arista'], include: ['(['] } });
    const resource = await fx.waitFor('DeviceTypeSet', 'bad-regex', 'to be InvalidSpec', (r) => readyOf(r?.status)?.reason === 'InvalidSpec');
    expect(readyOf(resource?.status)).toMatchObject({ status: 'False', observedGeneration: 1 });
    expect(readyOf(resource?.status)?.message).toContain('spec.include[0]');
    expect(conditionOf(resource?.status, 'Stalled')).toMatchObject({ status: 'True', reason: 'InvalidSpec' });
    const processes = await fx.engine.service.listProcesses({ intentKind: 'DeviceTypeSet', intentName: 'bad-regex' });
    expect(processes.items).toEqual([]);
    await leader.watcher()?.events.flush();
    const events = await fx.cluster.events('bad-regex');
    expect(events.find((event) => event.reason === 'InvalidSpec')).toMatchObject({ type: 'Warning', action: 'Validate' });
    // Fixed: reconciled.
    await fx.cluster.patch('DeviceTypeSet', 'bad-regex', { spec: { include: ['^DCS-7050SX3-48YC8$'] } });
    const fixed = await fx.waitFor('DeviceTypeSet', 'bad-regex', 'to be Ready', (r) => readyAtGeneration(r, 2), 90_000);
    expect(conditionOf(fixed?.status, 'Stalled')).toBeUndefined();
  });
});

describe('the same kind/name from two sources', () => {
  it('is an error on both; the other source keeps it, and this object takes over once it is gone', async () => {
    const pool = fx.engine.db.pool;
    const folder = 'folder:test-intents';
    const { intent } = validateIntentObject({
      apiVersion: 'netbox-gitops.io/v1alpha1',
      kind: 'VendorSet',
      metadata: { name: 'twice-d' },
      spec: { mode: 'observe', custom: [{ name: 'Twice', slug: 'twice-d-0' }] },
    });
    const loaded = { intent: intent!, file: 'twice.yaml', line: 1, column: 1, documentIndex: 0, locate: () => undefined };
    await syncIntents(pool, folder, { revision: 'r1', intents: [loaded], invalid: [], unattributed: [], warnings: [] });
    await fx.cluster.create(vendorSet('twice-d', 1));
    const resource = await fx.waitFor('VendorSet', 'twice-d', 'to report DuplicateIntent', (r) => readyOf(r?.status)?.reason === 'DuplicateIntent');
    expect(readyOf(resource?.status)?.message).toContain(`also defined by ${folder}`);
    const row = await pool.query<{ source: string; status_message: string | null }>(
      `SELECT source, status_message FROM intents WHERE kind = 'VendorSet' AND name = 'twice-d'`,
    );
    expect(row.rows[0]).toEqual({ source: folder, status_message: conflictNote(`kubernetes:${fx.cluster.namespace}/twice-d`) });
    // The folder drops it: the custom resource takes the intent over and is reconciled.
    await syncIntents(pool, folder, { revision: 'r2', intents: [], invalid: [], unattributed: [], warnings: [] });
    await fx.waitFor('VendorSet', 'twice-d', 'to be Ready', (r) => readyAtGeneration(r, 1));
    const taken = await pool.query<{ source: string; status_message: string | null }>(
      `SELECT source, status_message FROM intents WHERE kind = 'VendorSet' AND name = 'twice-d'`,
    );
    expect(taken.rows[0]).toEqual({ source: `kubernetes:${fx.cluster.namespace}/twice-d`, status_message: null });
  });
});

describe('deletion', () => {
  it('with prune: true deletes the objects the intent owns, reports those in use, then releases the finalizer', async () => {
    await fx.cluster.create(vendorSet('prune-e', 3, { prune: true }));
    await fx.waitFor('VendorSet', 'prune-e', 'to be Ready', (r) => readyAtGeneration(r, 1));
    expect(await manufacturerSlugs('prune-e-')).toEqual(['prune-e-0', 'prune-e-1', 'prune-e-2']);
    // A device type made by hand keeps one manufacturer in use.
    const { url, token } = fx.engine.nb.emulator;
    const headers = { authorization: `Token ${token}`, 'content-type': 'application/json', accept: 'application/json' };
    const makers = (await (await fetch(`${url}/api/dcim/manufacturers/?slug=prune-e-2`, { headers })).json()) as { results: { id: number }[] };
    const made = await fetch(`${url}/api/dcim/device-types/`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ manufacturer: makers.results[0]?.id, model: 'Hand Made', slug: 'hand-made' }),
    });
    expect(made.status).toBe(201);
    await fx.cluster.remove('VendorSet', 'prune-e');
    await fx.waitFor('VendorSet', 'prune-e', 'to be gone', (r) => r === undefined, 90_000);
    expect(await manufacturerSlugs('prune-e-')).toEqual(['prune-e-2']);
    await leader.watcher()?.events.flush();
    const events = await fx.cluster.events('prune-e');
    expect(events.find((event) => event.reason === 'PruneBlocked')?.note).toContain('prune-e-2');
    const row = await fx.engine.db.pool.query<{ status: string }>(`SELECT status FROM intents WHERE kind = 'VendorSet' AND name = 'prune-e'`);
    expect(row.rows[0]?.status).toBe('removed');
  });

  it('without prune releases the finalizer and leaves NetBox as it is', async () => {
    await fx.cluster.create(vendorSet('keep-f', 1));
    await fx.waitFor('VendorSet', 'keep-f', 'to be Ready', (r) => readyAtGeneration(r, 1));
    await fx.cluster.remove('VendorSet', 'keep-f');
    await fx.waitFor('VendorSet', 'keep-f', 'to be gone', (r) => r === undefined);
    expect(await manufacturerSlugs('keep-f-')).toEqual(['keep-f-0']);
  });
});

describe('netbox-gitops get', () => {
  it('lists the intents of every source with Ready, Mode, Drift and Age', async () => {
    const run = await runCli(['get', '-o', 'wide'], { DATABASE_URL: fx.engine.db.url });
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^KIND\s+NAME\s+READY\s+MODE\s+DRIFT\s+AGE\s+SOURCE\s+STATUS\s+REASON\s+MESSAGE\n/);
    expect(run.out).toMatch(
      new RegExp(`VendorSet\\s+apply-a\\s+True\\s+enforce\\s+0\\s+\\S+\\s+kubernetes:${fx.cluster.namespace}/apply-a\\s+active\\s+ReconciliationSucceeded`),
    );
    expect(run.out).toMatch(/DeviceTypeSet\s+bad-regex\s+True/);
    expect(run.out).toMatch(/VendorSet\s+paused-c\s+Unknown\s+enforce\s+0\s+\S+\s+\S+\s+suspended\s+Suspended/);
    const json = JSON.parse((await runCli(['get', 'vs', '-o', 'json'], { DATABASE_URL: fx.engine.db.url })).out) as { kind: string }[];
    expect(json.length).toBeGreaterThan(0);
    expect(json.every((entry) => entry.kind === 'VendorSet')).toBe(true);
  });
});
