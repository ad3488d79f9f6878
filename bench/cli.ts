// CLI start-up: `netbox-gitops --version` and `validate` of the example intents, run as a user
// runs them (node bin/netbox-gitops.js, which picks the compiled dist/), each in a fresh process.
// The sources through tsx are timed too, for comparison. Medians of several runs; nothing asserted.
//
//   npx tsx bench/cli.ts
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from '../test/helpers/build.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'netbox-gitops.js');
const INTENTS = path.join(ROOT, 'intents');

/** Prints the process's peak RSS (KiB) on stderr as it exits; loaded with --import. */
const RSS_HOOK = `data:text/javascript,process.on('exit', () => process.stderr.write('\\nmaxrss ' + process.resourceUsage().maxRSS + '\\n'))`;

/** Wall seconds of one run in a fresh process. */
function once(args: readonly string[], env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return (performance.now() - started) / 1000;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function peakRssMb(args: readonly string[], env: NodeJS.ProcessEnv): number {
  const result = spawnSync(process.execPath, ['--import', RSS_HOOK, ...args], { env, encoding: 'utf8' });
  const kib = Number(/maxrss (\d+)/.exec(result.stderr)?.[1]);
  return kib / 1024;
}

function timed(args: readonly string[], env: NodeJS.ProcessEnv, runs: number): number {
  once(args, env); // warm the file cache
  return median(Array.from({ length: runs }, () => once(args, env)));
}

/** The figures `npm run bench -- cli` prints. */
export async function benchCli(library: string): Promise<Record<string, string>> {
  await ensureBuilt();
  const cache = mkdtempSync(path.join(tmpdir(), 'bench-cli-'));
  const env = { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', CACHE_DIR: cache };
  try {
    const validate = [BIN, 'validate', '--intents', INTENTS, '--library', library];
    const figures = {
      '--version (dist)': `${timed([BIN, '--version'], env, 15).toFixed(3)} s wall (median of 15)`,
      '--version peak RSS (dist)': `${peakRssMb([BIN, '--version'], env).toFixed(0)} MB`,
      '--help (dist)': `${timed([BIN, '--help'], env, 9).toFixed(3)} s wall`,
      'validate examples (dist)': `${timed(validate, env, 5).toFixed(3)} s wall (median of 5, library files in the OS cache)`,
      'validate peak RSS (dist)': `${peakRssMb(validate, env).toFixed(0)} MB`,
      '--version (sources, tsx)': `${timed(['--import', 'tsx', path.join(ROOT, 'cli', 'main.ts'), '--version'], env, 5).toFixed(3)} s wall`,
      '--version peak RSS (tsx)': `${peakRssMb(['--import', 'tsx', path.join(ROOT, 'cli', 'main.ts'), '--version'], env).toFixed(0)} MB`,
      'node -e "" (floor)': `${timed(['-e', ''], env, 9).toFixed(3)} s wall`,
    };
    return figures;
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await benchCli(path.resolve(ROOT, '../shared/devicetype-library'));
  for (const [k, v] of Object.entries(figures)) process.stdout.write(`${k.padEnd(30)} ${v}\n`);
}
