import { DECLARED_INPUTS } from './declared-inputs.ts';
import { checkOnly } from '../../src/runtime/check-only.ts';
import { field, readInputs, type InputSource, type InputValues } from '../../src/inputs/read.ts';
import { boolean, kubernetesName, oneOf, text } from '../../src/inputs/parsers.ts';
import { existingFile } from '../../src/inputs/files.ts';
import { InputProblem, InvalidInputs } from '../../src/inputs/problem.ts';
import {
  azureLocation,
  resourceGroupName,
  shareList,
  storageAccountName
} from '../../src/azure/parsers.ts';
import {
  IDENTITY_FIELDS,
  identityOf,
  identityProblems,
  withIdentityDefaults
} from '../../src/azure/identity-inputs.ts';
import { defaultAccountName } from '../../src/azure/storage-spec.ts';
import type { AzureIdentity } from '../../src/azure/credential.ts';

// Defaults live in action.yml (applied from declared-inputs.ts when an input is absent);
// `required` marks inputs that always have a value there, so an explicitly emptied one is an
// error rather than a silent default.
const FIELDS = {
  'resource-group': field(resourceGroupName, { required: true }),
  location: field(azureLocation),
  'storage-account': field(storageAccountName),
  shares: field(shareList, { required: true }),
  sku: field(oneOf('Standard_LRS', 'Standard_ZRS', 'Premium_LRS', 'Premium_ZRS'), {
    required: true
  }),
  namespace: field(kubernetesName('namespace'), { required: true }),
  'secret-name': field(kubernetesName('Secret'), { required: true }),
  kubernetes: field(boolean, { required: true }),
  state: field(oneOf('present', 'absent'), { required: true }),
  confirm: field(text),
  kubeconfig: field(existingFile),
  ...IDENTITY_FIELDS
};

export type StorageInputs = InputValues<typeof FIELDS> & {
  identity: AzureIdentity;
  /** The storage account: the input, else a name derived from the subscription and group. */
  account: string;
};

/** Premium file shares are provisioned in steps of 1 GiB from a minimum of 100 GiB. */
const PREMIUM_MIN_GIB = 100;

export function readStorageInputs(
  source?: InputSource,
  env: NodeJS.ProcessEnv = process.env
): StorageInputs {
  const inputs = readInputs(FIELDS, DECLARED_INPUTS, withIdentityDefaults(source, env));
  const problems: InputProblem[] = identityProblems(inputs);
  const account =
    inputs['storage-account'] ??
    defaultAccountName(inputs['subscription-id'] ?? '', inputs['resource-group']);
  if (inputs.sku.startsWith('Premium')) {
    const small = inputs.shares.filter(s => s.quotaGiB < PREMIUM_MIN_GIB);
    if (small.length > 0) {
      problems.push(
        new InputProblem(
          'shares',
          `${small.map(s => `${s.name}=${s.quotaGiB}`).join(', ')} ${small.length === 1 ? 'is' : 'are'} below the premium minimum`,
          `sizes of at least ${PREMIUM_MIN_GIB} GiB with sku ${inputs.sku}`
        )
      );
    }
  }
  if (inputs.state === 'absent' && inputs.confirm !== account) {
    problems.push(
      new InputProblem(
        'confirm',
        inputs.confirm
          ? `'${inputs.confirm}' does not match the storage account; state absent deletes storage account ${account} and all data on its shares`
          : `is required with state absent, which deletes storage account ${account} and all data on its shares`,
        `the storage account's name, ${account}`
      )
    );
  }
  // In the workflows' first job the cluster, and so its credentials, come later in the run.
  const clusterLater = checkOnly(env);
  if (
    inputs.kubernetes &&
    !inputs.kubeconfig &&
    !env.KUBECONFIG &&
    !env.KUBERNETES_SERVICE_HOST &&
    !clusterLater
  ) {
    problems.push(
      new InputProblem(
        'kubeconfig',
        'is needed to create the Secret and volumes (kubernetes is true) and KUBECONFIG is not set',
        'the path of a kubeconfig, e.g. the kubeconfig output of provision-cluster, or kubernetes: false'
      )
    );
  }
  if (problems.length > 0) throw new InvalidInputs(problems);
  return { ...inputs, identity: identityOf(inputs), account };
}
