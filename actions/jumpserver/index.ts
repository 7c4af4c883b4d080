import { runAction } from '../../src/runtime/run.ts';
import { readJumpserverInputs } from './inputs.ts';

// Inputs are checked before the Kubernetes client and renderer load: a bad input fails fast,
// and a private key pasted into authorized-keys is masked before anything is written.
await runAction(async () => {
  const inputs = readJumpserverInputs();
  const { deployJumpserver } = await import('./main.ts');
  await deployJumpserver(inputs);
});
