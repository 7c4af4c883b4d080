import { stringify } from 'yaml';

export interface KubeconfigInput {
  clusterName: string;
  resourceGroup: string;
  server: string;
  tenantId: string;
  certificateAuthorityData?: string;
  /** Token-auth user; ignored when aad is set. */
  token?: string;
  /** Entra ID cluster: the user runs kubelogin (exec credential plugin). */
  aad?: boolean;
}

/** AKS server application: the audience of tokens the API server accepts on Entra ID clusters. */
export const AKS_SERVER_APP_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
/** The Azure CLI's client id that `az aks get-credentials` writes into kubelogin arguments. */
const AZURE_CLI_CLIENT_ID = '80faf920-1908-4b52-b5ef-a8e7bedfc67a';

/** The kubeconfig `listClusterUserCredential` returns (YAML text). */
export function buildKubeconfig(k: KubeconfigInput): string {
  const user = `clusterUser_${k.resourceGroup}_${k.clusterName}`;
  const cluster: Record<string, unknown> = { server: k.server };
  if (k.certificateAuthorityData)
    cluster['certificate-authority-data'] = k.certificateAuthorityData;
  // Without a CA (a local test server, https or plain http), clients are told not to verify.
  else cluster['insecure-skip-tls-verify'] = true;
  const credentials = k.aad
    ? {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: 'kubelogin',
          args: [
            'get-token',
            '--environment',
            'AzurePublicCloud',
            '--server-id',
            AKS_SERVER_APP_ID,
            '--client-id',
            AZURE_CLI_CLIENT_ID,
            '--tenant-id',
            k.tenantId,
            '--login',
            'devicecode'
          ],
          env: null,
          installHint:
            'kubelogin is not installed which is required to connect to AAD enabled cluster.',
          interactiveMode: 'IfAvailable',
          provideClusterInfo: false
        }
      }
    : { token: k.token ?? '' };
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: k.clusterName, cluster }],
    contexts: [{ name: k.clusterName, context: { cluster: k.clusterName, user } }],
    'current-context': k.clusterName,
    preferences: {},
    users: [{ name: user, user: credentials }]
  });
}
