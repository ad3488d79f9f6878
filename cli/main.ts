// The CLI process entry: the only place that reads process.env, writes the exit code and
// installs signal handlers for commands that run until stopped.
import { createCliContext, ExitCode } from './context.ts';
import { describeFailure } from './failure.ts';
import { buildProgram } from './program.ts';

// --debug (anywhere) prints stacks of unexpected errors; commands never see it.
const debug = process.argv.includes('--debug') || /^(1|true|yes|on)$/i.test(process.env.DEBUG ?? '');
const args = process.argv.slice(2).filter((arg) => arg !== '--debug');

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
  process.stderr.write(`${describeFailure(error, debug)}\n`);
  return 1;
}
