import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';
import { runAction } from '../../src/runtime/run.ts';
import { issueCommand } from '../../src/runtime/commands.ts';
import { readProvisionInputs } from './inputs.ts';

// One bundle serves both steps: the main step leaves `isPost` in the state the post step sees
// (the runner passes saved state back as STATE_<name>). Inputs are checked before
// @actions/core and the Azure SDK load: a bad input fails fast, before any request.
// Run by a Kubernetes client as the exec credential plugin of an Entra ID kubeconfig this action
// wrote: print a token and nothing else (see src/azure/kube-token.ts).
if (process.env.GADGETRON_KUBE_TOKEN_SCOPE) {
  const { printExecCredential } = await import('../../src/azure/kube-token.ts');
  await printExecCredential();
} else {
  await main();
}

async function main(): Promise<void> {
  await runAction(async () => {
    if (process.env.STATE_isPost === 'true') {
      const { removeCredentials } = await import('./post.ts');
      removeCredentials();
      return;
    }
    saveState('isPost', 'true');
    const inputs = readProvisionInputs();
    const { provisionCluster } = await import('./main.ts');
    await provisionCluster(inputs);
  });
}

/** core.saveState without loading @actions/core. */
function saveState(name: string, value: string): void {
  const file = process.env.GITHUB_STATE;
  if (file) appendFileSync(file, `${name}=${value}${EOL}`);
  else issueCommand('save-state', { name }, value);
}
