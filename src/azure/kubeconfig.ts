import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { TokenCredential } from '@azure/identity';
import { AKS_SERVER_APP_ID } from './environment.ts';

type Json = Record<string, unknown>;

interface NamedUser {
  name?: string;
  user?: Json;
}

/** Fields of a kubeconfig user that grant access. */
const SECRET_FIELDS = ['token', 'client-key-data', 'client-certificate-data', 'password'];

export interface PreparedKubeconfig {
  readonly text: string;
  /** Every secret value in it, to be masked before anything could print it. */
  readonly secrets: string[];
  /** Whether an exec (kubelogin) user was replaced by the suite's own token command. */
  readonly convertedExec: boolean;
  readonly server: string | undefined;
}

/**
 * How a kubeconfig user gets a token for an Entra ID cluster: a command (this action's bundle,
 * see kube-token.ts) and the environment that tells it the scope and identity. Holds no secret.
 */
export interface TokenCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/** The variable that switches the bundle into printing an ExecCredential for this scope. */
export const TOKEN_SCOPE_VARIABLE = 'GADGETRON_KUBE_TOKEN_SCOPE';

/**
 * Makes a kubeconfig usable without extra tools. Entra ID clusters come with an exec user that
 * runs kubelogin; that user runs the suite's token command instead, which signs in the way the
 * action did and prints a token for the AKS server application. Kubernetes clients (the
 * actions', kubectl) run it again when the token is about to expire, so a rollout longer than a
 * token's 60-90 minutes keeps working. `check` proves up front that a token can be issued.
 */
export async function prepareKubeconfig(
  content: string,
  tokens: { readonly command: (scope: string) => TokenCommand; readonly check: TokenCredential }
): Promise<PreparedKubeconfig> {
  const config = (parse(content) ?? {}) as Json;
  const users = (Array.isArray(config.users) ? config.users : []) as NamedUser[];
  const secrets: string[] = [];
  let convertedExec = false;
  for (const entry of users) {
    const user = entry.user ?? {};
    const exec = user.exec as { args?: unknown } | undefined;
    if (exec) {
      const scope = `${serverId(exec.args)}/.default`;
      const token = await tokens.check.getToken(scope);
      if (!token?.token)
        throw new Error(`No token was issued for the AKS server application (${scope})`);
      const command = tokens.command(scope);
      entry.user = {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: command.command,
          args: [...command.args],
          env: Object.entries(command.env).map(([name, value]) => ({ name, value })),
          interactiveMode: 'Never',
          provideClusterInfo: false
        }
      };
      convertedExec = true;
    }
    for (const field of SECRET_FIELDS) {
      const value = entry.user?.[field];
      if (typeof value === 'string' && value) secrets.push(value);
    }
  }
  const clusters = (Array.isArray(config.clusters) ? config.clusters : []) as {
    cluster?: { server?: string };
  }[];
  return {
    text: convertedExec ? stringify(config) : content,
    secrets,
    convertedExec,
    server: clusters[0]?.cluster?.server
  };
}

/** kubelogin's `--server-id` argument, else the AKS server application every Entra ID cluster accepts. */
function serverId(args: unknown): string {
  if (!Array.isArray(args)) return AKS_SERVER_APP_ID;
  const at = args.indexOf('--server-id');
  const value = at >= 0 ? args[at + 1] : undefined;
  return typeof value === 'string' && value ? value : AKS_SERVER_APP_ID;
}

/** Writes the kubeconfig readable by its owner only (0600) and returns its path. */
export function writeKubeconfig(dir: string, fileName: string, text: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, fileName);
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

export function removeKubeconfig(path: string): boolean {
  try {
    rmSync(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
