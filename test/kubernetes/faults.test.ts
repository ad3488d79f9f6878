// What a real API server does to a controller, through the stand-in's side door: watches that
// drop or are refused for a while, `410 Gone` (an ERROR event after compaction, or the HTTP
// status), and a leader that can no longer reach the API server. Each case changes objects while
// the controller cannot see them and checks that nothing is lost. Fault injection needs the
// stand-in: against a real cluster (KUBECONFIG) these cases are skipped.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { manufacturerSlugs as manufacturerSlugsIn } from '../helpers/netbox.ts';
import { waitUntil } from '../helpers/wait.ts';
import type { StandInApiServer } from '../kube-apiserver/index.ts';
import { LEASE_DURATION_MS, RETRY_PERIOD_MS, readyAtGeneration, startKubeFixture, vendorSet } from './fixture.ts';
import type { ControllerHandle, KubeFixture } from './fixture.ts';

/** Against a real cluster (KUBECONFIG) there is no side door: these cases are skipped. */
const real = (inject('kubeconfig') ?? '') !== '';
/** How long a reconcile may take here; below the test timeout, so a timeout names what it waited for. */
const WAIT = 30_000;
let fx: KubeFixture;
let leader: ControllerHandle;

function standIn(): StandInApiServer {
  const server = fx.cluster.standIn;
  if (!server) throw new Error('fault injection needs the stand-in API server');
  return server;
}

function restarts(handle: ControllerHandle): number {
  return (handle.watcher()?.health().informers ?? []).reduce((sum, informer) => sum + informer.restarts, 0);
}

function manufacturerSlugs(prefix: string): Promise<string[]> {
  return manufacturerSlugsIn(fx.engine.nb.emulator, prefix);
}

/** Refuses every watch of our kinds (503) until clearFaults(): the informers cannot reconnect. */
function refuseWatches(): void {
  standIn().fail({ method: 'GET', path: '/netbox-gitops.io/', watch: true, status: 503, count: Number.POSITIVE_INFINITY, message: 'injected: watch refused' });
}

const watching = (handle: ControllerHandle) => (): boolean => handle.watcher()?.health().healthy === true;

beforeAll(async () => {
  if (real) return;
  fx = await startKubeFixture();
  leader = await fx.startController('controller-first');
  await waitUntil('the first controller leads and watches', () => leader.controller.isLeader && watching(leader)());
});

afterEach(() => {
  // A failed case must not leave the next one without watches.
  fx?.cluster.standIn?.clearFaults();
});

afterAll(async () => {
  await fx?.close();
});

describe.skipIf(real)('watch faults: nothing changed while the watch was down is lost', () => {
  it('a watch connection reset, then refused for a while: the informer restarts with backoff from its resourceVersion and sees every change', async () => {
    await fx.cluster.create(vendorSet('drop-a', 1));
    await fx.waitFor('VendorSet', 'drop-a', 'to be Ready', (r) => readyAtGeneration(r, 1), WAIT);
    const before = restarts(leader);

    refuseWatches();
    expect(standIn().dropWatches('reset')).toBeGreaterThan(0);
    await waitUntil('the watcher reports its watches down (readiness)', () => !watching(leader)());
    // Changed while nobody watches: a spec change and a new object.
    await fx.cluster.patch('VendorSet', 'drop-a', { spec: { custom: vendorSet('drop-a', 2).spec.custom } });
    await fx.cluster.create(vendorSet('drop-b', 1));
    // What /readyz reports meanwhile.
    expect(leader.watcher()?.health().problems.join('; ')).toMatch(/VendorSet: .+/);

    standIn().clearFaults();
    await fx.waitFor('VendorSet', 'drop-a', 'to be Ready at generation 2', (r) => readyAtGeneration(r, 2), WAIT);
    await fx.waitFor('VendorSet', 'drop-b', 'to be Ready', (r) => readyAtGeneration(r, 1), WAIT);
    expect(await manufacturerSlugs('drop-a-')).toEqual(['drop-a-0', 'drop-a-1']);
    expect(await manufacturerSlugs('drop-b-')).toEqual(['drop-b-0']);
    await waitUntil('the watcher is healthy again', watching(leader));
    expect(restarts(leader)).toBeGreaterThan(before);
  });

  it('a watch that goes silent without ending (half-open connection) is given up after its timeout and resumed: the change is reconciled', async () => {
    await fx.cluster.create(vendorSet('silent-a', 1));
    await fx.waitFor('VendorSet', 'silent-a', 'to be Ready', (r) => readyAtGeneration(r, 1), WAIT);
    const { watches } = { ...standIn().stats };
    expect(standIn().stallWatches()).toBeGreaterThan(0);
    // Nothing reaches the stalled watches; the server will not end them either.
    await fx.cluster.patch('VendorSet', 'silent-a', { spec: { custom: vendorSet('silent-a', 2).spec.custom } });
    await fx.waitFor('VendorSet', 'silent-a', 'to be Ready at generation 2', (r) => readyAtGeneration(r, 2), WAIT);
    expect(standIn().stats.watches).toBeGreaterThan(watches);
    expect(await manufacturerSlugs('silent-a-')).toEqual(['silent-a-0', 'silent-a-1']);
  });

  it('410 Gone after compaction (an ERROR event on the watch): the informer relists and finds changes, new objects and deletions', async () => {
    await fx.cluster.create(vendorSet('gone-a', 1));
    await fx.waitFor('VendorSet', 'gone-a', 'to be Ready', (r) => readyAtGeneration(r, 1), WAIT);

    refuseWatches();
    standIn().dropWatches('close');
    await waitUntil('the watcher reports its watches down', () => !watching(leader)());
    await fx.cluster.patch('VendorSet', 'gone-a', { spec: { custom: vendorSet('gone-a', 2).spec.custom } });
    await fx.cluster.create(vendorSet('gone-b', 1));
    // Deleted meanwhile: it waits on our finalizer, which only a controller that sees it releases.
    await fx.cluster.remove('VendorSet', 'drop-b');
    const { expired, lists } = { ...standIn().stats };
    // The history the informer would resume from is gone: its watch gets 410 and it must relist.
    standIn().compact();

    standIn().clearFaults();
    await fx.waitFor('VendorSet', 'gone-a', 'to be Ready at generation 2', (r) => readyAtGeneration(r, 2), WAIT);
    await fx.waitFor('VendorSet', 'gone-b', 'to be Ready', (r) => readyAtGeneration(r, 1), WAIT);
    await fx.waitFor('VendorSet', 'drop-b', 'to be gone (finalizer released)', (r) => r === undefined, WAIT);
    expect(standIn().stats.expired).toBeGreaterThan(expired);
    expect(standIn().stats.lists).toBeGreaterThan(lists);
    expect(await manufacturerSlugs('gone-a-')).toEqual(['gone-a-0', 'gone-a-1']);
    await waitUntil('the watcher is healthy again', watching(leader));
  });

  it('410 Gone as the HTTP status of the watch request: relisted at once, the change is reconciled', async () => {
    refuseWatches();
    standIn().dropWatches('close');
    await waitUntil('the watcher reports its watches down', () => !watching(leader)());
    await fx.cluster.patch('VendorSet', 'gone-b', { spec: { custom: vendorSet('gone-b', 2).spec.custom } });
    const { lists } = { ...standIn().stats };
    standIn().clearFaults();
    standIn().fail({ method: 'GET', path: '/vendorsets', watch: true, status: 410, message: 'too old resource version' });
    await fx.waitFor('VendorSet', 'gone-b', 'to be Ready at generation 2', (r) => readyAtGeneration(r, 2), WAIT);
    expect(standIn().stats.lists).toBeGreaterThan(lists);
    expect(await manufacturerSlugs('gone-b-')).toEqual(['gone-b-0', 'gone-b-1']);
    await waitUntil('the watcher is healthy again', watching(leader));
  });
});

describe.skipIf(real)('two controllers on one Lease', () => {
  it('only the leader watches and reconciles; when it stops renewing, the other takes over once the lease ran out and reconciles; a graceful stop hands over at once', async () => {
    const api = fx.cluster.api;
    const namespace = fx.cluster.namespace;
    const standby = await fx.startController('controller-second');
    // A few retry periods: the standby sees a Lease that is being renewed and keeps out.
    await sleep(RETRY_PERIOD_MS * 4);
    expect(standby.controller.isLeader).toBe(false);
    expect(standby.watcher()).toBeUndefined();
    expect((await api.getLease(namespace, fx.leaseName))?.spec?.holderIdentity).toBe(leader.identity);

    await fx.cluster.create(vendorSet('lead-a', 1));
    await fx.waitFor('VendorSet', 'lead-a', 'to be Ready', (r) => readyAtGeneration(r, 1), WAIT);
    await leader.watcher()?.events.flush();
    const firstEvents = await fx.cluster.events('lead-a');
    expect(firstEvents.length).toBeGreaterThan(0);
    expect(new Set(firstEvents.map((event) => event.reportingInstance))).toEqual(new Set([leader.identity]));
    // The standby never even watched.
    expect(standIn().stats.watchesByUser[standby.identity] ?? 0).toBe(0);

    // The leader's node is cut off: it can neither renew the Lease nor release it.
    standIn().partition(leader.identity, true);
    const held = await api.getLease(namespace, fx.leaseName);
    expect(held?.spec?.holderIdentity).toBe(leader.identity);
    // Created while the leader is unreachable and nobody else leads yet.
    await fx.cluster.create(vendorSet('lead-b', 1));

    await waitUntil('the standby takes the Lease', () => standby.controller.isLeader, LEASE_DURATION_MS * 10);
    const taken = await api.getLease(namespace, fx.leaseName);
    expect(taken?.spec?.holderIdentity).toBe(standby.identity);
    expect(taken?.spec?.leaseTransitions).toBe((held?.spec?.leaseTransitions ?? 0) + 1);
    // Not before the old holder's claim ran out (measured from its last renewal): never two leaders.
    const lastRenewal = new Date(held?.spec?.renewTime ?? 0).getTime();
    const acquired = new Date(taken?.spec?.acquireTime ?? 0).getTime();
    expect(acquired - lastRenewal).toBeGreaterThanOrEqual(LEASE_DURATION_MS);
    console.info(`takeover: ${acquired - lastRenewal} ms after the last renewal (lease ${LEASE_DURATION_MS} ms, retry ${RETRY_PERIOD_MS} ms)`);
    // The cut-off leader stepped down on its own once it could not renew within the duration.
    await waitUntil('the old leader steps down', () => !leader.controller.isLeader, LEASE_DURATION_MS * 5);

    await fx.waitFor('VendorSet', 'lead-b', 'to be Ready (reconciled by the new leader)', (r) => readyAtGeneration(r, 1), WAIT);
    await fx.cluster.patch('VendorSet', 'lead-a', { spec: { custom: vendorSet('lead-a', 2).spec.custom } });
    await fx.waitFor('VendorSet', 'lead-a', 'to be Ready at generation 2', (r) => readyAtGeneration(r, 2), WAIT);
    expect(await manufacturerSlugs('lead-a-')).toEqual(['lead-a-0', 'lead-a-1']);
    await standby.watcher()?.events.flush();
    const laterEvents = await fx.cluster.events('lead-b');
    expect(laterEvents.length).toBeGreaterThan(0);
    expect(new Set(laterEvents.map((event) => event.reportingInstance))).toEqual(new Set([standby.identity]));

    // Back on the network, the old leader sees a Lease that is renewed and stands by.
    standIn().partition(leader.identity, false);
    await sleep(RETRY_PERIOD_MS * 4);
    expect(leader.controller.isLeader).toBe(false);
    expect(standby.controller.isLeader).toBe(true);
    expect((await api.getLease(namespace, fx.leaseName))?.spec?.holderIdentity).toBe(standby.identity);

    // A graceful stop (SIGTERM, rolling update) releases the Lease: the other takes over without
    // waiting for the lease duration to run out.
    await standby.stop();
    const released = await api.getLease(namespace, fx.leaseName);
    expect(released?.spec?.holderIdentity ?? '').toBe('');
    await waitUntil('the first controller leads again', () => leader.controller.isLeader && watching(leader)(), LEASE_DURATION_MS * 10);
    const retaken = await api.getLease(namespace, fx.leaseName);
    expect(retaken?.spec?.holderIdentity).toBe(leader.identity);
    const gap = new Date(retaken?.spec?.acquireTime ?? 0).getTime() - new Date(released?.spec?.renewTime ?? 0).getTime();
    console.info(`takeover after release: ${gap} ms (lease ${LEASE_DURATION_MS} ms, retry ${RETRY_PERIOD_MS} ms)`);
    expect(gap).toBeLessThan(LEASE_DURATION_MS);
    await fx.cluster.patch('VendorSet', 'lead-b', { spec: { custom: vendorSet('lead-b', 2).spec.custom } });
    await fx.waitFor('VendorSet', 'lead-b', 'to be Ready at generation 2 (reconciled by the first controller again)', (r) => readyAtGeneration(r, 2), WAIT);
  });
});
