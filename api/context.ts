import type { TokenVerifier } from './auth.ts';
import type { HealthMonitor } from './health.ts';
import type { ApiDeps, ApiOptions } from './types.ts';

/** What the route plugins share. */
export interface RouteContext {
  readonly deps: ApiDeps;
  readonly options: ApiOptions;
  readonly health: HealthMonitor;
  readonly verifier: TokenVerifier;
}
