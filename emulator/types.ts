import type { FastifyInstance } from 'fastify';
import type { Logger } from '../controller/logging/index.ts';
import type { EndpointName, Json, JsonObject } from './model/types.ts';
import type { ApiVersion } from './version.ts';

/** How to start an emulator. Every field is optional. */
export interface EmulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Interface to listen on; 127.0.0.1 by default. */
  readonly host?: string;
  /**
   * API token with write access. A `nbt_<key>.<secret>` string is a v2 token (sent as
   * `Bearer ...`, 4.5 only); anything else is a v1 token (sent as `Token ...`). Generated
   * (40 hex characters) when absent.
   */
  readonly token?: string;
  /** A second token that may only read (writes get 403). */
  readonly readOnlyToken?: string;
  /** NetBox version to imitate; 4.5 by default. */
  readonly version?: ApiVersion;
  /** Cost model: milliseconds every API request occupies an emulated worker. */
  readonly latencyMs?: number;
  /** Cost model: extra milliseconds per object created, changed or deleted. */
  readonly writeMsPerObject?: number;
  /** Cost model: extra milliseconds per object serialised into a response. */
  readonly readMsPerObject?: number;
  /** Cost model: emulated NetBox workers (gunicorn processes); 3 by default. */
  readonly workers?: number;
  /** JSON file to load the state from at start (when it exists) and save it to on close. */
  readonly stateFile?: string;
  /** NetBox's MAX_PAGE_SIZE; 1000 by default. */
  readonly maxPageSize?: number;
  /** Request bodies larger than this are refused (413); 50 MB by default. */
  readonly bodyLimitBytes?: number;
  /** Where the server logs; silent when absent. */
  readonly logger?: Logger;
}

/** Fault switches and cost-model knobs, changeable while the emulator runs. */
export interface FaultConfig {
  /** Milliseconds every API request occupies a worker (the cost model's per-request latency). */
  latencyMs: number;
  /** Up to this many random extra milliseconds per request. */
  latencyJitterMs: number;
  /** Share (0..1) of API requests answered with one of `errorStatuses` instead. */
  errorRate: number;
  /** Statuses injected by `errorRate`, used in turn; [500, 502, 503] by default. */
  errorStatuses: number[];
  /** Which requests `errorRate` applies to: methods and/or endpoint names (null: every API request). */
  errorOn: RequestSelector | null;
  /** Every `every`-th request starts a burst of `burst` 429 answers with Retry-After. */
  rateLimit: { every: number; burst: number; retryAfterSeconds: number } | null;
  /** Share (0..1) of API requests whose connection is destroyed without an answer. */
  dropRate: number;
  /** While true every API request fails (503, or a dropped connection with `downMode: 'drop'`). */
  down: boolean;
  /** How a down emulator fails requests. */
  downMode: 'status' | 'drop';
  /**
   * An outage of this many milliseconds, starting when it is set: `down` is true until it ends,
   * then false by itself (reading the faults gives the milliseconds left, or null). Setting
   * `down` ends it early.
   */
  downForMs: number | null;
  /** Cost model: milliseconds per object written. */
  writeMsPerObject: number;
  /** Cost model: milliseconds per object read. */
  readMsPerObject: number;
  /** Cost model: emulated workers serving API requests at once; the rest queue. */
  workers: number;
  /**
   * Cost model: `writeMsPerObject` multiplied per endpoint (`device-types`, `module-types`, ...);
   * endpoints not listed cost 1×. A real NetBox 4.5 writes a device type in about 2.5× the time
   * of a template, a module type in about 2×.
   */
  writeCostFactors: Record<string, number>;
  /**
   * Writes that NetBox commits but whose answer the client never sees in time: a share `rate`
   * (0..1) of successful POST/PATCH/DELETE requests, at most `max` of them (null: no limit), are
   * answered `answerAfterMs` late (null: never — the connection stays open until the client
   * closes it). The data is changed either way, as a NetBox that kept working after its client
   * gave up.
   */
  commitThenTimeout: CommitThenTimeout | null;
}

/** The `commitThenTimeout` fault. */
export interface CommitThenTimeout {
  rate: number;
  /** Stop after this many (null or unset: no limit). */
  max?: number | null;
  /** How late the answer comes, in ms (null or unset: never). */
  answerAfterMs?: number | null;
  /** Only writes to these endpoints (e.g. `device-types`); null or unset: every endpoint. */
  endpoints?: string[] | null;
}

/** Requests a fault applies to; an unset list matches everything. */
export interface RequestSelector {
  /** HTTP methods, e.g. `["POST"]`. */
  methods?: string[];
  /** Endpoint names, e.g. `["rear-port-templates"]`. */
  endpoints?: string[];
}

/** What /_emulator/stats reports. */
export interface EmulatorStats {
  requests: {
    total: number;
    byMethod: Record<string, number>;
    /** Keyed `METHOD /api/path/` with `{id}` for detail URLs. */
    byEndpoint: Record<string, number>;
    byStatus: Record<string, number>;
  };
  objectsWritten: number;
  objectsRead: number;
  /** Sum of the cost model's worker occupancy, in milliseconds. */
  busyMs: number;
  /** The part of busyMs spent writing objects (writeMsPerObject × factor × objects). */
  writeBusyMs: number;
  workers: number;
  /** Most workers busy at once, and most requests waiting for one at once. */
  maxBusyWorkers: number;
  maxQueued: number;
  faultsInjected: { errors: number; rateLimited: number; dropped: number; down: number; committedThenTimedOut: number };
}

/** Direct access to the emulated data, bypassing HTTP, auth, faults and the cost model. */
export interface EmulatorStore {
  /** Creates objects as a bulk POST would (same validation); returns them as the API shows them. */
  seed(endpoint: EndpointName, objects: readonly Json[]): JsonObject[];
  /** Changes one object as a PATCH would (for drift in tests). */
  mutate(endpoint: EndpointName, id: number, patch: JsonObject): JsonObject;
  /** Deletes one object with NetBox's cascade/protect rules. */
  remove(endpoint: EndpointName, id: number): void;
  get(endpoint: EndpointName, id: number): JsonObject | undefined;
  /** Every object of an endpoint in NetBox's default order. */
  list(endpoint: EndpointName): JsonObject[];
  count(endpoint: EndpointName): number;
}

/** A running emulator. */
export interface Emulator {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** The write token (v1 or v2, as configured or generated). */
  readonly token: string;
  readonly version: ApiVersion;
  readonly app: FastifyInstance;
  readonly store: EmulatorStore;
  setFaults(faults: Partial<FaultConfig>): void;
  faults(): FaultConfig;
  stats(): EmulatorStats;
  /** Clears all objects and statistics (faults stay as they are). */
  reset(): void;
  /** Clears statistics only. */
  resetStats(): void;
  /** Writes the state to `file`, or to the configured state file. */
  saveState(file?: string): Promise<void>;
  /** Stops listening; saves the state first when a state file is configured. */
  close(): Promise<void>;
}
