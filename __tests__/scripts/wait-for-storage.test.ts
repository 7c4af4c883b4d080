import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import type { Running } from './run.ts';
import { eventually, PATIENCE_MS, run, sleep } from './run.ts';

// Real curl (the Gadgetron image's) against a real HTTP server on loopback.
const FAST = { STORAGE_POLL_SECONDS: '0.2', STORAGE_REQUEST_SECONDS: '2' };

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

beforeAll(() => {
  if (!existsSync('/usr/bin/curl')) throw new Error('the storage wait needs curl at /usr/bin/curl');
});

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface Storage {
  port: number;
  paths: string[];
}

/** An HTTP server on `port` (0: any free one); `handler` answers every request. */
async function storageServer(handler: Handler, port = 0): Promise<Storage> {
  const paths: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    paths.push(req.url ?? '');
    handler(req, res);
  });
  server.on('connection', socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, resolve);
  });
  cleanups.push(
    () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      })
  );
  return { port: (server.address() as AddressInfo).port, paths };
}

const healthy: Handler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"status":"OK"}');
};

/** A port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>(resolve => server.close(() => resolve()));
  return port;
}

type Wait = Running & { message(): string };

function waitForStorage(env: Record<string, string>): Wait {
  const dir = mkdtempSync(join(tmpdir(), 'wait-for-storage-'));
  const log = join(dir, 'termination-log');
  const running = run('wait-for-storage.sh', { ...FAST, STORAGE_TERMINATION_LOG: log, ...env });
  cleanups.push(() => {
    running.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  return { ...running, message: () => (existsSync(log) ? readFileSync(log, 'utf8') : '') };
}

describe('wait-for-storage.sh', () => {
  test('returns at once when the storage server answers', async () => {
    const storage = await storageServer(healthy);
    const running = waitForStorage({ STORAGE_URL: `http://127.0.0.1:${storage.port}` });
    expect(await running.exited(PATIENCE_MS)).toBe(0);
    expect(storage.paths).toEqual(['/healthcheck']);
    expect(running.message()).toBe(
      `storage server http://127.0.0.1:${storage.port} answered after 0s\n`
    );
  });

  test('waits for a storage server that comes up late, then returns', async () => {
    const port = await freePort();
    const started = Date.now();
    const running = waitForStorage({ STORAGE_URL: `http://127.0.0.1:${port}/` });
    // Refused connections are retried and reported, not fatal.
    expect(await eventually(() => running.output().includes('waiting for'), PATIENCE_MS)).toBe(
      true
    );
    // Starting and checking once, on this machine now: the yardstick for reacting below.
    const firstLook = Date.now() - started;
    expect(running.output()).toContain(`http://127.0.0.1:${port}/healthcheck`);
    expect(running.output()).toMatch(/Failed to connect|Couldn't connect|Connection refused/);
    await sleep(1000);
    expect(await running.exited(0)).toBeNull();

    const cameUp = Date.now();
    const storage = await storageServer(healthy, port);
    expect(await running.exited(PATIENCE_MS)).toBe(0);
    // At its next poll (every 0.2 s): no slower than starting and checking the first time,
    // plus a poll, with room to spare.
    expect(Date.now() - cameUp).toBeLessThan(10 * (firstLook + 200));
    expect(storage.paths.every(p => p === '/healthcheck')).toBe(true);
    expect(running.message()).toMatch(
      /^storage server http:\/\/127\.0\.0\.1:\d+ answered after \d+s\n$/
    );
  });

  test('keeps waiting while the storage server answers 503', async () => {
    let ok = false;
    const storage = await storageServer((_req, res) => {
      if (ok) return healthy(_req, res);
      res.writeHead(503);
      res.end('{"status":"unavailable"}');
    });
    const running = waitForStorage({ STORAGE_URL: `http://127.0.0.1:${storage.port}` });
    expect(await eventually(() => running.output().includes('503'), PATIENCE_MS)).toBe(true);
    expect(await running.exited(500)).toBeNull();
    ok = true;
    expect(await running.exited(PATIENCE_MS)).toBe(0);
  });

  test('gives up after STORAGE_WAIT_SECONDS, says why in the termination message, and exits 1', async () => {
    const port = await freePort();
    const started = Date.now();
    const running = waitForStorage({
      STORAGE_URL: `http://127.0.0.1:${port}`,
      STORAGE_WAIT_SECONDS: '2'
    });
    expect(await running.exited(PATIENCE_MS)).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(running.message()).toMatch(
      new RegExp(
        `^storage server http://127\\.0\\.0\\.1:${port} did not answer /healthcheck within 2s \\(last: curl: \\(7\\) .+\\); Gadgetron would exit at start\\n$`
      )
    );
  });

  test('a storage server that accepts but never answers costs one request timeout per check', async () => {
    const storage = await storageServer(() => undefined); // never responds
    const running = waitForStorage({
      STORAGE_URL: `http://127.0.0.1:${storage.port}`,
      STORAGE_WAIT_SECONDS: '1',
      STORAGE_REQUEST_SECONDS: '1'
    });
    // One hung check of 1 s, maybe a second one; without a request timeout curl would wait
    // for minutes and this would not return.
    expect(await running.exited(PATIENCE_MS)).toBe(1);
    expect(running.message()).toContain('timed out');
  });

  test('refuses a URL that is not http(s)', async () => {
    for (const url of ['', 'gadgetron-storage:3333', 'http://a b']) {
      const running = waitForStorage({ STORAGE_URL: url });
      expect(await running.exited(PATIENCE_MS)).toBe(1);
      expect(running.message()).toContain('is not an http(s) URL');
    }
  });
});
