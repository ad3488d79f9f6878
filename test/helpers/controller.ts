import { createController } from '../../controller/sources/index.ts';
import type { Controller, ControllerDeps } from '../../controller/sources/index.ts';
import { memoryLogger } from './logger.ts';
import { redisConfig, uniqueName } from './redis.ts';
import { waitUntil } from './wait.ts';

/** What a test gives {@link createTestController}: the controller's deps, Redis and logger optional. */
export type TestControllerDeps = Omit<ControllerDeps, 'redis' | 'logger'> & Partial<Pick<ControllerDeps, 'redis' | 'logger'>>;

/**
 * A controller on the test Redis with a leader key, schedule queue and sync channel of its own
 * (so tests sharing Redis never see each other's), a 2 s leader TTL and an in-memory debug
 * logger; `deps` overrides any of these. Nothing runs until start() ({@link startLeading}).
 */
export function createTestController(deps: TestControllerDeps): Controller {
  return createController({
    redis: redisConfig(),
    logger: memoryLogger().logger,
    leaderTtlMs: 2_000,
    leaderKey: uniqueName('leader'),
    scheduleQueue: uniqueName('schedules'),
    syncChannel: uniqueName('sync'),
    ...deps,
  });
}

/** Starts `controller` and waits (up to 15 s) until it leads; returns it. */
export async function startLeading(controller: Controller): Promise<Controller> {
  await controller.start();
  await waitUntil('leadership', () => controller.isLeader, 15_000, 50);
  return controller;
}

/** Stops `controller` (when there is one) and removes its schedule queue from Redis. */
export async function stopTestController(controller: Controller | undefined): Promise<void> {
  await controller?.stop();
  await controller?.scheduler.queue.obliterate({ force: true }).catch(() => undefined);
}
