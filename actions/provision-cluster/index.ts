import * as core from '@actions/core';
import { runAction } from '../../src/runtime/run.ts';
import { readProvisionInputs } from './inputs.ts';

// One bundle serves both steps: the main step leaves `isPost` in the state the post step sees.
// Inputs are checked before the Azure SDK loads: a bad input fails fast, before any request.
await runAction(async () => {
  if (core.getState('isPost') === 'true') {
    const { removeCredentials } = await import('./post.ts');
    removeCredentials();
    return;
  }
  core.saveState('isPost', 'true');
  const inputs = readProvisionInputs();
  const { provisionCluster } = await import('./main.ts');
  await provisionCluster(inputs);
});
