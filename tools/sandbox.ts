// npm run sandbox: stand-up → upgrade on a release tag → tear-down, by running the reusable
// workflows in .github/workflows/ as written, against the local ARM emulator and a local
// Kubernetes cluster (a real control plane with kwok nodes, tools/cluster).
// Each `uses: ./actions/X` step runs the bundled action as the GitHub runner would.
//
//   npm run sandbox                          everything local
//   npm run sandbox -- --kubeconfig PATH     the in-cluster part against a real cluster
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { generateHostKey } from '../src/ssh/host-keys.ts';
import { formatResultTable, type WorkflowResult } from './workflow-runner/index.ts';
import type { V1Deployment } from '@kubernetes/client-node';
import { startLocalCloud, type LocalCloud } from './fixtures/cloud.ts';
import { ensureCluster } from './fixtures/cluster.ts';
import {
  REPOSITORY,
  SANDBOX_CLUSTER as cluster,
  releaseContext,
  runChainWorkflow,
  standUpInputs
} from './sandbox/chain.ts';

const { values: args } = parseArgs({ options: { kubeconfig: { type: 'string' } } });
const root = join(import.meta.dirname, '..');

const local = args.kubeconfig
  ? undefined
  : await ensureCluster(message => console.log(`[cluster] ${message}`));
const cloud = await startLocalCloud(
  args.kubeconfig ? { kubeconfigPath: args.kubeconfig } : { namespace: 'gadgetron' }
);
console.log(
  `ARM emulator at ${cloud.arm.url}; cluster credentials point at ${cloud.kube?.url ?? args.kubeconfig}`
);

// The key a user would tunnel with; only its public half goes into the workflow.
const userKey = generateHostKey('ed25519', 'sandbox-user');
const results: { name: string; result: WorkflowResult }[] = [];
let failed = false;
try {
  const standUp = await run(
    cloud,
    'stand-up',
    standUpInputs(`${REPOSITORY}:4.7.2`, userKey.publicKey)
  );
  if (standUp.ok) {
    console.log(
      `\nTunnel to Gadgetron:\n  ${standUp.outputs['ssh-command']}\nknown_hosts:\n  ${(standUp.outputs['known-hosts'] ?? '').split('\n').join('\n  ')}`
    );
    const reconstruction = await openReconstruction(cloud);
    const upgrade = await run(
      cloud,
      'update',
      { ...cluster, 'release-tag': 'v4.7.3' },
      releaseContext('v4.7.3')
    );
    if (upgrade.ok) await checkUpgrade(cloud, `${REPOSITORY}:4.7.3`, reconstruction);
    await reconstruction?.release();
  }
  await run(cloud, 'tear-down', { ...cluster, confirm: cluster['resource-group'] });
} finally {
  await cloud.close();
  await local?.stop();
}

console.log('\n## Sandbox\n');
for (const { name, result } of results)
  console.log(
    `### ${name}: ${result.ok ? 'succeeded' : 'FAILED'}\n\n${formatResultTable(result)}\n`
  );
process.exit(failed ? 1 : 0);

async function run(
  cloud: LocalCloud,
  name: string,
  inputs: Record<string, string>,
  github: Record<string, unknown> = {}
): Promise<WorkflowResult> {
  console.log(`\n=== ${name}.yml ===`);
  const result = await runChainWorkflow(cloud, name, inputs, {
    root,
    github,
    log: line => console.log(`  ${line}`)
  });
  results.push({ name, result });
  printSummaries(result);
  if (!result.ok) {
    failed = true;
    console.log(`\n${name}.yml failed${result.error ? `: ${result.error}` : ''}`);
  }
  return result;
}

/** Each step's job summary, as GitHub shows them under the run. */
function printSummaries(result: WorkflowResult): void {
  for (const step of result.steps) {
    if (!step.summary.trim()) continue;
    console.log(`\n--- job summary: ${step.job} › ${step.step} ---\n${step.summary.trim()}`);
  }
}

/** A reconstruction in flight on one Gadgetron pod, held open across the upgrade. */
async function openReconstruction(
  cloud: LocalCloud
): Promise<{ pod: string; release(): Promise<void> } | undefined> {
  if (!cloud.kube) return undefined;
  const pod = (await cloud.kube.list('v1', 'Pod')).find(
    p =>
      p.metadata?.labels?.['app.kubernetes.io/component'] === 'server' &&
      !p.metadata.deletionTimestamp
  );
  const name = pod?.metadata?.name;
  if (!name) return undefined;
  const held = await cloud.kube.hold(name);
  console.log(`\nA reconstruction is running on ${name} during the upgrade.`);
  return { pod: name, release: held.release };
}

async function checkUpgrade(
  cloud: LocalCloud,
  image: string,
  reconstruction: { pod: string } | undefined
): Promise<void> {
  if (!cloud.kube) return;
  const deployment = await cloud.kube.get<V1Deployment>('apps/v1', 'Deployment', 'gadgetron');
  const running = deployment?.spec?.template.spec?.containers[0]?.image;
  // The held pod must still be there, draining: gone would mean its reconstruction was cut.
  const stillServing = reconstruction && (await cloud.kube.get('v1', 'Pod', reconstruction.pod));
  console.log(
    `\nAfter the upgrade: Gadgetron runs ${running}; ` +
      `the pod ${reconstruction?.pod ?? '-'} ${stillServing ? 'is draining until its reconstruction ends' : 'is gone: its reconstruction was CUT'}.`
  );
  if (running !== image || (reconstruction && !stillServing)) failed = true;
}
