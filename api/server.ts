import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../controller/config/index.ts';
import { createPool, migrate } from '../controller/db/index.ts';
import type { Logger } from '../controller/logging/index.ts';
import { buildApp } from './app.ts';
import { apiOptionsFromConfig, createApiDeps } from './deps.ts';
import type { ApiOptions } from './types.ts';
import { defaultWebRoot } from './web.ts';

export interface ApiServer {
  /** e.g. `http://127.0.0.1:8080` */
  readonly url: string;
  readonly app: FastifyInstance;
  /** Stops listening (in-flight requests finish), then closes the deps. */
  close(): Promise<void>;
}

export interface StartApiOptions {
  /** Default API_PORT; 0 picks a free port. */
  readonly port?: number;
  /** Default API_HOST. */
  readonly host?: string;
  /** Apply pending migrations before listening; default true. */
  readonly migrate?: boolean;
  /** Overrides of the options apiOptionsFromConfig derives (and of the dashboard folder, web/dist of this package by default). */
  readonly options?: Partial<ApiOptions>;
}

/**
 * What `netbox-gitops api` runs: migrate, build the deps and the app, listen. Signals are the
 * caller's business (the CLI command installs them).
 */
export async function startApiServer(config: AppConfig, logger: Logger, options: StartApiOptions = {}): Promise<ApiServer> {
  const pool = createPool(config.database, { applicationName: 'netbox-gitops-api', logger });
  try {
    if (options.migrate !== false) await migrate(pool, { logger });
    const deps = await createApiDeps(config, logger, { pool });
    const app = await buildApp(deps, { webRoot: defaultWebRoot(), ...apiOptionsFromConfig(config), ...options.options });
    try {
      const host = options.host ?? config.api.host;
      await app.listen({ port: options.port ?? config.api.port, host });
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? config.api.port);
      const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
      return {
        url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`,
        app,
        async close(): Promise<void> {
          await app.close();
          await deps.close();
          await pool.end();
        },
      };
    } catch (error) {
      await app.close().catch(() => undefined);
      await deps.close();
      throw error;
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}
