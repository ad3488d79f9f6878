// `netbox-gitops api`: serves the REST API, GraphQL, /health and /metrics until stopped.
//
// Signal handling: this command runs until stopped, so its action installs its own SIGINT and
// SIGTERM handlers (process.once) while the server runs. A signal stops listening (requests in
// flight finish, new ones get 503), closes the event subscription, the workflow service, Redis
// and the pool, removes the handlers and resolves; the process exits once the event loop is
// empty. There is no process.exit here: the CLI entry sets the exit code.
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { startApiServer } from '../../api/index.ts';
import type { CliContext } from '../context.ts';
import { servicesReady, waitForServicesOption } from '../services.ts';
import { waitForSignal } from '../signals.ts';

interface ApiCommandOptions {
  readonly port?: number;
  readonly host?: string;
  readonly waitForServices: number;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new InvalidArgumentError('expects a TCP port number (0-65535; 0 picks a free one)');
  return port;
}

/** Registers `netbox-gitops api [--port P] [--host H]`. */
export function registerApiCommand(program: Command, ctx: CliContext): void {
  program
    .command('api')
    .description(
      'serve the API until Ctrl-C/SIGTERM: migrate, then REST under /api/v1 (OpenAPI at /api/docs), GraphQL at /graphql, ' +
        '/health /livez /readyz /metrics and the Git webhook /hooks/git; tokens come from `netbox-gitops token create`',
    )
    .option('--port <port>', 'port to listen on (default API_PORT, 8080)', parsePort)
    .option('--host <host>', 'address to listen on (default API_HOST, 0.0.0.0)')
    .addOption(waitForServicesOption())
    .action(async (options: ApiCommandOptions) => {
      const config = ctx.config();
      const logger = ctx.logger();
      await servicesReady(ctx, options.waitForServices);
      const server = await startApiServer(config, logger, {
        ...(options.port !== undefined ? { port: options.port } : {}),
        ...(options.host ? { host: options.host } : {}),
      });
      try {
        ctx.out.write(`API listening on ${server.url} (docs ${server.url}/api/docs, GraphQL ${server.url}/graphql); Ctrl-C stops it\n`);
        if (config.api.authDisabled) ctx.err.write('WARNING: AUTH_DISABLED=true: the API accepts every request without a token, as admin. Local demos only.\n');
        await waitForSignal();
      } finally {
        await server.close();
      }
      ctx.out.write('API stopped\n');
    });
}
