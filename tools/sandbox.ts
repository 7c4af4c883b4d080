// npm run sandbox: stand-up → upgrade on a release tag → status → tear-down, by running the reusable
// workflows in .github/workflows/ as written, against the local ARM and Kubernetes emulators.
// Each `uses: ./actions/X` step runs the bundled action as the GitHub runner would.
// `npm run sandbox -- --help` lists the options.
import type { V1Deployment } from '@kubernetes/client-node';
import { join, resolve } from 'node:path';
import { generateHostKey } from '../src/ssh/host-keys.ts';
import { formatResultTable, type WorkflowResult } from './workflow-runner/index.ts';
import { ensureCluster } from './fixtures/cluster.ts';
import { startLocalCloud, type LocalCloud } from './fixtures/cloud.ts';
import {
  REPOSITORY,
  SANDBOX_CLUSTER as cluster,
  releaseContext,
  runWorkflowFile,
  standUpInputs
} from './sandbox/chain.ts';
import { parseSandboxArgs, USAGE, UsageError, type SandboxArgs } from './sandbox/args.ts';
import { localCaller } from './sandbox/caller.ts';
import { writeSummaries } from './sandbox/summaries.ts';

const root = join(import.meta.dirname, '..');

let args: SandboxArgs;
try {
  args = parseSandboxArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`sandbox: ${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const out = resolve(root, args.out);

// A local Kubernetes cluster (a real control plane with kwok nodes) unless the caller gives one.
const local = args.kubeconfig
  ? undefined
  : await ensureCluster(message => console.log(`[cluster] ${message}`));
const cloud = await startLocalCloud(
  args.kubeconfig ? { kubeconfigPath: args.kubeconfig } : { namespace: 'gadgetron' }
);
console.log(`Azure Resource Manager (emulated) at ${cloud.arm.url}`);
console.log(
  cloud.kube
    ? `Kubernetes API (local cluster, kwok nodes) at ${cloud.kube.url}`
    : `Kubernetes API: the real cluster of ${args.kubeconfig}`
);

const results: { name: string; result: WorkflowResult }[] = [];
let failed = false;
let kept = false;
try {
  if (args.workflow) {
    const path = localCaller(args.workflow, root, out);
    await run(cloud, path, args.inputs);
  } else {
    await chain(cloud);
  }
} finally {
  if (!kept) {
    await cloud.close();
    await local?.stop();
  }
}

console.log('\n## Sandbox\n');
for (const { name, result } of results)
  console.log(
    `### ${name}: ${result.ok ? 'succeeded' : 'FAILED'}\n\n${formatResultTable(result)}\n`
  );
if (kept) await keepUp(cloud);
process.exit(failed ? 1 : 0);

/** stand-up, an upgrade for a release tag during a reconstruction, then tear-down (unless --keep). */
async function chain(cloud: LocalCloud): Promise<void> {
  // The key a user would tunnel with; only its public half goes into the workflow.
  const userKey = generateHostKey('ed25519', 'sandbox-user');
  const standUp = await run(
    cloud,
    '.github/workflows/stand-up.yml',
    standUpInputs(`${REPOSITORY}:4.7.2`, userKey.publicKey)
  );
  if (standUp.ok) {
    console.log(
      `\nTunnel to Gadgetron${emulatedNote(cloud)}:\n  ${standUp.outputs['ssh-command']}\nknown_hosts:\n  ${(standUp.outputs['known-hosts'] ?? '').split('\n').join('\n  ')}`
    );
    if (args.keep) {
      await run(cloud, '.github/workflows/status.yml', cluster);
      kept = true;
      return;
    }
    const reconstruction = await openReconstruction(cloud);
    const upgrade = await run(
      cloud,
      '.github/workflows/update.yml',
      { ...cluster, 'release-tag': 'v4.7.3' },
      releaseContext('v4.7.3')
    );
    if (upgrade.ok) await checkUpgrade(cloud, `${REPOSITORY}:4.7.3`, reconstruction);
    // While the old pod drains: the status shows it, with its reconstruction in flight.
    await run(cloud, '.github/workflows/status.yml', cluster);
    await reconstruction?.release();
  }
  await run(cloud, '.github/workflows/tear-down.yml', {
    ...cluster,
    confirm: cluster['resource-group']
  });
}

/** The jump server's address comes from the emulator's load balancer: nothing answers there. */
function emulatedNote(cloud: LocalCloud): string {
  return cloud.kube ? ' (emulated address: no jump server listens there)' : '';
}

async function run(
  cloud: LocalCloud,
  workflowPath: string,
  inputs: Record<string, string>,
  github: Record<string, unknown> = {}
): Promise<WorkflowResult> {
  const name = workflowPath.replace(/^.*\//, '').replace(/\.ya?ml$/, '');
  console.log(`\n=== ${workflowPath} ===`);
  const result = await runWorkflowFile(cloud, workflowPath, inputs, {
    root,
    github,
    log: line => console.log(`  ${line}`)
  });
  results.push({ name, result });
  const files = writeSummaries(out, name, result);
  console.log(`\nJob summaries: ${files.join(', ')}`);
  if (!result.ok) {
    failed = true;
    console.log(`\n${workflowPath} failed${result.error ? `: ${result.error}` : ''}`);
  }
  return result;
}

/** --keep: the cluster stays up, and here is how to look at it, until Ctrl-C. */
async function keepUp(cloud: LocalCloud): Promise<never> {
  const lines = [
    '\nThe cluster stays up until Ctrl-C.',
    `  Azure Resource Manager (emulated): ${cloud.arm.url} (subscription ${cloud.arm.subscriptionId}, resource group ${cluster['resource-group']})`
  ];
  if (cloud.kube) {
    lines.push(
      `  Kubernetes API (local cluster, kwok nodes): ${cloud.kube.url}`,
      `  kubeconfig: ${cloud.kube.kubeconfigPath}`,
      `  e.g.: KUBECONFIG=${cloud.kube.kubeconfigPath} .cache/cluster/v1.36.3/bin/kubectl --namespace gadgetron get deployments,pods,services`
    );
  } else {
    lines.push(`  Kubernetes: your cluster (${args.kubeconfig}), namespace gadgetron`);
  }
  console.log(lines.join('\n'));
  await new Promise<void>(done => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await cloud.close();
  await local?.stop();
  process.exit(failed ? 1 : 0);
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
