/**
 * Postgres and Redis reachability: bounded start-up checks (`waitForServices`, the demo's
 * checks) and the once-per-change logging of lost and restored connections.
 */
export { checkPostgres, checkRedis, isConnectionError, postgresAddress, redisAddress, ServiceUnavailableError, waitForServices } from './checks.ts';
export type { ServiceCheck, UnavailableService, WaitForServicesOptions } from './checks.ts';
export { connectionLost, connectionRestored, isConnectionDown, redisErrorHandler, watchPool, watchRedisClient } from './connection-state.ts';
export type { ConnectedSystem } from './connection-state.ts';
export { redisConnectionOptions, redisRetryDelay } from './redis-options.ts';
export type { RedisConnectionOptions } from './redis-options.ts';
