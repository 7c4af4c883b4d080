import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import type { KubernetesObject } from '@kubernetes/client-node';
import { AppsV1Api, KubeConfig, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { generateKeyPairSync } from 'node:crypto';
import { sha256Fingerprint } from '../../src/ssh/fingerprint.ts';
import { publicBlobOf } from '../../src/ssh/key-object-blob.ts';
import { encodeOpenSshPrivateKey } from '../../src/ssh/openssh-private-key.ts';
import { toWire } from '../../src/kubernetes/wire.ts';
import { useCluster, type TestCluster } from '../../tools/fixtures/cluster.ts';
import { parseAuthorizedKeys, renderAuthorizedKeysFile } from '../../src/ssh/authorized-keys.ts';
import { hostKeysFromSecretData, knownHostsLines } from '../../src/ssh/host-keys.ts';
import { CONTAINER_PORT, renderJumpserverSshdConfig } from '../../src/ssh/layout.ts';
import { validateObjects } from '../../src/render/validate.ts';
import {
  base64Runs,
  createTargetService,
  ecdsaKey,
  ed25519Key,
  IMAGE,
  runJumpserver,
  storedObject,
  visibleText,
  type Json
} from './helpers.ts';

const NAME = 'sshd-jumpserver';
const alice = ed25519Key('alice@scanner');
const bob = ecdsaKey('bob@site');
const KEYS = `# scanners\n${alice.publicLine}\n\n${bob.publicLine}\n`;
const CIDRS = '203.0.113.0/24, 198.51.100.7/32\n2001:db8::/48';

let cluster: TestCluster;
beforeEach(async () => {
  cluster = await useCluster();
  await createTargetService(cluster);
  cluster.requests.length = 0;
});
afterEach(() => cluster.close());

const deploy = (inputs: Record<string, string> = {}) =>
  runJumpserver(cluster, { 'authorized-keys': KEYS, 'allowed-cidrs': CIDRS, ...inputs });

const TYPES = [
  ['v1', 'ConfigMap'],
  ['v1', 'Secret'],
  ['v1', 'Service'],
  ['apps/v1', 'Deployment'],
  ['networking.k8s.io/v1', 'NetworkPolicy']
] as const;

/** The jump server's objects as stored, by Kind/name, in the API's field names. */
async function stored(): Promise<Map<string, Json>> {
  const objects = new Map<string, Json>();
  for (const [apiVersion, kind] of TYPES) {
    for (const object of await cluster.list<KubernetesObject>(apiVersion, kind)) {
      if (object.metadata?.labels?.['app.kubernetes.io/name'] !== 'gadgetron-jumpserver') continue;
      objects.set(`${kind}/${object.metadata.name}`, toWire({ ...object, apiVersion, kind }));
    }
  }
  return objects;
}

async function resourceVersions(): Promise<Record<string, string>> {
  return Object.fromEntries(
    [...(await stored())].map(([key, o]) => [key, o.metadata?.resourceVersion ?? ''])
  );
}

/** An ECDSA host key as earlier versions generated and stored it. */
function legacyEcdsaHostKey(): { secretValue: string; fingerprint: string } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const file = encodeOpenSshPrivateKey(privateKey, `${NAME}.${cluster.namespace}`);
  return {
    secretValue: Buffer.from(file, 'utf8').toString('base64'),
    fingerprint: sha256Fingerprint(publicBlobOf(privateKey).blob)
  };
}

async function hostKeySecretData(): Promise<Record<string, string>> {
  return (await storedObject(cluster, 'v1', 'Secret', `${NAME}-host-keys`)).data;
}

/**
 * Every piece of private host key material an output could leak: the Secret's values and
 * each line of the private key files. Lines that lie wholly inside the public key (which an
 * OpenSSH private key file repeats) are public and left out.
 */
async function hostKeyMaterial(): Promise<string[]> {
  const data = await hostKeySecretData();
  const publicKeys = hostKeysFromSecretData(data).map(k => k.publicKey);
  return Object.values(data).flatMap(encoded => {
    const pem = Buffer.from(encoded, 'base64').toString('utf8');
    const lines = base64Runs(pem).filter(line => !publicKeys.some(p => p.includes(line)));
    return [encoded, encoded.slice(100, 160), ...lines];
  });
}

async function expectNoPrivateMaterial(text: string): Promise<void> {
  expect(text).not.toContain('PRIVATE KEY');
  for (const piece of await hostKeyMaterial()) expect(text).not.toContain(piece);
  for (const line of base64Runs(alice.privateFile)) expect(text).not.toContain(line);
}

describe('jumpserver against a real API server', () => {
  test('first run applies everything, waits for the load balancer and prints how to connect', async () => {
    const run = await runJumpserver(
      cluster,
      { 'authorized-keys': KEYS, 'allowed-cidrs': CIDRS },
      {}
    );
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);

    const service = await storedObject(cluster, 'v1', 'Service', NAME);
    const ip = service.status.loadBalancer.ingress[0].ip as string;
    expect(run.outputs['external-ip']).toBe(ip);
    expect(run.outputs['ssh-command']).toBe(
      `ssh -N -L 9022:gadgetron-frontend:9002 gadgetron@${ip}`
    );
    const hostKeys = hostKeysFromSecretData(await hostKeySecretData());
    expect(hostKeys.map(k => k.algorithm)).toEqual(['ed25519', 'rsa']);
    expect(hostKeys.find(k => k.algorithm === 'rsa')?.bits).toBe(4096);
    expect(run.outputs['known-hosts']).toBe(knownHostsLines(ip, 22, hostKeys).join('\n'));
    expect(run.outputs['host-key-fingerprints']?.split('\n')).toEqual(
      hostKeys.map(
        k =>
          `${k.bits} ${k.fingerprint} ${NAME}.${cluster.namespace} (${k.algorithm.toUpperCase()})`
      )
    );

    // The address was awaited with a watch, and the wait was reported.
    expect(cluster.requests.some(r => r.verb === 'watch' && r.resource === 'services')).toBe(true);
    expect(run.stdout).toMatch(
      new RegExp(
        `Waiting for the load balancer to give Service ${cluster.namespace}/sshd-jumpserver an address \\(\\d+s elapsed\\)`
      )
    );
    expect(run.stdout).toContain(`Load balancer address: ${ip}`);

    // Every write was a server-side apply by the suite's field manager.
    const writes = cluster.requests.filter(
      r => !['get', 'list', 'watch', 'discovery'].includes(r.verb)
    );
    expect(writes.length).toBeGreaterThan(0);
    expect(
      writes.every(r => r.verb === 'apply' && r.query.fieldManager === 'gadgetron-actions')
    ).toBe(true);

    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.spec.loadBalancerSourceRanges).toEqual([
      '203.0.113.0/24',
      '198.51.100.7/32',
      '2001:db8::/48'
    ]);
    expect(service.spec.externalTrafficPolicy).toBe('Local');
    expect(service.spec.ports).toEqual([
      expect.objectContaining({ name: 'ssh', port: 22, targetPort: 'ssh', protocol: 'TCP' })
    ]);
    const deployment = await storedObject(cluster, 'apps/v1', 'Deployment', NAME);
    expect(deployment.spec.template.spec.containers[0].image).toBe(IMAGE);
    expect(deployment.status.readyReplicas).toBe(1);

    // The summary tells users everything they need, and nothing secret.
    expect(run.summary).toContain('Gadgetron jump server ready');
    expect(run.summary).toContain(run.outputs['ssh-command']);
    for (const line of run.outputs['known-hosts']?.split('\n') ?? [])
      expect(run.summary).toContain(line);
    for (const key of hostKeys) expect(run.summary).toContain(key.fingerprint);
    for (const cidr of ['203.0.113.0/24', '198.51.100.7/32', '2001:db8::/48'])
      expect(run.summary).toContain(cidr);
    await expectNoPrivateMaterial(visibleText(run));
    expect(run.stdout).not.toContain('::add-mask::');
  });

  test('the ConfigMap and Secrets hold exactly what src/ssh renders, and the objects validate', async () => {
    const run = await deploy();
    expect(run.exitCode).toBe(0);
    const objects = await stored();
    const hostKeys = hostKeysFromSecretData(await hostKeySecretData());
    const parsed = parseAuthorizedKeys(KEYS);
    if (!parsed.ok) throw new Error('test keys do not parse');

    const config = objects.get(`ConfigMap/${NAME}-config`) as { data: Record<string, string> };
    expect(config.data).toEqual({
      sshd_config: renderJumpserverSshdConfig({
        port: CONTAINER_PORT,
        targetHost: 'gadgetron-frontend',
        targetPort: 9002,
        clientAliveInterval: 60,
        hostKeyFileNames: hostKeys.map(k => k.fileName)
      })
    });
    expect(config.data.sshd_config).toContain('PermitOpen gadgetron-frontend:9002');
    const keys = objects.get(`Secret/${NAME}-authorized-keys`) as { data: Record<string, string> };
    expect(Object.keys(keys.data)).toEqual(['authorized_keys']);
    expect(Buffer.from(keys.data.authorized_keys as string, 'base64').toString('utf8')).toBe(
      renderAuthorizedKeysFile(parsed.keys)
    );
    expect(Object.keys(await hostKeySecretData()).sort()).toEqual([
      'ssh_host_ed25519_key',
      'ssh_host_rsa_key'
    ]);

    const deployment = objects.get(`Deployment/${NAME}`) as unknown as {
      spec: { template: { spec: { volumes: Record<string, unknown>[] } } };
    };
    expect(deployment.spec.template.spec.volumes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'config',
          projected: expect.objectContaining({
            sources: [
              {
                configMap: {
                  name: `${NAME}-config`,
                  items: [{ key: 'sshd_config', path: 'sshd_config' }]
                }
              },
              {
                secret: {
                  name: `${NAME}-authorized-keys`,
                  items: [{ key: 'authorized_keys', path: 'authorized_keys' }]
                }
              }
            ]
          })
        }),
        expect.objectContaining({
          name: 'host-keys',
          secret: expect.objectContaining({ secretName: `${NAME}-host-keys` })
        })
      ])
    );

    const policy = objects.get(`NetworkPolicy/${NAME}`) as unknown as {
      spec: Record<string, unknown>;
    };
    expect(policy.spec.egress).toEqual([
      {
        to: [
          {
            podSelector: {
              matchLabels: {
                'app.kubernetes.io/name': 'gadgetron',
                'app.kubernetes.io/instance': 'gadgetron',
                'app.kubernetes.io/component': 'server'
              }
            }
          }
        ],
        ports: [{ protocol: 'TCP', port: 'gadgetron' }]
      },
      {
        to: [
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }
        ],
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 }
        ]
      }
    ]);
    expect(policy.spec.ingress).toEqual([
      {
        from: [
          { ipBlock: { cidr: '203.0.113.0/24' } },
          { ipBlock: { cidr: '198.51.100.7/32' } },
          { ipBlock: { cidr: '2001:db8::/48' } }
        ],
        ports: [{ protocol: 'TCP', port: 2222 }]
      }
    ]);

    const clean = [...objects.values()].map(object => {
      const { status: _status, ...rest } = object;
      const { managedFields: _m, ...metadata } = object.metadata ?? {};
      return { ...rest, metadata } as KubernetesObject;
    });
    expect(validateObjects(clean)).toEqual([]);
  });

  test('the API receives 0400 host keys and a 0444 configuration, read back through the client', async () => {
    const run = await deploy();
    expect(run.exitCode).toBe(0);
    // Read as any client reads from an API server: the stored object, in the client's models.
    const config = new KubeConfig();
    config.loadFromFile(cluster.kubeconfigPath);
    const live = await config
      .makeApiClient(AppsV1Api)
      .readNamespacedDeployment({ name: NAME, namespace: cluster.namespace });
    const volumes = new Map((live.spec?.template.spec?.volumes ?? []).map(v => [v.name, v]));
    expect(volumes.get('host-keys')?.secret?.defaultMode).toBe(0o400);
    expect(volumes.get('config')?.projected?.defaultMode).toBe(0o444);
    expect(
      live.spec?.template.spec?.containers[0]?.securityContext?.capabilities?.add?.sort()
    ).toEqual(['KILL', 'SETGID', 'SETUID', 'SYS_CHROOT']);
  });

  test('an ECDSA host key left by an earlier version keeps working until this run drops it, and the summary says so', async () => {
    const first = await deploy();
    expect(first.exitCode).toBe(0);
    const served = await hostKeySecretData();
    // What an earlier version kept: an ECDSA key beside the others, applied by the same manager.
    const ecdsa = legacyEcdsaHostKey();
    const config = new KubeConfig();
    config.loadFromFile(cluster.kubeconfigPath);
    await KubernetesObjectApi.makeApiClient(config).patch(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `${NAME}-host-keys`, namespace: cluster.namespace },
        data: { ...served, ssh_host_ecdsa_key: ecdsa.secretValue }
      },
      undefined,
      undefined,
      'gadgetron-actions',
      true,
      PatchStrategy.ServerSideApply
    );

    const next = await deploy();
    expect(next.stderr).toBe('');
    expect(next.exitCode).toBe(0);
    expect(await hostKeySecretData()).toEqual(served);
    expect(next.stdout).toContain('ECDSA host key dropped');
    expect(next.summary).toContain('### Host keys removed');
    expect(next.summary).toContain(ecdsa.fingerprint);
    expect(next.outputs['host-key-fingerprints']).toBe(first.outputs['host-key-fingerprints']);
    expect(next.outputs['host-key-fingerprints']).not.toContain(ecdsa.fingerprint);
    expectNoPrivateMaterial(visibleText(next));
  });

  test('a second run with the same inputs changes nothing and keeps the host keys', async () => {
    const first = await deploy();
    expect(first.exitCode).toBe(0);
    const before = await resourceVersions();
    const keysBefore = await hostKeySecretData();
    cluster.requests.length = 0;

    const second = await deploy();
    expect(second.exitCode).toBe(0);
    expect(await resourceVersions()).toEqual(before);
    expect(await hostKeySecretData()).toEqual(keysBefore);
    for (const output of ['external-ip', 'ssh-command', 'known-hosts', 'host-key-fingerprints']) {
      expect(second.outputs[output]).toBe(first.outputs[output]);
    }
    expect(second.stdout).toContain('Keeping the 2 host key(s)');
    expect(second.stdout).not.toMatch(/^(created|configured) /m);
    expect(second.summary).toContain('Nothing changed');
    await expectNoPrivateMaterial(visibleText(second));
  });

  test('rotate-host-keys replaces the host keys and rolls the pod', async () => {
    const first = await deploy();
    expect(first.exitCode).toBe(0);
    const checksum = async () =>
      (await storedObject(cluster, 'apps/v1', 'Deployment', NAME)).spec.template.metadata
        .annotations['gadgetron-actions/config-checksum'];
    const podBefore = await checksum();

    const rotated = await deploy({ 'rotate-host-keys': 'true' });
    expect(rotated.exitCode).toBe(0);
    const before = first.outputs['host-key-fingerprints']?.split('\n') ?? [];
    const after = rotated.outputs['host-key-fingerprints']?.split('\n') ?? [];
    expect(after).toHaveLength(2);
    for (const line of after) expect(before).not.toContain(line);
    expect(rotated.outputs['known-hosts']).not.toBe(first.outputs['known-hosts']);
    expect(rotated.outputs['external-ip']).toBe(first.outputs['external-ip']);
    const podAfter = await checksum();
    expect(podAfter).not.toBe(podBefore);
    expect(rotated.summary).toContain('rotated on request');
    await expectNoPrivateMaterial(visibleText(rotated));

    // The new keys stay: the next run without rotation keeps them.
    const again = await deploy();
    expect(again.outputs['host-key-fingerprints']).toBe(rotated.outputs['host-key-fingerprints']);
  });

  test('changed authorized keys are applied and roll the pod; the host keys stay', async () => {
    const first = await deploy();
    const checksum = async () =>
      (await storedObject(cluster, 'apps/v1', 'Deployment', NAME)).spec.template.metadata
        .annotations['gadgetron-actions/config-checksum'];
    const before = await checksum();
    const second = await deploy({ 'authorized-keys': alice.publicLine });
    expect(second.exitCode).toBe(0);
    expect(await checksum()).not.toBe(before);
    expect(second.outputs['host-key-fingerprints']).toBe(first.outputs['host-key-fingerprints']);
    expect(second.stdout).toMatch(/configured +Secret sshd-jumpserver-authorized-keys/);
  });

  test('ClusterIP needs no load balancer: the cluster IP is the address', async () => {
    const run = await deploy({ 'service-type': 'ClusterIP', 'local-port': '19002' });
    expect(run.exitCode).toBe(0);
    const service = await storedObject(cluster, 'v1', 'Service', NAME);
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.loadBalancerSourceRanges).toBeUndefined();
    expect(run.outputs['external-ip']).toBe(service.spec.clusterIP);
    expect(run.outputs['ssh-command']).toBe(
      `ssh -N -L 19002:gadgetron-frontend:9002 gadgetron@${service.spec.clusterIP}`
    );
    expect(cluster.requests.some(r => r.verb === 'watch' && r.resource === 'services')).toBe(false);
  });

  test('NodePort reports the node port in the command and the known_hosts lines', async () => {
    const run = await deploy({ 'service-type': 'NodePort' });
    expect(run.exitCode).toBe(0);
    const service = await storedObject(cluster, 'v1', 'Service', NAME);
    const nodePort = service.spec.ports[0].nodePort as number;
    const host = run.outputs['external-ip'] as string;
    expect(host).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(run.outputs['ssh-command']).toBe(
      `ssh -N -L 9022:gadgetron-frontend:9002 -p ${nodePort} gadgetron@${host}`
    );
    for (const line of run.outputs['known-hosts']?.split('\n') ?? []) {
      expect(line.startsWith(`[${host}]:${nodePort} `)).toBe(true);
    }
  });

  test('internal and dns-label become the Azure annotations', async () => {
    const run = await deploy({ internal: 'true', 'dns-label': 'gadgetron-jump' });
    expect(run.exitCode).toBe(0);
    const service = await storedObject(cluster, 'v1', 'Service', NAME);
    expect(service.metadata.annotations).toMatchObject({
      'service.beta.kubernetes.io/azure-load-balancer-internal': 'true',
      'service.beta.kubernetes.io/azure-dns-label-name': 'gadgetron-jump'
    });
  });

  test('a missing target Service fails with advice after nothing was written', async () => {
    const run = await deploy({ target: 'gadgetron-front:9002' });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`The target Service ${cluster.namespace}/gadgetron-front`);
    expect(cluster.requests.filter(r => r.verb === 'apply')).toHaveLength(0);
  });

  test('a load balancer that never comes fails at the timeout', async () => {
    // A Service of a load balancer class that no controller serves keeps waiting for its
    // address: the cloud's default implementation ignores classed Services (ServiceSpec
    // loadBalancerClass, Kubernetes API reference), and the class cannot change once set.
    await cluster.core.createNamespacedService({
      namespace: cluster.namespace,
      body: {
        metadata: { name: NAME },
        spec: {
          type: 'LoadBalancer',
          loadBalancerClass: 'example.com/unserved',
          ports: [{ name: 'ssh', port: 22, targetPort: 'ssh', protocol: 'TCP' }]
        }
      }
    });
    const run = await deploy({ timeout: '2s' });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(
      `Service ${cluster.namespace}/${NAME} got no external address within the timeout`
    );
    // It waited the whole timeout, on the Service the action had applied.
    expect(run.durationMs).toBeGreaterThanOrEqual(2000);
    const service = await storedObject(cluster, 'v1', 'Service', NAME);
    expect(service.spec.loadBalancerSourceRanges).toEqual([
      '203.0.113.0/24',
      '198.51.100.7/32',
      '2001:db8::/48'
    ]);
    expect(service.status.loadBalancer.ingress).toBeUndefined();
    expect(run.outputs['external-ip']).toBeUndefined();
  });
});
