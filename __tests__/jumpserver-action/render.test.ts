import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import type {
  KubernetesObject,
  V1Deployment,
  V1NetworkPolicy,
  V1Service
} from '@kubernetes/client-node';
import { parse } from 'yaml';
import {
  CHECKSUM_ANNOTATION,
  jumpserverFiles,
  renderJumpserver,
  type JumpserverSpec
} from '../../src/render/jumpserver.ts';
import { defaultManifestsDir, loadBase } from '../../src/render/manifests.ts';
import { validateObjects } from '../../src/render/validate.ts';
import { parseAuthorizedKeys } from '../../src/ssh/authorized-keys.ts';
import { generateHostKeys } from '../../src/ssh/host-keys.ts';
import { CONTAINER_CAPABILITIES, CONTAINER_PATHS, CONTAINER_PORT } from '../../src/ssh/layout.ts';
import {
  allowedCidrs,
  defaultImage,
  formatAddress,
  JUMPSERVER_IMAGE_VERSION,
  parseAddress,
  target
} from '../../actions/jumpserver/inputs.ts';
import { fingerprintLine, tunnelCommand } from '../../actions/jumpserver/deploy.ts';
import { ed25519Key } from './helpers.ts';

const dir = defaultManifestsDir(undefined, 'jumpserver');
const hostKeys = generateHostKeys('test');
const parsed = parseAuthorizedKeys(ed25519Key().publicLine);
if (!parsed.ok) throw new Error('test key does not parse');

function spec(overrides: Partial<JumpserverSpec> = {}): JumpserverSpec {
  return {
    name: 'sshd-jumpserver',
    namespace: 'gadgetron',
    image: 'ghcr.io/example/gadgetron-actions/jumpserver:1.0.0',
    target: { host: 'gadgetron-frontend', port: 9002 },
    targetPeer: {
      kind: 'pods',
      selector: { 'app.kubernetes.io/name': 'gadgetron' },
      port: 'gadgetron',
      protocol: 'TCP'
    },
    clientAliveInterval: 60,
    serviceType: 'LoadBalancer',
    internal: false,
    allowedCidrs: ['203.0.113.0/24'],
    authorizedKeys: parsed.ok ? parsed.keys : [],
    hostKeys,
    ...overrides
  };
}

function find<T>(objects: KubernetesObject[], kind: string): T {
  const found = objects.find(o => o.kind === kind);
  if (!found) throw new Error(`no ${kind}`);
  return found as T;
}

describe('the jump server kustomize base', () => {
  const base = loadBase(dir);

  test('lists every manifest, validates and is complete on its own', () => {
    const kustomization = parse(readFileSync(new URL('kustomization.yaml', dir), 'utf8')) as {
      resources: string[];
      namespace: string;
    };
    const files = readdirSync(dir).filter(f => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    expect(kustomization.namespace).toBe('gadgetron');
    expect(validateObjects(base)).toEqual([]);
    expect(base.map(o => o.kind).sort()).toEqual(['Deployment', 'NetworkPolicy', 'Service']);
  });

  test('agrees with the container layout the image and entrypoint expect', () => {
    const deployment = find<V1Deployment>(base, 'Deployment');
    const pod = deployment.spec?.template.spec;
    const sshd = pod?.containers[0];
    expect(deployment.spec?.replicas).toBe(1);
    expect(deployment.spec?.strategy?.type).toBe('Recreate');
    expect(pod?.automountServiceAccountToken).toBe(false);
    expect(sshd?.command).toBeUndefined();
    expect(sshd?.ports?.[0]?.containerPort).toBe(CONTAINER_PORT);
    expect(sshd?.readinessProbe?.tcpSocket?.port).toBe(CONTAINER_PORT);
    expect(sshd?.securityContext?.capabilities).toEqual({
      drop: ['ALL'],
      add: [...CONTAINER_CAPABILITIES]
    });
    expect(sshd?.securityContext?.readOnlyRootFilesystem).toBe(true);
    const mounts = Object.fromEntries((sshd?.volumeMounts ?? []).map(m => [m.name, m]));
    expect(mounts['config']).toMatchObject({
      mountPath: CONTAINER_PATHS.configDir,
      readOnly: true
    });
    expect(mounts['host-keys']).toMatchObject({
      mountPath: CONTAINER_PATHS.hostKeysDir,
      readOnly: true
    });
    expect(mounts['runtime']?.mountPath).toBe(CONTAINER_PATHS.runtimeDir);
    expect(pod?.volumes?.find(v => v.name === 'runtime')?.emptyDir?.medium).toBe('Memory');
    const service = find<V1Service>(base, 'Service');
    expect(service.spec?.ports).toEqual([
      { name: 'ssh', port: 22, targetPort: 'ssh', protocol: 'TCP' }
    ]);
  });
});

describe('renderJumpserver', () => {
  test.each(['LoadBalancer', 'NodePort', 'ClusterIP'] as const)(
    'renders valid objects for %s',
    type => {
      const objects = renderJumpserver(spec({ serviceType: type }));
      expect(validateObjects(objects)).toEqual([]);
      expect(objects.map(o => `${o.kind}/${o.metadata?.name}`)).toEqual([
        'ConfigMap/sshd-jumpserver-config',
        'Secret/sshd-jumpserver-authorized-keys',
        'Secret/sshd-jumpserver-host-keys',
        'Service/sshd-jumpserver',
        'Deployment/sshd-jumpserver',
        'NetworkPolicy/sshd-jumpserver'
      ]);
      const service = find<V1Service>(objects, 'Service');
      expect(service.spec?.type).toBe(type);
      expect(service.spec?.loadBalancerSourceRanges).toEqual(
        type === 'LoadBalancer' ? ['203.0.113.0/24'] : undefined
      );
      expect(service.spec?.externalTrafficPolicy).toBe(type === 'ClusterIP' ? undefined : 'Local');
    }
  );

  test('names, labels and the image follow the spec', () => {
    const objects = renderJumpserver(spec({ name: 'jump', namespace: 'scanners' }));
    for (const object of objects) {
      expect(object.metadata?.namespace).toBe('scanners');
      expect(object.metadata?.name?.startsWith('jump')).toBe(true);
      expect(object.metadata?.labels?.['app.kubernetes.io/instance']).toBe('jump');
    }
    const deployment = find<V1Deployment>(objects, 'Deployment');
    expect(deployment.spec?.selector.matchLabels?.['app.kubernetes.io/instance']).toBe('jump');
    expect(deployment.spec?.template.metadata?.labels?.['app.kubernetes.io/version']).toBe('1.0.0');
    expect(deployment.spec?.template.spec?.containers[0]?.image).toBe(spec().image);
    const volumes = JSON.stringify(deployment.spec?.template.spec?.volumes);
    expect(volumes).toContain('"jump-config"');
    expect(volumes).toContain('"jump-authorized-keys"');
    expect(volumes).toContain('"jump-host-keys"');
    expect(volumes).not.toContain('sshd-jumpserver');
  });

  test('the network policy allows only the target and DNS out, and only the allowed networks in', () => {
    const address = renderJumpserver(
      spec({
        target: { host: '10.0.0.9', port: 9002 },
        targetPeer: { kind: 'address', cidr: '10.0.0.9/32', port: 9002 }
      })
    );
    const policy = find<V1NetworkPolicy>(address, 'NetworkPolicy');
    expect(policy.spec?.egress?.[0]).toEqual({
      to: [{ ipBlock: { cidr: '10.0.0.9/32' } }],
      ports: [{ protocol: 'TCP', port: 9002 }]
    });
    expect(policy.spec?.egress).toHaveLength(2);
    const other = renderJumpserver(
      spec({
        targetPeer: {
          kind: 'pods',
          selector: { app: 'g' },
          namespace: 'recon',
          port: 9002,
          protocol: 'TCP'
        }
      })
    );
    expect(find<V1NetworkPolicy>(other, 'NetworkPolicy').spec?.egress?.[0]?.to).toEqual([
      {
        podSelector: { matchLabels: { app: 'g' } },
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'recon' } }
      }
    ]);
    const rule = (policy.spec?.ingress?.[0] ?? {}) as { from?: unknown; ports?: unknown };
    expect(rule.from).toEqual([{ ipBlock: { cidr: '203.0.113.0/24' } }]);
    expect(rule.ports).toEqual([{ protocol: 'TCP', port: CONTAINER_PORT }]);
  });

  test('the pod checksum follows the configuration and keys, and nothing else', () => {
    const checksum = (s: JumpserverSpec) =>
      find<V1Deployment>(renderJumpserver(s), 'Deployment').spec?.template.metadata?.annotations?.[
        CHECKSUM_ANNOTATION
      ];
    const base = checksum(spec());
    expect(base).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(checksum(spec({ image: 'ghcr.io/example/gadgetron-actions/jumpserver:1.0.1' }))).toBe(
      base
    );
    expect(checksum(spec({ allowedCidrs: ['198.51.100.0/24'] }))).toBe(base);
    expect(checksum(spec({ clientAliveInterval: 30 }))).not.toBe(base);
    expect(checksum(spec({ hostKeys: generateHostKeys('test') }))).not.toBe(base);
    expect(checksum(spec({ target: { host: 'gadgetron-frontend', port: 9003 } }))).not.toBe(base);
  });

  test('sshd_config names the target exactly and the host keys the Secret holds', () => {
    const files = jumpserverFiles(spec());
    expect(files.sshdConfig).toContain('PermitOpen gadgetron-frontend:9002\n');
    expect(files.sshdConfig).toContain('ClientAliveInterval 60\n');
    for (const key of hostKeys)
      expect(files.sshdConfig).toContain(`/run/jumpserver/host-keys/${key.fileName}\n`);
  });
});

describe('jumpserver input helpers', () => {
  test('the default image version is the repository version', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(JUMPSERVER_IMAGE_VERSION).toBe(pkg.version);
    expect(defaultImage({ GITHUB_REPOSITORY: 'Gadgetron/gadgetron-actions' })).toBe(
      `ghcr.io/gadgetron/gadgetron-actions/jumpserver:${pkg.version}`
    );
    expect(defaultImage({})).toBeUndefined();
  });

  test('targets', () => {
    expect(target('gadgetron-frontend:9002')).toEqual({
      host: 'gadgetron-frontend',
      port: 9002,
      isAddress: false
    });
    expect(target('10.0.0.9:9002')).toEqual({ host: '10.0.0.9', port: 9002, isAddress: true });
    expect(target('[2001:DB8::0:1]:9002')).toEqual({
      host: '2001:db8::1',
      port: 9002,
      isAddress: true
    });
    expect(() => target('gadgetron-frontend:0')).toThrow('out of range');
    expect(() => target('Gadgetron:9002')).toThrow('not a valid host name');
  });

  test('addresses and networks', () => {
    for (const [text, canonical] of [
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['::', '::'],
      ['::ffff:192.0.2.1', '::ffff:c000:201'],
      ['fe80:0:0:0:0:0:0:0', 'fe80::'],
      ['192.0.2.10', '192.0.2.10']
    ] as const) {
      const address = parseAddress(text);
      expect(address && formatAddress(address)).toBe(canonical);
    }
    expect(parseAddress('1::2::3')).toBeUndefined();
    expect(allowedCidrs('0.0.0.0/0').map(c => c.cidr)).toEqual(['0.0.0.0/0']);
    expect(allowedCidrs('2001:db8::/32,2001:0db8::/32').map(c => c.cidr)).toEqual([
      '2001:db8::/32'
    ]);
    expect(() => allowedCidrs('2001:db8::1/64')).toThrow(
      'write 2001:db8::/64 for the network or 2001:db8::1/128'
    );
    expect(() => allowedCidrs('::1/0')).toThrow('write ::/0 if');
  });

  test('commands and fingerprints', () => {
    expect(tunnelCommand(9022, { host: 'gadgetron-frontend', port: 9002 }, '20.1.2.3', 22)).toBe(
      'ssh -N -L 9022:gadgetron-frontend:9002 gadgetron@20.1.2.3'
    );
    expect(tunnelCommand(9022, { host: 'fd00::9', port: 9002 }, '10.224.0.4', 31022)).toBe(
      'ssh -N -L 9022:[fd00::9]:9002 -p 31022 gadgetron@10.224.0.4'
    );
    const [ed25519] = hostKeys;
    if (!ed25519) throw new Error('no host key');
    expect(fingerprintLine(ed25519)).toBe(`256 ${ed25519.fingerprint} test (ED25519)`);
  });
});

describe("Gadgetron's ingress policy and the jump server", () => {
  type Selector = { matchLabels?: Record<string, string> } | undefined;
  type Peer = { podSelector?: Selector; namespaceSelector?: Selector };

  const matches = (selector: Selector, labels: Record<string, string>): boolean =>
    Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

  /**
   * Whether a NetworkPolicy peer admits a pod, as the API documents it: a podSelector alone
   * picks pods of the policy's namespace; with a namespaceSelector, pods of the namespaces it
   * picks (an empty selector picks every namespace).
   */
  function admits(
    peer: Peer,
    policyNamespace: string,
    podNamespace: string,
    labels: Record<string, string>
  ): boolean {
    const namespaceLabels = { 'kubernetes.io/metadata.name': podNamespace };
    const inNamespace =
      peer.namespaceSelector === undefined
        ? podNamespace === policyNamespace
        : matches(peer.namespaceSelector, namespaceLabels);
    return inNamespace && (peer.podSelector === undefined || matches(peer.podSelector, labels));
  }

  test('admits a jump server in another namespace, on 9002, and no other pod from there', async () => {
    const { renderGadgetron } = await import('../../src/render/gadgetron.ts');
    const { defaultSpec } = await import('../render/fixtures.ts');
    const gadgetron = renderGadgetron(defaultSpec({ namespace: 'recon' }));
    const policy = gadgetron.find(
      o => o.kind === 'NetworkPolicy' && o.metadata?.name === 'gadgetron'
    ) as unknown as { spec: { ingress: { from: Peer[]; ports: { port: number }[] }[] } };

    const jump = renderJumpserver(spec({ name: 'bastion', namespace: 'access' }));
    const podLabels = find<V1Deployment>(jump, 'Deployment').spec?.template.metadata?.labels ?? {};
    const admitted = (namespace: string, labels: Record<string, string>) =>
      policy.spec.ingress.some(
        rule =>
          rule.ports.some(p => p.port === 9002) &&
          rule.from.some(peer => admits(peer, 'recon', namespace, labels))
      );
    expect(admitted('access', podLabels)).toBe(true);
    expect(admitted('recon', podLabels)).toBe(true);
    expect(admitted('access', { 'app.kubernetes.io/name': 'something-else' })).toBe(false);
    expect(admitted('recon', { 'app.kubernetes.io/name': 'something-else' })).toBe(true);
  });
});
