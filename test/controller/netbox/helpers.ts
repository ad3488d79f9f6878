import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { createLogger } from '../../../controller/logging/index.ts';
import type { Logger } from '../../../controller/logging/index.ts';

/** A pino logger at trace level whose lines are kept in memory. */
export function captureLogger(): { logger: Logger; output: () => string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done): void {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger({ level: 'trace', destination, name: 'test' });
  return { logger, output: () => chunks.join('') };
}

/** Every way an error could be printed or shipped: message, stack, JSON, util.inspect with causes. */
export function serialiseError(error: unknown): string {
  const e = error as Error;
  return [String(error), e?.message, e?.stack, JSON.stringify(error), inspect(error, { depth: 20, showHidden: true })].join('\n');
}

/** Resolves after `ms` milliseconds (used to wait out a breaker's half-open delay, never to assert speed). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Captures what a call throws; fails the test if it does not throw. */
export async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
