import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Runs a benchmark file in a fresh Node process (through tsx, with `nodeFlags` such as a heap
 * size) and returns the JSON it printed as its last line on stdout. A fresh process is what
 * makes a cold start and a peak RSS the measured code's own. Its stderr goes to ours.
 */
export async function runJsonChild<T>(file: string, args: readonly string[], nodeFlags: readonly string[] = []): Promise<T> {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', file, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`${path.relative(ROOT, file)} exited with ${code} in its child process`);
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as T;
}
