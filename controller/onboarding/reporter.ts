import type { Catalogue } from '../catalogue/index.ts';
import type { NetBoxPort } from '../reconcile/index.ts';
import { generateIntents } from './init.ts';
import { readInventory } from './inventory.ts';
import type { OnboardingReport } from './types.ts';

/** A report with when it was made and how long it took. */
export interface OnboardingReportResult {
  readonly report: OnboardingReport;
  readonly generatedAt: string;
  readonly durationMs: number;
}

export interface OnboardingReporterOptions {
  /** The library to classify against (a cached provider's current catalogue). */
  readonly catalogue: () => Promise<Catalogue>;
  /** NetBox, as the engine's port. */
  readonly netbox: () => NetBoxPort;
  /** How long a report is served before the next request makes a new one; default 5 minutes. */
  readonly ttlMs?: number;
  readonly now?: () => number;
}

export interface OnboardingReporter {
  /** The cached report, or a new one when it is older than the TTL (or `refresh`). Concurrent callers share one run. */
  get(options?: { readonly refresh?: boolean }): Promise<OnboardingReportResult>;
}

/**
 * Serves the onboarding report (what `init` prints and writes) to the API. Making one reads
 * all of NetBox's catalogue, so it is cached and a request that arrives while one is being
 * made waits for that one instead of starting another.
 */
export function createOnboardingReporter(options: OnboardingReporterOptions): OnboardingReporter {
  const ttl = options.ttlMs ?? 300_000;
  const now = options.now ?? Date.now;
  let cached: { result: OnboardingReportResult; at: number } | undefined;
  let running: Promise<OnboardingReportResult> | undefined;
  const run = async (): Promise<OnboardingReportResult> => {
    const started = now();
    const [catalogue, inventory] = await Promise.all([options.catalogue(), readInventory(options.netbox())]);
    const { report } = generateIntents(inventory, catalogue);
    const result = { report, generatedAt: new Date(now()).toISOString(), durationMs: now() - started };
    cached = { result, at: now() };
    return result;
  };
  return {
    get(request = {}): Promise<OnboardingReportResult> {
      if (!request.refresh && cached && now() - cached.at < ttl) return Promise.resolve(cached.result);
      running ??= run().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}
