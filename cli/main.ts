// The CLI process entry: the only place that reads process.env, writes the exit code and
// installs signal handlers for commands that run until stopped.
import { AppError } from '../controller/errors/index.ts';
import { createCliContext, ExitCode } from './context.ts';
import { buildProgram } from './program.ts';

const args = process.argv.slice(2);

try {
  const program = await buildProgram(createCliContext(process.env), args);
  await program.parseAsync(args, { from: 'user' });
} catch (error) {
  process.exitCode = exitCodeFor(error);
}

function exitCodeFor(error: unknown): number {
  if (error instanceof ExitCode) return error.code;
  const commanderCode = (error as { code?: string; exitCode?: number }).code;
  if (typeof commanderCode === 'string' && commanderCode.startsWith('commander.')) {
    return (error as { exitCode?: number }).exitCode ?? 1;
  }
  if (error instanceof AppError) {
    process.stderr.write(`error: ${error.message}\n`);
    return 1;
  }
  process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
}
