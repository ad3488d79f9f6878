// The event recorder against an API server (the stand-in, or KUBECONFIG's cluster): repeats of
// one event on one object become one events.k8s.io/v1 Event whose `series` counts them, as
// client-go's recorder does (and `kubectl events` shows as "x5 over 2m"); anything that differs
// (reason, type, note, object) is an Event of its own; the per-object rate limit drops the rest.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventsV1Event } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventRecorder } from '../../controller/kubernetes/index.ts';
import type { EventRecorderOptions, IntentResource } from '../../controller/kubernetes/index.ts';
import { createLogger } from '../../controller/logging/index.ts';
import { connectCluster } from './cluster.ts';
import type { TestCluster } from './cluster.ts';

let cluster: TestCluster;
const logger = createLogger({ level: 'silent', pretty: false });

beforeAll(async () => {
  cluster = await connectCluster();
});

afterAll(async () => {
  await cluster?.close();
});

/** An object to report on (Events do not need it to exist). */
function object(name: string): IntentResource {
  return {
    apiVersion: 'netbox-gitops.io/v1alpha1',
    kind: 'VendorSet',
    metadata: { name, namespace: cluster.namespace, uid: randomUUID(), resourceVersion: '7', generation: 1 },
    spec: {},
  } as unknown as IntentResource;
}

function recorder(options: Partial<EventRecorderOptions> = {}) {
  return createEventRecorder({ api: cluster.api, instance: 'controller-test', logger, ...options });
}

const drift = { type: 'Warning', reason: 'DriftDetected', action: 'Reconcile', note: '2 objects differ from the intent (2 update)' } as const;

function microTimeMs(value: unknown): number {
  return new Date(value as string | Date).getTime();
}

describe('Event aggregation', () => {
  it('repeats of one event on one object are one Event whose series counts them', async () => {
    const events = recorder();
    const target = object('series-a');
    for (let i = 0; i < 5; i += 1) events.record(target, drift);
    await events.flush();
    const written = await cluster.events('series-a');
    expect(written).toHaveLength(1);
    const [event] = written as [EventsV1Event];
    expect(event).toMatchObject({
      type: 'Warning',
      reason: 'DriftDetected',
      action: 'Reconcile',
      note: drift.note,
      reportingController: 'netbox-gitops.io/controller',
      reportingInstance: 'controller-test',
      regarding: { kind: 'VendorSet', name: 'series-a', namespace: cluster.namespace, uid: target.metadata.uid },
    });
    expect(event.series?.count).toBe(5);
    expect(microTimeMs(event.series?.lastObservedTime)).toBeGreaterThanOrEqual(microTimeMs(event.eventTime));

    // More of the same later on: the same Event, the count goes on.
    await sleep(5);
    events.record(target, drift);
    events.record(target, drift);
    await events.flush();
    const again = await cluster.events('series-a');
    expect(again).toHaveLength(1);
    expect(again[0]?.metadata?.name).toBe(event.metadata?.name);
    expect(again[0]?.series?.count).toBe(7);
    expect(microTimeMs(again[0]?.series?.lastObservedTime)).toBeGreaterThan(microTimeMs(event.series?.lastObservedTime));
    await events.close();
  });

  it('a single event has no series; a different reason, note, type or object is an Event of its own', async () => {
    const events = recorder();
    const first = object('distinct-a');
    const second = object('distinct-b');
    events.record(first, drift);
    events.record(first, { ...drift, note: '1 object differs from the intent (1 create)' });
    events.record(first, { type: 'Normal', reason: 'ReconciliationSucceeded', action: 'Reconcile', note: 'process 1 completed' });
    events.record(second, drift);
    await events.flush();
    const onFirst = await cluster.events('distinct-a');
    expect(onFirst).toHaveLength(3);
    expect(onFirst.every((event) => event.series === undefined || event.series === null)).toBe(true);
    expect(await cluster.events('distinct-b')).toHaveLength(1);
    await events.close();
  });

  it('a repeat after the series window starts a new Event', async () => {
    const events = recorder({ seriesWindowMs: 1 });
    const target = object('window-a');
    events.record(target, drift);
    await sleep(20);
    events.record(target, drift);
    await events.flush();
    const written = await cluster.events('window-a');
    expect(written).toHaveLength(2);
    expect(new Set(written.map((event) => event.metadata?.name)).size).toBe(2);
    await events.close();
  });

  it('each object has a token bucket: past the burst new Events are dropped and counted, repeats still count on their series, other objects are not held back', async () => {
    const events = recorder({ burst: 2, refillMs: 3_600_000 });
    const flapping = object('bucket-a');
    for (let i = 0; i < 4; i += 1) events.record(flapping, { ...drift, note: `flap ${i}` });
    events.record(flapping, { ...drift, note: 'flap 0' });
    events.record(object('bucket-b'), drift);
    await events.flush();
    expect(events.dropped).toBe(2);
    const written = await cluster.events('bucket-a');
    expect(written.map((event) => event.note).sort()).toEqual(['flap 0', 'flap 1']);
    expect(written.find((event) => event.note === 'flap 0')?.series?.count).toBe(2);
    expect(await cluster.events('bucket-b')).toHaveLength(1);
    await events.close();
  });

  it('the first repeat is written at once (count 2), without waiting for the heartbeat or a flush', async () => {
    const events = recorder({ seriesHeartbeatMs: 3_600_000 });
    const target = object('first-repeat-a');
    events.record(target, drift);
    events.record(target, drift);
    const deadline = Date.now() + 10_000;
    let count: number | undefined;
    while (count !== 2 && Date.now() < deadline) {
      await sleep(50);
      count = (await cluster.events('first-repeat-a'))[0]?.series?.count;
    }
    expect(count).toBe(2);
    await events.close();
  });

  it('a note over 1 kB of UTF-8 is cut to what the API accepts, never inside a character', async () => {
    const events = recorder();
    events.record(object('long-a'), { ...drift, note: 'x'.repeat(3_000) });
    events.record(object('long-b'), { ...drift, note: `${'x'.repeat(1_000)}${'é'.repeat(100)}` });
    await events.flush();
    for (const name of ['long-a', 'long-b']) {
      const written = await cluster.events(name);
      expect(written).toHaveLength(1);
      const note = written[0]?.note ?? '';
      expect(Buffer.byteLength(note)).toBeLessThanOrEqual(1024);
      expect(note.endsWith('…')).toBe(true);
      expect(note).not.toContain('\ufffd');
    }
    await events.close();
  });
});
