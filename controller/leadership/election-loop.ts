// The leader-election loop both backends share (a Redis lock, a Kubernetes Lease): one attempt
// every period to take or keep leadership, the onElected/onDeposed hooks run one after another
// apart from the loop, a leader that cannot reach its backend steps down once its claim may have
// run out, and stop() hands the claim back so a standby takes over at once.
import type { Logger } from '../logging/index.ts';

/** How leadership is held: a Redis lock, a Lease, ... The loop decides when to call it. */
export interface LeadershipBackend {
  /**
   * Takes leadership, or keeps it when `leading` (this contender led after the last attempt).
   * Resolves true when this contender holds it now, false when another does; throws when it
   * cannot tell (the backend is unreachable).
   */
  acquireOrRenew(leading: boolean): Promise<boolean>;
  /**
   * Called once by stop(), after onDeposed: gives the claim up so a standby takes over at once.
   * `wasLeader` says whether this contender led when it stopped. Must not throw: a claim that
   * cannot be released expires on its own, which the backend logs.
   */
  release(wasLeader: boolean): Promise<void>;
}

/** The loop's log lines, written by each backend in its own words and fields. */
export interface LeadershipLog {
  /** This contender has just become leader. */
  elected(): void;
  /** Another contender holds leadership now. */
  lost(): void;
  /** An attempt failed: the backend could not tell who leads. */
  checkFailed(error: unknown): void;
  /** Attempts kept failing and the claim may have run out: this contender stops leading. */
  steppingDown?(): void;
}

export interface ElectionLoopOptions {
  /** This contender's id, as the backend records it. */
  readonly id: string;
  readonly backend: LeadershipBackend;
  /** How often to renew or try to acquire. */
  readonly periodMs: number;
  /** How long a claim lasts without renewal; a leader that cannot renew steps down `periodMs` before it may have run out. */
  readonly claimMs: number;
  /** Where a failing onElected/onDeposed is logged. */
  readonly logger?: Logger;
  readonly log?: LeadershipLog;
  /** Runs when this contender becomes leader. Renewal goes on while it runs. */
  onElected(): Promise<void>;
  /** Runs when leadership ends: lost, or given up by stop(). */
  onDeposed(): Promise<void>;
}

/** A contender for leadership; at most one contender of a backend leads at a time. */
export interface LeaderElection {
  readonly id: string;
  readonly isLeader: boolean;
  start(): void;
  /** Stops contending; a leader runs onDeposed, then the backend releases the claim so a standby takes over at once. */
  stop(): Promise<void>;
}

/** Creates a contender on `backend`; nothing is attempted until start(). */
export function createElectionLoop(options: ElectionLoopOptions): LeaderElection {
  const { id, backend, periodMs: period, claimMs } = options;
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
      const held = await backend.acquireOrRenew(leader);
      if (held) {
        lastHeld = Date.now();
        if (!leader) {
          options.log?.elected();
          transition(true);
        }
      } else if (leader) {
        options.log?.lost();
        transition(false);
      }
    } catch (error) {
      options.log?.checkFailed(error);
      // Unable to renew: once the claim may have run out, another contender may lead, so stop acting as one.
      if (leader && Date.now() - lastHeld >= claimMs - period) {
        options.log?.steppingDown?.();
        transition(false);
      }
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
      const wasLeader = leader;
      if (leader) transition(false);
      await transitions;
      await backend.release(wasLeader);
    },
  };
}
