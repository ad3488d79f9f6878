// The CLI process entry: the only place that reads process.env, writes the exit code and
// installs signal handlers for commands that run until stopped.
import { createCliContext, ExitCode } from './context.ts';
import { describeFailure } from './failure.ts';
import { buildProgram } from './program.ts';
import { stoppedBy } from './signals.ts';

/**
 * After a long-running command shut down on a signal, how long the process may take to drain
 * before it exits anyway: a client library's socket still reconnecting (seen with BullMQ after a
 * Redis outage) must not keep a stopped worker alive until it is killed.
 */
const DRAIN_AFTER_STOP_MS = 3_000;

// --debug (anywhere) prints stacks of unexpected errors; commands never see it.
const debug = process.argv.includes('--debug') || /^(1|true|yes|on)$/i.test(process.env.DEBUG ?? '');
const args = process.argv.slice(2).filter((arg) => arg !== '--debug');

try {
  const program = await buildProgram(createCliContext(process.env), args);
  await program.parseAsync(args, { from: 'user' });
} catch (error) {
  process.exitCode = exitCodeFor(error);
}
if (stoppedBy() !== undefined) exitIfStillOpen();

/** Exits once the drain bound is over if something still holds the event loop (the timer itself does not). */
function exitIfStillOpen(): void {
  setTimeout(() => {
    const open = process.getActiveResourcesInfo().filter((kind) => kind !== 'TTYWrap');
    process.stderr.write(`stopped; ${open.length} handle(s) still open after ${DRAIN_AFTER_STOP_MS / 1000} s (${open.join(', ')}): exiting\n`);
    process.exit();
  }, DRAIN_AFTER_STOP_MS).unref();
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
