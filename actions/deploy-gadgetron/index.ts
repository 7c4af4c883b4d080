import { runAction } from '../../src/runtime/run.ts';
import { environmentInputs } from '../../src/inputs/read.ts';
import { readDeployInputs, reuseRequested } from './inputs.ts';

// Inputs are checked before the Kubernetes client and renderer load: a bad input fails fast.
await runAction(async () => {
  let source = environmentInputs();
  let resolved;
  if (reuseRequested(source)) {
    const { reuseSettings } = await import('./settings.ts');
    resolved = await reuseSettings(source);
    const given = source;
    const values = resolved.values;
    source = name => (name in values ? values[name] : given(name));
  }
  const inputs = readDeployInputs(source);
  const { deployGadgetron } = await import('./main.ts');
  await deployGadgetron(inputs, source, resolved);
});
