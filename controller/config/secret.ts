import { inspect } from 'node:util';

/**
 * Holds a credential so that it cannot leak by accident: every way of printing it (string
 * conversion, JSON, util.inspect, pino) yields `[redacted]`. Call `reveal()` only where the
 * value is put on the wire.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The real value; use it only to build a request header or connection string. */
  reveal(): string {
    return this.#value;
  }
  get isEmpty(): boolean {
    return this.#value.length === 0;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return '[redacted]';
  }
}
