import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { registerGenerateCommand } from './generate.ts';
import { registerMigrateCommand } from './migrate.ts';

/** Each command lives in its own file and adds itself to the program here. */
export function registerCommands(program: Command, ctx: CliContext): void {
  void program;
  void ctx;
  registerGenerateCommand(program, ctx);
  registerMigrateCommand(program, ctx);
}
