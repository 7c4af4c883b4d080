import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo, Server, Socket } from 'node:net';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import type { Running } from './run.ts';
import { eventually, PATIENCE_MS, run } from './run.ts';

// Real sockets on loopback; the script reads the real /proc/net tables. What must happen is
// awaited up to PATIENCE_MS (it returns as soon as it happens); how fast it happens is compared
// with a duration the test measures on the same machine at the same time.
const POLL_MS = 100;
const FAST = { DRAIN_POLL_SECONDS: String(POLL_MS / 1000), DRAIN_SETTLE_SECONDS: '0' };

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

interface Listener {
  server: Server;
  port: number;
  /** server-side ends of accepted connections */
  accepted: Socket[];
}

async function listen(host: string, options: { ipv6Only?: boolean } = {}): Promise<Listener> {
  const accepted: Socket[] = [];
  const server = createServer(socket => accepted.push(socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: 0, ...options }, resolve);
  });
  cleanups.push(() => {
    for (const socket of accepted) socket.destroy();
    server.close();
  });
  return { server, port: (server.address() as AddressInfo).port, accepted };
}

async function dial(host: string, port: number, listener?: Listener): Promise<Socket> {
  const socket = connect({ host, port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  cleanups.push(() => socket.destroy());
  if (listener) await eventually(() => listener.accepted.length > 0, PATIENCE_MS);
  return socket;
}

type Drain = Running & {
  /** The termination message so far ('' before the script wrote one). */
  message(): string;
};

function drain(env: Record<string, string>): Drain {
  const dir = mkdtempSync(join(tmpdir(), 'drain-log-'));
  const log = join(dir, 'termination-log');
  const running = run('drain.sh', { ...FAST, DRAIN_TERMINATION_LOG: log, ...env });
  cleanups.push(() => {
    running.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    ...running,
    message: () => (existsSync(log) ? readFileSync(log, 'utf8') : '')
  };
}

describe('drain.sh', () => {
  test('returns at once when nothing is connected, even with the port listening', async () => {
    const { port } = await listen('127.0.0.1');
    const running = drain({ DRAIN_PORT: String(port) });
    expect(await running.exited(PATIENCE_MS)).toBe(0);
    expect(running.output()).toContain(`no connection on port ${port}`);
    // The script's own clock: it did not wait.
    expect(running.message()).toBe('drained after 0 s, 0 connection(s)\n');
  });

  test('waits while a client is connected and returns soon after it leaves', async () => {
    const listener = await listen('127.0.0.1');
    const client = await dial('127.0.0.1', listener.port, listener);
    const started = Date.now();
    const running = drain({ DRAIN_PORT: String(listener.port) });

    // On a loaded machine bash itself can take a while to start: that time is the yardstick.
    expect(await eventually(() => running.output().includes('waiting for'), PATIENCE_MS)).toBe(
      true
    );
    const firstLook = Date.now() - started;
    expect(await running.exited(1500)).toBeNull();
    // One connection, not two: the client's end (remote port = the watched port) is not ours.
    const peer = `127.0.0.1:${client.localPort}`;
    expect(running.output()).toMatch(
      new RegExp(`waiting for 1 connection\\(s\\) on port ${listener.port} from ${peer}\\b`)
    );

    const closedAt = Date.now();
    client.destroy();
    // It sees the close at its next poll: no slower than starting and looking the first time,
    // plus a poll, with room to spare.
    expect(await running.exited(PATIENCE_MS)).toBe(0);
    expect(Date.now() - closedAt).toBeLessThan(10 * (firstLook + POLL_MS));
  });

  test('keeps waiting until the last of several connections is gone', async () => {
    const listener = await listen('127.0.0.1');
    const first = await dial('127.0.0.1', listener.port);
    const second = await dial('127.0.0.1', listener.port);
    await eventually(() => listener.accepted.length === 2, PATIENCE_MS);
    const running = drain({ DRAIN_PORT: String(listener.port) });

    expect(
      await eventually(() => running.output().includes('waiting for 2 connection(s)'), PATIENCE_MS)
    ).toBe(true);
    expect(running.message()).toMatch(/^draining for \d+ s, 2 connection\(s\) open\n$/);
    first.destroy();
    expect(
      await eventually(() => running.output().includes('waiting for 1 connection(s)'), PATIENCE_MS)
    ).toBe(true);
    expect(await running.exited(500)).toBeNull();
    expect(running.message()).toMatch(/^draining for \d+ s, 1 connection\(s\) open\n$/);
    second.destroy();
    expect(await running.exited(PATIENCE_MS)).toBe(0);
    // The outcome, as `kubectl describe pod` shows it: every connection seen counts.
    expect(running.message()).toMatch(/^drained after \d+ s, 2 connection\(s\)\n$/);
  });

  test('sees IPv6 connections', async () => {
    const listener = await listen('::1');
    const client = await dial('::1', listener.port, listener);
    const running = drain({ DRAIN_PORT: String(listener.port) });

    expect(await eventually(() => running.output().includes('waiting for'), PATIENCE_MS)).toBe(
      true
    );
    expect(await running.exited(1500)).toBeNull();
    expect(running.output()).toContain(`from [0:0:0:0:0:0:0:1]:${client.localPort}`);
    client.destroy();
    expect(await running.exited(PATIENCE_MS)).toBe(0);
  });

  test('shows IPv4 clients of a dual-stack listener by their IPv4 address', async () => {
    const listener = await listen('::', { ipv6Only: false });
    const client = await dial('127.0.0.1', listener.port, listener);
    const running = drain({ DRAIN_PORT: String(listener.port) });

    expect(
      await eventually(
        () => running.output().includes(`from 127.0.0.1:${client.localPort}`),
        PATIENCE_MS
      )
    ).toBe(true);
    client.destroy();
    expect(await running.exited(PATIENCE_MS)).toBe(0);
  });

  test('ignores connections to other ports', async () => {
    const watched = await listen('127.0.0.1');
    const other = await listen('127.0.0.1');
    await dial('127.0.0.1', other.port, other);
    const running = drain({ DRAIN_PORT: String(watched.port) });
    expect(await running.exited(PATIENCE_MS)).toBe(0);
    expect(running.output()).not.toContain('waiting');
  });

  test('settles for 60 s unless told otherwise', async () => {
    const { port } = await listen('127.0.0.1');
    const { DRAIN_SETTLE_SECONDS: _settle, ...withoutSettle } = FAST;
    const running = run('drain.sh', {
      ...withoutSettle,
      DRAIN_PORT: String(port),
      DRAIN_TERMINATION_LOG: '/dev/null'
    });
    cleanups.push(() => running.child.kill('SIGKILL'));
    // Far from 60 s, but ten times what a drain with nothing to wait for takes (see above).
    expect(await running.exited(3000)).toBeNull();
  });

  test('waits at least the settle time, then returns', async () => {
    const { port } = await listen('127.0.0.1');
    const started = Date.now();
    const running = drain({ DRAIN_PORT: String(port), DRAIN_SETTLE_SECONDS: '2' });
    expect(await running.exited(800)).toBeNull();
    expect(await running.exited(PATIENCE_MS)).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  test('does not hold the pod when the socket tables cannot be read', async () => {
    const running = drain({ DRAIN_PROC_NET_DIR: '/nonexistent', DRAIN_PORT: '9002' });
    expect(await running.exited(PATIENCE_MS)).toBe(0);
    expect(running.output()).toContain('cannot read /nonexistent/tcp');
    expect(running.message()).toContain('not drained: cannot read /nonexistent/tcp');
  });

  test('runs on when the termination log cannot be written', async () => {
    const { port } = await listen('127.0.0.1');
    const running = drain({
      DRAIN_PORT: String(port),
      DRAIN_TERMINATION_LOG: '/nonexistent/termination-log'
    });
    expect(await running.exited(PATIENCE_MS)).toBe(0);
    expect(running.output()).toContain(`no connection on port ${port}`);
  });

  test('rejects an invalid port', async () => {
    const running = drain({ DRAIN_PORT: '90021' });
    expect(await running.exited(PATIENCE_MS)).toBe(1);
  });

  describe('with a prepared socket table', () => {
    const header =
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
    const row = (local: string, remote: string, state: string) =>
      `   0: ${local} ${remote} ${state} 00000000:00000000 00:00000000 00000000  1000        0 1 1 0000000000000000 20 4 30 10 -1\n`;

    test('watches port 9002 by default and decodes the peers', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'drain-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      writeFileSync(
        join(dir, 'tcp'),
        header +
          row('00000000:232A', '00000000:0000', '0A') + // listening
          row('0302010A:232A', '0402010A:D431', '01') + // 10.1.2.4:54321 -> us
          row('0302010A:232A', '0502010A:D432', '06') + // TIME_WAIT
          row('0302010A:A000', '0602010A:232A', '01') // our own connection to another worker
      );
      writeFileSync(
        join(dir, 'tcp6'),
        header +
          row(
            '00000000000000000000000000000000:232A',
            'B80D0120000000000000000001000000:0050',
            '01'
          )
      );
      const running = drain({ DRAIN_PROC_NET_DIR: dir });
      expect(
        await eventually(
          () => running.output().includes('waiting for 2 connection(s) on port 9002'),
          PATIENCE_MS
        )
      ).toBe(true);
      expect(running.output()).toContain('from 10.1.2.4:54321 [2001:db8:0:0:0:0:0:1]:80');

      writeFileSync(join(dir, 'tcp'), header);
      writeFileSync(join(dir, 'tcp6'), header);
      expect(await running.exited(PATIENCE_MS)).toBe(0);
    });

    test('repeats an unchanged status only every DRAIN_LOG_SECONDS', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'drain-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      writeFileSync(join(dir, 'tcp'), header + row('0100007F:232A', '0100007F:C000', '01'));
      const started = Date.now();
      const quiet = drain({ DRAIN_PROC_NET_DIR: dir, DRAIN_LOG_SECONDS: '60' });
      const chatty = drain({ DRAIN_PROC_NET_DIR: dir, DRAIN_LOG_SECONDS: '1' });
      const lines = (d: Drain) => d.output().match(/waiting for/g)?.length ?? 0;
      expect(await eventually(() => lines(chatty) >= 2 && lines(quiet) >= 1, PATIENCE_MS)).toBe(
        true
      );
      // Both ran as long; the quiet one would repeat only after 60 s.
      expect(Date.now() - started).toBeLessThan(60_000);
      expect(lines(quiet)).toBe(1);
    });
  });
});
