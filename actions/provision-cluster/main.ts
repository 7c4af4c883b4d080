import { runAction } from '../../src/runtime/run.ts';
import { warnUndeclaredInputs } from '../../src/inputs/read.ts';
import { stopAfterInputCheck } from '../../src/runtime/check-only.ts';
import { DECLARED_INPUTS } from './declared-inputs.ts';
import { readProvisionInputs } from './inputs.ts';

/**
 * The main step: every input is checked before @actions/core and the Azure SDK load, so a bad
 * input fails fast, before any request. Exported for runners that import it
 * (@github/local-action); index.ts calls it under GitHub's runner.
 */
export async function run(): Promise<void> {
  await runAction(async () => {
    warnUndeclaredInputs(DECLARED_INPUTS);
    const inputs = readProvisionInputs();
    if (stopAfterInputCheck()) return;
    const { provisionCluster } = await import('./provision.ts');
    await provisionCluster(inputs);
  });
}
