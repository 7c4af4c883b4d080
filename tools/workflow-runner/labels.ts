/** Human-readable names for jobs and steps, as the GitHub UI shows them. */
import { isBasicExpression, isString } from '@actions/workflow-parser/templates/tokens/type-guards';
import { writtenTextOf } from './multiline-scalars.ts';
import type { StepModel } from './model.ts';

export function stepLabel(step: StepModel, index: number): string {
  if (step.id) return step.id;
  if (step.name && isString(step.name)) return step.name.value;
  return `#${index + 1}`;
}

/** The default display name: `Run <first line of script>` or `Run <action>`. */
export function defaultStepName(step: StepModel): string {
  if (step.uses) return `Run ${step.uses}`;
  const run = step.run;
  const script =
    run === undefined ? '' : isBasicExpression(run) ? writtenTextOf(run) : run.toString();
  const firstLine = script.split('\n').find(l => l.trim() !== '');
  return `Run ${(firstLine ?? '').trim()}`;
}
