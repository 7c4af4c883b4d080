import * as core from '@actions/core';
import { connect } from '../../src/kubernetes/connect.ts';
import { retryPolicy } from '../../src/kubernetes/logging.ts';
import { appendSummary } from '../../src/summary/write.ts';
import type { StatusInputs } from './inputs.ts';
import { readInstallation, type Installation } from './installation.ts';
import { describePodState } from './pod-state.ts';
import { isUnreadable, renderStatusSummary } from './summary.ts';

export async function reportStatus(inputs: StatusInputs): Promise<void> {
  const client = connect(inputs.kubeconfig);
  core.info(`Cluster: ${client.server}`);
  const status = await readInstallation(client, inputs, retryPolicy());
  logStatus(status);
  setOutputs(status);
  await appendSummary(renderStatusSummary(status));
  if (!status.healthy) {
    core.warning(
      `Gadgetron ${status.namespace}/${status.name}: ${status.replicas.ready} of ${status.replicas.desired} pods ready` +
        (status.notReady.length > 0
          ? `; not ready: ${status.notReady.map(t => `${t.pod} (${describePodState(t.state)})`).join(', ')}`
          : ''),
      { title: 'Gadgetron is not healthy' }
    );
  }
}

function logStatus(status: Installation): void {
  core.info(`Image: ${status.image}`);
  const release = status.release;
  core.info(
    release === undefined
      ? 'Release: no record'
      : isUnreadable(release)
        ? `Release: record not readable: ${release.unreadable}`
        : `Release: revision ${release.revision}, ${release.completedAt}`
  );
  core.info(`Kubernetes: ${status.kubernetesVersion}`);
  if (!isUnreadable(status.autoscaler)) {
    const hpa = status.autoscaler;
    core.info(`Autoscaler: ${hpa.current} now, ${hpa.desired} wanted (${hpa.min} to ${hpa.max})`);
  }
  for (const pod of status.pods) {
    core.info(
      `Pod ${pod.name}: ${describePodState(pod.state)}, ${pod.image}, node ${pod.node || '-'}`
    );
  }
  for (const trouble of status.notReady) {
    core.startGroup(`Pod ${trouble.pod}: events and last log lines`);
    for (const event of trouble.events) core.info(event);
    if (Array.isArray(trouble.logs)) for (const line of trouble.logs) core.info(line);
    else core.info(`No log: ${(trouble.logs as { unreadable: string }).unreadable}`);
    core.endGroup();
  }
  if (status.jumpserver && !isUnreadable(status.jumpserver)) {
    core.info(`Jump server: ${status.jumpserver.address || status.jumpserver.how}`);
  }
}

function setOutputs(status: Installation): void {
  const jump =
    status.jumpserver && !isUnreadable(status.jumpserver) ? status.jumpserver : undefined;
  core.setOutput('status', JSON.stringify(status));
  core.setOutput('healthy', String(status.healthy));
  core.setOutput('image', status.image);
  core.setOutput(
    'revision',
    status.release && !isUnreadable(status.release) ? String(status.release.revision) : ''
  );
  core.setOutput('ready-pods', String(status.replicas.ready));
  core.setOutput('reconstructions', status.reconstructions.inFlight?.toString() ?? '');
  core.setOutput('jumpserver-address', jump?.address ?? '');
}
