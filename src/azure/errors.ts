/** Reading ARM's errors: status codes, the `{ error: { code, message, details } }` envelope, hints. */

export interface ArmError {
  readonly code?: string;
  readonly message?: string;
  readonly target?: string;
  readonly details?: readonly ArmError[];
}

export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404;
}

/** The ARM error inside an SDK RestError (its `details` hold the parsed body), else its own code and message. */
export function armErrorOf(error: unknown): ArmError {
  const details = (error as { details?: { error?: ArmError } } | undefined)?.details;
  if (details?.error?.code) return details.error;
  const e = error as { code?: unknown; message?: unknown } | undefined;
  return {
    code: typeof e?.code === 'string' ? e.code : undefined,
    message: typeof e?.message === 'string' ? e.message : String(error)
  };
}

/**
 * The most specific errors of a tree: ARM wraps the cause as DeploymentFailed →
 * ResourceDeploymentFailure → QuotaExceeded, and only the leaves say what happened.
 */
export function innermostErrors(error: ArmError): ArmError[] {
  const details = error.details?.filter(d => d.code || d.message) ?? [];
  if (details.length === 0) return [error];
  return details.flatMap(innermostErrors);
}

const HINTS: [RegExp, string][] = [
  [
    /QuotaExceeded|OperationNotAllowed.*quota|InsufficientVCPUQuota|ErrCode_InsufficientVCPUQuota/i,
    'the subscription has too few vCPUs of this VM family in the region: lower max-nodes, choose another VM size, or request more quota (Portal → Quotas → Compute)'
  ],
  [
    /SkuNotAvailable|VMSizeNotSupported|InvalidVMSize/i,
    'this VM size cannot be used in this region or subscription: pick another size (`az vm list-skus --location LOCATION --resource-type virtualMachines --output table`) or another region'
  ],
  [
    /K8sVersionNotSupported|AgentPoolK8sVersionNotSupported|NotSupportedKubernetesVersion|VersionNotSupported/i,
    'this Kubernetes version is not offered: list the offered ones with `az aks get-versions --location LOCATION`, or leave kubernetes-version empty'
  ],
  [
    /AuthorizationFailed|LinkedAuthorizationFailed|RoleAssignmentNotFound/i,
    "the identity lacks permission: grant it Contributor (and for AKS also 'Azure Kubernetes Service Cluster User Role') on the resource group or subscription"
  ],
  [
    /MissingSubscriptionRegistration|SubscriptionNotRegistered/i,
    'register the resource provider once: `az provider register --namespace NAMESPACE`'
  ],
  [
    /StorageAccountAlreadyTaken|StorageAccountAlreadyExists|AccountNameInvalid/i,
    'storage account names are global: choose another storage-account name'
  ],
  [
    /DeploymentActive/i,
    'another deployment to this resource group is still running: wait for it to finish and run again'
  ],
  [
    /InvalidTemplate|InvalidTemplateDeployment/i,
    'the template was refused before anything changed; the message names the part ARM rejected'
  ],
  [
    /ResourceGroupBeingDeleted/i,
    'the resource group is being deleted: wait until it is gone and run again'
  ],
  [
    /RequestDisallowedByPolicy/i,
    'an Azure Policy assignment forbids this resource: ask the subscription owner for an exemption or adjust the inputs the policy names'
  ],
  [
    /AADSTS700024|AADSTS70021/i,
    'the GitHub OIDC token was refused: check the federated credential (subject and audience) of the app registration'
  ]
];

/** A hint for the common errors users can fix themselves. */
export function hintFor(error: ArmError): string | undefined {
  const text = `${error.code ?? ''} ${error.message ?? ''}`;
  return HINTS.find(([pattern]) => pattern.test(text))?.[1];
}

/** `Code: message (Hint: ...)` for each innermost error, one per line. */
export function describeArmError(error: ArmError): string {
  return innermostErrors(error)
    .map(e => {
      const hint = hintFor(e);
      return `${e.code ? `${e.code}: ` : ''}${e.message ?? 'no message'}${hint ? `\n  Hint: ${hint}` : ''}`;
    })
    .join('\n');
}

/** For errors thrown by SDK calls: what failed, ARM's words, and a hint when there is one. */
export function describeRequestError(what: string, error: unknown): string {
  const status = statusOf(error);
  return `${what} failed${status ? ` (HTTP ${status})` : ''}: ${describeArmError(armErrorOf(error))}`;
}
