/**
 * Leadership: the election loop shared by the controller's Redis leader lock
 * (controller/sources) and the Kubernetes Lease (controller/kubernetes) — acquire, renew every
 * period, lose, step down when the backend is unreachable, release on stop. Each backend says
 * only how a claim is taken, renewed and released, and what is logged.
 */
export { createElectionLoop } from './election-loop.ts';
export type { ElectionLoopOptions, LeaderElection, LeadershipBackend, LeadershipLog } from './election-loop.ts';
