import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo, Server, Socket } from 'node:net';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import type { Running } from './run.ts';
import { eventually, PATIENCE_MS, run } from './run.ts';

// Real sockets on loopback; the script reads the real /proc/net tables.
const FAST = { DRAIN_POLL_SECONDS: '0.1', DRAIN_SETTLE_SECONDS: '0', DRAIN_LOG: '/dev/stderr' };

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

const POLL_MS = Number(FAST.DRAIN_POLL_SECONDS) * 1000;

/** How long a drain with nothing to wait for takes here, now: the machine's own pace. */
async function wholeRun(): Promise<number> {
  const { port } = await listen('127.0.0.1');
  const started = Date.now();
  expect(await drain({ DRAIN_PORT: String(port) }).exited(PATIENCE_MS)).toBe(0);
  return Date.now() - started;
}

function drain(env: Record<string, string>): Running {
  const running = run('drain.sh', { ...FAST, ...env });
  cleanups.push(() => running.child.kill('SIGKILL'));
  return running;
}

describe('drain.sh', () => {
  test('returns at once when nothing is connected, even with the port listening', async () => {
    const { port } = await listen('127.0.0.1');
    // With a poll of 30 s, one wait would take 30 s: returning well before that shows none.
    const poll = 30;
    const started = Date.now();
    const running = drain({ DRAIN_PORT: String(port), DRAIN_POLL_SECONDS: String(poll) });
    expect(await running.exited(PATIENCE_MS)).toBe(0);
    expect(Date.now() - started).toBeLessThan((poll * 1000) / 2);
    expect(running.output()).toContain(`no connection on port ${port}`);
  });

  test('waits while a client is connected and returns soon after it leaves', async () => {
    const listener = await listen('127.0.0.1');
    const client = await dial('127.0.0.1', listener.port, listener);
    const running = drain({ DRAIN_PORT: String(listener.port) });

    // Generous waits: on a loaded machine bash itself can take a while to start.
    await eventually(() => running.output().includes('waiting for'), PATIENCE_MS);
    expect(await running.exited(1500)).toBeNull();
    // One connection, not two: the client's end (remote port = the watched port) is not ours.
    const peer = `127.0.0.1:${client.localPort}`;
    expect(running.output()).toMatch(
      new RegExp(`waiting for 1 connection\\(s\\) on port ${listener.port} from ${peer}\\b`)
    );

    const closedAt = Date.now();
    client.destroy();
    expect(await running.exited(PATIENCE_MS)).toBe(0);
    const reaction = Date.now() - closedAt;
    // "Soon" against this machine's own speed: a whole drain run with nothing connected (bash
    // start, one look at the tables) measured now, plus a few polls, times a generous factor.
    const baseline = await wholeRun();
    expect(reaction).toBeLessThan(5 * (baseline + 3 * POLL_MS));
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
    first.destroy();
    expect(
      await eventually(() => running.output().includes('waiting for 1 connection(s)'), PATIENCE_MS)
    ).toBe(true);
    expect(await running.exited(500)).toBeNull();
    second.destroy();
    expect(await running.exited(PATIENCE_MS)).toBe(0);
  });

  test('sees IPv6 connections', async () => {
    const listener = await listen('::1');
    const client = await dial('::1', listener.port, listener);
    const running = drain({ DRAIN_PORT: String(listener.port) });

    await eventually(() => running.output().includes('waiting for'), PATIENCE_MS);
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
      const quiet = drain({ DRAIN_PROC_NET_DIR: dir, DRAIN_LOG_SECONDS: '600' });
      const chatty = drain({ DRAIN_PROC_NET_DIR: dir, DRAIN_LOG_SECONDS: '1' });
      const started = Date.now();
      // Both poll every 0.1 s; by the time the chatty one has repeated itself, the quiet one
      // (600 s) must still have said it once only.
      expect(
        await eventually(
          () => (chatty.output().match(/waiting for/g)?.length ?? 0) >= 2,
          PATIENCE_MS
        )
      ).toBe(true);
      expect(await eventually(() => /waiting for/.test(quiet.output()), PATIENCE_MS)).toBe(true);
      expect(Date.now() - started).toBeLessThan(600_000);
      expect(quiet.output().match(/waiting for/g)).toHaveLength(1);
    });
  });
});
