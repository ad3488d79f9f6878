/**
 * NetBox client: typed, version-aware access to NetBox's catalogue endpoints with paged reads,
 * chunked bulk writes, retries, a circuit breaker and per-request metrics.
 */
export { createNetBoxClient } from './client.ts';
export type { NetBoxClient, NetBoxClientOptions } from './client.ts';
export { netBoxClientOptionsFromConfig } from './options.ts';
export { NetBoxError, BulkWriteError, FilterIgnoredError, CircuitOpenError, FrontPortMappingError, NetBoxVersionError, summarizeBody } from './errors.ts';
export type { NetBoxErrorDetails, NetBoxFailureKind, BulkItemError, LostMapping } from './errors.ts';
export type { BreakerState } from './resilience.ts';
export type { RequestEvent, RequestStats } from './stats.ts';
export { DEVICE_TYPE_ONLY_TEMPLATE_ENDPOINTS, ENDPOINTS, TEMPLATE_ENDPOINTS, isEndpoint, listPath, templateParentFields } from './endpoints.ts';
export { parseVersion, isAtLeast, serverFilterName, usesFrontPortMappings, supportsDynamicFields } from './version.ts';
export { isVerifiableFilter } from './filters.ts';
export { authorizationHeader, isOutcomeUnknownStatus, isTransientStatus, parseRetryAfter } from './transport.ts';
export type * from './types.ts';
