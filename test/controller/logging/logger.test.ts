import { Writable } from 'node:stream';
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
  return { stream, lines: () => chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
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
