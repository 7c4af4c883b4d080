import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { useCluster, type TestCluster } from '../../tools/fixtures/cluster.ts';
import { errorAnnotations } from '../helpers/actions.ts';
import {
  base64Runs,
  createTargetService,
  ed25519Key,
  rsaKey,
  runJumpserver,
  storedObject,
  visibleText
} from './helpers.ts';
import { expectRefusedInput } from '../helpers/refusals.ts';

const alice = ed25519Key('alice@scanner');
const weak = rsaKey(1024, 'old@laptop');
const leaked = ed25519Key('oops@desk');
const VALID = { 'authorized-keys': alice.publicLine, 'allowed-cidrs': '203.0.113.0/24' };

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await useCluster();
});
afterAll(() => cluster.close());
beforeEach(() => {
  cluster.requests.length = 0;
});

// Each case: the inputs that differ from a valid run, the input the error must name, and a
// phrase the message must contain.
const CASES: [string, Record<string, string>, string, string][] = [
  ['missing authorized-keys', { 'authorized-keys': '' }, 'authorized-keys', 'is required'],
  [
    'only comments as keys',
    { 'authorized-keys': '# nobody yet\n' },
    'authorized-keys',
    'no public keys'
  ],
  [
    'a 1024-bit RSA key',
    { 'authorized-keys': `${alice.publicLine}\n${weak.publicLine}` },
    'authorized-keys',
    'line 2: ssh-rsa key of 1024 bits is too short'
  ],
  [
    'a DSA key',
    { 'authorized-keys': 'ssh-dss AAAAB3NzaC1kc3MAAACBAP8= old@box' },
    'authorized-keys',
    'line 1: ssh-dss keys are not accepted'
  ],
  [
    'a line that is no key',
    { 'authorized-keys': `${alice.publicLine}\n\nhello world` },
    'authorized-keys',
    'line 3: not an OpenSSH public key'
  ],
  ['missing allowed-cidrs', { 'allowed-cidrs': '' }, 'allowed-cidrs', 'is required'],
  [
    'a prefix too long',
    { 'allowed-cidrs': '203.0.113.0/33' },
    'allowed-cidrs',
    'prefix length from 0 to 32'
  ],
  [
    'an address without a prefix',
    { 'allowed-cidrs': '203.0.113.7' },
    'allowed-cidrs',
    'prefix length'
  ],
  ['not an address', { 'allowed-cidrs': '203.0.113/24' }, 'allowed-cidrs', 'is not an IP network'],
  ['host bits set', { 'allowed-cidrs': '203.0.113.5/24' }, 'allowed-cidrs', 'write 203.0.113.0/24'],
  [
    'the world, spelled oddly',
    { 'allowed-cidrs': '10.0.0.0/0' },
    'allowed-cidrs',
    'write 0.0.0.0/0 if'
  ],
  ['a target without port', { target: 'gadgetron-frontend' }, 'target', 'is not HOST:PORT'],
  ['a target port out of range', { target: 'gadgetron-frontend:99999' }, 'target', 'out of range'],
  ['an unknown service type', { 'service-type': 'External' }, 'service-type', 'not a known value'],
  [
    'internal without a load balancer',
    { internal: 'true', 'service-type': 'NodePort' },
    'internal',
    'needs service-type LoadBalancer'
  ],
  [
    'a DNS label with upper case',
    { 'dns-label': 'Gadgetron_Jump' },
    'dns-label',
    'not a valid DNS label'
  ],
  ['a local port out of range', { 'local-port': '70000' }, 'local-port', 'out of range'],
  [
    'client-alive-interval zero',
    { 'client-alive-interval': '0' },
    'client-alive-interval',
    'out of range'
  ],
  [
    'rotate-host-keys not boolean',
    { 'rotate-host-keys': 'yes' },
    'rotate-host-keys',
    'not a boolean'
  ],
  ['timeout without unit', { timeout: '10' }, 'timeout', 'not a duration'],
  ['name too long', { name: 'j'.repeat(41) }, 'name', '41 characters long'],
  [
    'namespace with upper case',
    { namespace: 'Gadgetron' },
    'namespace',
    'not a valid namespace name'
  ],
  [
    'image without tag',
    { image: 'ghcr.io/example/jumpserver' },
    'image',
    'neither a tag nor a digest'
  ],
  ['no image and no repository to derive it from', { image: '' }, 'image', 'has no default here'],
  [
    'kubeconfig that does not exist',
    { kubeconfig: '/nonexistent/kubeconfig' },
    'kubeconfig',
    'cannot be read'
  ]
];

describe('jumpserver refuses bad inputs before any request', () => {
  test.each(CASES)('%s', async (_title, inputs, input, phrase) => {
    const run = await runJumpserver(cluster, { ...VALID, ...inputs });
    expectRefusedInput(run, input, phrase);
    expect(cluster.requests).toHaveLength(0);
  });

  test('a pasted private key gets its own error, is masked first and never echoed', async () => {
    const run = await runJumpserver(cluster, {
      ...VALID,
      'authorized-keys': `${alice.publicLine}\n${leaked.privateFile}`
    });
    expect(run.exitCode).toBe(1);
    const lines = leaked.privateFile.trim().split('\n');
    expect(errorAnnotations(run)).toContainEqual(
      expect.stringContaining(
        `Input 'authorized-keys': lines 2-${lines.length + 1}: this is a private key (OpenSSH format), not a public key; its content is not shown`
      )
    );
    // Every line of the block is announced to the runner as a secret before any error.
    const stdout = run.stdout.split('\n');
    const firstError = stdout.findIndex(line => line.startsWith('::error'));
    const masks = stdout.flatMap((line, index) => (line.startsWith('::add-mask::') ? [index] : []));
    expect(masks).toHaveLength(lines.length);
    expect(Math.max(...masks)).toBeLessThan(firstError);
    for (const line of lines) expect(stdout).toContain(`::add-mask::${line}`);
    // Nothing else shows any of it.
    const visible = visibleText(run);
    expect(visible).not.toContain('PRIVATE KEY');
    for (const piece of base64Runs(leaked.privateFile)) expect(visible).not.toContain(piece);
    expect(cluster.requests).toHaveLength(0);
  });

  test('all problems are reported at once, key problems line by line', async () => {
    const run = await runJumpserver(cluster, {
      'authorized-keys': `garbage\n${alice.publicLine}\n${weak.publicLine}`,
      'allowed-cidrs': '300.1.2.3/8',
      timeout: 'soon'
    });
    expect(run.exitCode).toBe(1);
    const errors = errorAnnotations(run);
    expect(errors.filter(e => e.startsWith("Input 'authorized-keys': line "))).toHaveLength(2);
    expect(errors.map(e => /^Input '([^']+)'/.exec(e)?.[1])).toEqual(
      expect.arrayContaining(['authorized-keys', 'allowed-cidrs', 'timeout'])
    );
    expect(run.stdout).toContain('4 inputs are invalid');
    expect(cluster.requests).toHaveLength(0);
  });
});

describe('jumpserver inputs that pass', () => {
  beforeAll(() => createTargetService(cluster));

  test('0.0.0.0/0 written out is accepted with a warning', async () => {
    const run = await runJumpserver(cluster, {
      ...VALID,
      'allowed-cidrs': '0.0.0.0/0\n::/0',
      'service-type': 'ClusterIP'
    });
    expect(run.exitCode).toBe(0);
    const warnings = run.stdout.split('\n').filter(line => line.startsWith('::warning'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('0.0.0.0/0 and ::/0');
    const policy = await storedObject(
      cluster,
      'networking.k8s.io/v1',
      'NetworkPolicy',
      'sshd-jumpserver'
    );
    expect(policy.spec.ingress[0].from).toEqual([
      { ipBlock: { cidr: '0.0.0.0/0' } },
      { ipBlock: { cidr: '::/0' } }
    ]);
  });

  test('without an image, the one this repository publishes for its version is used', async () => {
    const run = await runJumpserver(
      cluster,
      { ...VALID, image: '', 'service-type': 'ClusterIP', name: 'jump-default-image' },
      { GITHUB_ACTION_REPOSITORY: 'Example-Org/gadgetron-actions' }
    );
    expect(run.exitCode).toBe(0);
    const deployment = await storedObject(cluster, 'apps/v1', 'Deployment', 'jump-default-image');
    expect(deployment.spec.template.spec.containers[0].image).toBe(
      'ghcr.io/example-org/gadgetron-actions/jumpserver:1.0.0'
    );
  });

  test('CIDRs are normalised and repeats dropped; sk- and comment-less keys are fine', async () => {
    const sk =
      'sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIKMFQ1Ts5dRnjRDqvjVZnbSUKwg7j3c1tkCXD6ESHYQ8AAAABHNzaDo=';
    const run = await runJumpserver(cluster, {
      'authorized-keys': `${alice.publicLine.split(' ').slice(0, 2).join(' ')}\n${sk} yubikey`,
      'allowed-cidrs': '2001:DB8:0:0::/64, 2001:db8::/64\n198.51.100.0/24,198.51.100.0/24',
      'service-type': 'ClusterIP',
      name: 'jump-normalised'
    });
    expect(run.exitCode).toBe(0);
    const policy = await storedObject(
      cluster,
      'networking.k8s.io/v1',
      'NetworkPolicy',
      'jump-normalised'
    );
    expect(policy.spec.ingress[0].from).toEqual([
      { ipBlock: { cidr: '2001:db8::/64' } },
      { ipBlock: { cidr: '198.51.100.0/24' } }
    ]);
  });
});
