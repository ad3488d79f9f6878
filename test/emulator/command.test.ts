import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/program.ts';
import type { CliContext } from '../../cli/context.ts';
import { waitUntil } from '../helpers/wait.ts';

/** A CLI context whose output the test can read; the emulator command needs no configuration. */
function testContext(): { ctx: CliContext; output: () => string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const ctx: CliContext = {
    env: {},
    out,
    err: out,
    config: () => {
      throw new Error('the emulator command must not need the application config');
    },
    logger: () => {
      throw new Error('the emulator command must not need the application logger');
    },
  };
  return { ctx, output: () => text };
}

/** The program with exits turned into exceptions, also on the subcommand (commander copies settings at creation). */
async function program(ctx: CliContext, args: readonly string[]): Promise<Command> {
  const root = (await buildProgram(ctx, args)).exitOverride();
  for (const command of root.commands) command.exitOverride();
  return root;
}

describe('netbox-gitops emulator', () => {
  it('prints one line with the URL and token, serves the version asked for, and stops on SIGTERM', async () => {
    const { ctx, output } = testContext();
    const args = ['emulator', '--port', '0', '--version', '4.1', '--token', 'cli-test-token', '--latency-ms', '5', '--workers', '2'];
    const done = (await program(ctx, args)).parseAsync(args, { from: 'user' });
    await waitUntil('the line with the URL', () => output().includes('\n'), 30_000, 10);
    const line = output().split('\n')[0] ?? '';
    expect(line).toMatch(
      /^NetBox emulator \(not NetBox; for tests and demos\) serving the NetBox 4\.1\.11 API at http:\/\/127\.0\.0\.1:\d+ — token cli-test-token/,
    );
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(line)?.[0] ?? '';
    const status = await fetch(`${url}/api/status/`, { headers: { authorization: 'Token cli-test-token' } });
    expect(((await status.json()) as Record<string, string>)['netbox-version']).toBe('4.1.11');
    const stats = (await (await fetch(`${url}/_emulator/stats`)).json()) as { workers: number; busyMs: number };
    expect(stats.workers).toBe(2);
    expect(stats.busyMs).toBe(5);
    process.kill(process.pid, 'SIGTERM');
    await done;
    expect(output()).toContain('NetBox emulator stopped');
    expect(process.listenerCount('SIGTERM')).toBe(0);
    await expect(fetch(`${url}/api/status/`)).rejects.toThrow();
  });

  it('refuses a version it cannot imitate', async () => {
    const { ctx } = testContext();
    const args = ['emulator', '--version', '2.11'];
    await expect((await program(ctx, args)).parseAsync(args, { from: 'user' })).rejects.toThrow(/4\.5, 4\.1, 4\.0, 3\.7/);
  });
});
