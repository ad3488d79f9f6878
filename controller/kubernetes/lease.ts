// Leader election on a coordination.k8s.io/v1 Lease, the way client-go's leaderelection does
// it: the holder renews every retry period; a contender takes over only after it has seen the
// record unchanged for a whole lease duration (measured on its own clock, so clock skew
// between nodes does not matter); stop() releases the Lease so a standby takes over at once.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { V1MicroTime } from '@kubernetes/client-node';
import type { V1Lease } from '@kubernetes/client-node';
import { createElectionLoop } from '../leadership/index.ts';
import type { LeaderElection } from '../leadership/index.ts';
import type { Logger } from '../logging/index.ts';
import { statusOf } from './client.ts';
import type { KubernetesApi } from './client.ts';

export interface LeaseElectionOptions {
  readonly api: KubernetesApi;
  readonly namespace: string;
  readonly name: string;
  /** This contender's holderIdentity; default host name plus a random suffix. */
  readonly identity?: string;
  /** How long a holder's claim lasts without renewal (the Lease's leaseDurationSeconds, rounded up). */
  readonly leaseDurationMs: number;
  /** How often to renew or try to acquire; default a fifth of the lease duration. */
  readonly retryPeriodMs?: number;
  readonly logger?: Logger;
  /** Runs when this contender becomes leader. Renewal goes on while it runs. */
  onElected(): Promise<void>;
  /** Runs when leadership ends: lost, or given up by stop(). */
  onDeposed(): Promise<void>;
}

/**
 * The same surface as the Redis leader lock of controller/sources (one election loop serves both):
 * stop() runs a leader's onDeposed, then releases the Lease so a standby takes over at once.
 */
export type LeaseElection = LeaderElection;

function timeOf(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/** Creates a contender; nothing is requested until start(). */
export function createLeaseElection(options: LeaseElectionOptions): LeaseElection {
  const id = options.identity ?? `${hostname()}-${randomUUID().slice(0, 8)}`;
  const durationSeconds = Math.max(1, Math.ceil(options.leaseDurationMs / 1000));
  const durationMs = durationSeconds * 1000;
  const period = Math.max(50, options.retryPeriodMs ?? Math.floor(durationMs / 5));
  const log = options.logger?.child({ lease: `${options.namespace}/${options.name}`, identity: id });
  /** The record as last seen and when (our clock), to judge expiry without trusting other clocks. */
  let observed: { key: string; at: number } | undefined;

  const claim = (lease: V1Lease | undefined, now: Date): V1Lease => {
    const spec = lease?.spec ?? {};
    const holding = spec.holderIdentity === id;
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: options.name,
        namespace: options.namespace,
        ...(lease?.metadata?.resourceVersion ? { resourceVersion: lease.metadata.resourceVersion } : {}),
      },
      spec: {
        holderIdentity: id,
        leaseDurationSeconds: durationSeconds,
        acquireTime: holding && spec.acquireTime ? spec.acquireTime : new V1MicroTime(now.getTime()),
        renewTime: new V1MicroTime(now.getTime()),
        leaseTransitions: holding ? (spec.leaseTransitions ?? 0) : lease === undefined ? 0 : (spec.leaseTransitions ?? 0) + 1,
      },
    };
  };

  /** True when we hold the Lease after this attempt. */
  const tryAcquireOrRenew = async (): Promise<boolean> => {
    const now = new Date();
    const lease = await options.api.getLease(options.namespace, options.name);
    if (lease === undefined) {
      try {
        await options.api.createLease(options.namespace, claim(undefined, now));
        return true;
      } catch (error) {
        if (statusOf(error) === 409) return false; // another contender created it first
        throw error;
      }
    }
    const spec = lease.spec ?? {};
    const key = `${spec.holderIdentity ?? ''}|${String(timeOf(spec.renewTime) ?? '')}|${lease.metadata?.resourceVersion ?? ''}`;
    if (observed?.key !== key) observed = { key, at: now.getTime() };
    const holder = spec.holderIdentity ?? '';
    const lastDuration = (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
    if (holder !== '' && holder !== id && observed.at + lastDuration > now.getTime()) return false;
    try {
      await options.api.replaceLease(options.namespace, claim(lease, now));
      return true;
    } catch (error) {
      if (statusOf(error) === 409) return false; // renewed or taken by someone else in between
      throw error;
    }
  };

  return createElectionLoop({
    id,
    backend: {
      acquireOrRenew: tryAcquireOrRenew,
      async release(wasLeader: boolean): Promise<void> {
        if (!wasLeader) return;
        try {
          // Released as client-go does: no holder, so a standby acquires on its next try.
          const lease = await options.api.getLease(options.namespace, options.name);
          if (lease?.spec?.holderIdentity === id) {
            await options.api.replaceLease(options.namespace, {
              ...lease,
              spec: { ...lease.spec, holderIdentity: undefined, leaseDurationSeconds: 1, renewTime: new V1MicroTime(Date.now()) },
            });
            log?.info('Lease released');
          }
        } catch (error) {
          log?.warn({ err: error }, 'could not release the Lease; it expires on its own');
        }
      },
    },
    periodMs: period,
    claimMs: durationMs,
    logger: log,
    log: log && {
      elected: () => log.info('elected leader (Lease acquired)'),
      lost: () => log.warn('leadership lost: the Lease is held by another controller'),
      checkFailed: (error) => log.warn({ err: error }, 'Lease check failed'),
      steppingDown: () => log.warn('could not renew the Lease within its duration; stepping down'),
    },
    onElected: options.onElected,
    onDeposed: options.onDeposed,
  });
}
