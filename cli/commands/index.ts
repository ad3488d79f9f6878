import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { registerApiCommand } from './api.ts';
import { registerControllerCommand } from './controller.ts';
import { registerGenerateCommand } from './generate.ts';
import { registerMigrateCommand } from './migrate.ts';
import { registerEmulatorCommand } from './emulator.ts';
import { registerApplyCommand, registerPlanCommand } from './plan.ts';
import { registerResolveCommand } from './resolve.ts';
import { registerTokenCommand } from './token.ts';
import { registerValidateCommand } from './validate.ts';
import { registerWorkerCommand } from './worker.ts';
import { registerRunCommand } from './run.ts';
import { registerProcessesCommand } from './processes.ts';
import { registerProcessCommand } from './process.ts';

/** Each command lives in its own file and adds itself to the program here. */
export function registerCommands(program: Command, ctx: CliContext): void {
  registerValidateCommand(program, ctx);
  registerResolveCommand(program, ctx);
  registerPlanCommand(program, ctx);
  registerApplyCommand(program, ctx);
  registerGenerateCommand(program, ctx);
  registerEmulatorCommand(program, ctx);
  registerMigrateCommand(program, ctx);
  registerWorkerCommand(program, ctx);
  registerRunCommand(program, ctx);
  registerProcessesCommand(program, ctx);
  registerProcessCommand(program, ctx);
  registerControllerCommand(program, ctx);
  registerApiCommand(program, ctx);
  registerTokenCommand(program, ctx);
}
