/** Local stand-ins for actions from other repositories. */
import type { StandIn } from './types.ts';

/** Looks a `uses:` value up by its exact text, then without its `@ref`. */
export function findStandIn(standIns: Record<string, StandIn>, uses: string): StandIn | undefined {
  const at = uses.lastIndexOf('@');
  const bare = at > 0 ? uses.slice(0, at) : uses;
  return standIns[uses] ?? standIns[bare];
}

/** A stand-in that does nothing and succeeds, e.g. for `actions/checkout` on a local checkout. */
export const noopStandIn: StandIn = async step => {
  step.log(`${step.uses}: stand-in, nothing to do locally`);
};
