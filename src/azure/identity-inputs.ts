import { environmentInputs, field, type InputSource } from '../inputs/read.ts';
import { InputProblem } from '../inputs/problem.ts';
import type { AzureIdentity } from './credential.ts';
import { guid } from './parsers.ts';

/** The Azure identity inputs both Azure actions take. */
export const IDENTITY_FIELDS = {
  'subscription-id': field(guid),
  'tenant-id': field(guid),
  'client-id': field(guid)
};

const VARIABLES: Record<string, string> = {
  'subscription-id': 'AZURE_SUBSCRIPTION_ID',
  'tenant-id': 'AZURE_TENANT_ID',
  'client-id': 'AZURE_CLIENT_ID'
};

/** Inputs as given, with the identity inputs falling back to AZURE_SUBSCRIPTION_ID, AZURE_TENANT_ID and AZURE_CLIENT_ID. */
export function withIdentityDefaults(
  source: InputSource | undefined,
  env: NodeJS.ProcessEnv = process.env
): InputSource {
  const base = source ?? environmentInputs(env);
  return name => {
    const given = base(name);
    if (given?.trim()) return given;
    const variable = VARIABLES[name];
    return variable ? env[variable] : given;
  };
}

interface IdentityValues {
  'subscription-id'?: string;
  'tenant-id'?: string;
  'client-id'?: string;
}

export function identityProblems(values: IdentityValues): InputProblem[] {
  return values['subscription-id']
    ? []
    : [
        new InputProblem(
          'subscription-id',
          'is required (or set AZURE_SUBSCRIPTION_ID)',
          'the GUID of the Azure subscription'
        )
      ];
}

export function identityOf(values: IdentityValues): AzureIdentity {
  return {
    subscriptionId: values['subscription-id'] ?? '',
    tenantId: values['tenant-id'],
    clientId: values['client-id']
  };
}
