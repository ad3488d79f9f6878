import { Writable } from 'node:stream';
import { createLogger } from '../../controller/logging/index.ts';
import type { Logger } from '../../controller/logging/index.ts';

/** A debug-level logger that keeps its lines (JSON) in memory, so tests can look for messages or secrets in them. */
export function memoryLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done): void {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}
