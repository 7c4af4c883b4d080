import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import type {
  KubernetesObject,
  V1ConfigMap,
  V1Deployment,
  V1PersistentVolumeClaim,
  V1Service
} from '@kubernetes/client-node';
import { parse } from 'yaml';
import { defaultManifestsDir, loadBase } from '../../src/render/manifests.ts';
import { validateObjects } from '../../src/render/validate.ts';
import { named, pod, selectors } from './fixtures.ts';

const dir = defaultManifestsDir();
const base = loadBase();
const kustomization = parse(readFileSync(new URL('kustomization.yaml', dir), 'utf8')) as {
  namespace?: string;
  resources: string[];
  commonLabels?: unknown;
  configMapGenerator: { name: string; files: string[]; options: Record<string, unknown> }[];
};

const RECOMMENDED = [
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/component',
  'app.kubernetes.io/part-of',
  'app.kubernetes.io/managed-by'
];

describe('the kustomize base', () => {
  test('is found from the source tree', () => {
    expect(dir.pathname).toMatch(/\/manifests\/gadgetron\/$/);
  });

  test('validates against the Kubernetes schemas', () => {
    expect(validateObjects(base)).toEqual([]);
  });

  test('lists every manifest file and generates the scripts ConfigMap without a hash', () => {
    const yamlFiles = readdirSync(dir).filter(
      f => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml'
    );
    expect([...kustomization.resources].sort()).toEqual(yamlFiles.sort());
    expect(kustomization.namespace).toBe('gadgetron');
    expect(kustomization.commonLabels).toBeUndefined();
    const [generator] = kustomization.configMapGenerator;
    expect(generator?.options['disableNameSuffixHash']).toBe(true);
    const configMap = named<V1ConfigMap>(base, 'ConfigMap', 'gadgetron-actions');
    for (const script of ['drain.sh', 'remote-workers.sh']) {
      expect(configMap.data?.[script]).toBe(
        readFileSync(new URL(`scripts/${script}`, dir), 'utf8')
      );
    }
  });

  test('puts every object in the namespace, with the recommended labels', () => {
    for (const object of base) {
      expect(object.metadata?.namespace).toBe('gadgetron');
      for (const label of RECOMMENDED) expect(object.metadata?.labels).toHaveProperty([label]);
      expect(object.metadata?.labels?.['app.kubernetes.io/instance']).toBe('gadgetron');
      expect(object.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('gadgetron-actions');
      expect(object.metadata?.labels?.['app.kubernetes.io/part-of']).toBe('gadgetron');
    }
  });

  test('selects pods by name, instance and component only, and every selector matches pods', () => {
    const podLabels = base
      .filter(o => o.kind === 'Deployment')
      .map(d => (d as V1Deployment).spec?.template.metadata?.labels ?? {});
    const all = base.flatMap(object => selectors(object).map(([, labels]) => labels));
    expect(all.length).toBeGreaterThanOrEqual(8);
    for (const labels of all) {
      expect(Object.keys(labels).sort()).toEqual([
        'app.kubernetes.io/component',
        'app.kubernetes.io/instance',
        'app.kubernetes.io/name'
      ]);
      const matches = podLabels.filter(p => Object.entries(labels).every(([k, v]) => p[k] === v));
      expect(matches).toHaveLength(1);
    }
  });

  test('runs Gadgetron through the image entrypoint with the shared storage server', () => {
    const deployment = named<V1Deployment>(base, 'Deployment', 'gadgetron');
    const [server] = pod(deployment).containers;
    expect(server?.image).toBe('ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:latest');
    expect(server?.command).toBeUndefined();
    expect(server?.args).toEqual(['-p', '9002', '-E', 'http://gadgetron-storage:3333']);
    expect(server?.ports).toEqual([{ name: 'gadgetron', containerPort: 9002, protocol: 'TCP' }]);
    // An exec check of the socket tables: a TCP probe would make Gadgetron fork a child.
    expect(server?.readinessProbe?.tcpSocket).toBeUndefined();
    expect(server?.readinessProbe?.exec?.command).toEqual([
      '/bin/bash',
      '/opt/gadgetron-actions/ready.sh'
    ]);
    expect(server?.livenessProbe).toBeUndefined();
    expect(server?.terminationMessagePolicy).toBe('FallbackToLogsOnError');
    expect(deployment.spec?.replicas).toBeUndefined();
    expect(deployment.spec?.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }
    });
  });

  test('drains before termination with scripts from the mounted ConfigMap', () => {
    const deployment = named<V1Deployment>(base, 'Deployment', 'gadgetron');
    const spec = pod(deployment);
    const server = spec.containers[0];
    expect(spec.terminationGracePeriodSeconds).toBe(3600);
    expect(server?.lifecycle?.preStop?.exec?.command).toEqual([
      '/bin/bash',
      '/opt/gadgetron-actions/drain.sh'
    ]);
    const env = Object.fromEntries((server?.env ?? []).map(v => [v.name, v.value]));
    expect(env).toEqual({
      GADGETRON_REMOTE_WORKER_COMMAND: '/bin/bash /opt/gadgetron-actions/remote-workers.sh',
      GADGETRON_WORKER_SERVICE: 'gadgetron-workers',
      GADGETRON_WORKER_PORT: '9002',
      GADGETRON_POD_IP: undefined,
      OMP_WAIT_POLICY: 'PASSIVE',
      DRAIN_SETTLE_SECONDS: '60'
    });
    expect(server?.env?.find(v => v.name === 'GADGETRON_POD_IP')?.valueFrom).toEqual({
      fieldRef: { fieldPath: 'status.podIP' }
    });
    const mount = server?.volumeMounts?.find(m => m.mountPath === '/opt/gadgetron-actions');
    const volume = spec.volumes?.find(v => v.name === mount?.name);
    // 365 = 0555: a YAML 1.2 reader would have taken a literal 0555 as decimal 555.
    expect(volume?.configMap?.defaultMode).toBe(0o555);
    const configMap = named<V1ConfigMap>(base, 'ConfigMap', volume?.configMap?.name ?? '');
    for (const path of [
      server?.lifecycle?.preStop?.exec?.command?.[1],
      server?.readinessProbe?.exec?.command?.[1],
      spec.initContainers?.[0]?.command?.[1],
      env['GADGETRON_REMOTE_WORKER_COMMAND']?.split(' ')[1]
    ]) {
      const key = path?.replace('/opt/gadgetron-actions/', '') ?? '';
      expect(configMap.data).toHaveProperty([key]);
    }
    named<V1Service>(base, 'Service', env['GADGETRON_WORKER_SERVICE'] ?? '');
  });

  test('locks the Gadgetron pod down and requests its resources', () => {
    const spec = pod(named(base, 'Deployment', 'gadgetron'));
    const server = spec.containers[0];
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      seccompProfile: { type: 'RuntimeDefault' }
    });
    expect(server?.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] }
    });
    expect(server?.resources).toEqual({
      requests: { cpu: '2', memory: '4Gi' },
      limits: { memory: '8Gi' }
    });
    const data = server?.volumeMounts?.find(m => m.mountPath === '/tmp/gadgetron_data');
    const volume = spec.volumes?.find(v => v.name === data?.name);
    expect(volume?.persistentVolumeClaim?.claimName).toBe('gtdata');
  });

  test('exposes a frontend ClusterIP and a headless worker Service of ready pods', () => {
    const frontend = named<V1Service>(base, 'Service', 'gadgetron-frontend');
    expect(frontend.spec?.type).toBe('ClusterIP');
    expect(frontend.spec?.ports?.[0]?.port).toBe(9002);
    const workers = named<V1Service>(base, 'Service', 'gadgetron-workers');
    expect(workers.spec?.clusterIP).toBe('None');
    expect(workers.spec?.publishNotReadyAddresses).toBe(false);
  });

  test('scales up fast and down slowly, and lets drains through one pod at a time', () => {
    const hpa = named(base, 'HorizontalPodAutoscaler', 'gadgetron') as KubernetesObject & {
      spec: Record<string, unknown> & {
        behavior: { scaleUp: Record<string, unknown>; scaleDown: Record<string, unknown> };
      };
    };
    expect(hpa.spec).toMatchObject({ minReplicas: 1, maxReplicas: 20 });
    expect(hpa.spec.behavior.scaleUp['stabilizationWindowSeconds']).toBe(0);
    expect(hpa.spec.behavior.scaleDown).toEqual({
      stabilizationWindowSeconds: 600,
      selectPolicy: 'Max',
      policies: [{ type: 'Pods', value: 1, periodSeconds: 300 }]
    });
    const pdb = named(base, 'PodDisruptionBudget', 'gadgetron') as KubernetesObject & {
      spec: Record<string, unknown>;
    };
    expect(pdb.spec['maxUnavailable']).toBe(1);
    expect(pdb.spec['minAvailable']).toBeUndefined();
  });

  test('runs one storage server on a default-class disk, blobs on the shared claim', () => {
    const storage = named<V1Deployment>(base, 'Deployment', 'gadgetron-storage');
    expect(storage.spec?.replicas).toBe(1);
    expect(storage.spec?.strategy).toEqual({ type: 'Recreate' });
    const spec = pod(storage);
    const [server] = spec.containers;
    expect(server?.image).toBe('ghcr.io/ismrmrd/mrd-storage-server:v0.0.12');
    expect(server?.command).toBeUndefined();
    expect(server?.readinessProbe?.httpGet).toEqual({ path: '/healthcheck', port: 'http' });
    expect(server?.ports?.[0]?.containerPort).toBe(3333);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 101 });

    const env = Object.fromEntries((server?.env ?? []).map(v => [v.name, v.value]));
    const mountOf = (path: string) =>
      server?.volumeMounts
        ?.filter(m => path === m.mountPath || path.startsWith(`${m.mountPath}/`))
        .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
    const claimAt = (path: string) =>
      spec.volumes?.find(v => v.name === mountOf(path)?.name)?.persistentVolumeClaim?.claimName;
    expect(env['MRD_STORAGE_SERVER_DATABASE_PROVIDER']).toBe('sqlite');
    expect(claimAt(env['MRD_STORAGE_SERVER_DATABASE_CONNECTION_STRING'] ?? '')).toBe(
      'gadgetron-storage-db'
    );
    expect(claimAt(env['MRD_STORAGE_SERVER_STORAGE_CONNECTION_STRING'] ?? '')).toBe(
      'gtdependencies'
    );

    const claim = named<V1PersistentVolumeClaim>(
      base,
      'PersistentVolumeClaim',
      'gadgetron-storage-db'
    );
    expect(claim.spec?.storageClassName).toBeUndefined();
    expect(claim.spec?.accessModes).toEqual(['ReadWriteOnce']);
    expect(claim.spec?.resources?.requests?.['storage']).toBe('10Gi');
    expect(named<V1Service>(base, 'Service', 'gadgetron-storage').spec?.ports?.[0]?.port).toBe(
      3333
    );
  });

  test('admits Gadgetron traffic from the namespace and storage traffic from Gadgetron only', () => {
    type Policy = KubernetesObject & {
      spec: {
        ingress: {
          from: { podSelector: { matchLabels?: Record<string, string> } }[];
          ports: { port: number }[];
        }[];
      };
    };
    const server = named<Policy>(base, 'NetworkPolicy', 'gadgetron');
    expect(server.spec.ingress).toHaveLength(1);
    expect(server.spec.ingress[0]?.from).toEqual([
      { podSelector: {} },
      // The jump server in any namespace: both selectors in one peer.
      {
        namespaceSelector: {},
        podSelector: {
          matchLabels: {
            'app.kubernetes.io/name': 'gadgetron-jumpserver',
            'app.kubernetes.io/component': 'jumpserver'
          }
        }
      }
    ]);
    expect(server.spec.ingress[0]?.ports.map(p => p.port)).toEqual([9002]);
    const storage = named<Policy>(base, 'NetworkPolicy', 'gadgetron-storage');
    expect(storage.spec.ingress[0]?.from[0]?.podSelector.matchLabels).toEqual(
      named<V1Deployment>(base, 'Deployment', 'gadgetron').spec?.selector.matchLabels
    );
    expect(storage.spec.ingress[0]?.ports.map(p => p.port)).toEqual([3333]);
  });
});
