import { loadCatalogue } from '../catalogue/index.ts';
import type { Catalogue } from '../catalogue/index.ts';
import type { Pool } from '../db/index.ts';
import { validateIntentObject } from '../intents/index.ts';
import type { IntentKind } from '../intents/index.ts';
import type { Logger } from '../logging/index.ts';
import { readStoredIntent } from '../store/index.ts';
import type { LibraryProvider } from '../catalogue/index.ts';
import type { IntentStore, StoredIntent } from './types.ts';

/**
 * The library from a local folder, parsed once and kept: `refresh()` re-parses the folder and
 * reports whether its revision moved. Good for tests, benchmarks and development; the
 * controller's providers (Git, cached per revision) implement the same interface.
 */
export function createFolderLibraryProvider(root: string, options: { logger?: Logger } = {}): LibraryProvider {
  let loading: Promise<Catalogue> | undefined;
  const load = (): Promise<Catalogue> => loadCatalogue({ root, ...(options.logger ? { logger: options.logger } : {}) });
  return {
    current(): Promise<Catalogue> {
      loading ??= load().catch((error: unknown) => {
        // A failed load is not memoised: the next process tries again.
        loading = undefined;
        throw error;
      });
      return loading;
    },
    async refresh(): Promise<{ revision: string; changed: boolean }> {
      const before = loading ? await loading.catch(() => undefined) : undefined;
      const next = load();
      const catalogue = await next;
      loading = next;
      return { revision: catalogue.revision, changed: before?.revision !== catalogue.revision };
    },
  };
}

/**
 * Reads intents from the `intents` table, whose `spec` column holds the whole intent object
 * (apiVersion, kind, metadata, spec) as validated JSON. A row that no longer validates (the
 * schema moved on) is returned with status `invalid` and the problems as its message.
 */
export function createDbIntentStore(pool: Pool): IntentStore {
  return {
    async get(kind: IntentKind, name: string): Promise<StoredIntent | undefined> {
      const row = await readStoredIntent(pool, kind, name);
      if (!row) return undefined;
      const { intent, issues } = validateIntentObject(row.spec);
      if (!intent) {
        // Keep kind and name so the process can still say which intent is broken.
        const problems = issues.filter((i) => i.severity === 'error').map((i) => `${i.path ?? ''}: ${i.message}`);
        return {
          intent: { apiVersion: 'netbox-gitops.io/v1alpha1', kind, metadata: { name }, spec: {} } as unknown as StoredIntent['intent'],
          revision: row.revision,
          status: 'invalid',
          statusMessage: `the stored intent does not validate: ${problems.join('; ')}`,
        };
      }
      return { intent, revision: row.revision, status: row.status, statusMessage: row.statusMessage };
    },
  };
}
