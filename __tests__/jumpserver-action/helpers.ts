import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import { toWire } from '../../src/kubernetes/wire.ts';
import { publicBlobOf } from '../../src/ssh/key-object-blob.ts';
import { encodeOpenSshPrivateKey } from '../../src/ssh/openssh-private-key.ts';
import type { TestCluster } from '../../tools/fixtures/cluster.ts';
import type { ActionProcessResult } from '../../tools/runner/action-process.ts';
import { runBundledAction } from '../helpers/actions.ts';

export const IMAGE = 'ghcr.io/example/gadgetron-actions/jumpserver:1.0.0';

/** A user's key pair: the .pub line and the OpenSSH private key file. */
export interface UserKey {
  publicLine: string;
  privateFile: string;
}

function userKey(privateKey: KeyObject, comment: string): UserKey {
  const { type, blob } = publicBlobOf(privateKey);
  return {
    publicLine: `${type} ${blob.toString('base64')} ${comment}`,
    privateFile: encodeOpenSshPrivateKey(privateKey, comment)
  };
}

export function ed25519Key(comment = 'alice@scanner'): UserKey {
  return userKey(generateKeyPairSync('ed25519').privateKey, comment);
}

export function ecdsaKey(comment = 'bob@site'): UserKey {
  return userKey(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey, comment);
}

export function rsaKey(bits: number, comment = 'carol@legacy'): UserKey {
  return userKey(generateKeyPairSync('rsa', { modulusLength: bits }).privateKey, comment);
}

/** What deploy-gadgetron leaves behind that the jump server tunnels to. */
export async function createTargetService(cluster: TestCluster): Promise<void> {
  await cluster.core.createNamespacedService({
    namespace: cluster.namespace,
    body: {
      metadata: { name: 'gadgetron-frontend' },
      spec: {
        type: 'ClusterIP',
        selector: {
          'app.kubernetes.io/name': 'gadgetron',
          'app.kubernetes.io/instance': 'gadgetron',
          'app.kubernetes.io/component': 'server'
        },
        ports: [{ name: 'gadgetron', port: 9002, targetPort: 'gadgetron', protocol: 'TCP' }]
      }
    }
  });
}

export function runJumpserver(
  cluster: TestCluster,
  inputs: Record<string, string>,
  env: Record<string, string | undefined> = {}
): Promise<ActionProcessResult> {
  return runBundledAction(
    'jumpserver',
    {
      kubeconfig: cluster.kubeconfigPath,
      namespace: cluster.namespace,
      timeout: '120s',
      image: IMAGE,
      ...inputs
    },
    { env: { GITHUB_ACTION_REPOSITORY: undefined, GITHUB_REPOSITORY: undefined, ...env } }
  );
}

/**
 * Everything a run left for people to read: logs, outputs and summary. `::add-mask::`
 * commands are left out: the runner consumes them and never shows them.
 */
export function visibleText(run: ActionProcessResult): string {
  const stdout = run.stdout
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n');
  return [stdout, run.stderr, JSON.stringify(run.outputs), run.summary].join('\n');
}

/** The base64 runs of at least 40 characters in a text, e.g. in a PEM body. */
export function base64Runs(text: string): string[] {
  return text.match(/[A-Za-z0-9+/]{40,}={0,2}/g) ?? [];
}

// Test assertions read free-form JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

/**
 * An object as the API server stores it, in the API's own field names (the client's models
 * rename some, e.g. `from` to `_from`); fails the test when it is missing.
 */
export async function storedObject(
  cluster: TestCluster,
  apiVersion: string,
  kind: string,
  name: string
): Promise<Json> {
  const object = await cluster.get<KubernetesObject>(apiVersion, kind, name);
  if (object === undefined) throw new Error(`${kind} ${cluster.namespace}/${name} is not stored`);
  return toWire(object) as Json;
}
