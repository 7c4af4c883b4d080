import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';
import { checkNodeVersion } from '../../src/runtime/node-version.ts';
import { issueCommand } from '../../src/runtime/commands.ts';

// The entrypoint of the bundle. The Node.js check comes first and the steps load only after
// it, so an old Node prints why it cannot run the action instead of a stack trace. One bundle
// serves both steps: the main step leaves `isPost` in the state the post step sees (the
// runner passes saved state back as STATE_<name>). Run by a Kubernetes client as the exec
// credential plugin of an Entra ID kubeconfig this action wrote, it prints a token and nothing
// else (see src/azure/kube-token.ts).
if (checkNodeVersion()) {
  if (process.env.GADGETRON_KUBE_TOKEN_SCOPE) {
    const { printExecCredential } = await import('../../src/azure/kube-token.ts');
    await printExecCredential();
  } else if (process.env.STATE_isPost === 'true') {
    const { run } = await import('./post.ts');
    await run();
  } else {
    saveState('isPost', 'true');
    const { run } = await import('./main.ts');
    await run();
  }
}

/** core.saveState without loading @actions/core. */
function saveState(name: string, value: string): void {
  const file = process.env.GITHUB_STATE;
  if (file) appendFileSync(file, `${name}=${value}${EOL}`);
  else issueCommand('save-state', { name }, value);
}
