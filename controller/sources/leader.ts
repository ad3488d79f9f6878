import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { createElectionLoop } from '../leadership/index.ts';
import type { LeaderElection } from '../leadership/index.ts';
import type { Logger } from '../logging/index.ts';

export type { LeaderElection } from '../leadership/index.ts';

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

/**
 * Creates a contender for a Redis lock (SET NX PX, renewed every third of its TTL) that at most
 * one controller holds; it does nothing until start(). stop() runs a leader's onDeposed, then
 * releases the lock so a standby takes over at once.
 */
export function createLeaderElection(options: LeaderElectionOptions): LeaderElection {
  const key = options.key ?? DEFAULT_LEADER_KEY;
  const id = options.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const logger = options.logger;
  return createElectionLoop({
    id,
    backend: {
      async acquireOrRenew(leading: boolean): Promise<boolean> {
        if (leading) return Number(await options.redis.eval(RENEW, 1, key, id, String(options.ttlMs))) === 1;
        return (await options.redis.set(key, id, 'PX', options.ttlMs, 'NX')) === 'OK';
      },
      async release(): Promise<void> {
        try {
          await options.redis.eval(RELEASE, 1, key, id);
        } catch (error) {
          logger?.warn({ err: error, key }, 'could not release the leader lock; it expires on its own');
        }
      },
    },
    periodMs: Math.max(50, Math.floor(options.ttlMs / 3)),
    claimMs: options.ttlMs,
    logger,
    log: logger && {
      elected: () => logger.info({ key, id }, 'controller elected leader'),
      lost: () => logger.warn({ key, id }, 'controller leadership lost: the lock expired or was taken'),
      checkFailed: (error) => logger.warn({ err: error, key }, 'leader lock check failed'),
    },
    onElected: options.onElected,
    onDeposed: options.onDeposed,
  });
}
