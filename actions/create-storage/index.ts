import { runAction } from '../../src/runtime/run.ts';
import { readStorageInputs } from './inputs.ts';

// Inputs are checked before the Azure SDK and Kubernetes client load: a bad input fails fast,
// before any request.
await runAction(async () => {
  const inputs = readStorageInputs();
  const { createStorage } = await import('./main.ts');
  await createStorage(inputs);
});
