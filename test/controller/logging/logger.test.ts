import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../controller/config/index.ts';
import { createLogger, withCorrelationId } from '../../../controller/logging/index.ts';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done): void {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('logger', () => {
  it('writes JSON lines carrying the correlation id of the surrounding request', () => {
    const out = capture();
    const log = createLogger({ level: 'info', destination: out.stream });
    withCorrelationId('req-42', () => log.info({ step: 'snapshot' }, 'working'));
    log.info('outside');
    const [inside, outside] = out.lines();
    expect(inside).toMatchObject({ msg: 'working', step: 'snapshot', correlationId: 'req-42' });
    expect(outside?.correlationId).toBeUndefined();
  });

  it('never writes the NetBox token, even when a config or header is logged', () => {
    const token = 'feedfacefeedfacefeedfacefeedfacefeedface';
    const out = capture();
    const log = createLogger({ level: 'info', destination: out.stream });
    const config = loadConfig({ NETBOX_TOKEN: token, NETBOX_URL: 'https://nb.example.com' });
    log.info({ config, headers: { authorization: `Token ${token}` }, token }, 'config loaded');
    const text = JSON.stringify(out.lines());
    expect(text).not.toContain(token);
    expect(text).toContain('[redacted]');
  });
});

describe('where logs go', () => {
  it("stderr by default, never stdout (a command's --json output stays parseable)", () => {
    const script =
      "import { createLogger } from './controller/logging/index.ts'; const log = createLogger({ level: 'info' }); log.info({ n: 1 }, 'a log line'); process.stdout.write(JSON.stringify({ output: true }));";
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../../../', import.meta.url)),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ output: true });
    expect(run.stderr).toMatch(/"msg":"a log line"/);
  });
});
