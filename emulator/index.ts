/**
 * A NetBox emulator for tests, benchmarks and demos: it speaks the NetBox REST API for the
 * dcim catalogue endpoints netbox-gitops uses, with switchable latency, a cost model and faults.
 * It is not NetBox; what a real NetBox 4.5.10 answered (recorded requests and its OpenAPI schema,
 * replayed by test/emulator/recordings.test.ts) is its specification.
 */
export { startEmulator, EmulatorOptionError, EmulatorSeedError } from './server.ts';
export type { Emulator, EmulatorOptions, EmulatorStats, EmulatorStore, FaultConfig } from './types.ts';
export { API_VERSIONS, isApiVersion, profileFor } from './version.ts';
export type { ApiVersion, VersionProfile } from './version.ts';
export { ENDPOINTS, TEMPLATE_ENDPOINTS, isEndpointName } from './model/types.ts';
export type { EndpointName, TemplateEndpoint, Json, JsonObject } from './model/types.ts';
export { DEFAULT_FAULTS, FaultConfigError } from './http/faults.ts';
export { StateFileError } from './state-file.ts';
export { isV2Token } from './http/auth.ts';
