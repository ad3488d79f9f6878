// The Kubernetes source as a duty of the controller: a fresh watcher for every term as leader.
import type { LeaderDuty } from '../sources/index.ts';
import { createIntentWatcher } from './watcher.ts';
import type { IntentWatcher, IntentWatcherOptions } from './watcher.ts';

/** The watcher options less what the controller provides when it starts the duty. */
export type KubernetesSourceOptions = Omit<IntentWatcherOptions, 'onIntentsChanged'>;

/** A LeaderDuty that watches VendorSets/DeviceTypeSets while this controller leads. */
export function createKubernetesSource(options: KubernetesSourceOptions): LeaderDuty & { readonly current: IntentWatcher | undefined } {
  let watcher: IntentWatcher | undefined;
  return {
    name: 'kubernetes',
    get current(): IntentWatcher | undefined {
      return watcher;
    },
    async start({ scheduler }): Promise<void> {
      watcher = createIntentWatcher({ ...options, onIntentsChanged: () => scheduler.syncSchedules().then(() => undefined) });
      await watcher.start();
    },
    async stop(): Promise<void> {
      const current = watcher;
      watcher = undefined;
      await current?.stop();
      await current?.events.close();
    },
    health() {
      return watcher?.health() ?? { healthy: false, problems: ['the Kubernetes watcher is not running'] };
    },
  };
}
