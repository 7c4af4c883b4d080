/**
 * Where Azure lives. Public Azure by default; sovereign clouds and test doubles set
 * AZURE_RESOURCE_MANAGER_ENDPOINT and AZURE_AUTHORITY_HOST (the variable @azure/identity reads).
 */
export interface AzureEndpoints {
  /** Azure Resource Manager, e.g. https://management.azure.com. */
  readonly resourceManager: string;
  /** Microsoft Entra ID, e.g. https://login.microsoftonline.com. */
  readonly authorityHost: string;
}

export const PUBLIC_CLOUD: AzureEndpoints = {
  resourceManager: 'https://management.azure.com',
  authorityHost: 'https://login.microsoftonline.com'
};

export function azureEndpoints(env: NodeJS.ProcessEnv = process.env): AzureEndpoints {
  const trim = (url: string | undefined): string | undefined =>
    url?.trim().replace(/\/+$/, '') || undefined;
  return {
    resourceManager: trim(env.AZURE_RESOURCE_MANAGER_ENDPOINT) ?? PUBLIC_CLOUD.resourceManager,
    authorityHost: trim(env.AZURE_AUTHORITY_HOST) ?? PUBLIC_CLOUD.authorityHost
  };
}

/** The token scope for Azure Resource Manager (the same in every cloud the SDK clients know). */
export const ARM_SCOPE = 'https://management.azure.com/.default';

/** The AKS server application: Entra ID clusters accept tokens issued for it. */
export const AKS_SERVER_APP_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
