/** TCP and Unix socket echo servers on loopback, for tunnel tests. */
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';

export interface EchoServer {
  /** TCP port, or 0 for a Unix socket server. */
  port: number;
  /** Number of connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

function startEchoServer(listen: (server: Server) => void): Promise<EchoServer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer(socket => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.pipe(socket);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      const address = server.address();
      resolve({
        port: address !== null && typeof address === 'object' ? address.port : 0,
        get connections() {
          return connections;
        },
        close: () =>
          new Promise(done => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          })
      });
    });
    listen(server);
  });
}

export function startTcpEchoServer(): Promise<EchoServer> {
  return startEchoServer(server => server.listen(0, '127.0.0.1'));
}

export function startUnixEchoServer(path: string): Promise<EchoServer> {
  return startEchoServer(server => server.listen(path));
}

/** A loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise(resolve => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}
