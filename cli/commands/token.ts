import type { Command } from 'commander';
import { ROLES, createToken, listTokens, revokeToken } from '../../controller/auth/index.ts';
import type { TokenInfo } from '../../controller/auth/index.ts';
import { createPool } from '../../controller/db/index.ts';
import type { Pool } from '../../controller/db/index.ts';
import { ConfigurationError } from '../../controller/errors/index.ts';
import type { CliContext } from '../context.ts';

/** Registers `netbox-gitops token create|list|revoke`: API tokens, stored hashed in Postgres. */
export function registerTokenCommand(program: Command, ctx: CliContext): void {
  const token = program.command('token').description(`manage API tokens (roles: ${ROLES.join(' < ')}); the token itself is printed once, at create`);

  token
    .command('create')
    .description('create a token and print it once (store it now: only its hash is kept)')
    .requiredOption('--name <name>', 'unique name, recorded as the audit user of what the token does')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--json', 'print {name, role, prefix, token, ...} as JSON')
    .action(async (options: { name: string; role: string; json?: boolean }) => {
      const created = await withPool(ctx, (pool) => createToken(pool, { name: options.name, role: options.role }));
      if (options.json) {
        ctx.out.write(`${JSON.stringify(created, null, 2)}\n`);
        return;
      }
      ctx.out.write(`${created.token}\n`);
      ctx.err.write(
        `created token "${created.name}" (role ${created.role}, prefix ${created.prefix}); it is shown only this once. Use it as "Authorization: Bearer <token>".\n`,
      );
    });

  token
    .command('list')
    .description('list tokens: name, role, display prefix, created, last used, revoked (never the tokens)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const tokens = await withPool(ctx, (pool) => listTokens(pool));
      ctx.out.write(options.json ? `${JSON.stringify(tokens, null, 2)}\n` : formatTable(tokens));
    });

  token
    .command('revoke')
    .description('revoke a token by name (API replicas stop accepting it within a few seconds)')
    .requiredOption('--name <name>', 'the token name')
    .action(async (options: { name: string }) => {
      const revoked = await withPool(ctx, (pool) => revokeToken(pool, options.name));
      ctx.out.write(`revoked token "${revoked.name}" (prefix ${revoked.prefix})\n`);
    });
}

async function withPool<T>(ctx: CliContext, fn: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = createPool(ctx.config().database, { applicationName: 'netbox-gitops-token', max: 1, logger: ctx.logger() });
  try {
    return await fn(pool);
  } catch (error) {
    if ((error as { code?: unknown }).code === '42P01') {
      throw new ConfigurationError('The api_tokens table does not exist: run `netbox-gitops migrate` first.', 'DATABASE_NAME', { cause: error });
    }
    throw error;
  } finally {
    await pool.end();
  }
}

function formatTable(tokens: readonly TokenInfo[]): string {
  if (tokens.length === 0) return 'no tokens; create one with `netbox-gitops token create --name N --role R`\n';
  const rows = [
    ['NAME', 'ROLE', 'PREFIX', 'CREATED', 'LAST USED', 'REVOKED'],
    ...tokens.map((t) => [t.name, t.role, t.prefix, t.createdAt, t.lastUsedAt ?? '-', t.revokedAt ?? '-']),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return `${rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}
