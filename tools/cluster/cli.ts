// The local cluster from the command line:
//
//   npm run cluster -- build    build the binaries (also done by `up` when they are missing)
//   npm run cluster -- up       start a cluster in the background; the last line is KUBECONFIG=<path>
//   npm run cluster -- down     stop it and remove its folder
//   npm run cluster -- status   say whether one is running, and where
import { fileURLToPath } from 'node:url';
import { join, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { binDir, buildCluster } from './build.ts';
import { readState, startCluster, stopCluster } from './control-plane.ts';

// Jest's module loader has no import.meta.dirname.
const here = dirname(fileURLToPath(import.meta.url));

const USAGE = `usage: npm run cluster -- <build|up|down|status> [--dir DIR]
  build    build kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, etcd and kwok
  up       start a local cluster in the background and print KUBECONFIG=<path> last
  down     stop the cluster and remove its folder
  status   print the running cluster's API server and kubeconfig
  --dir    where the cluster keeps its files (default .cache/cluster/run)`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      dir: {
        type: 'string',
        default: join(here, '..', '..', '.cache', 'cluster', 'run')
      },
      help: { type: 'boolean', short: 'h' }
    }
  });
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const [command, ...extra] = positionals;
if (extra.length > 0) fail(`unexpected argument: ${extra.join(' ')}`);
const dir = values.dir;

async function main(): Promise<void> {
  switch (command) {
    case 'build':
      await buildCluster();
      console.log(`binaries in ${binDir}`);
      return;
    case 'up': {
      const running = readState(dir);
      if (running) {
        console.log(`a cluster is already running at ${running.server}`);
        console.log(`KUBECONFIG=${running.kubeconfigPath}`);
        return;
      }
      const started = Date.now();
      const state = await startCluster({
        dir,
        detached: true,
        log: message => console.error(`[cluster] ${message}`)
      });
      console.error(
        `[cluster] up in ${((Date.now() - started) / 1000).toFixed(1)}s; kubectl: ${join(binDir, 'kubectl')}; stop it with: npm run cluster -- down`
      );
      console.log(`KUBECONFIG=${state.kubeconfigPath}`);
      return;
    }
    case 'down':
      console.log((await stopCluster(dir)) ? 'cluster stopped' : 'no cluster was running');
      return;
    case 'status': {
      const state = readState(dir);
      if (!state) {
        console.log('no cluster is running');
        process.exitCode = 1;
        return;
      }
      console.log(`API server ${state.server}`);
      console.log(`KUBECONFIG=${state.kubeconfigPath}`);
      return;
    }
    case undefined:
      return fail('which command?');
    default:
      return fail(`unknown command: ${command}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
