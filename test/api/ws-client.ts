import { WebSocket } from 'undici';

/** One message of the graphql-transport-ws protocol. */
export interface WsMessage {
  readonly type: string;
  readonly id?: string;
  readonly payload?: unknown;
}

/** A small graphql-transport-ws client over undici's WebSocket, for tests. */
export class GraphqlSocket {
  readonly messages: WsMessage[] = [];
  closed = false;
  #waiters: (() => void)[] = [];

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (event) => {
      this.messages.push(JSON.parse(String(event.data)) as WsMessage);
      this.#wake();
    });
    socket.addEventListener('close', () => {
      this.closed = true;
      this.#wake();
    });
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /** Opens a socket and sends connection_init; resolves once the socket is open. */
  static async open(url: string, options: { headers?: Record<string, string>; initPayload?: Record<string, unknown> } = {}): Promise<GraphqlSocket> {
    const socket = new WebSocket(url, { protocols: ['graphql-transport-ws'], ...(options.headers ? { headers: options.headers } : {}) });
    const client = new GraphqlSocket(socket);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new Error(`WebSocket to ${url} failed`)), { once: true });
    });
    client.send({ type: 'connection_init', payload: options.initPayload ?? {} });
    return client;
  }

  send(message: WsMessage): void {
    this.socket.send(JSON.stringify(message));
  }

  subscribe(id: string, query: string, variables: Record<string, unknown> = {}): void {
    this.send({ type: 'subscribe', id, payload: { query, variables } });
  }

  /** Waits for a message matching `match` (or for the socket to close, which rejects). */
  async waitFor(what: string, match: (message: WsMessage) => boolean, timeoutMs = 60_000): Promise<WsMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (this.closed) throw new Error(`socket closed before ${what}; got ${JSON.stringify(this.messages)}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async waitForClose(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('socket did not close');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.close();
  }
}
