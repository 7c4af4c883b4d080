import { describe, expect, test } from '@jest/globals';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { cachingCredential, credentialCandidates } from '../../src/azure/credential.ts';
import { azureEndpoints, PUBLIC_CLOUD } from '../../src/azure/environment.ts';
import { parse } from 'yaml';
import { prepareKubeconfig } from '../../src/azure/kubeconfig.ts';
import { describeArmError, describeRequestError, hintFor } from '../../src/azure/errors.ts';

const IDENTITY = { subscriptionId: 's', tenantId: 't', clientId: 'c' };

describe('credential candidates', () => {
  test('GitHub OIDC first when the job can request ID tokens and the app is known', () => {
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://x', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' };
    const candidates = credentialCandidates(IDENTITY, PUBLIC_CLOUD, env);
    expect(candidates.map(c => [c.method, Boolean(c.create)])).toEqual([
      ['GitHub OIDC federation', true],
      ['Azure CLI', true],
      ['environment credentials', false]
    ]);
  });

  test('each skipped way says how to enable it', () => {
    const [oidc, , environment] = credentialCandidates(
      { ...IDENTITY, clientId: undefined },
      PUBLIC_CLOUD,
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: 'http://x',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't'
      }
    );
    expect(oidc?.skipped).toContain('no client-id and tenant-id');
    expect(environment?.fix).toContain('AZURE_CLIENT_SECRET');
    expect(credentialCandidates(IDENTITY, PUBLIC_CLOUD, {})[0]?.fix).toContain('id-token: write');
  });

  test('endpoints come from the environment', () => {
    expect(azureEndpoints({})).toEqual(PUBLIC_CLOUD);
    expect(
      azureEndpoints({
        AZURE_RESOURCE_MANAGER_ENDPOINT: 'https://127.0.0.1:1/',
        AZURE_AUTHORITY_HOST: 'https://127.0.0.1:1'
      })
    ).toEqual({
      resourceManager: 'https://127.0.0.1:1',
      authorityHost: 'https://127.0.0.1:1'
    });
  });
});

describe('token caching', () => {
  test('reuses a token until it nears expiry, per scope', async () => {
    let now = 0;
    let calls = 0;
    const inner: TokenCredential = {
      getToken: async () =>
        ({ token: `t${++calls}`, expiresOnTimestamp: now + 3_600_000 }) as AccessToken
    };
    const credential = cachingCredential(inner, () => now);
    expect((await credential.getToken('a'))?.token).toBe('t1');
    now = 3_000_000;
    expect((await credential.getToken('a'))?.token).toBe('t1');
    expect((await credential.getToken('b'))?.token).toBe('t2');
    now = 3_400_000;
    expect((await credential.getToken('a'))?.token).toBe('t3');
  });

  test('short-lived tokens are renewed at half their life', async () => {
    let now = 0;
    let calls = 0;
    const credential = cachingCredential(
      {
        getToken: async () =>
          ({ token: `t${++calls}`, expiresOnTimestamp: now + 4_000 }) as AccessToken
      },
      () => now
    );
    await credential.getToken('a');
    now = 1_900;
    expect((await credential.getToken('a'))?.token).toBe('t1');
    now = 2_100;
    expect((await credential.getToken('a'))?.token).toBe('t2');
  });
});

describe('kubeconfig', () => {
  const exec = `apiVersion: v1
kind: Config
clusters: [{ name: aks1, cluster: { server: 'https://aks1.hcp.westeurope.azmk8s.io:443', certificate-authority-data: Q0E= } }]
contexts: [{ name: aks1, context: { cluster: aks1, user: u } }]
current-context: aks1
users:
  - name: u
    user:
      exec:
        apiVersion: client.authentication.k8s.io/v1beta1
        command: kubelogin
        args: [get-token, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630, --login, devicecode]
`;

  test('an Entra ID (kubelogin) user runs the suite token command; no token is stored', async () => {
    const scopes: string[] = [];
    const credential: TokenCredential = {
      getToken: async scope => {
        scopes.push(String(scope));
        return { token: 'aks-token', expiresOnTimestamp: Date.now() + 3_600_000 } as AccessToken;
      }
    };
    const prepared = await prepareKubeconfig(exec, {
      check: credential,
      command: scope => ({
        command: '/usr/bin/node',
        args: ['/actions/provision-cluster/dist/index.js'],
        env: { GADGETRON_KUBE_TOKEN_SCOPE: scope, AZURE_CLIENT_ID: 'app' }
      })
    });
    expect(scopes).toEqual(['6dae42f8-4368-4678-94ff-3960e28e3630/.default']);
    expect(prepared.convertedExec).toBe(true);
    expect(prepared.text).not.toContain('aks-token');
    expect(prepared.text).not.toContain('kubelogin');
    expect(parse(prepared.text).users[0].user).toEqual({
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1beta1',
        command: '/usr/bin/node',
        args: ['/actions/provision-cluster/dist/index.js'],
        env: [
          {
            name: 'GADGETRON_KUBE_TOKEN_SCOPE',
            value: '6dae42f8-4368-4678-94ff-3960e28e3630/.default'
          },
          { name: 'AZURE_CLIENT_ID', value: 'app' }
        ],
        interactiveMode: 'Never',
        provideClusterInfo: false
      }
    });
    expect(prepared.secrets).toEqual([]);
    expect(prepared.server).toBe('https://aks1.hcp.westeurope.azmk8s.io:443');
  });

  test('token and client-key users are kept as they are, their secrets listed for masking', async () => {
    const text =
      'users: [{ name: u, user: { token: abc123, client-key-data: S0VZ } }]\nclusters: []\n';
    const prepared = await prepareKubeconfig(text, {
      check: { getToken: async () => null },
      command: () => ({ command: 'x', args: [], env: {} })
    });
    expect(prepared.text).toBe(text);
    expect(prepared.secrets).toEqual(['abc123', 'S0VZ']);
  });
});

describe('ARM errors', () => {
  test('the innermost errors are shown, each with its hint', () => {
    const text = describeArmError({
      code: 'DeploymentFailed',
      message: 'At least one resource deployment operation failed.',
      details: [
        {
          code: 'ResourceDeploymentFailure',
          message: 'x',
          details: [{ code: 'QuotaExceeded', message: 'Cores quota exceeded.' }]
        }
      ]
    });
    expect(text).toMatch(/^QuotaExceeded: Cores quota exceeded\.\n {2}Hint: .*quota/);
    expect(hintFor({ code: 'MissingSubscriptionRegistration' })).toContain('az provider register');
    expect(hintFor({ code: 'Conflict' })).toBeUndefined();
  });

  test('SDK errors keep their status and ARM code', () => {
    const error = Object.assign(new Error('Authorization failed'), {
      statusCode: 403,
      details: {
        error: {
          code: 'AuthorizationFailed',
          message:
            "The client does not have authorization to perform action 'Microsoft.Resources/deployments/write'."
        }
      }
    });
    expect(describeRequestError('Deploying', error)).toMatch(
      /^Deploying failed \(HTTP 403\): AuthorizationFailed: .*\n {2}Hint: .*Contributor/
    );
  });
});
