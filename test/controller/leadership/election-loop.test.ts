// The election loop both leader locks run on, against a backend the test steers: who leads after
// each attempt, when a leader that cannot reach its backend steps down, what stop() hands back.
import { describe, expect, it } from 'vitest';
import { createElectionLoop } from '../../../controller/leadership/index.ts';
import type { LeaderElection, LeadershipBackend } from '../../../controller/leadership/index.ts';
import { memoryLogger } from '../../helpers/logger.ts';
import { waitUntil } from '../../helpers/wait.ts';

interface SteeredBackend extends LeadershipBackend {
  /** What the next attempts answer: hold, lose, or throw. */
  answer: 'hold' | 'lose' | 'fail';
  readonly attempts: boolean[];
  readonly released: boolean[];
}

function steeredBackend(): SteeredBackend {
  const backend: SteeredBackend = {
    answer: 'hold',
    attempts: [],
    released: [],
    async acquireOrRenew(leading: boolean): Promise<boolean> {
      backend.attempts.push(leading);
      if (backend.answer === 'fail') throw new Error('backend unreachable');
      return backend.answer === 'hold';
    },
    async release(wasLeader: boolean): Promise<void> {
      backend.released.push(wasLeader);
    },
  };
  return backend;
}

function contender(backend: LeadershipBackend, events: string[], claimMs = 1_000): LeaderElection {
  return createElectionLoop({
    id: 'me',
    backend,
    periodMs: 50,
    claimMs,
    log: {
      elected: () => events.push('log: elected'),
      lost: () => events.push('log: lost'),
      checkFailed: () => events.push('log: check failed'),
      steppingDown: () => events.push('log: stepping down'),
    },
    onElected: async () => {
      events.push('elected');
    },
    onDeposed: async () => {
      events.push('deposed');
    },
  });
}

describe('the election loop', () => {
  it('leads after a held attempt, renews as the leader, and on stop runs onDeposed before the backend releases', async () => {
    const backend = steeredBackend();
    const events: string[] = [];
    const election = contender(backend, events);
    expect(backend.attempts).toEqual([]);
    election.start();
    await waitUntil('leadership', () => election.isLeader, 5_000, 10);
    await waitUntil('two renewals', () => backend.attempts.length >= 3, 5_000, 10);
    expect(backend.attempts.slice(0, 3)).toEqual([false, true, true]);
    await election.stop();
    expect(election.isLeader).toBe(false);
    expect(events).toEqual(['log: elected', 'elected', 'deposed']);
    expect(backend.released).toEqual([true]);
    const attempts = backend.attempts.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(backend.attempts).toHaveLength(attempts);
  });

  it('steps down when another holds the claim, and leads again when it is free', async () => {
    const backend = steeredBackend();
    const events: string[] = [];
    const election = contender(backend, events);
    election.start();
    await waitUntil('leadership', () => election.isLeader, 5_000, 10);
    backend.answer = 'lose';
    await waitUntil('losing', () => !election.isLeader, 5_000, 10);
    backend.answer = 'hold';
    await waitUntil('leading again', () => election.isLeader, 5_000, 10);
    await election.stop();
    expect(events).toEqual(['log: elected', 'elected', 'log: lost', 'deposed', 'log: elected', 'elected', 'deposed']);
  });

  it('a leader that cannot reach its backend keeps leading until its claim may have run out, then steps down', async () => {
    const backend = steeredBackend();
    const events: string[] = [];
    const election = contender(backend, events, 1_000);
    election.start();
    await waitUntil('leadership', () => election.isLeader, 5_000, 10);
    backend.answer = 'fail';
    await waitUntil('a failed check', () => events.includes('log: check failed'), 5_000, 5);
    expect(election.isLeader).toBe(true);
    await waitUntil('stepping down', () => !election.isLeader, 5_000, 5);
    // Not at the first failure: only once the claim (1 s, renewed every 50 ms) may have run out.
    expect(events.filter((event) => event === 'log: check failed').length).toBeGreaterThan(1);
    expect(events.slice(-2)).toEqual(['log: stepping down', 'deposed']);
    await election.stop();
    expect(backend.released).toEqual([false]);
  });

  it('logs a failing onElected and goes on renewing', async () => {
    const backend = steeredBackend();
    const { logger, lines } = memoryLogger();
    const election = createElectionLoop({
      id: 'me',
      backend,
      periodMs: 50,
      claimMs: 1_000,
      logger,
      onElected: async () => {
        throw new Error('duties would not start');
      },
      onDeposed: async () => undefined,
    });
    election.start();
    await waitUntil('the failure logged', () => lines.some((line) => line.includes('starting the leader duties failed')), 5_000, 10);
    await waitUntil('a renewal after it', () => backend.attempts.filter(Boolean).length >= 2, 5_000, 10);
    expect(election.isLeader).toBe(true);
    await election.stop();
  });
});
