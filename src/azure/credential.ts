import * as core from '@actions/core';
import {
  AzureCliCredential,
  ClientAssertionCredential,
  EnvironmentCredential,
  type AccessToken,
  type TokenCredential
} from '@azure/identity';
import { ActionFailure } from '../runtime/failure.ts';
import { ARM_SCOPE, PUBLIC_CLOUD, type AzureEndpoints } from './environment.ts';

/** Who the action acts as: the subscription it works in and, for federated sign-in, the app. */
export interface AzureIdentity {
  readonly subscriptionId: string;
  readonly tenantId: string | undefined;
  readonly clientId: string | undefined;
}

export interface ResolvedCredential {
  readonly credential: TokenCredential;
  /** Which way of signing in worked, for the log. */
  readonly method: string;
}

interface Candidate {
  readonly method: string;
  /** Why this way was not tried, when it could not be. */
  readonly skipped?: string;
  readonly create?: () => TokenCredential;
  readonly fix: string;
}

/** The audience GitHub's OIDC tokens must carry for Entra ID workload identity federation. */
export const GITHUB_OIDC_AUDIENCE = 'api://AzureADTokenExchange';

/**
 * The ways of signing in, best first:
 * 1. GitHub OIDC federation: the callback asks the runner for a fresh ID token each time Entra ID
 *    needs an assertion, so operations longer than the token's ten minutes keep working.
 * 2. The Azure CLI's login (azure/login).
 * 3. Environment credentials (AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH).
 */
export function credentialCandidates(
  identity: AzureIdentity,
  endpoints: AzureEndpoints,
  env: NodeJS.ProcessEnv = process.env
): Candidate[] {
  const authority = {
    authorityHost: endpoints.authorityHost,
    // Instance discovery asks the public cloud about the host; other hosts describe themselves.
    disableInstanceDiscovery: endpoints.authorityHost !== PUBLIC_CLOUD.authorityHost
  };
  const inGitHubJob = Boolean(
    env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
  );
  const { tenantId, clientId } = identity;
  const oidc: Candidate =
    inGitHubJob && tenantId && clientId
      ? {
          method: 'GitHub OIDC federation',
          create: () =>
            new ClientAssertionCredential(
              tenantId,
              clientId,
              () => core.getIDToken(GITHUB_OIDC_AUDIENCE),
              authority
            ),
          fix: `add a federated credential for this repository to app ${clientId} in tenant ${tenantId} (issuer https://token.actions.githubusercontent.com, audience ${GITHUB_OIDC_AUDIENCE})`
        }
      : {
          method: 'GitHub OIDC federation',
          skipped: !inGitHubJob
            ? 'the job cannot request ID tokens'
            : 'no client-id and tenant-id were given (nor AZURE_CLIENT_ID and AZURE_TENANT_ID)',
          fix: !inGitHubJob
            ? 'add `permissions: id-token: write` to the job and give client-id and tenant-id'
            : 'give the client-id and tenant-id inputs of the app registration that trusts this repository'
        };
  const cli: Candidate = {
    method: 'Azure CLI',
    create: () =>
      new AzureCliCredential({
        ...(tenantId ? { tenantId } : {}),
        subscription: identity.subscriptionId,
        processTimeoutInMs: 30_000
      }),
    fix: 'run azure/login before this step (or `az login` on a self-hosted runner)'
  };
  const environment: Candidate =
    env.AZURE_CLIENT_SECRET || env.AZURE_CLIENT_CERTIFICATE_PATH
      ? {
          method: 'environment credentials',
          create: () => new EnvironmentCredential(authority),
          fix: 'check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH)'
        }
      : {
          method: 'environment credentials',
          skipped: 'neither AZURE_CLIENT_SECRET nor AZURE_CLIENT_CERTIFICATE_PATH is set',
          fix: 'set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET from secrets'
        };
  return [oidc, cli, environment];
}

/**
 * Picks the first way of signing in that yields a token for Azure Resource Manager. When none
 * does, one failure lists every way tried, why it failed and how to fix it.
 */
export async function resolveCredential(
  identity: AzureIdentity,
  endpoints: AzureEndpoints,
  env: NodeJS.ProcessEnv = process.env
): Promise<ResolvedCredential> {
  const attempts: string[] = [];
  for (const candidate of credentialCandidates(identity, endpoints, env)) {
    if (!candidate.create) {
      attempts.push(
        `- ${candidate.method}: not tried, ${candidate.skipped}. To use it, ${candidate.fix}.`
      );
      continue;
    }
    const credential = cachingCredential(candidate.create());
    try {
      const token = await credential.getToken(ARM_SCOPE);
      if (!token) throw new Error('no token was returned');
      return { credential, method: candidate.method };
    } catch (error) {
      attempts.push(`- ${candidate.method}: ${firstLine(error)}. To fix, ${candidate.fix}.`);
    }
  }
  throw new ActionFailure(`Could not sign in to Azure. Tried:\n${attempts.join('\n')}`);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line =
    message
      .split('\n')
      .map(l => l.trim())
      .find(Boolean) ?? 'failed';
  return (line.length > 300 ? `${line.slice(0, 297)}...` : line).replace(/\.$/, '');
}

/**
 * Shares tokens between the run's clients: every SDK client has its own pipeline, and a client
 * assertion credential asks the runner for a new ID token on each call. A token is reused until
 * it nears expiry (five minutes before, or half its life for short-lived ones), then renewed.
 */
export function cachingCredential(
  inner: TokenCredential,
  now: () => number = Date.now
): TokenCredential {
  const cache = new Map<string, { token: AccessToken; renewAt: number }>();
  return {
    async getToken(scopes, options) {
      const key = [scopes].flat().join(' ');
      const cached = cache.get(key);
      if (cached && now() < cached.renewAt && !options?.claims) return cached.token;
      const token = await inner.getToken(scopes, options);
      if (token) {
        const life = token.expiresOnTimestamp - now();
        cache.set(key, { token, renewAt: token.expiresOnTimestamp - Math.min(300_000, life / 2) });
      }
      return token;
    }
  };
}
