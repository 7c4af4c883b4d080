import { runAction } from '../../src/runtime/run.ts';
import { readDeployInputs } from './inputs.ts';

// Inputs are checked before the Kubernetes client and renderer load: a bad input fails fast.
await runAction(async () => {
  const inputs = readDeployInputs();
  const { deployGadgetron } = await import('./main.ts');
  await deployGadgetron(inputs);
});
