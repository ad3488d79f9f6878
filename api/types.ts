import type { Secret } from '../controller/config/index.ts';
import type { Pool } from '../controller/db/index.ts';
import type { Logger } from '../controller/logging/index.ts';
import type { OnboardingReporter } from '../controller/onboarding/index.ts';
import type { JobCountSource } from '../controller/metrics/index.ts';
import type { LibraryProvider, WorkflowEvent, WorkflowService } from '../controller/workflow/index.ts';

/** What the API talks to. createApiDeps builds them from AppConfig; tests build their own. */
export interface ApiDeps {
  readonly pool: Pool;
  readonly workflows: WorkflowService;
  readonly logger: Logger;
  /**
   * Subscribes to the workflow engine's events (Redis pub/sub, so every API replica sees every
   * event), each process's events in commit order (`seq` 1, 2, 3...; see
   * subscribeOrderedEvents). Resolves once subscribed; the returned function unsubscribes.
   */
  subscribeEvents(handler: (event: WorkflowEvent) => void): Promise<() => Promise<void>>;
  /** Resolves when Redis answers a PING; rejects otherwise. */
  pingRedis(): Promise<void>;
  /** Asks NetBox's /api/status/; resolves with its version, rejects when NetBox is not healthy. */
  checkNetBox(): Promise<{ readonly version: string | null }>;
  /** Asks the controller to fetch and sync the intent source whose repository is `repositoryUrl` (Git webhook). */
  requestSourceSync(repositoryUrl: string): Promise<void>;
  /** The workflow queue, for the queue gauges of /metrics. */
  readonly queue?: JobCountSource;
  /** The highest migration version this build ships: /readyz waits for it. */
  readonly schemaVersion: number;
  /** The onboarding report of GET /api/v1/onboarding (NetBox against the library); absent: 503. */
  readonly onboarding?: OnboardingReporter;
  /** The devicetype-library, for the workflow forms' vendor lists and previews; the /library routes answer 503 without it. */
  readonly library?: Pick<LibraryProvider, 'current'>;
  /** When each intent's next scheduled drift check is due, by `Kind/name` (the controller's job schedulers). */
  nextChecks?(): Promise<ReadonlyMap<string, Date>>;
}

/** Tunables of the app; apiOptionsFromConfig maps AppConfig onto them. */
export interface ApiOptions {
  /** No token checks; every request acts as admin "anonymous". Local demos only. */
  readonly authDisabled?: boolean;
  /** Allowed CORS origins; none by default (no CORS headers). */
  readonly corsOrigins?: readonly string[];
  /** Largest request body in bytes; default 1 MiB. */
  readonly bodyLimit?: number;
  /** Requests per client IP and window; `max` 0 turns it off. Default 600 per minute. */
  readonly rateLimit?: { readonly max: number; readonly windowMs: number };
  readonly trustProxy?: boolean;
  /** Secret of POST /hooks/git; empty or absent turns the webhook off (503). */
  readonly gitWebhookSecret?: Secret;
  /**
   * Repositories a push may sync (the Git intent source's GIT_URL); a push for any other is
   * answered 202 with accepted: false and a reason, and nothing is requested. Default none.
   */
  readonly gitRepositories?: readonly string[];
  /** How long /health, /readyz reuse a check result; default 1,500 ms. */
  readonly healthCacheMs?: number;
  /** Timeout of each health check; default 2,000 ms. */
  readonly healthTimeoutMs?: number;
  /** How long a verified token is trusted without asking Postgres again; default 5,000 ms (revocations on other replicas take that long). */
  readonly tokenCacheMs?: number;
  /**
   * GraphQL limits. Defaults: depth 10, cost 10,000 (introspection fields and aliases counted),
   * 30 aliases and 1,000 field selections per document, 10 s per resolver, introspection on.
   */
  readonly graphql?: {
    readonly maxDepth?: number;
    readonly maxCost?: number;
    readonly maxAliases?: number;
    readonly maxFields?: number;
    readonly resolverTimeoutMs?: number;
    /** false refuses `__schema` and `__type` (production); `__typename` stays allowed. */
    readonly introspection?: boolean;
  };
  /** Register the Postgres and BullMQ gauges of /metrics; default true. */
  readonly scrapeCollectors?: boolean;
  /** Reported by /health. */
  readonly version?: string;
  /**
   * Folder of the built dashboard (web/dist), served at `/`. Absent: no dashboard routes.
   * A folder without index.html: `/` explains how to build it.
   */
  readonly webRoot?: string;
}
