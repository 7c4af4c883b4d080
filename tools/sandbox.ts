// npm run sandbox: the local Kubernetes emulator, and the bundled deploy-gadgetron action run
// against it exactly as the GitHub runner runs it. Prints the action's log and job summary.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubernetesEmulator } from '../emulators/kubernetes/index.ts';
import { runActionProcess } from './runner/action-process.ts';
import { createClaims } from './fixtures/claims.ts';

const root = join(import.meta.dirname, '..');
const image = 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:4.7.2';

const cluster = await startKubernetesEmulator({ podReadyDelayMs: 300, loadBalancerDelayMs: 200 });
console.log(`Kubernetes emulator at ${cluster.url}`);
let failed = false;
try {
  // What create-storage leaves in a cluster: the namespace and the two shared claims.
  await createClaims(cluster.kubeconfigPath, 'gadgetron', ['gtdata', 'gtdependencies']);
  const runnerTemp = mkdtempSync(join(tmpdir(), 'sandbox-'));
  for (const [title, inputs] of [
    ['deploy-gadgetron: first deploy', { image }],
    ['deploy-gadgetron: the same inputs again (nothing to change)', { image }]
  ] as const) {
    console.log(`\n=== ${title} ===`);
    const run = await runActionProcess({
      actionDir: join(root, 'actions', 'deploy-gadgetron'),
      inputs: { ...inputs, kubeconfig: cluster.kubeconfigPath },
      runnerTemp,
      onLine: line => console.log(`  ${line}`)
    });
    if (run.stderr) console.log(run.stderr);
    console.log(
      `\n--- outputs ---\n${Object.entries(run.outputs)
        .map(([k, v]) => `  ${k}=${v}`)
        .join('\n')}`
    );
    console.log(`\n--- job summary ---\n${run.summary}`);
    console.log(`exit code ${run.exitCode}, ${(run.durationMs / 1000).toFixed(1)}s`);
    if (run.exitCode !== 0) failed = true;
  }
} finally {
  await cluster.close();
}
process.exit(failed ? 1 : 0);
