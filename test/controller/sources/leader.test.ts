import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFolderIntentSource, createLeaderElection, requestSourceSync } from '../../../controller/sources/index.ts';
import type { Controller, IntentSource } from '../../../controller/sources/index.ts';
import { createTestController, startLeading, stopTestController } from '../../helpers/controller.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import type { TestDatabase } from '../../helpers/database.ts';
import { tempDir, writeFile } from '../../helpers/files.ts';
import { vendorSetYaml } from '../../helpers/intents.ts';
import { connectRedis, uniqueName } from '../../helpers/redis.ts';
import { waitUntil } from '../../helpers/wait.ts';
import { recordingRequester } from './helpers.ts';

let db: TestDatabase;
let folder: ReturnType<typeof tempDir>;
let redis: Redis;

beforeAll(async () => {
  db = await createTestDatabase();
  folder = tempDir('sources-leader-');
  writeFile(folder.path, 'a.yaml', vendorSetYaml('a'));
  redis = connectRedis();
});

afterAll(async () => {
  await redis?.quit();
  await db?.drop();
  folder?.remove();
});

/** A folder source that counts its syncs (loads). */
function countingSource(): IntentSource & { loads: number } {
  const inner = createFolderIntentSource({ dir: folder.path });
  const counted = {
    ...inner,
    // Polled, not watched, so syncs happen only when asked for.
    watch: undefined,
    loads: 0,
    load: async () => {
      counted.loads += 1;
      return inner.load();
    },
  };
  return counted;
}

describe('leader election', () => {
  it('with two controllers only one leads and syncs; when it stops the other takes over', async () => {
    const names = { leaderKey: uniqueName('leader'), scheduleQueue: uniqueName('schedules'), syncChannel: uniqueName('sync') };
    const sources = [countingSource(), countingSource()];
    const requesters = [recordingRequester(), recordingRequester()];
    const controllers: Controller[] = sources.map((source, index) =>
      createTestController({
        pool: db.pool,
        requester: requesters[index]!,
        sources: [source],
        pollIntervalMs: 3_600_000,
        leaderTtlMs: 1_500,
        instanceId: `controller-${index}`,
        ...names,
      }),
    );
    try {
      await Promise.all(controllers.map((controller) => controller.start()));
      await waitUntil('a leader', () => controllers.some((controller) => controller.isLeader), 15_000, 50);
      // Several renew periods in which the standby keeps trying.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const leaderIndex = controllers.findIndex((controller) => controller.isLeader);
      const standbyIndex = 1 - leaderIndex;
      expect(controllers.filter((controller) => controller.isLeader)).toHaveLength(1);
      expect(await redis.get(names.leaderKey)).toBe(`controller-${leaderIndex}`);
      expect(sources[leaderIndex]!.loads).toBe(1);
      expect(sources[standbyIndex]!.loads).toBe(0);
      expect(await controllers[standbyIndex]!.syncNow()).toEqual([]);

      // A webhook that reached the standby is forwarded to the leader over Redis.
      await controllers[standbyIndex]!.triggerSourceSync();
      await waitUntil('the forwarded sync', () => sources[leaderIndex]!.loads === 2, 10_000, 50);
      expect(sources[standbyIndex]!.loads).toBe(0);

      await controllers[leaderIndex]!.stop();
      await waitUntil('the standby taking over', () => controllers[standbyIndex]!.isLeader, 10_000, 50);
      expect(await redis.get(names.leaderKey)).toBe(`controller-${standbyIndex}`);
      expect(sources[standbyIndex]!.loads).toBe(1);
    } finally {
      for (const controller of controllers) await controller.stop();
      await controllers[0]!.scheduler.queue.obliterate({ force: true }).catch(() => undefined);
    }
  });

  it('a standby takes over within the TTL when the leader dies without releasing the lock', async () => {
    const key = uniqueName('leader');
    const events: string[] = [];
    const contender = (id: string, client: Redis): ReturnType<typeof createLeaderElection> =>
      createLeaderElection({
        redis: client,
        key,
        ttlMs: 900,
        id,
        onElected: async () => {
          events.push(`${id} elected`);
        },
        onDeposed: async () => {
          events.push(`${id} deposed`);
        },
      });
    const firstClient = connectRedis();
    firstClient.on('error', () => undefined);
    const first = contender('first', firstClient);
    first.start();
    await waitUntil('first elected', () => first.isLeader, 5_000, 50);
    const second = contender('second', redis);
    second.start();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(second.isLeader).toBe(false);

    // The leader loses Redis as a dead or partitioned process would: no renewal, no release.
    firstClient.disconnect();
    await waitUntil('second taking over after the TTL', () => second.isLeader, 5_000, 50);
    await waitUntil('first stepping down on its own', () => !first.isLeader, 5_000, 50);
    expect(await redis.get(key)).toBe('second');
    expect(events).toEqual(expect.arrayContaining(['first elected', 'first deposed', 'second elected']));
    expect(events.indexOf('first elected')).toBe(0);
    await first.stop();
    await second.stop();
    expect(await redis.get(key)).toBeNull();
  });

  it('requestSourceSync from another process reaches the leader', async () => {
    const channel = uniqueName('sync');
    const source = countingSource();
    const controller = createTestController({
      pool: db.pool,
      requester: recordingRequester(),
      sources: [source],
      pollIntervalMs: 3_600_000,
      leaderTtlMs: 1_500,
      syncChannel: channel,
    });
    try {
      await startLeading(controller);
      expect(source.loads).toBe(1);
      await requestSourceSync(redis, undefined, channel);
      await waitUntil('the requested sync', () => source.loads === 2, 10_000, 50);
    } finally {
      await stopTestController(controller);
    }
  });
});
