import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { KubeConfig, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import type { KubeObject, KubernetesEmulator } from '../../emulators/kubernetes/index.ts';
import { publicBlobOf } from '../../src/ssh/key-object-blob.ts';
import { encodeOpenSshPrivateKey } from '../../src/ssh/openssh-private-key.ts';
import type { ActionProcessResult } from '../../tools/runner/action-process.ts';
import { runBundledAction } from '../helpers/actions.ts';

export const NAMESPACE = 'gadgetron';
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
export async function createTargetService(cluster: KubernetesEmulator): Promise<void> {
  const config = new KubeConfig();
  config.loadFromFile(cluster.kubeconfigPath);
  const objects = KubernetesObjectApi.makeApiClient(config);
  const apply = (object: object) =>
    objects.patch(object, undefined, undefined, 'test-setup', true, PatchStrategy.ServerSideApply);
  await apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
  await apply({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'gadgetron-frontend', namespace: NAMESPACE },
    spec: {
      type: 'ClusterIP',
      selector: {
        'app.kubernetes.io/name': 'gadgetron',
        'app.kubernetes.io/instance': 'gadgetron',
        'app.kubernetes.io/component': 'server'
      },
      ports: [{ name: 'gadgetron', port: 9002, targetPort: 'gadgetron', protocol: 'TCP' }]
    }
  });
}

export function runJumpserver(
  cluster: KubernetesEmulator,
  inputs: Record<string, string>,
  env: Record<string, string | undefined> = {}
): Promise<ActionProcessResult> {
  return runBundledAction(
    'jumpserver',
    { kubeconfig: cluster.kubeconfigPath, timeout: '60s', image: IMAGE, ...inputs },
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

/** An object the emulator stores; fails the test when it is missing. */
export function storedObject(
  cluster: KubernetesEmulator,
  apiVersion: string,
  kind: string,
  namespace: string,
  name: string
): KubeObject {
  const object = cluster.getObject(apiVersion, kind, namespace, name);
  if (object === undefined) throw new Error(`${kind} ${namespace}/${name} is not stored`);
  return object;
}
