import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { PATIENCE_MS, run } from './run.ts';

const dir = mkdtempSync(join(tmpdir(), 'remote-workers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fakes = 0;
/** A stand-in for getent: records its arguments, then runs `body`. */
function fakeGetent(body: string): { path: string; args: () => string } {
  fakes += 1;
  const path = join(dir, `getent-${fakes}`);
  const argsFile = `${path}.args`;
  writeFileSync(path, `#!/bin/bash\nprintf '%s\\n' "$@" > '${argsFile}'\n${body}\n`);
  chmodSync(path, 0o755);
  return { path, args: () => readFileSync(argsFile, 'utf8') };
}

async function workers(
  env: Record<string, string>
): Promise<{ stdout: string; code: number | null }> {
  const running = run('remote-workers.sh', env);
  const code = await running.exited(PATIENCE_MS);
  return { stdout: running.stdout(), code };
}

// What Gadgetron accepts: a JSON list of quoted "host:port" strings.
const WORKER_LIST = /^\[("\d{1,3}(\.\d{1,3}){3}:\d+"(,(?=")|(?=\])))*\]\n$/;

describe('remote-workers.sh', () => {
  const ANSWER = `cat <<'ANSWER'
10.244.1.10     STREAM gadgetron-workers.gadgetron.svc.cluster.local
10.244.1.10     DGRAM
10.244.1.10     RAW
10.244.0.9      STREAM
10.244.0.9      DGRAM
10.244.1.9      STREAM
10.244.2.7      STREAM
ANSWER`;

  test('lists every resolved address once, this pod first, with the worker port', async () => {
    const getent = fakeGetent(ANSWER);
    const { stdout, code } = await workers({
      GADGETRON_WORKER_SERVICE: 'gadgetron-workers',
      GADGETRON_POD_IP: '10.244.1.9',
      REMOTE_WORKERS_GETENT: getent.path
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(WORKER_LIST);
    const list = JSON.parse(stdout) as string[];
    expect(list[0]).toBe('10.244.1.9:9002');
    expect([...list].sort()).toEqual(
      ['10.244.0.9:9002', '10.244.1.10:9002', '10.244.1.9:9002', '10.244.2.7:9002'].sort()
    );
    expect(getent.args()).toBe('ahostsv4\ngadgetron-workers\n');
  });

  test('the other pods come in a different order from one call to the next', async () => {
    const getent = fakeGetent(ANSWER);
    const env = {
      GADGETRON_WORKER_SERVICE: 'gadgetron-workers',
      GADGETRON_POD_IP: '10.244.1.9',
      REMOTE_WORKERS_GETENT: getent.path
    };
    // 3 others: 6 orders. The chance that 24 calls all start with the same one is 3 * (1/3)^24.
    const firsts = new Set<string>();
    const orders = new Set<string>();
    for (let i = 0; i < 24; i++) {
      const list = JSON.parse((await workers(env)).stdout) as string[];
      expect(list[0]).toBe('10.244.1.9:9002');
      expect(list).toHaveLength(4);
      firsts.add(list[1]!);
      orders.add(list.join(','));
    }
    expect(firsts.size).toBeGreaterThan(1);
    expect(orders.size).toBeGreaterThan(2);
  });

  test('a pod that is not in the answer (yet) still lists itself first', async () => {
    const { stdout } = await workers({
      GADGETRON_WORKER_SERVICE: 'workers',
      GADGETRON_POD_IP: '10.0.0.9',
      REMOTE_WORKERS_GETENT: fakeGetent(`echo '10.0.0.1 STREAM workers'`).path
    });
    expect(JSON.parse(stdout)).toEqual(['10.0.0.9:9002', '10.0.0.1:9002']);
  });

  test('without a valid GADGETRON_POD_IP every resolved pod is listed, once', async () => {
    for (const ip of [undefined, 'not-an-ip', '10.0.0.256']) {
      const { stdout } = await workers({
        GADGETRON_WORKER_SERVICE: 'gadgetron-workers',
        ...(ip === undefined ? {} : { GADGETRON_POD_IP: ip }),
        REMOTE_WORKERS_GETENT: fakeGetent(ANSWER).path
      });
      expect(stdout).toMatch(WORKER_LIST);
      expect((JSON.parse(stdout) as string[]).sort()).toEqual(
        ['10.244.0.9:9002', '10.244.1.10:9002', '10.244.1.9:9002', '10.244.2.7:9002'].sort()
      );
    }
  });

  test('uses GADGETRON_WORKER_PORT', async () => {
    const getent = fakeGetent(`echo '10.0.0.1 STREAM workers'`);
    const { stdout } = await workers({
      GADGETRON_WORKER_SERVICE: 'workers',
      GADGETRON_WORKER_PORT: '9003',
      REMOTE_WORKERS_GETENT: getent.path
    });
    expect(stdout).toBe('["10.0.0.1:9003"]\n');
  });

  test('resolves names with the real getent', async () => {
    const { stdout, code } = await workers({ GADGETRON_WORKER_SERVICE: 'localhost' });
    expect(code).toBe(0);
    expect(stdout).toBe('["127.0.0.1:9002"]\n');
  });

  test.each([
    ['the name does not resolve', 'exit 2'],
    ['the answer is empty', 'exit 0'],
    ['only IPv6 addresses come back', `echo 'fd00::1 STREAM workers'`],
    ['the answer is garbage', `echo '999.1.1.1 STREAM'; echo 'not-an-address'`],
    ['the resolver crashes half-way', `echo '10.0.0.1 STREAM'; kill -SEGV $$`]
  ])('prints [] when %s', async (_case, body) => {
    const { stdout, code } = await workers({
      GADGETRON_WORKER_SERVICE: 'workers',
      REMOTE_WORKERS_GETENT: fakeGetent(body).path
    });
    expect(code).toBe(0);
    expect(stdout).toBe('[]\n');
    expect(JSON.parse(stdout)).toEqual([]);
  });

  test('prints [] without a service name, with a bad port, or with no resolver', async () => {
    const getent = fakeGetent(`echo '10.0.0.1 STREAM'`).path;
    const cases: Record<string, string>[] = [
      { REMOTE_WORKERS_GETENT: getent },
      {
        GADGETRON_WORKER_SERVICE: 'workers',
        GADGETRON_WORKER_PORT: 'http',
        REMOTE_WORKERS_GETENT: getent
      },
      {
        GADGETRON_WORKER_SERVICE: 'workers',
        GADGETRON_WORKER_PORT: '70000',
        REMOTE_WORKERS_GETENT: getent
      },
      { GADGETRON_WORKER_SERVICE: 'workers', REMOTE_WORKERS_GETENT: join(dir, 'missing') }
    ];
    for (const env of cases) {
      expect(await workers(env)).toEqual({ stdout: '[]\n', code: 0 });
    }
  });

  test('gives up on a hanging resolver after REMOTE_WORKERS_TIMEOUT', async () => {
    // The resolver hangs for 600 s; giving up after the 1 s timeout ends far sooner than that.
    const hang = 600;
    const started = Date.now();
    const { stdout } = await workers({
      GADGETRON_WORKER_SERVICE: 'workers',
      REMOTE_WORKERS_TIMEOUT: '1',
      REMOTE_WORKERS_GETENT: fakeGetent(`exec sleep ${hang}`).path
    });
    expect(stdout).toBe('[]\n');
    expect(Date.now() - started).toBeLessThan((hang * 1000) / 10);
  });
});
