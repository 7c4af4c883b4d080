import { runAction } from '../../src/runtime/run.ts';
import { environmentInputs, warnUndeclaredInputs } from '../../src/inputs/read.ts';
import { checkOnly, stopAfterInputCheck } from '../../src/runtime/check-only.ts';
import { DECLARED_INPUTS } from './declared-inputs.ts';
import { readDeployInputs, reuseRequested } from './inputs.ts';

/**
 * The action: every input is checked before the heavy modules load, so a bad input fails
 * fast, before any request. With reuse-settings, the settings not given come from the running
 * release first. Exported for runners that import it (@github/local-action); index.ts calls it
 * under GitHub's runner.
 */
export async function run(): Promise<void> {
  await runAction(async () => {
    warnUndeclaredInputs(DECLARED_INPUTS);
    let source = environmentInputs();
    const given = source;
    const reuse = reuseRequested(given);
    if (checkOnly()) {
      // No release at hand here: a setting kept from it (empty) or reset with `default` is
      // checked as not given, that is as its default.
      readDeployInputs(name => {
        const value = given(name);
        return reuse && ['', 'default'].includes(value?.trim() ?? '') ? undefined : value;
      });
      stopAfterInputCheck();
      return;
    }
    let resolved;
    if (reuse) {
      const { reuseSettings } = await import('./settings.ts');
      resolved = await reuseSettings(source);
      const given = source;
      const values = resolved.values;
      source = name => (name in values ? values[name] : given(name));
    }
    const inputs = readDeployInputs(source);
    const { deployGadgetron } = await import('./deploy.ts');
    await deployGadgetron(inputs, source, resolved);
  });
}
