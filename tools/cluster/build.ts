// Builds the local cluster's binaries with the machine's Go through the module proxy:
// kube-apiserver, kube-controller-manager, kube-scheduler and kubectl from one Kubernetes
// release, etcd, and kwok. Each comes from a small generated module that requires the upstream
// one, into .cache/cluster/<kubernetes version>/bin. Running it again when nothing changed does
// nothing; an interrupted build resumes from Go's build cache.
//
//   node tools/cluster/build.ts [--quiet]
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { ETCD_VERSION, KUBERNETES_VERSION, KWOK_VERSION, stagingVersion } from './versions.ts';

// Jest's module loader has no import.meta.dirname.
const here = dirname(fileURLToPath(import.meta.url));

const root = join(here, '..', '..');
export const cacheDir = join(root, '.cache', 'cluster', KUBERNETES_VERSION);
export const binDir = join(cacheDir, 'bin');

export type Binary =
  'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kubectl' | 'etcd' | 'kwok';

interface GoModule {
  /** Folder name of the generated wrapper module. */
  readonly name: string;
  readonly upstream: string;
  readonly version: string;
  /** Binary name -> package to build. */
  readonly binaries: Readonly<Partial<Record<Binary, string>>>;
  readonly ldflags: readonly string[];
  /** Files of the upstream module copied next to the binaries: name there -> path in the module. */
  readonly files?: Readonly<Record<string, string>>;
}

const KUBERNETES_VERSION_FLAGS = (() => {
  const [major, minor] = KUBERNETES_VERSION.slice(1).split('.');
  // What `kubectl version` and the API server's /version report; the upstream build sets the
  // same variables from git.
  return ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'].flatMap(pkg => [
    `-X ${pkg}.gitVersion=${KUBERNETES_VERSION}`,
    `-X ${pkg}.gitMajor=${major}`,
    `-X ${pkg}.gitMinor=${minor}`,
    `-X ${pkg}.gitTreeState=clean`
  ]);
})();

/** The CustomResourceDefinition of kwok's Logs, copied from kwok's module by the build. */
export const KWOK_LOGS_CRD = 'kwok-logs-crd.yaml';

const MODULES: readonly GoModule[] = [
  {
    name: 'kubernetes',
    upstream: 'k8s.io/kubernetes',
    version: KUBERNETES_VERSION,
    binaries: {
      'kube-apiserver': 'k8s.io/kubernetes/cmd/kube-apiserver',
      'kube-controller-manager': 'k8s.io/kubernetes/cmd/kube-controller-manager',
      'kube-scheduler': 'k8s.io/kubernetes/cmd/kube-scheduler',
      kubectl: 'k8s.io/kubernetes/cmd/kubectl'
    },
    ldflags: KUBERNETES_VERSION_FLAGS
  },
  {
    name: 'etcd',
    upstream: 'go.etcd.io/etcd/server/v3',
    version: ETCD_VERSION,
    binaries: { etcd: 'go.etcd.io/etcd/server/v3' },
    ldflags: []
  },
  {
    name: 'kwok',
    upstream: 'sigs.k8s.io/kwok',
    version: KWOK_VERSION,
    binaries: { kwok: 'sigs.k8s.io/kwok/cmd/kwok' },
    ldflags: [],
    // kwok serves pods' logs as its Logs objects say; the API server must know their type.
    files: { [KWOK_LOGS_CRD]: 'kustomize/crd/bases/kwok.x-k8s.io_logs.yaml' }
  }
];

export const BINARIES: readonly Binary[] = MODULES.flatMap(
  m => Object.keys(m.binaries) as Binary[]
);

export function binaryPath(binary: Binary): string {
  return join(binDir, binary);
}

class BuildError extends Error {}

function log(message: string): void {
  process.stderr.write(`[cluster build] ${message}\n`);
}

function elapsed(since: number): string {
  const s = Math.round((Date.now() - since) / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** Runs `go` in `cwd`; returns stdout. `onLine` sees stderr line by line as it comes. */
function go(
  args: readonly string[],
  cwd: string,
  what: string,
  onLine: (line: string) => void = () => {}
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('go', args, {
      cwd,
      env: { ...process.env, GOFLAGS: '-buildvcs=false', GOWORK: 'off' },
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let stdout = '';
    const tail: string[] = [];
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        onLine(line);
      }
    });
    child.on('error', error =>
      reject(
        new BuildError(
          `${what}: cannot run the Go toolchain (${error.message}); install Go 1.26 and put it on PATH`
        )
      )
    );
    child.on('close', code => {
      if (partial) tail.push(partial);
      if (code === 0) resolve(stdout);
      else
        reject(
          new BuildError(`${what} failed (go ${args[0]} exited ${code}):\n${tail.join('\n')}`)
        );
    });
  });
}

/** The staging modules k8s.io/kubernetes requires, each pinned to the matching v0.X.Y. */
async function stagingReplacements(workDir: string): Promise<string[]> {
  const info = JSON.parse(
    await go(
      ['mod', 'download', '-json', `k8s.io/kubernetes@${KUBERNETES_VERSION}`],
      workDir,
      `downloading k8s.io/kubernetes@${KUBERNETES_VERSION}`
    )
  ) as { GoMod?: string; Error?: string };
  if (!info.GoMod) {
    throw new BuildError(`k8s.io/kubernetes@${KUBERNETES_VERSION}: ${info.Error ?? 'no go.mod'}`);
  }
  const goMod = readFileSync(info.GoMod, 'utf8');
  const staged = new Set(
    [...goMod.matchAll(/^\s*(k8s\.io\/[\w.-]+)\s+=>\s+\.\/staging\//gm)].map(m => m[1] as string)
  );
  const required = new Set(
    [...goMod.matchAll(/^\s*(k8s\.io\/[\w.-]+)\s+v0\.0\.0\b/gm)].map(m => m[1] as string)
  );
  const version = stagingVersion();
  return [...staged]
    .filter(m => required.has(m))
    .sort()
    .map(m => `\t${m} => ${m} ${version}`);
}

async function wrapperModule(module: GoModule): Promise<string> {
  const dir = join(cacheDir, 'src', module.name);
  mkdirSync(dir, { recursive: true });
  const lines = [
    `// Generated by tools/cluster/build.ts: builds ${module.upstream} ${module.version}.`,
    `module local.test/${module.name}-binaries`,
    '',
    'go 1.26.0',
    '',
    `require ${module.upstream} ${module.version}`,
    ''
  ];
  if (module.upstream === 'k8s.io/kubernetes') {
    // k8s.io/kubernetes replaces its staging modules with folders of its own repository, which
    // a module that requires it cannot see: point each at its published version instead.
    lines.push('replace (', ...(await stagingReplacements(dir)), ')', '');
  }
  lines.push(...Object.values(module.binaries).map(pkg => `tool ${pkg}`), '');
  const goMod = lines.join('\n');
  const path = join(dir, 'go.mod');
  if (!existsSync(path) || !readFileSync(path, 'utf8').startsWith(goMod)) {
    writeFileSync(path, goMod);
    rmSync(join(dir, 'go.sum'), { force: true });
  }
  return dir;
}

function stampOf(module: GoModule): string {
  return JSON.stringify({ version: module.version, ldflags: module.ldflags, files: module.files });
}

function upToDate(module: GoModule): boolean {
  const stamp = join(binDir, `.${module.name}.stamp`);
  return (
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8') === stampOf(module) &&
    [...Object.keys(module.binaries), ...Object.keys(module.files ?? {})].every(b =>
      existsSync(join(binDir, b))
    )
  );
}

/** Copies the module's files the cluster needs from the module cache. */
async function copyFiles(module: GoModule, dir: string): Promise<void> {
  if (!module.files) return;
  const what = `${module.upstream}@${module.version}`;
  const info = JSON.parse(
    await go(['mod', 'download', '-json', what], dir, `locating ${what}`)
  ) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new BuildError(`${what}: ${info.Error ?? 'not in the module cache'}`);
  for (const [name, path] of Object.entries(module.files)) {
    // Read and written, not copied: the module cache's files are read-only.
    writeFileSync(join(binDir, name), readFileSync(join(info.Dir, path)));
  }
}

async function build(module: GoModule): Promise<void> {
  const what = `${module.upstream}@${module.version}`;
  const started = Date.now();
  log(`${what}: resolving modules`);
  const dir = await wrapperModule(module);
  await go(['mod', 'tidy'], dir, `resolving the modules of ${what}`);
  let compiled = 0;
  let reported = Date.now();
  for (const [binary, pkg] of Object.entries(module.binaries)) {
    log(`${what}: compiling ${binary}`);
    await go(
      [
        'build',
        '-v',
        '-trimpath',
        '-ldflags',
        ['-s', '-w', ...module.ldflags].join(' '),
        '-o',
        join(binDir, binary),
        pkg
      ],
      dir,
      `building ${binary} from ${what}`,
      () => {
        compiled++;
        if (Date.now() - reported > 30_000) {
          reported = Date.now();
          log(`${what}: ${compiled} packages compiled so far (${elapsed(started)})`);
        }
      }
    );
  }
  await copyFiles(module, dir);
  writeFileSync(join(binDir, `.${module.name}.stamp`), stampOf(module));
  log(`${what}: done in ${elapsed(started)}`);
}

/** Builds whatever is missing or out of date. */
export async function buildCluster(): Promise<void> {
  mkdirSync(binDir, { recursive: true });
  const stale = MODULES.filter(m => !upToDate(m));
  if (stale.length === 0) return;
  const started = Date.now();
  log(
    `building ${stale.map(m => `${m.upstream}@${m.version}`).join(', ')} into ${binDir} ` +
      '(the first build takes 15-25 minutes on 2 cores)'
  );
  for (const module of stale) await build(module);
  log(`all binaries ready in ${elapsed(started)}`);
}

if (import.meta.filename === process.argv[1]) {
  buildCluster().then(
    () => log(`up to date: ${BINARIES.join(', ')} in ${binDir}`),
    (error: unknown) => {
      log(error instanceof Error ? error.message : String(error));
      process.exit(1);
    }
  );
}
