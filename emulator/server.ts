import { randomBytes } from 'node:crypto';
import { EmulatedApi } from './api/api.ts';
import { buildApp } from './http/app.ts';
import { WorkerPool } from './http/cost-model.ts';
import { FaultInjector } from './http/faults.ts';
import { RequestStats } from './http/stats.ts';
import { tableIndexes } from './model/registry.ts';
import type { Json, JsonObject } from './model/types.ts';
import { ApiFailure } from './model/types.ts';
import { loadStateFile, saveStateFile } from './state-file.ts';
import { Store } from './store/store.ts';
import type { Emulator, EmulatorOptions, EmulatorStats, EmulatorStore, FaultConfig } from './types.ts';
import { isApiVersion, profileFor } from './version.ts';

/** An option that cannot be used; the message says which and how to fix it. */
export class EmulatorOptionError extends Error {
  constructor(
    message: string,
    readonly option: string,
  ) {
    super(message);
    this.name = 'EmulatorOptionError';
  }
}

/** A direct store write (seed/mutate/remove) that the API would have refused. */
export class EmulatorSeedError extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
  ) {
    super(`the NetBox emulator refused the object (HTTP ${status}): ${JSON.stringify(body)}`);
    this.name = 'EmulatorSeedError';
  }
}

const DEFAULT_BODY_LIMIT = 50 * 1024 * 1024;

/**
 * Starts a NetBox emulator: an HTTP server speaking the NetBox REST API for the dcim catalogue
 * endpoints (see emulator/README.md for what it covers), for tests, benchmarks and demos.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const version = options.version ?? '4.5';
  if (!isApiVersion(version)) throw new EmulatorOptionError(`version ${String(version)} is not emulated; use 4.5, 4.1, 4.0 or 3.7`, 'version');
  checkNumber('port', options.port, 0, 65535);
  checkNumber('maxPageSize', options.maxPageSize, 1, Number.MAX_SAFE_INTEGER);
  const profile = profileFor(version);
  const store = new Store(tableIndexes());
  if (options.stateFile) await loadStateFile(store, version, options.stateFile);
  const api = new EmulatedApi(store, profile, options.maxPageSize ?? 1000);
  const token = options.token ?? randomBytes(20).toString('hex');
  let faults: FaultInjector;
  try {
    faults = new FaultInjector(
      {
        latencyMs: options.latencyMs ?? 0,
        writeMsPerObject: options.writeMsPerObject ?? 0,
        readMsPerObject: options.readMsPerObject ?? 0,
        workers: options.workers ?? 3,
      },
      profile.fullVersion,
    );
  } catch (error) {
    throw new EmulatorOptionError((error as Error).message, 'faults');
  }
  const pool = new WorkerPool(faults.current().workers);
  const stats = new RequestStats();
  const host = options.host ?? '127.0.0.1';

  const emulatorStats = (): EmulatorStats => ({
    requests: { total: stats.total, byMethod: { ...stats.byMethod }, byEndpoint: { ...stats.byEndpoint }, byStatus: { ...stats.byStatus } },
    objectsWritten: stats.objectsWritten,
    objectsRead: stats.objectsRead,
    busyMs: Math.round(pool.busyMs * 1000) / 1000,
    writeBusyMs: Math.round(stats.writeBusyMs * 1000) / 1000,
    workers: pool.workers,
    maxBusyWorkers: pool.maxBusy,
    maxQueued: pool.maxQueued,
    faultsInjected: { ...faults.injected },
  });
  const resetStats = (): void => {
    stats.reset();
    pool.resetCounters();
    faults.resetCounters();
  };
  const reset = (): void => {
    store.clear();
    api.resetCaches();
    resetStats();
  };
  const setFaults = (partial: Partial<FaultConfig>): void => {
    faults.update(partial);
    pool.resize(faults.current().workers);
  };
  const saveState = async (file?: string): Promise<string> => {
    const target = file ?? options.stateFile;
    if (!target) throw new EmulatorOptionError('no state file configured; start the emulator with --state FILE or pass a file', 'stateFile');
    await saveStateFile(store, version, target);
    return target;
  };

  const app = await buildApp({
    api,
    profile,
    tokens: { write: token, ...(options.readOnlyToken ? { readOnly: options.readOnlyToken } : {}) },
    faults,
    pool,
    stats,
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
    ...(options.logger ? { logger: options.logger } : {}),
    control: { stats: emulatorStats, reset: (statsOnly) => (statsOnly ? resetStats() : reset()), setFaults, faults: () => faults.current(), saveState },
  });
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  let closed = false;

  return {
    url,
    token,
    version,
    app,
    store: directStore(api, url),
    setFaults,
    faults: () => faults.current(),
    stats: emulatorStats,
    reset,
    resetStats,
    saveState: async (file) => {
      await saveState(file);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      if (options.stateFile) await saveStateFile(store, version, options.stateFile);
    },
  };
}

function checkNumber(name: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max) throw new EmulatorOptionError(`${name} must be a whole number from ${min} to ${max}`, name);
}

function directStore(api: EmulatedApi, url: string): EmulatorStore {
  const guard = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof ApiFailure) throw new EmulatorSeedError(error.status, error.body);
      throw error;
    }
  };
  return {
    seed: (endpoint, objects) => guard(() => api.serialize(endpoint, api.createObjects(endpoint, objects), url)),
    mutate: (endpoint, id, patch) => guard(() => api.serialize(endpoint, [api.updateObject(endpoint, id, patch)], url)[0] as JsonObject),
    remove: (endpoint, id) => guard(() => api.deleteObject(endpoint, id)),
    get: (endpoint, id) => {
      const row = api.row(endpoint, id);
      return row ? api.serialize(endpoint, [row], url)[0] : undefined;
    },
    list: (endpoint) => api.serialize(endpoint, api.sortedRows(endpoint), url),
    count: (endpoint) => api.count(endpoint),
  };
}
