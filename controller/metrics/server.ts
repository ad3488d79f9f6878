import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logging/index.ts';
import { renderMetrics } from './registry.ts';

export interface MetricsServer {
  /** e.g. `http://127.0.0.1:9464/metrics` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** What `/readyz` reports: 200 when ready, 503 otherwise, with the details as JSON. */
export type ReadinessCheck = () => { readonly ready: boolean } & Record<string, unknown>;

/**
 * Serves this process's metrics on `GET /metrics` (and `GET /livez` or `/healthz`, and `GET /readyz` when a
 * readiness check is given) on its own port: how a worker or the controller, which have no
 * API, are scraped by Prometheus and probed by Kubernetes. Port 0 picks a free port.
 */
export async function startMetricsServer(options: {
  readonly port: number;
  readonly host?: string;
  readonly logger?: Logger;
  readonly readiness?: ReadinessCheck;
}): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    // /healthz is the name controller-runtime and most charts probe; the same answer as /livez.
    if (path === '/livez' || path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    if (path === '/readyz' && options.readiness) {
      const report = options.readiness();
      res.writeHead(report.ready ? 200 : 503, { 'content-type': 'application/json' }).end(`${JSON.stringify(report)}\n`);
      return;
    }
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at /metrics\n');
      return;
    }
    renderMetrics().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(req.method === 'HEAD' ? undefined : body),
      (error: unknown) => {
        options.logger?.error({ err: error }, 'rendering metrics failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics could not be rendered; see the log\n');
      },
    );
  });
  const host = options.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  options.logger?.info({ port }, 'metrics server listening');
  return {
    url: `http://${shownHost}:${port}/metrics`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
