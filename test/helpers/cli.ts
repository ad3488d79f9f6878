import { PassThrough } from 'node:stream';
import { ExitCode, createCliContext } from '../../cli/context.ts';
import { buildProgram } from '../../cli/program.ts';

export interface CliRun {
  readonly out: string;
  readonly err: string;
  readonly code: number;
}

/** Runs `netbox-gitops <args>` in-process with its own environment; returns output and exit code. */
export async function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: '', err: '' };
  out.on('data', (chunk: Buffer) => (chunks.out += chunk.toString()));
  err.on('data', (chunk: Buffer) => (chunks.err += chunk.toString()));
  const program = (await buildProgram(createCliContext({ LOG_LEVEL: 'silent', ...env }, out, err), args)).exitOverride();
  for (const command of program.commands) command.exitOverride();
  let code = 0;
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (error) {
    if (error instanceof ExitCode) code = error.code;
    else if (typeof (error as { exitCode?: unknown }).exitCode === 'number') code = (error as { exitCode: number }).exitCode;
    else throw error;
  }
  return { ...chunks, code };
}
