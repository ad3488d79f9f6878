import { routeFor } from '../api/api.ts';

/** Request counters behind /_emulator/stats. */
export class RequestStats {
  total = 0;
  objectsWritten = 0;
  objectsRead = 0;
  /** Worker time spent writing objects, in ms (the cost model's write part). */
  writeBusyMs = 0;
  byMethod: Record<string, number> = {};
  byEndpoint: Record<string, number> = {};
  byStatus: Record<string, number> = {};

  countRequest(method: string, path: string): void {
    this.total += 1;
    this.byMethod[method] = (this.byMethod[method] ?? 0) + 1;
    const key = `${method} ${endpointKey(path)}`;
    this.byEndpoint[key] = (this.byEndpoint[key] ?? 0) + 1;
  }

  countStatus(status: number): void {
    const key = String(status);
    this.byStatus[key] = (this.byStatus[key] ?? 0) + 1;
  }

  reset(): void {
    this.total = 0;
    this.objectsWritten = 0;
    this.objectsRead = 0;
    this.writeBusyMs = 0;
    this.byMethod = {};
    this.byEndpoint = {};
    this.byStatus = {};
  }
}

/** `/api/dcim/x/12/` → `/api/dcim/x/{id}/`, so detail requests group per endpoint. */
export function endpointKey(path: string): string {
  const route = routeFor(path);
  if (!route || route.id === null) return path;
  return path.replace(/\/\d+\/$/, '/{id}/');
}
