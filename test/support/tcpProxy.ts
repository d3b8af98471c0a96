/**
 * A TCP proxy in front of a service (the Firestore emulator), for faults a
 * real deployment sees: `freeze()` stops passing bytes both ways (a database
 * that accepts connections and never answers — a stopped or partitioned
 * server), `refuse()` also closes every connection and refuses new ones (an
 * unreachable server), `restore()` passes bytes again.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  /** "127.0.0.1:PORT": the value for FIRESTORE_EMULATOR_HOST */
  host: string;
  freeze(): void;
  refuse(): void;
  restore(): void;
  stop(): Promise<void>;
}

type Mode = 'open' | 'frozen' | 'refused';

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const [targetHost = '127.0.0.1', targetPort = '0'] = target.split(':');
  let mode: Mode = 'open';
  const pairs = new Set<[Socket, Socket]>();

  /** Bytes read while frozen, per direction, passed on at restore (a stopped server answers them once it runs again). */
  const held = new Map<Socket, Buffer[]>();
  const forward = (from: Socket, to: Socket): void => {
    from.on('data', (chunk: Buffer) => {
      if (mode === 'open') to.write(chunk);
      else held.set(to, [...(held.get(to) ?? []), chunk]);
    });
  };

  const server: Server = createServer((client) => {
    if (mode === 'refused') return void client.destroy();
    const upstream = connect(Number(targetPort), targetHost);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    forward(client, upstream);
    forward(upstream, client);
    const close = (): void => {
      pairs.delete(pair);
      held.delete(client);
      held.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;

  return {
    host: `127.0.0.1:${port}`,
    freeze() {
      mode = 'frozen';
    },
    refuse() {
      mode = 'refused';
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
      held.clear();
    },
    restore() {
      mode = 'open';
      for (const [socket, chunks] of held) for (const chunk of chunks) socket.write(chunk);
      held.clear();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const [client, upstream] of pairs) {
          client.destroy();
          upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
