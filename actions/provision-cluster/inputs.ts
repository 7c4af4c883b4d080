import { DECLARED_INPUTS } from './declared-inputs.ts';
import { field, readInputs, type InputSource, type InputValues } from '../../src/inputs/read.ts';
import { boolean, integer, oneOf, text } from '../../src/inputs/parsers.ts';
import { InputProblem, InvalidInputs } from '../../src/inputs/problem.ts';
import {
  apiServerRanges,
  azureLocation,
  azureTags,
  clusterName,
  kubernetesVersion,
  resourceGroupName,
  vmSize,
  weeklyStart
} from '../../src/azure/parsers.ts';
import {
  IDENTITY_FIELDS,
  identityOf,
  identityProblems,
  withIdentityDefaults
} from '../../src/azure/identity-inputs.ts';
import type { AzureIdentity } from '../../src/azure/credential.ts';

// Defaults live in action.yml (applied from declared-inputs.ts when an input is absent);
// `required` marks inputs that always have a value there, so an explicitly emptied one is an
// error rather than a silent default.
// Because the runner fills those defaults in, the action cannot tell a given cluster setting
// from a defaulted one: with state existing the settings are validated like the others but
// not used (action.yml says so), rather than refused only when they differ from a default.
const FIELDS = {
  'resource-group': field(resourceGroupName, { required: true }),
  'cluster-name': field(clusterName, { required: true }),
  location: field(azureLocation),
  state: field(oneOf('present', 'absent', 'existing'), { required: true }),
  'kubernetes-version': field(kubernetesVersion),
  'system-vm-size': field(vmSize, { required: true }),
  'node-vm-size': field(vmSize, { required: true }),
  'min-nodes': field(integer(0, 1000), { required: true }),
  'max-nodes': field(integer(1, 1000), { required: true }),
  gpu: field(boolean, { required: true }),
  // An upgrade's drain timeout is this plus ten minutes, and AKS allows at most 1440 minutes.
  'max-graceful-termination': field(integer(30, 85_800), { required: true }),
  'node-os-upgrade-channel': field(oneOf('None', 'Unmanaged', 'NodeImage', 'SecurityPatch'), {
    required: true
  }),
  'maintenance-window': field(weeklyStart, { required: true }),
  'maintenance-hours': field(integer(4, 24), { required: true }),
  'api-server-authorized-ranges': field(apiServerRanges),
  tier: field(oneOf('Free', 'Standard'), { required: true }),
  'disable-local-accounts': field(boolean, { required: true }),
  tags: field(azureTags),
  'what-if': field(boolean, { required: true }),
  confirm: field(text),
  ...IDENTITY_FIELDS
};

export type ProvisionInputs = InputValues<typeof FIELDS> & { identity: AzureIdentity };

/** Reads every input (the identity ones default to AZURE_* variables), then checks the rules between inputs. */
export function readProvisionInputs(
  source?: InputSource,
  env: NodeJS.ProcessEnv = process.env
): ProvisionInputs {
  const inputs = readInputs(FIELDS, DECLARED_INPUTS, withIdentityDefaults(source, env));
  const problems: InputProblem[] = identityProblems(inputs);
  if (inputs['max-nodes'] < inputs['min-nodes']) {
    problems.push(
      new InputProblem(
        'max-nodes',
        `${inputs['max-nodes']} is below min-nodes (${inputs['min-nodes']})`,
        'a number at least as large as min-nodes'
      )
    );
  }
  if (
    inputs.state === 'absent' &&
    !inputs['what-if'] &&
    inputs.confirm !== inputs['resource-group']
  ) {
    problems.push(
      new InputProblem(
        'confirm',
        inputs.confirm
          ? `'${inputs.confirm}' does not match resource-group; state absent deletes resource group ${inputs['resource-group']} and everything in it`
          : `is required with state absent, which deletes resource group ${inputs['resource-group']} and everything in it`,
        `the resource group's name, ${inputs['resource-group']}`
      )
    );
  }
  if (problems.length > 0) throw new InvalidInputs(problems);
  return { ...inputs, identity: identityOf(inputs) };
}
