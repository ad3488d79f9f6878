// `netbox-gitops emulator`: runs the NetBox emulator (not NetBox) until SIGINT/SIGTERM.
//
// Signal handling: this is a long-running server command, so its action installs its own
// SIGINT and SIGTERM handlers (process.once) while the server runs. A signal closes the
// emulator — which saves the --state file — and the action then resolves normally; the handlers
// are removed again, and the process exits on its own once the event loop is empty. There is no
// process.exit here, so the CLI entry decides the exit code as for every other command.
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { isApiVersion, isV2Token, profileFor, startEmulator } from '../../emulator/index.ts';
import type { ApiVersion, EmulatorOptions } from '../../emulator/index.ts';
import type { CliContext } from '../context.ts';
import { waitForSignal } from '../signals.ts';

interface EmulatorCommandOptions {
  readonly port: number;
  readonly host: string;
  readonly token?: string;
  readonly readOnlyToken?: string;
  readonly netboxVersion: ApiVersion;
  readonly latencyMs: number;
  readonly writeMsPerObject: number;
  readonly readMsPerObject: number;
  readonly workers: number;
  readonly state?: string;
}

function wholeNumber(what: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expects ${what} (${min}-${max})`);
    return n;
  };
}

function milliseconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expects a number of milliseconds (0 or more)');
  return n;
}

function apiVersion(value: string): ApiVersion {
  if (!isApiVersion(value)) throw new InvalidArgumentError('expects one of 4.5, 4.1, 4.0, 3.7');
  return value;
}

/** Registers `netbox-gitops emulator`. */
export function registerEmulatorCommand(program: Command, ctx: CliContext): void {
  // The issue's `emulator --version V` collides with the root `--version` flag, which commander
  // otherwise recognises after subcommands too: root options now count only before the
  // subcommand (`netbox-gitops --version` still prints the CLI version).
  program.enablePositionalOptions();
  program
    .command('emulator')
    .description('run a NetBox emulator (not NetBox) for tests and demos: the dcim catalogue REST API in memory, until Ctrl-C')
    .option('--port <port>', 'TCP port (0 picks a free one)', wholeNumber('a TCP port', 0, 65535), 8001)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--token <token>', 'API token with write access (generated and printed when absent; nbt_<key>.<secret> makes it a v2 Bearer token)')
    .option('--read-only-token <token>', 'an extra token that may only read')
    .option('--version <version>', 'NetBox version to imitate: 4.5, 4.1, 4.0 or 3.7', apiVersion, '4.5')
    .option('--latency-ms <ms>', 'cost model: milliseconds each API request occupies a worker', milliseconds, 0)
    .option('--write-ms-per-object <ms>', 'cost model: extra milliseconds per object written', milliseconds, 0)
    .option('--read-ms-per-object <ms>', 'cost model: extra milliseconds per object read', milliseconds, 0)
    .option('--workers <n>', 'cost model: emulated NetBox workers serving requests at once', wholeNumber('a number of workers', 1, 1000), 3)
    .option('--state <file>', 'load state from this JSON file at start (if present) and save it there on shutdown')
    .action(async (_options: unknown, command: Command) => {
      // `--version` is also the root program's flag; read this command's own value.
      const raw = command.opts<Omit<EmulatorCommandOptions, 'netboxVersion'> & { version: ApiVersion }>();
      await runEmulator(ctx, { ...raw, netboxVersion: raw.version });
    });
}

async function runEmulator(ctx: CliContext, options: EmulatorCommandOptions): Promise<void> {
  const startOptions: EmulatorOptions = {
    port: options.port,
    host: options.host,
    version: options.netboxVersion,
    latencyMs: options.latencyMs,
    writeMsPerObject: options.writeMsPerObject,
    readMsPerObject: options.readMsPerObject,
    workers: options.workers,
    ...(options.token ? { token: options.token } : {}),
    ...(options.readOnlyToken ? { readOnlyToken: options.readOnlyToken } : {}),
    ...(options.state ? { stateFile: options.state } : {}),
  };
  const emulator = await startEmulator(startOptions);
  const scheme = isV2Token(emulator.token) ? 'Bearer' : 'Token';
  ctx.out.write(
    `NetBox emulator (not NetBox; for tests and demos) serving the NetBox ${profileFor(emulator.version).fullVersion} API at ${emulator.url} — ` +
      `token ${emulator.token} (Authorization: ${scheme} <token>); Ctrl-C stops it\n`,
  );
  await waitForSignal();
  await emulator.close();
  ctx.out.write(options.state ? `NetBox emulator stopped; state saved to ${options.state}\n` : 'NetBox emulator stopped\n');
}
