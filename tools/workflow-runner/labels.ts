/** Human-readable names for jobs and steps, as the GitHub UI shows them. */
import { isString } from '@actions/workflow-parser/templates/tokens/type-guards';
import type { StepModel } from './model.ts';

export function stepLabel(step: StepModel, index: number): string {
  if (step.id) return step.id;
  if (step.name && isString(step.name)) return step.name.value;
  return `#${index + 1}`;
}

/** The default display name: `Run <first line of script>` or `Run <action>`. */
export function defaultStepName(step: StepModel, script?: string): string {
  if (step.uses) return `Run ${step.uses}`;
  const firstLine = (script ?? step.run?.toString() ?? '').split('\n').find(l => l.trim() !== '');
  return `Run ${(firstLine ?? '').trim()}`;
}
