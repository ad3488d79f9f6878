import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from '../logging/index.ts';

export const DEFAULT_LEADER_KEY = 'netbox-gitops:controller:leader';

// Renew and release only a lock we still hold: another controller may own it after an expiry.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface LeaderElectionOptions {
  readonly redis: Redis;
  /** Default {@link DEFAULT_LEADER_KEY}; tests use their own. */
  readonly key?: string;
  /** Lock lifetime without renewal: a standby takes over at most this long after the leader died. */
  readonly ttlMs: number;
  /** This contender's id in the lock's value; default host, pid and a random suffix. */
  readonly id?: string;
  readonly logger?: Logger;
  /** Runs when this contender becomes leader. Renewal goes on while it runs. */
  onElected(): Promise<void>;
  /** Runs when leadership ends: lost, or given up by stop(). */
  onDeposed(): Promise<void>;
}

/** A Redis lock (SET NX PX, renewed every third of its TTL) that at most one controller holds. */
export interface LeaderElection {
  readonly id: string;
  readonly isLeader: boolean;
  start(): void;
  /** Stops contending; a leader runs onDeposed, then releases the lock so a standby takes over at once. */
  stop(): Promise<void>;
}

/** Creates a contender; it does nothing until start(). */
export function createLeaderElection(options: LeaderElectionOptions): LeaderElection {
  const key = options.key ?? DEFAULT_LEADER_KEY;
  const id = options.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const period = Math.max(50, Math.floor(options.ttlMs / 3));
  let leader = false;
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let lastHeld = 0;
  let tickDone: Promise<void> = Promise.resolve();
  // onElected/onDeposed run one after another, apart from the renew loop.
  let transitions: Promise<void> = Promise.resolve();

  const transition = (to: boolean): void => {
    leader = to;
    const hook = to ? options.onElected : options.onDeposed;
    transitions = transitions.then(hook).catch((error: unknown) => {
      options.logger?.error({ err: error, leader: to }, to ? 'starting the leader duties failed' : 'stopping the leader duties failed');
    });
  };

  const tick = async (): Promise<void> => {
    try {
      if (leader) {
        const renewed = Number(await options.redis.eval(RENEW, 1, key, id, String(options.ttlMs)));
        if (renewed === 1) lastHeld = Date.now();
        else {
          options.logger?.warn({ key, id }, 'controller leadership lost: the lock expired or was taken');
          transition(false);
        }
      } else {
        const acquired = await options.redis.set(key, id, 'PX', options.ttlMs, 'NX');
        if (acquired === 'OK') {
          lastHeld = Date.now();
          options.logger?.info({ key, id }, 'controller elected leader');
          transition(true);
        }
      }
    } catch (error) {
      options.logger?.warn({ err: error, key }, 'leader lock check failed');
      // Unable to renew: once the lock may have expired, another controller may lead, so stop acting as one.
      if (leader && Date.now() - lastHeld >= options.ttlMs - period) transition(false);
    }
  };

  const loop = (): void => {
    if (!running) return;
    tickDone = tick().finally(() => {
      if (running) timer = setTimeout(loop, period);
    });
  };

  return {
    id,
    get isLeader(): boolean {
      return leader;
    },
    start(): void {
      if (running) return;
      running = true;
      loop();
    },
    async stop(): Promise<void> {
      running = false;
      if (timer) clearTimeout(timer);
      await tickDone;
      if (leader) transition(false);
      await transitions;
      try {
        await options.redis.eval(RELEASE, 1, key, id);
      } catch (error) {
        options.logger?.warn({ err: error, key }, 'could not release the leader lock; it expires on its own');
      }
    },
  };
}
