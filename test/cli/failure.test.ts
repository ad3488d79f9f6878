// Unexpected errors reach the user as one line saying what to check; the stack only with --debug.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function cli(args: readonly string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['bin/netbox-gitops.js', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, LOG_LEVEL: 'silent', DEBUG: '', ...env },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('errors of the CLI', () => {
  it('Postgres unreachable: one line naming Postgres, the address and what to check; the stack with --debug', () => {
    const run = cli(['processes', '--json'], { DATABASE_PORT: '1', DATABASE_HOST: '127.0.0.1' });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([
      'error: cannot reach Postgres at 127.0.0.1:1 (ECONNREFUSED); check DATABASE_URL (or DATABASE_HOST, DATABASE_PORT, DATABASE_NAME, DATABASE_USER, DATABASE_PASSWORD) and that Postgres is running. Run with --debug for details.',
    ]);
    const debug = cli(['processes', '--debug'], { DATABASE_PORT: '1', DATABASE_HOST: '127.0.0.1' });
    expect(debug.status).toBe(1);
    expect(debug.stderr).toMatch(/ECONNREFUSED 127\.0\.0\.1:1\n\s+at /);
  });
});
