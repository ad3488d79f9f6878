import { z } from 'zod';
import { ConfigurationError } from '../errors/index.ts';
import { Secret } from './secret.ts';

/** Environment variables that hold credentials: their values are never echoed in errors. */
const SECRET_VARIABLES = new Set([
  'NETBOX_TOKEN',
  'DATABASE_PASSWORD',
  'DATABASE_URL',
  'REDIS_PASSWORD',
  'REDIS_URL',
  'GIT_TOKEN',
  'GIT_URL',
  'GIT_WEBHOOK_SECRET',
  'NOTIFY_WEBHOOK_URL',
  'NOTIFY_WEBHOOK_SECRET',
]);

/** Events a notification can be sent for; NOTIFY_EVENTS and Notification resources name them. */
export const NOTIFICATION_EVENTS = ['drift.detected', 'drift.resolved', 'reconcile.failed', 'prune.blocked', 'library.upgrade_available'] as const;
export type NotificationEventType = (typeof NOTIFICATION_EVENTS)[number];
/** Payload shapes a notification channel can send. */
export const NOTIFICATION_FORMATS = ['json', 'slack', 'teams'] as const;
export type NotificationFormat = (typeof NOTIFICATION_FORMATS)[number];
/** Variables holding secrets that Notification resources refer to by name (`urlFrom: {secret: SLACK}` → NOTIFY_SECRET_SLACK). */
const NOTIFY_SECRET_PREFIX = 'NOTIFY_SECRET_';

/** `N/duration`, e.g. `3/15m`: at most N notifications per channel, event and intent in that window; `0` turns the limit off. */
const rateLimitText = z
  .string()
  .trim()
  .refine((v) => v === '0' || /^\d+\/((\d+h)?(\d+m)?(\d+s)?)$/.test(v), { message: 'expects N/duration, e.g. 3/15m (0 turns the limit off)' })
  .transform((v) => {
    if (v === '0') return { max: 0, windowMs: 0 };
    const [max, window] = v.split('/') as [string, string];
    const [, h = '0', m = '0', sec = '0'] = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(window) ?? [];
    return { max: Number(max), windowMs: ((Number(h) * 60 + Number(m)) * 60 + Number(sec)) * 1000 };
  })
  .refine((v) => v.max === 0 || v.windowMs >= 1000, { message: 'expects a window of at least 1s' });

const eventList = z
  .string()
  .trim()
  .transform((v) =>
    v === '' || v === 'all'
      ? [...NOTIFICATION_EVENTS]
      : v
          .split(',')
          .map((e) => e.trim())
          .filter(Boolean),
  )
  .refine((list) => list.every((e) => (NOTIFICATION_EVENTS as readonly string[]).includes(e)), {
    message: `expects "all" or a comma-separated list of ${NOTIFICATION_EVENTS.join(', ')}`,
  }) as unknown as z.ZodType<NotificationEventType[], string>;

const booleanText = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off', ''].includes(v), {
    message: 'expects true or false',
  })
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const port = z.coerce
  .number({ message: 'expects a TCP port number (1-65535)' })
  .int({ message: 'expects a TCP port number (1-65535)' })
  .min(1, { message: 'expects a TCP port number (1-65535)' })
  .max(65535, { message: 'expects a TCP port number (1-65535)' });

const positiveInt = (what: string): z.ZodType<number, string> =>
  z.coerce
    .number({ message: `expects ${what}` })
    .int({ message: `expects ${what}` })
    .positive({ message: `expects ${what}` }) as unknown as z.ZodType<number, string>;

const url = (what: string): z.ZodType<string, string> =>
  z
    .string()
    .trim()
    .refine((v) => URL.canParse(v), { message: `expects ${what}` });

/** `30s`, `5m`, `1h`, `1h30m` or a plain number of seconds, in milliseconds. */
const duration = z
  .string()
  .trim()
  .refine((v) => /^\d+(\.\d+)?$/.test(v) || (/^(\d+h)?(\d+m)?(\d+s)?$/.test(v) && v !== ''), {
    message: 'expects a duration such as 30s, 5m, 1h30m or a number of seconds',
  })
  .transform((v) => {
    if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
    const [, h = '0', m = '0', sec = '0'] = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(v) ?? [];
    return ((Number(h) * 60 + Number(m)) * 60 + Number(sec)) * 1000;
  })
  .refine((ms) => ms >= 1000, { message: 'expects a duration of at least 1s' }) as unknown as z.ZodType<number, string>;

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const envSchema = z.object({
  DATABASE_URL: url('a postgres:// URL').optional(),
  DATABASE_HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_PORT: port.default(5432),
  DATABASE_NAME: z.string().min(1).default('netbox_gitops'),
  DATABASE_USER: z.string().min(1).default('postgres'),
  DATABASE_PASSWORD: z.string().default(''),
  DATABASE_POOL_SIZE: positiveInt('a positive number of connections').default(10),

  REDIS_URL: url('a redis:// URL').optional(),
  REDIS_HOST: z.string().min(1).default('127.0.0.1'),
  REDIS_PORT: port.default(6379),
  REDIS_DATABASE: z.coerce
    .number({ message: 'expects a Redis database number (0-15)' })
    .int({ message: 'expects a Redis database number (0-15)' })
    .min(0, { message: 'expects a Redis database number (0-15)' })
    .default(0),
  REDIS_PASSWORD: z.string().default(''),

  NETBOX_URL: url('an http(s):// URL of NetBox, e.g. https://netbox.example.com').optional(),
  NETBOX_TOKEN: z.string().default(''),
  NETBOX_VERIFY_SSL: booleanText.default(true),
  NETBOX_TIMEOUT: z.coerce
    .number({ message: 'expects a positive number of seconds' })
    .positive({ message: 'expects a positive number of seconds' })
    .default(30),
  NETBOX_PAGE_SIZE: positiveInt('a positive page size (NetBox caps it at MAX_PAGE_SIZE, 1000 by default)').default(1000),
  NETBOX_WRITE_CHUNK: positiveInt('a positive number of objects per bulk write').default(500),
  NETBOX_CONCURRENCY: positiveInt('a positive number of requests in flight').default(4),
  NETBOX_WRITE_CONCURRENCY: positiveInt('a positive number of bulk writes in flight (keep it below the number of NetBox workers)').default(2),
  NETBOX_MAX_RETRIES: z.coerce
    .number({ message: 'expects a number of retries (0 or more)' })
    .int({ message: 'expects a number of retries (0 or more)' })
    .min(0, { message: 'expects a number of retries (0 or more)' })
    .default(5),
  NETBOX_OUTAGE_BUDGET: duration.default(15 * 60_000),

  DEBUG: booleanText.default(false),
  LOG_LEVEL: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(LOG_LEVELS, { message: `expects one of ${LOG_LEVELS.join(', ')}` }))
    .optional(),
  CORS_ORIGINS: z.string().default(''),

  INTENTS_PATH: z.string().min(1).default('intents'),
  LIBRARY_PATH: z.string().min(1).default('devicetype-library'),
  LIBRARY_GIT_URL: z.string().optional(),
  LIBRARY_GIT_REF: z.string().default('master'),
  LIBRARY_PIN: z
    .string()
    .trim()
    .regex(/^(sha256:[0-9a-f]{64}|[^-\s~^:?*[\\][^\s~^:?*[\\]*)$/, {
      message: 'expects a Git ref (tag, branch, commit SHA) or a content revision sha256:<64 hex digits>',
    })
    .optional(),
  CACHE_DIR: z.string().min(1).default('.cache'),

  // Sources and scheduling (`netbox-gitops controller`).
  INTENTS_SOURCE: z.enum(['folder', 'git', 'kubernetes'], { message: 'expects folder, git or kubernetes' }).default('folder'),
  GIT_URL: z.string().trim().min(1).optional(),
  GIT_BRANCH: z.string().trim().min(1).default('main'),
  GIT_PATH: z.string().trim().default(''),
  GIT_TOKEN: z.string().default(''),
  GIT_SSH_KEY_PATH: z.string().trim().min(1).optional(),
  GIT_INTERVAL: duration.default(60_000),
  LIBRARY_REFRESH_INTERVAL: duration.default(300_000),
  CONTROLLER_LEADER_TTL: duration.default(15_000),

  // Kubernetes (INTENTS_SOURCE=kubernetes, `netbox-gitops reconcile`, `get`).
  WATCH_NAMESPACE: z
    .string()
    .trim()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'expects a namespace name (a DNS-1123 label), or empty for all namespaces' })
    .max(63, { message: 'expects a namespace name of at most 63 characters' })
    .optional(),
  KUBECONFIG: z.string().trim().min(1).optional(),
  KUBERNETES_SERVICE_HOST: z.string().trim().min(1).optional(),
  POD_NAME: z.string().trim().min(1).max(128).optional(),
  POD_NAMESPACE: z.string().trim().min(1).max(63).optional(),
  KUBERNETES_LEASE_NAME: z
    .string()
    .trim()
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { message: 'expects a Lease name (a DNS-1123 subdomain)' })
    .default('netbox-gitops-controller'),
  KUBERNETES_RESYNC_INTERVAL: duration.default(300_000),
  HEALTH_PORT: z.coerce
    .number({ message: 'expects a TCP port number (0 turns the controller health server off)' })
    .int({ message: 'expects a TCP port number (0 turns the controller health server off)' })
    .min(0, { message: 'expects a TCP port number (0 turns the controller health server off)' })
    .max(65535, { message: 'expects a TCP port number (0 turns the controller health server off)' })
    .default(8081),

  // Workflow engine (`netbox-gitops worker`).
  WORKFLOW_QUEUE: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, { message: 'expects a queue name: letters, digits, "_", "." and "-" (no ":")' })
    .default('netbox-gitops'),
  WORKFLOW_STALLED_INTERVAL_MS: positiveInt('a positive number of milliseconds between stalled-job checks').default(30_000),
  WORKFLOW_LOCK_DURATION_MS: positiveInt('a positive number of milliseconds a worker holds a job lock').default(30_000),

  // API (`netbox-gitops api`) and metrics.
  API_HOST: z.string().trim().min(1).default('0.0.0.0'),
  API_PORT: port.default(8080),
  API_BODY_LIMIT: positiveInt('a positive number of bytes (request bodies above it get 413)').default(1_048_576),
  API_RATE_LIMIT: z.coerce
    .number({ message: 'expects a number of requests per window and client (0 turns the limit off)' })
    .int({ message: 'expects a number of requests per window and client (0 turns the limit off)' })
    .min(0, { message: 'expects a number of requests per window and client (0 turns the limit off)' })
    .default(600),
  API_RATE_LIMIT_WINDOW: duration.default(60_000),
  API_TRUST_PROXY: booleanText.default(false),
  AUTH_DISABLED: booleanText.default(false),
  GIT_WEBHOOK_SECRET: z.string().default(''),
  GRAPHQL_INTROSPECTION: booleanText.default(true),
  GRAPHQL_MAX_ALIASES: positiveInt('a positive number of aliases per GraphQL document').default(30),
  GRAPHQL_RESOLVER_TIMEOUT: duration.default(10_000),

  // Notifications (sent by workers and the controller).
  NOTIFY_WEBHOOK_URL: url('an http(s):// URL to POST notifications to').optional(),
  NOTIFY_WEBHOOK_FORMAT: z.enum(NOTIFICATION_FORMATS, { message: `expects one of ${NOTIFICATION_FORMATS.join(', ')}` }).default('json'),
  NOTIFY_WEBHOOK_SECRET: z.string().default(''),
  NOTIFY_EVENTS: eventList.default([...NOTIFICATION_EVENTS]),
  NOTIFY_RATE_LIMIT: rateLimitText.default({ max: 3, windowMs: 900_000 }),
  NOTIFY_MAX_ATTEMPTS: positiveInt('a positive number of delivery attempts').default(6),
  NOTIFY_TIMEOUT: duration.default(10_000),
  DASHBOARD_URL: url('the http(s):// URL of the dashboard, for links in notifications').optional(),

  METRICS_PORT: z.coerce
    .number({ message: 'expects a TCP port number (0 turns the worker metrics server off)' })
    .int({ message: 'expects a TCP port number (0 turns the worker metrics server off)' })
    .min(0, { message: 'expects a TCP port number (0 turns the worker metrics server off)' })
    .max(65535, { message: 'expects a TCP port number (0 turns the worker metrics server off)' })
    .default(9464),
});

/** The whole typed configuration; built once by {@link loadConfig} in each entry file. */
export interface AppConfig {
  readonly debug: boolean;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly corsOrigins: readonly string[];
  /** Whether DATABASE_URL or DATABASE_HOST was set: only then does `apply` record its process. */
  readonly databaseConfigured: boolean;
  readonly database: {
    readonly host: string;
    readonly port: number;
    readonly name: string;
    readonly user: string;
    readonly password: Secret;
    readonly poolSize: number;
  };
  readonly redis: {
    readonly host: string;
    readonly port: number;
    readonly db: number;
    readonly password: Secret;
  };
  readonly netbox: {
    readonly url: string | undefined;
    readonly token: Secret;
    readonly verifySsl: boolean;
    readonly timeoutMs: number;
    readonly pageSize: number;
    /** Largest bulk write; the engine sizes chunks below it from measured NetBox speed. */
    readonly writeChunk: number;
    /** Requests in flight (reads), and the client's connection pool. */
    readonly concurrency: number;
    /** Bulk writes in flight at most; NetBox queues requests beyond its gunicorn workers. */
    readonly writeConcurrency: number;
    readonly maxRetries: number;
    /** NETBOX_OUTAGE_BUDGET: how long a worker's process waits for NetBox while it is down before failing. */
    readonly outageBudgetMs: number;
  };
  readonly intentsPath: string;
  readonly library: {
    readonly path: string;
    readonly gitUrl: string | undefined;
    readonly gitRef: string;
    /** The installation's pin (LIBRARY_PIN): reconciles use the library at this ref; newer revisions are previewed, not applied. */
    readonly pin: string | undefined;
  };
  readonly cacheDir: string;
  /** Where the controller reads intents from: a local folder (intentsPath), the Git repository in `git`, or custom resources (`kubernetes`). */
  readonly intentsSource: 'folder' | 'git' | 'kubernetes';
  /** The intent Git repository (INTENTS_SOURCE=git). */
  readonly git: {
    /** Never logged as is: it may carry credentials; see redactUrl. */
    readonly url: string | undefined;
    readonly branch: string;
    /** Folder inside the repository that holds the intents; '' for the whole repository. */
    readonly path: string;
    /** https token, put into the URL for the fetch only. */
    readonly token: Secret;
    readonly sshKeyPath: string | undefined;
    readonly intervalMs: number;
  };
  /** How often the controller re-checks the library source for a new revision. */
  readonly libraryRefreshIntervalMs: number;
  /** How long a controller's leader lock (Redis, or the Kubernetes Lease) lives without renewal; a standby takes over within it. */
  readonly controllerLeaderTtlMs: number;
  /** The Kubernetes intent source and the commands that talk to a cluster. */
  readonly kubernetes: {
    /** Namespace whose VendorSets and DeviceTypeSets are watched; undefined for all namespaces. */
    readonly watchNamespace: string | undefined;
    /** A kubeconfig file; when unset, the in-cluster service account (inside a pod) or ~/.kube/config. */
    readonly kubeconfig: string | undefined;
    /** Running inside a pod (KUBERNETES_SERVICE_HOST is set). */
    readonly inCluster: boolean;
    /** This controller's identity in the Lease: the pod name, else the host name. */
    readonly identity: string | undefined;
    /** Namespace of the Lease: the pod's, else the watched one, else `default`. */
    readonly leaseNamespace: string;
    readonly leaseName: string;
    /** How often every custom resource is looked at again, events or not. */
    readonly resyncIntervalMs: number;
  };
  /** Port of the controller's /livez and /readyz (readiness follows the watches); 0 turns it off. */
  readonly healthPort: number;
  /** The workflow engine's BullMQ queue, and how fast the job of a dead worker is taken over. */
  readonly workflow: {
    readonly queue: string;
    /** How often workers look for jobs whose lock expired (a dead worker's). */
    readonly stalledIntervalMs: number;
    /** How long a job lock lives without renewal; a live worker renews it at half this. */
    readonly lockDurationMs: number;
  };
  /** The HTTP API (`netbox-gitops api`). */
  readonly api: {
    readonly host: string;
    readonly port: number;
    /** Largest request body in bytes; larger ones are refused with 413. */
    readonly bodyLimit: number;
    /** Requests per client (IP) and window, per API replica; 0 turns rate limiting off. */
    readonly rateLimit: { readonly max: number; readonly windowMs: number };
    /** Trust X-Forwarded-For from a proxy in front (for the client IP of rate limits and logs). */
    readonly trustProxy: boolean;
    /** Turns token checks off (local demos only); the API logs a loud warning at start. */
    readonly authDisabled: boolean;
    /** Shared secret of the Git webhook (POST /hooks/git); empty turns the webhook off. */
    readonly gitWebhookSecret: Secret;
    /** GraphQL: introspection allowed (turn off in production), aliases per document, time per resolver. */
    readonly graphql: { readonly introspection: boolean; readonly maxAliases: number; readonly resolverTimeoutMs: number };
  };
  /** Port of the worker's own /metrics server (Prometheus scrapes every worker); 0 turns it off. */
  readonly metricsPort: number;
  /** Outgoing notifications: the channel configured in the environment, delivery settings, secrets Notification resources name. */
  readonly notifications: {
    /** NOTIFY_WEBHOOK_URL's channel, when set. */
    readonly webhook:
      | {
          readonly url: Secret;
          readonly format: NotificationFormat;
          /** HMAC-SHA256 key of the X-NetBox-GitOps-Signature header; empty sends no signature. */
          readonly secret: Secret;
          readonly events: readonly NotificationEventType[];
          readonly rateLimit: { readonly max: number; readonly windowMs: number };
        }
      | undefined;
    readonly maxAttempts: number;
    readonly timeoutMs: number;
    /** Base URL of the dashboard; notifications link to its intent pages. */
    readonly dashboardUrl: string | undefined;
    /** NOTIFY_SECRET_<NAME> values by NAME. */
    readonly secrets: ReadonlyMap<string, Secret>;
  };
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parses the environment into an {@link AppConfig}. Every invalid variable is reported in one
 * ConfigurationError naming the variable and what it expects; secret values are never echoed.
 */
export function loadConfig(env: Env): AppConfig {
  const relevant = Object.fromEntries(
    Object.keys(envSchema.shape)
      .filter((key) => env[key] !== undefined && env[key] !== '')
      .map((key) => [key, env[key]]),
  );
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? '');
      const got = SECRET_VARIABLES.has(variable) ? '' : ` (got ${JSON.stringify(env[variable])})`;
      return `${variable} ${issue.message}${got}`;
    });
    const first = String(parsed.error.issues[0]?.path[0] ?? '');
    throw new ConfigurationError(`Invalid configuration: ${lines.join('; ')}`, first);
  }
  const e = parsed.data;
  const database = e.DATABASE_URL ? parseDatabaseUrl(e.DATABASE_URL) : undefined;
  const redis = e.REDIS_URL ? parseRedisUrl(e.REDIS_URL) : undefined;
  return {
    debug: e.DEBUG,
    logLevel: e.LOG_LEVEL ?? (e.DEBUG ? 'debug' : 'info'),
    corsOrigins: e.CORS_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    databaseConfigured: relevant.DATABASE_URL !== undefined || relevant.DATABASE_HOST !== undefined,
    database: {
      host: database?.host ?? e.DATABASE_HOST,
      port: database?.port ?? e.DATABASE_PORT,
      name: database?.name ?? e.DATABASE_NAME,
      user: database?.user ?? e.DATABASE_USER,
      password: new Secret(database?.password ?? e.DATABASE_PASSWORD),
      poolSize: e.DATABASE_POOL_SIZE,
    },
    redis: {
      host: redis?.host ?? e.REDIS_HOST,
      port: redis?.port ?? e.REDIS_PORT,
      db: redis?.db ?? e.REDIS_DATABASE,
      password: new Secret(redis?.password ?? e.REDIS_PASSWORD),
    },
    netbox: {
      url: e.NETBOX_URL?.replace(/\/+$/, ''),
      token: new Secret(e.NETBOX_TOKEN),
      verifySsl: e.NETBOX_VERIFY_SSL,
      timeoutMs: Math.round(e.NETBOX_TIMEOUT * 1000),
      pageSize: e.NETBOX_PAGE_SIZE,
      writeChunk: e.NETBOX_WRITE_CHUNK,
      concurrency: e.NETBOX_CONCURRENCY,
      writeConcurrency: e.NETBOX_WRITE_CONCURRENCY,
      maxRetries: e.NETBOX_MAX_RETRIES,
      outageBudgetMs: e.NETBOX_OUTAGE_BUDGET,
    },
    intentsPath: e.INTENTS_PATH,
    library: { path: e.LIBRARY_PATH, gitUrl: e.LIBRARY_GIT_URL, gitRef: e.LIBRARY_GIT_REF, pin: e.LIBRARY_PIN },
    cacheDir: e.CACHE_DIR,
    intentsSource: e.INTENTS_SOURCE,
    git: {
      url: e.GIT_URL,
      branch: e.GIT_BRANCH,
      path: e.GIT_PATH,
      token: new Secret(e.GIT_TOKEN),
      sshKeyPath: e.GIT_SSH_KEY_PATH,
      intervalMs: e.GIT_INTERVAL,
    },
    libraryRefreshIntervalMs: e.LIBRARY_REFRESH_INTERVAL,
    controllerLeaderTtlMs: e.CONTROLLER_LEADER_TTL,
    kubernetes: {
      watchNamespace: e.WATCH_NAMESPACE === '' ? undefined : e.WATCH_NAMESPACE,
      kubeconfig: e.KUBECONFIG,
      inCluster: e.KUBERNETES_SERVICE_HOST !== undefined,
      identity: e.POD_NAME,
      leaseNamespace: e.POD_NAMESPACE ?? e.WATCH_NAMESPACE ?? 'default',
      leaseName: e.KUBERNETES_LEASE_NAME,
      resyncIntervalMs: e.KUBERNETES_RESYNC_INTERVAL,
    },
    healthPort: e.HEALTH_PORT,
    workflow: {
      queue: e.WORKFLOW_QUEUE,
      stalledIntervalMs: e.WORKFLOW_STALLED_INTERVAL_MS,
      lockDurationMs: e.WORKFLOW_LOCK_DURATION_MS,
    },
    api: {
      host: e.API_HOST,
      port: e.API_PORT,
      bodyLimit: e.API_BODY_LIMIT,
      rateLimit: { max: e.API_RATE_LIMIT, windowMs: e.API_RATE_LIMIT_WINDOW },
      trustProxy: e.API_TRUST_PROXY,
      authDisabled: e.AUTH_DISABLED,
      gitWebhookSecret: new Secret(e.GIT_WEBHOOK_SECRET),
      graphql: { introspection: e.GRAPHQL_INTROSPECTION, maxAliases: e.GRAPHQL_MAX_ALIASES, resolverTimeoutMs: e.GRAPHQL_RESOLVER_TIMEOUT },
    },
    metricsPort: e.METRICS_PORT,
    notifications: {
      webhook:
        e.NOTIFY_WEBHOOK_URL === undefined
          ? undefined
          : {
              url: new Secret(e.NOTIFY_WEBHOOK_URL),
              format: e.NOTIFY_WEBHOOK_FORMAT,
              secret: new Secret(e.NOTIFY_WEBHOOK_SECRET),
              events: e.NOTIFY_EVENTS,
              rateLimit: e.NOTIFY_RATE_LIMIT,
            },
      maxAttempts: e.NOTIFY_MAX_ATTEMPTS,
      timeoutMs: e.NOTIFY_TIMEOUT,
      dashboardUrl: e.DASHBOARD_URL?.replace(/\/+$/, ''),
      secrets: new Map(
        Object.entries(env)
          .filter(([key, value]) => key.startsWith(NOTIFY_SECRET_PREFIX) && key.length > NOTIFY_SECRET_PREFIX.length && value !== undefined && value !== '')
          .map(([key, value]) => [key.slice(NOTIFY_SECRET_PREFIX.length), new Secret(value as string)]),
      ),
    },
  };
}

function parseDatabaseUrl(text: string): { host: string; port: number; name: string; user: string; password: string } {
  const u = new URL(text);
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new ConfigurationError('Invalid configuration: DATABASE_URL expects a postgres:// or postgresql:// URL', 'DATABASE_URL');
  }
  return {
    host: decodeURIComponent(u.hostname) || '127.0.0.1',
    port: u.port ? Number(u.port) : 5432,
    name: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'netbox_gitops',
    user: decodeURIComponent(u.username) || 'postgres',
    password: decodeURIComponent(u.password),
  };
}

function parseRedisUrl(text: string): { host: string; port: number; db: number; password: string } {
  const u = new URL(text);
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new ConfigurationError('Invalid configuration: REDIS_URL expects a redis:// URL', 'REDIS_URL');
  }
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) {
    throw new ConfigurationError('Invalid configuration: REDIS_URL expects a database number as its path, e.g. redis://host:6379/0', 'REDIS_URL');
  }
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    db: db === '' ? 0 : Number(db),
    password: decodeURIComponent(u.password),
  };
}

/** Builds a libpq connection string for tools and child processes; contains the password. */
export function databaseConnectionString(db: AppConfig['database'], name = db.name): string {
  const auth = db.password.isEmpty ? encodeURIComponent(db.user) : `${encodeURIComponent(db.user)}:${encodeURIComponent(db.password.reveal())}`;
  return `postgres://${auth}@${db.host}:${db.port}/${encodeURIComponent(name)}`;
}
