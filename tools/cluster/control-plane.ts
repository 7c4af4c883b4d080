/**
 * A real Kubernetes control plane on loopback: etcd, kube-apiserver, kube-controller-manager and
 * kube-scheduler built from the pinned release, kwok for the nodes and pods, and the cloud loops
 * (load balancer addresses, the autoscaler stand-in, disk provisioning). Everything lives in one
 * folder: certificates, data, logs, the admin kubeconfig and the processes' ids.
 */
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { join, dirname } from 'node:path';
import { stringify } from 'yaml';
import { createEmulatorTls } from '../../emulators/arm/tls.ts';
import { binaryPath, buildCluster, type Binary } from './build.ts';
import { bootstrap, installLogsType } from './bootstrap.ts';

// Jest's module loader has no import.meta.dirname.
const here = dirname(fileURLToPath(import.meta.url));

export interface ClusterOptions {
  /** Where the cluster keeps everything; removed by stop(). */
  readonly dir: string;
  /** How long a pod takes from scheduled to Ready. */
  readonly podStartMs?: number;
  /** How long a deleted pod with nothing to drain takes to go. */
  readonly podStopMs?: number;
  readonly loadBalancerDelayMs?: number;
  readonly scaleUpDelayMs?: number;
  /** Leave the processes running when this process exits (the command line's `up`). */
  readonly detached?: boolean;
  readonly log?: (message: string) => void;
}

export interface ClusterState {
  readonly dir: string;
  readonly server: string;
  readonly kubeconfigPath: string;
  readonly token: string;
  readonly caCertPath: string;
  readonly pids: Readonly<Record<string, number>>;
}

const STATE_FILE = 'cluster.json';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function kubeconfig(server: string, caPem: string, token: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'local',
        cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') }
      }
    ],
    users: [{ name: 'admin', user: { token } }],
    contexts: [{ name: 'local', context: { cluster: 'local', user: 'admin' } }],
    'current-context': 'local'
  });
}

/** The components get their cluster from flags, never from the caller's KUBECONFIG. */
function withoutKubeconfig(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.KUBECONFIG;
  return env;
}

interface Started {
  readonly name: string;
  readonly pid: number;
  readonly exited: Promise<number | null>;
  readonly logPath: string;
}

function start(
  dir: string,
  name: string,
  command: string,
  args: readonly string[],
  detached: boolean
): Started {
  const logPath = join(dir, 'logs', `${name}.log`);
  const out = openSync(logPath, 'a');
  const child = spawn(command, args, {
    cwd: dir,
    stdio: ['ignore', out, out],
    detached,
    env: withoutKubeconfig()
  });
  closeSync(out);
  if (detached) child.unref();
  const exited = new Promise<number | null>(resolve => {
    child.on('exit', code => resolve(code));
    child.on('error', () => resolve(-1));
  });
  if (child.pid === undefined) throw new Error(`${name} did not start (${command})`);
  return { name, pid: child.pid, exited, logPath };
}

function logTail(path: string, lines = 20): string {
  if (!existsSync(path)) return '';
  return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Polls `check` until it passes; fails early, with the log's tail, if the process exits. */
async function until(
  what: Started,
  check: () => Promise<boolean>,
  timeoutMs: number
): Promise<void> {
  let exitCode: number | null | undefined;
  void what.exited.then(code => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  let delay = 50;
  for (;;) {
    if (exitCode !== undefined) {
      throw new Error(`${what.name} exited (${exitCode}):\n${logTail(what.logPath)}`);
    }
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${what.name} not ready after ${timeoutMs / 1000}s:\n${logTail(what.logPath)}`
      );
    }
    await new Promise(r => setTimeout(r, delay));
    delay = Math.min(1000, delay * 2);
  }
}

function httpsOk(url: string, caPem: string, token: string): Promise<boolean> {
  return new Promise(resolve => {
    const req = request(url, { ca: caPem, headers: { Authorization: `Bearer ${token}` } }, res => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(5000, () => req.destroy());
    req.end();
  });
}

function renderStages(options: ClusterOptions): string {
  const values: Record<string, number> = {
    POD_START_MS: options.podStartMs ?? 300,
    POD_STOP_MS: options.podStopMs ?? 200
  };
  return ['node.yaml', 'pod.yaml']
    .map(file => readFileSync(join(here, 'stages', file), 'utf8'))
    .join('\n---\n')
    .replace(/\$\{(\w+)\}/g, (_, key: string) => {
      const value = values[key];
      if (value === undefined) throw new Error(`stages: no value for ${key}`);
      return String(value);
    });
}

/** Starts every component and waits until the cluster schedules and runs pods. */
export async function startCluster(options: ClusterOptions): Promise<ClusterState> {
  const log = options.log ?? (() => {});
  const detached = options.detached ?? false;
  await buildCluster();
  const { dir } = options;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'logs'), { recursive: true });

  const tls = createEmulatorTls();
  const pki = join(dir, 'pki');
  mkdirSync(pki);
  writeFileSync(join(pki, 'ca.pem'), tls.caPem);
  writeFileSync(join(pki, 'apiserver.pem'), tls.cert);
  writeFileSync(join(pki, 'apiserver.key'), tls.key, { mode: 0o600 });
  tls.remove();
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(pki, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(pki, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600
  });
  const token = randomBytes(24).toString('hex');
  // One administrator for the tests and the actions; the components use it too.
  writeFileSync(join(pki, 'tokens.csv'), `${token},admin,admin,system:masters\n`, { mode: 0o600 });

  const [etcdPort, peerPort, apiPort, kubeletPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort()
  ];
  const server = `https://127.0.0.1:${apiPort}`;
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfig(server, tls.caPem, token), { mode: 0o600 });
  writeFileSync(join(dir, 'stages.yaml'), renderStages(options));

  const processes: Started[] = [];
  const bin = (b: Binary) => binaryPath(b);
  const state = (): ClusterState => ({
    dir,
    server,
    kubeconfigPath,
    token,
    caCertPath: join(pki, 'ca.pem'),
    pids: Object.fromEntries(processes.map(p => [p.name, p.pid]))
  });
  const save = () => writeFileSync(join(dir, STATE_FILE), JSON.stringify(state(), null, 2));
  try {
    log('starting etcd');
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const etcd = start(
      dir,
      'etcd',
      bin('etcd'),
      [
        '--name=local',
        `--data-dir=${join(dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-cluster=local=http://127.0.0.1:${peerPort}`,
        // A throw-away cluster: no fsync, so a busy disk does not slow every write.
        '--unsafe-no-fsync',
        '--log-level=warn'
      ],
      detached
    );
    processes.push(etcd);
    save();
    await until(etcd, async () => (await fetch(`${etcdUrl}/health`)).ok, 120_000);

    log('starting kube-apiserver');
    const apiserver = start(
      dir,
      'kube-apiserver',
      bin('kube-apiserver'),
      [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${apiPort}`,
        `--tls-cert-file=${join(pki, 'apiserver.pem')}`,
        `--tls-private-key-file=${join(pki, 'apiserver.key')}`,
        `--token-auth-file=${join(pki, 'tokens.csv')}`,
        '--authorization-mode=RBAC',
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${join(pki, 'sa.pub')}`,
        `--service-account-signing-key-file=${join(pki, 'sa.key')}`,
        '--service-cluster-ip-range=10.0.0.0/16',
        '--allow-privileged=true',
        '--profiling=false',
        // kwok's nodes have no resolvable host names; their kubelet (kwok) is at the address.
        '--kubelet-preferred-address-types=InternalIP',
        '--v=0'
      ],
      detached
    );
    processes.push(apiserver);
    save();
    await until(apiserver, () => httpsOk(`${server}/readyz`, tls.caPem, token), 240_000);
    await installLogsType(kubeconfigPath);

    log('starting kube-controller-manager, kube-scheduler and kwok');
    const admin = ['--kubeconfig', kubeconfigPath];
    processes.push(
      start(
        dir,
        'kube-controller-manager',
        bin('kube-controller-manager'),
        [
          ...admin,
          '--leader-elect=false',
          '--secure-port=0',
          `--service-account-private-key-file=${join(pki, 'sa.key')}`,
          `--root-ca-file=${join(pki, 'ca.pem')}`,
          '--use-service-account-credentials=false',
          // The HPA reads metrics every 5 s instead of 15 s, so tests see it act sooner.
          '--horizontal-pod-autoscaler-sync-period=5s',
          '--v=0'
        ],
        detached
      ),
      start(
        dir,
        'kube-scheduler',
        bin('kube-scheduler'),
        [...admin, '--leader-elect=false', '--secure-port=0', '--v=0'],
        detached
      ),
      start(
        dir,
        'kwok',
        bin('kwok'),
        [
          ...admin,
          `--config=${join(dir, 'stages.yaml')}`,
          '--manage-all-nodes=false',
          '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
          '--cidr=10.244.0.0/16',
          // Every node's kubelet is kwok's server: the API server reaches it there for pods' logs.
          '--node-ip=127.0.0.1',
          `--node-port=${kubeletPort}`,
          `--server-address=127.0.0.1:${kubeletPort}`,
          '--enable-crds=Logs',
          '--node-lease-duration-seconds=40'
        ],
        detached
      ),
      start(
        dir,
        'cloud',
        process.execPath,
        [
          join(here, '..', '..', 'emulators', 'kubernetes', 'cloud.ts'),
          ...admin,
          `--load-balancer-delay-ms=${options.loadBalancerDelayMs ?? 500}`,
          `--scale-up-delay-ms=${options.scaleUpDelayMs ?? 2000}`
        ],
        detached
      )
    );
    save();
    await bootstrap(kubeconfigPath, processes, log);
    log(`ready: ${server}`);
    return state();
  } catch (error) {
    await stopProcesses(Object.fromEntries(processes.map(p => [p.name, p.pid])));
    throw error;
  }
}

async function stopProcesses(pids: Readonly<Record<string, number>>): Promise<void> {
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  // Clients first, etcd last, so nothing logs a storm of connection errors.
  const order = Object.entries(pids).reverse();
  for (const [, pid] of order) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + 15_000;
  while (order.some(([, pid]) => alive(pid)) && Date.now() < deadline) {
    await new Promise(r => setTimeout(r, 100));
  }
  for (const [, pid] of order) {
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
}

export function readState(dir: string): ClusterState | undefined {
  const path = join(dir, STATE_FILE);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ClusterState) : undefined;
}

/** Stops the cluster kept in `dir` and removes the folder. */
export async function stopCluster(dir: string): Promise<boolean> {
  const state = readState(dir);
  if (state) await stopProcesses(state.pids);
  rmSync(dir, { recursive: true, force: true });
  return state !== undefined;
}
