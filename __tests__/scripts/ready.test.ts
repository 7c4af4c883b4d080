import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo, Server, Socket } from 'node:net';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import { eventually, PATIENCE_MS, run } from './run.ts';

// Real sockets on loopback; the script reads the real /proc/net tables.
const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

async function listen(host: string, ipv6Only = false): Promise<{ server: Server; port: number }> {
  const accepted: Socket[] = [];
  const server = createServer(socket => accepted.push(socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: 0, ipv6Only }, resolve);
  });
  cleanups.push(() => {
    for (const socket of accepted) socket.destroy();
    server.close();
  });
  return { server, port: (server.address() as AddressInfo).port };
}

async function ready(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const running = run('ready.sh', env);
  const code = await running.exited(PATIENCE_MS);
  return { code, out: running.output() };
}

describe('ready.sh', () => {
  test('ready while a socket listens on the port, over IPv4 and IPv6', async () => {
    const v4 = await listen('127.0.0.1');
    expect((await ready({ READY_PORT: String(v4.port) })).code).toBe(0);
    const v6 = await listen('::1', true);
    expect((await ready({ READY_PORT: String(v6.port) })).code).toBe(0);
  });

  test('opens no connection to the port', async () => {
    const { server, port } = await listen('127.0.0.1');
    let connections = 0;
    server.on('connection', () => (connections += 1));
    expect((await ready({ READY_PORT: String(port) })).code).toBe(0);
    expect(connections).toBe(0);
  });

  test('not ready when nothing listens, and says so', async () => {
    const { server, port } = await listen('127.0.0.1');
    await new Promise<void>(resolve => server.close(() => resolve()));
    const { code, out } = await ready({ READY_PORT: String(port) });
    expect(code).toBe(1);
    expect(out).toContain(`nothing listens on port ${port}`);
  });

  test('an established connection on the port is not a listener', async () => {
    // A client's connection whose local port is the one we ask about: it exists only while
    // its server listens elsewhere, so listen, connect, then close the listener.
    const { server, port } = await listen('127.0.0.1');
    const accepted: Socket[] = [];
    server.on('connection', socket => accepted.push(socket));
    const client = connect({ host: '127.0.0.1', port });
    cleanups.push(() => client.destroy());
    await new Promise<void>(resolve => client.once('connect', () => resolve()));
    expect(await eventually(() => accepted.length === 1, PATIENCE_MS)).toBe(true);
    // Stops listening at once; close's callback would wait for the open connection to end.
    server.close();
    await new Promise(resolve => setImmediate(resolve));
    // The server-side end of that connection still has local port `port`, ESTABLISHED.
    const { code } = await ready({ READY_PORT: String(port) });
    expect(code).toBe(1);
    expect(client.destroyed).toBe(false);
  });

  test('only LISTEN rows of the prepared tables count, on port 9002 by default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ready-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const header =
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
    const row = (local: string, remote: string, state: string) =>
      `   0: ${local} ${remote} ${state} 00000000:00000000 00:00000000 00000000  1000        0 1 1 0000000000000000 20 4 30 10 -1\n`;
    writeFileSync(
      join(dir, 'tcp'),
      header +
        row('0302010A:232A', '0402010A:D431', '01') + // established on 9002
        row('00000000:232B', '00000000:0000', '0A') // listening on 9003
    );
    writeFileSync(join(dir, 'tcp6'), header);
    expect((await ready({ READY_PROC_NET_DIR: dir })).code).toBe(1);
    expect((await ready({ READY_PROC_NET_DIR: dir, READY_PORT: '9003' })).code).toBe(0);
    writeFileSync(
      join(dir, 'tcp6'),
      header +
        row('00000000000000000000000000000000:232A', '00000000000000000000000000000000:0000', '0A')
    );
    expect((await ready({ READY_PROC_NET_DIR: dir })).code).toBe(0);
  });

  test('refuses an invalid port', async () => {
    expect((await ready({ READY_PORT: '70000' })).code).toBe(2);
    expect((await ready({ READY_PORT: 'http' })).code).toBe(2);
  });
});
