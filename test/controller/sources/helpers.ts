// What only the source tests share; what tests of other folders use too (temp folders, the test
// Redis, intent YAML, a controller fixture) is in test/helpers/.
import { execFileSync } from 'node:child_process';
import type { IntentRef, ReconcileRequester, ReconcileRequestOptions } from '../../../controller/sources/index.ts';

export interface RecordedRequest {
  readonly ref: IntentRef;
  readonly options: ReconcileRequestOptions | undefined;
}

/**
 * Records the reconcile requests the controller makes and passes each on to `delegate` (the
 * real workflow service) when given; without one it only records, for tests about which
 * intents are asked for rather than what the engine does with them.
 */
export function recordingRequester(
  delegate?: ReconcileRequester,
): ReconcileRequester & { readonly requests: RecordedRequest[]; keys(): string[]; clear(): void } {
  const requests: RecordedRequest[] = [];
  return {
    requests,
    async requestReconcile(ref: IntentRef, options?: ReconcileRequestOptions): Promise<unknown> {
      requests.push({ ref, options });
      return delegate ? delegate.requestReconcile(ref, options) : { id: `${ref.kind}/${ref.name}` };
    },
    keys: () => requests.map((request) => `${request.ref.kind}/${request.ref.name}`),
    clear: () => {
      requests.length = 0;
    },
  };
}

/** Runs git with a fixed identity and `main` as the default branch. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
}
