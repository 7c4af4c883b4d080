/**
 * The token command of Entra ID kubeconfigs (see kubeconfig.ts): run by a Kubernetes client as
 * an exec credential plugin, it signs in as the action did and prints an ExecCredential with a
 * token for the AKS server application. Its expiry is set early (five minutes, or half the
 * life of a short token), so clients fetch the next token before the current one runs out.
 */
import { cpSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ARM_SCOPE, azureEndpoints } from './environment.ts';
import { resolveCredential, type AzureIdentity } from './credential.ts';
import { TOKEN_SCOPE_VARIABLE, type TokenCommand } from './kubeconfig.ts';

const IDENTITY_VARIABLES = ['AZURE_SUBSCRIPTION_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID'];
const ENDPOINT_VARIABLES = ['AZURE_AUTHORITY_HOST', 'AZURE_RESOURCE_MANAGER_ENDPOINT'];

/**
 * A copy of this bundle (its dist directory) in the job's temporary directory, which lasts
 * as long as the job: a later checkout into the workspace cannot remove what the kubeconfig runs.
 */
export function copyTokenScript(tempDir: string, entry: string = process.argv[1] ?? ''): string {
  const target = join(tempDir, 'gadgetron-actions-kube-token');
  cpSync(dirname(entry), target, { recursive: true });
  return join(target, basename(entry));
}

/** The command: that bundle run by the same node, told the scope and who to sign in as. */
export function tokenCommand(
  scope: string,
  identity: AzureIdentity,
  script: string,
  env: NodeJS.ProcessEnv = process.env
): TokenCommand {
  const values: Record<string, string> = {
    [TOKEN_SCOPE_VARIABLE]: scope,
    AZURE_SUBSCRIPTION_ID: identity.subscriptionId
  };
  if (identity.tenantId) values.AZURE_TENANT_ID = identity.tenantId;
  if (identity.clientId) values.AZURE_CLIENT_ID = identity.clientId;
  for (const name of ENDPOINT_VARIABLES) {
    const value = env[name];
    if (value) values[name] = value;
  }
  return { command: process.execPath, args: [script], env: values };
}

/**
 * Prints the ExecCredential on stdout and nothing else there: what sign-in writes (workflow
 * commands masking the GitHub ID token, progress lines) goes to stderr, which the client shows.
 */
export async function printExecCredential(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const stdout = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  try {
    const [subscriptionId = '', tenantId, clientId] = IDENTITY_VARIABLES.map(n => env[n]);
    const { credential } = await resolveCredential(
      { subscriptionId, tenantId, clientId },
      azureEndpoints(env),
      env
    );
    const scope = env[TOKEN_SCOPE_VARIABLE] ?? ARM_SCOPE;
    const token = await credential.getToken(scope);
    if (!token?.token) throw new Error(`no token was issued for ${scope}`);
    const life = token.expiresOnTimestamp - Date.now();
    const renewAt = token.expiresOnTimestamp - Math.min(300_000, life / 2);
    stdout(
      `${JSON.stringify({
        apiVersion: 'client.authentication.k8s.io/v1beta1',
        kind: 'ExecCredential',
        status: { token: token.token, expirationTimestamp: new Date(renewAt).toISOString() }
      })}\n`
    );
  } catch (error) {
    process.stderr.write(
      `Getting a token for the cluster failed: ${error instanceof Error ? error.message : String(error)}\n`
    );
    process.exitCode = 1;
  } finally {
    process.stdout.write = stdout as typeof process.stdout.write;
  }
}
