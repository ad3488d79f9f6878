// A TCP forwarder on a port of its own, to take a real Postgres or Redis away from a process
// and give it back (without touching the shared servers other tests use).
import { createConnection, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** Whether it accepts connections now. */
  readonly up: boolean;
  /** Starts forwarding (on the same port after a stop). */
  start(): Promise<void>;
  /** Closes the port and cuts every forwarded connection, as a server that went away. */
  stop(): Promise<void>;
}

/** A forwarder to `target` on a free loopback port; not listening until start(). */
export async function createTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const port = await new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  const keep = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  return {
    port,
    get up() {
      return server !== undefined;
    },
    async start() {
      if (server) return;
      const s = createServer((client) => {
        const upstream = createConnection(target);
        keep(client);
        keep(upstream);
        client.pipe(upstream);
        upstream.pipe(client);
        client.once('close', () => upstream.destroy());
        upstream.once('close', () => client.destroy());
      });
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, '127.0.0.1', () => resolve());
      });
      server = s;
    },
    async stop() {
      const s = server;
      server = undefined;
      for (const socket of sockets) socket.destroy();
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}

/** A loopback port nothing listens on (free a moment ago). */
export async function closedPort(): Promise<number> {
  const proxy = await createTcpProxy({ host: '127.0.0.1', port: 1 });
  return proxy.port;
}
