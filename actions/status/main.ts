import { runAction } from '../../src/runtime/run.ts';
import { warnUndeclaredInputs } from '../../src/inputs/read.ts';
import { stopAfterInputCheck } from '../../src/runtime/check-only.ts';
import { DECLARED_INPUTS } from './declared-inputs.ts';
import { readStatusInputs } from './inputs.ts';

/**
 * The action: inputs first, then one read of the installation, reported as outputs, a log
 * and a job summary. Exported for runners that import it (@github/local-action); index.ts
 * calls it under GitHub's runner.
 */
export async function run(): Promise<void> {
  await runAction(async () => {
    warnUndeclaredInputs(DECLARED_INPUTS);
    const inputs = readStatusInputs();
    if (stopAfterInputCheck()) return;
    const { reportStatus } = await import('./report.ts');
    await reportStatus(inputs);
  });
}
