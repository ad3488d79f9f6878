import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { createPool, migrate, readMigrationStatus } from '../../controller/db/index.ts';
import type { MigrateResult, MigrationStatus } from '../../controller/db/index.ts';
import type { CliContext } from '../context.ts';

interface MigrateCommandOptions {
  readonly to?: number;
  readonly status?: boolean;
}

/** `netbox-gitops migrate [--to N] [--status]`: applies, reverts or lists schema migrations. */
export function registerMigrateCommand(program: Command, ctx: CliContext): void {
  program
    .command('migrate')
    .description('bring the Postgres schema to the latest migration (or to --to N, which runs down scripts when N is lower)')
    .option('--to <version>', 'target migration version; 0 removes every table', parseVersion)
    .option('--status', 'list migrations as applied or pending and change nothing')
    .action(async (options: MigrateCommandOptions) => {
      const pool = createPool(ctx.config().database, { applicationName: 'netbox-gitops-migrate', max: 1, logger: ctx.logger() });
      try {
        if (options.status) {
          ctx.out.write(formatStatus(await readMigrationStatus(pool)));
        } else {
          ctx.out.write(formatResult(await migrate(pool, { to: options.to, logger: ctx.logger() })));
        }
      } finally {
        await pool.end();
      }
    });
}

function parseVersion(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError('expects a migration version number, e.g. 2 (0 removes every table)');
  return Number(text);
}

function formatResult(result: MigrateResult): string {
  const lines: string[] = [];
  if (result.reverted.length > 0) lines.push(`reverted: ${result.reverted.join(', ')}`);
  if (result.applied.length > 0) lines.push(`applied: ${result.applied.join(', ')}`);
  if (lines.length === 0) lines.push('nothing to do');
  lines.push(`current version: ${result.current}`);
  return `${lines.join('\n')}\n`;
}

function formatStatus(statuses: readonly MigrationStatus[]): string {
  if (statuses.length === 0) return 'no migrations\n';
  const width = Math.max(...statuses.map((s) => s.name.length));
  const lines = statuses.map((s) => {
    const when = s.appliedAt ? `  ${s.appliedAt.toISOString()}` : '';
    return `${String(s.version).padStart(4, '0')}  ${s.name.padEnd(width)}  ${s.state.padEnd(8)}${when}`.trimEnd();
  });
  return `${lines.join('\n')}\n`;
}
