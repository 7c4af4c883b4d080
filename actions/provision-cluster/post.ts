import * as core from '@actions/core';
import { removeKubeconfig } from '../../src/azure/kubeconfig.ts';
import { runAction } from '../../src/runtime/run.ts';

/** The post step: the kubeconfig holds credentials, so it does not outlive the job. */
export async function run(): Promise<void> {
  await runAction(async () => {
    const path = core.getState('kubeconfig');
    if (!path) return;
    core.info(removeKubeconfig(path) ? `Deleted ${path}.` : `${path} was already gone.`);
  });
}
