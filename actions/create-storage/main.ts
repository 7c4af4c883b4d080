import { runAction } from '../../src/runtime/run.ts';
import { warnUndeclaredInputs } from '../../src/inputs/read.ts';
import { stopAfterInputCheck } from '../../src/runtime/check-only.ts';
import { DECLARED_INPUTS } from './declared-inputs.ts';
import { readStorageInputs } from './inputs.ts';

/**
 * The action: every input is checked before the heavy modules load, so a bad input fails
 * fast, before any request. Exported for runners that import it (@github/local-action);
 * index.ts calls it under GitHub's runner.
 */
export async function run(): Promise<void> {
  await runAction(async () => {
    warnUndeclaredInputs(DECLARED_INPUTS);
    const inputs = readStorageInputs();
    if (stopAfterInputCheck()) return;
    const { createStorage } = await import('./storage.ts');
    await createStorage(inputs);
  });
}
