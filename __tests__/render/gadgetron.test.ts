import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import type {
  KubernetesObject,
  V1ConfigMap,
  V1Deployment,
  V2HorizontalPodAutoscaler
} from '@kubernetes/client-node';
import { renderGadgetron } from '../../src/render/gadgetron.ts';
import { defaultManifestsDir, loadBase } from '../../src/render/manifests.ts';
import { validateObjects } from '../../src/render/validate.ts';
import { byKind, defaultSpec, named, pod, selectors } from './fixtures.ts';

const VERSION = 'app.kubernetes.io/version';
const INSTANCE = 'app.kubernetes.io/instance';

function server(objects: KubernetesObject[], name = 'gadgetron') {
  const spec = pod(named(objects, 'Deployment', name));
  const container = spec.containers[0];
  if (container === undefined) throw new Error('no container');
  return { spec, container };
}

function envOf(objects: KubernetesObject[], name = 'gadgetron'): Record<string, string> {
  return Object.fromEntries(
    server(objects, name).container.env?.map(v => [v.name, v.value ?? '']) ?? []
  );
}

describe('renderGadgetron', () => {
  test('renders valid objects in apply order', () => {
    const objects = renderGadgetron(defaultSpec());
    expect(validateObjects(objects)).toEqual([]);
    expect(objects.map(o => `${o.kind}/${o.metadata?.name}`)).toEqual([
      'ConfigMap/gadgetron-actions',
      'PersistentVolumeClaim/gadgetron-storage-db',
      'Service/gadgetron-storage',
      'Service/gadgetron-frontend',
      'Service/gadgetron-workers',
      'Deployment/gadgetron-storage',
      'Deployment/gadgetron',
      'HorizontalPodAutoscaler/gadgetron',
      'PodDisruptionBudget/gadgetron',
      'NetworkPolicy/gadgetron',
      'NetworkPolicy/gadgetron-storage'
    ]);
  });

  test('with the default name, differs from the base only by version labels and spec values', () => {
    const strip = (objects: KubernetesObject[]) =>
      JSON.parse(JSON.stringify(objects, (key, value) => (key === VERSION ? undefined : value)));
    const rendered = strip(
      renderGadgetron(
        defaultSpec({ image: 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:latest' })
      )
    );
    const base = strip(loadBase());
    const order = (objects: KubernetesObject[]) =>
      [...objects].sort((a, b) =>
        `${a.kind}/${a.metadata?.name}`.localeCompare(`${b.kind}/${b.metadata?.name}`)
      );
    expect(order(rendered)).toEqual(order(base));
  });

  test('renames every object and every reference between them', () => {
    const objects = renderGadgetron(defaultSpec({ name: 'recon', namespace: 'mri' }));
    expect(objects.map(o => o.metadata?.name).sort()).toEqual([
      'recon',
      'recon',
      'recon',
      'recon',
      'recon-actions',
      'recon-frontend',
      'recon-storage',
      'recon-storage',
      'recon-storage',
      'recon-storage-db',
      'recon-workers'
    ]);
    for (const object of objects) {
      expect(object.metadata?.namespace).toBe('mri');
      expect(object.metadata?.labels?.[INSTANCE]).toBe('recon');
      for (const [, labels] of selectors(object)) {
        if (INSTANCE in labels) expect(labels[INSTANCE]).toBe('recon');
      }
    }
    // Names left over from the base (the managed-by label and the scripts' mount path
    // legitimately say gadgetron-actions).
    const text = JSON.stringify(objects, (key, value) =>
      key === 'app.kubernetes.io/managed-by' || key === 'data' ? undefined : value
    );
    expect(
      text.match(/"gadgetron-actions"|["/]gadgetron-(storage|workers|frontend)\b/g)
    ).toBeNull();

    const { spec, container } = server(objects, 'recon');
    expect(container.args).toEqual(['-p', '9002', '-E', 'http://recon-storage:3333']);
    expect(envOf(objects, 'recon')['GADGETRON_WORKER_SERVICE']).toBe('recon-workers');
    expect(spec.volumes?.find(v => v.configMap)?.configMap?.name).toBe('recon-actions');
    const storage = pod(named(objects, 'Deployment', 'recon-storage'));
    expect(storage.volumes?.find(v => v.name === 'db')?.persistentVolumeClaim?.claimName).toBe(
      'recon-storage-db'
    );
    const hpa = named<V2HorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler', 'recon');
    expect(hpa.spec?.scaleTargetRef.name).toBe('recon');
  });

  test('every selector still selects the pods of exactly one Deployment', () => {
    const objects = renderGadgetron(defaultSpec({ name: 'recon' }));
    const pods = byKind(objects, 'Deployment').map(
      d => (d as V1Deployment).spec?.template.metadata?.labels ?? {}
    );
    for (const object of objects) {
      for (const [where, labels] of selectors(object)) {
        const matching = pods.filter(p => Object.entries(labels).every(([k, v]) => p[k] === v));
        expect([`${object.kind}/${object.metadata?.name} ${where}`, matching.length]).toEqual([
          `${object.kind}/${object.metadata?.name} ${where}`,
          Object.keys(labels).length === 0 ? pods.length : 1
        ]);
      }
    }
  });

  test('labels Deployments and their pods with the image version, nothing else, never selectors', () => {
    const objects = renderGadgetron(defaultSpec());
    for (const object of objects) {
      const app = object.metadata?.labels?.['app.kubernetes.io/name'];
      expect(object.metadata?.labels?.[VERSION]).toBe(
        object.kind !== 'Deployment' ? undefined : app === 'gadgetron' ? '4.7.2' : 'v0.0.12'
      );
      for (const [, labels] of selectors(object)) expect(labels).not.toHaveProperty([VERSION]);
    }
    const template = named<V1Deployment>(objects, 'Deployment', 'gadgetron').spec?.template;
    expect(template?.metadata?.labels?.[VERSION]).toBe('4.7.2');

    const pinned = renderGadgetron(
      defaultSpec({
        image: `ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda@sha256:${'ab'.repeat(32)}`
      })
    );
    expect(named(pinned, 'Deployment', 'gadgetron').metadata?.labels?.[VERSION]).toBe(
      'sha256-abababababab'
    );
  });

  test('selectors are identical whatever the image, so updates never touch immutable fields', () => {
    const selectorsOf = (image: string) =>
      byKind(renderGadgetron(defaultSpec({ image })), 'Deployment').map(
        d => (d as V1Deployment).spec?.selector
      );
    expect(selectorsOf('gadgetron:4.7.1')).toEqual(selectorsOf('gadgetron:4.7.2'));
  });

  test('without a storage server drops its objects and the -E option', () => {
    const objects = renderGadgetron(defaultSpec({ storageServer: undefined }));
    expect(validateObjects(objects)).toEqual([]);
    expect(objects.map(o => `${o.kind}/${o.metadata?.name}`)).toEqual([
      'ConfigMap/gadgetron-actions',
      'Service/gadgetron-frontend',
      'Service/gadgetron-workers',
      'Deployment/gadgetron',
      'HorizontalPodAutoscaler/gadgetron',
      'PodDisruptionBudget/gadgetron',
      'NetworkPolicy/gadgetron'
    ]);
    expect(server(objects).container.args).toEqual(['-p', '9002']);
    expect(JSON.stringify(objects)).not.toContain('mrd-storage-server');
  });

  test('sets the storage server image and keeps blobs on its disk without a dependencies claim', () => {
    const objects = renderGadgetron(
      defaultSpec({
        storageServer: { image: 'registry.example/mrd-storage-server:v0.0.13' },
        dependenciesClaim: undefined
      })
    );
    const { spec, container } = server(objects, 'gadgetron-storage');
    expect(container.image).toBe('registry.example/mrd-storage-server:v0.0.13');
    expect(spec.volumes?.map(v => v.name)).toEqual(['db', 'tmp']);
    expect(container.volumeMounts?.map(m => m.mountPath)).toEqual(['/data', '/tmp']);
    expect(validateObjects(objects)).toEqual([]);

    const shared = server(
      renderGadgetron(defaultSpec({ dependenciesClaim: 'deps' })),
      'gadgetron-storage'
    );
    expect(
      shared.spec.volumes?.find(v => v.name === 'blobs')?.persistentVolumeClaim?.claimName
    ).toBe('deps');
  });

  test('mounts the data claim only when one is given', () => {
    const withData = server(renderGadgetron(defaultSpec({ dataClaim: 'scans' })));
    expect(
      withData.spec.volumes?.find(v => v.name === 'data')?.persistentVolumeClaim?.claimName
    ).toBe('scans');
    expect(withData.container.volumeMounts?.map(m => m.mountPath)).toContain('/tmp/gadgetron_data');

    const objects = renderGadgetron(defaultSpec({ dataClaim: undefined }));
    const without = server(objects);
    expect(without.spec.volumes?.map(v => v.name)).toEqual(['actions']);
    expect(without.container.volumeMounts?.map(m => m.mountPath)).toEqual([
      '/opt/gadgetron-actions'
    ]);
    expect(validateObjects(objects)).toEqual([]);
  });

  test('requests resources, GPUs as nvidia.com/gpu limits', () => {
    const cpuOnly = server(
      renderGadgetron(
        defaultSpec({ resources: { cpuRequest: '3500m', memoryRequest: '12Gi', gpus: 0 } })
      )
    );
    expect(cpuOnly.container.resources).toEqual({ requests: { cpu: '3500m', memory: '12Gi' } });

    const objects = renderGadgetron(
      defaultSpec({
        image: 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_cuda:4.7.2',
        resources: {
          cpuRequest: '4',
          memoryRequest: '16Gi',
          cpuLimit: '8',
          memoryLimit: '24Gi',
          gpus: 2
        }
      })
    );
    expect(server(objects).container.resources).toEqual({
      requests: { cpu: '4', memory: '16Gi' },
      limits: { cpu: '8', memory: '24Gi', 'nvidia.com/gpu': '2' }
    });
    expect(validateObjects(objects)).toEqual([]);
  });

  test('schedules with the node selector and tolerations, on the Gadgetron pods only', () => {
    const objects = renderGadgetron(
      defaultSpec({
        nodeSelector: { 'kubernetes.azure.com/agentpool': 'gpu', 'gadgetron.io/enabled': 'yes' },
        tolerations: [
          { key: 'sku', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' },
          { key: 'kubernetes.azure.com/scalesetpriority', operator: 'Exists' }
        ]
      })
    );
    const { spec } = server(objects);
    expect(spec.nodeSelector).toEqual({
      'kubernetes.azure.com/agentpool': 'gpu',
      'gadgetron.io/enabled': 'yes'
    });
    expect(spec.tolerations).toEqual([
      { key: 'sku', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' },
      { key: 'kubernetes.azure.com/scalesetpriority', operator: 'Exists' }
    ]);
    const storage = pod(named(objects, 'Deployment', 'gadgetron-storage'));
    expect(storage.nodeSelector).toBeUndefined();
    expect(storage.tolerations).toBeUndefined();
    expect(validateObjects(objects)).toEqual([]);

    const plain = server(renderGadgetron(defaultSpec())).spec;
    expect(plain).not.toHaveProperty('nodeSelector');
    expect(plain).not.toHaveProperty('tolerations');
  });

  test('sets the grace period, autoscaler bounds and utilization', () => {
    const objects = renderGadgetron(
      defaultSpec({
        terminationGracePeriodSeconds: 7200,
        replicas: { min: 2, max: 6, cpuUtilization: 75 }
      })
    );
    expect(server(objects).spec.terminationGracePeriodSeconds).toBe(7200);
    const hpa = named<V2HorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler', 'gadgetron');
    expect(hpa.spec?.minReplicas).toBe(2);
    expect(hpa.spec?.maxReplicas).toBe(6);
    expect(hpa.spec?.metrics?.[0]?.resource?.target.averageUtilization).toBe(75);
    expect(named<V1Deployment>(objects, 'Deployment', 'gadgetron').spec?.replicas).toBeUndefined();
  });

  test('turns remote worker discovery off by dropping its environment', () => {
    const worker = [
      'GADGETRON_REMOTE_WORKER_COMMAND',
      'GADGETRON_WORKER_SERVICE',
      'GADGETRON_WORKER_PORT',
      'GADGETRON_POD_IP'
    ];
    const always = { OMP_WAIT_POLICY: 'PASSIVE', DRAIN_SETTLE_SECONDS: '60' };
    expect(Object.keys(envOf(renderGadgetron(defaultSpec())))).toEqual([
      ...worker,
      ...Object.keys(always)
    ]);
    expect(envOf(renderGadgetron(defaultSpec({ remoteWorkers: false })))).toEqual(always);
  });

  test('carries the drain settle time, passive OpenMP threads and the memory limit', () => {
    const objects = renderGadgetron(
      defaultSpec({
        drainSettleSeconds: 90,
        resources: { cpuRequest: '4', memoryRequest: '16Gi', memoryLimit: '24Gi', gpus: 0 }
      })
    );
    const env = envOf(objects);
    expect(env['DRAIN_SETTLE_SECONDS']).toBe('90');
    expect(env['OMP_WAIT_POLICY']).toBe('PASSIVE');
    expect(server(objects).spec.containers[0]?.resources).toEqual({
      requests: { cpu: '4', memory: '16Gi' },
      limits: { memory: '24Gi' }
    });
    expect(() => renderGadgetron(defaultSpec({ drainSettleSeconds: 3600 }))).toThrow(
      'drainSettleSeconds must be a whole number of seconds below terminationGracePeriodSeconds'
    );
  });

  test('waits for the renamed storage server in an init container of the Gadgetron image', () => {
    const objects = renderGadgetron(defaultSpec({ name: 'recon' }));
    const spec = server(objects, 'recon').spec;
    expect(spec.initContainers?.map(c => c.name)).toEqual(['wait-for-storage']);
    const wait = spec.initContainers![0]!;
    expect(wait.image).toBe(spec.containers[0]?.image);
    expect(wait.command).toEqual(['/bin/bash', '/opt/gadgetron-actions/wait-for-storage.sh']);
    const url = wait.env?.find(v => v.name === 'STORAGE_URL')?.value;
    expect(url).toBe('http://recon-storage:3333');
    // The address Gadgetron itself is given, and a Service that exists.
    expect(spec.containers[0]?.args).toEqual(['-p', '9002', '-E', url]);
    named(objects, 'Service', 'recon-storage');
    expect(wait.volumeMounts?.map(m => m.name)).toEqual(['actions']);
    const scripts = named<V1ConfigMap>(objects, 'ConfigMap', 'recon-actions');
    expect(Object.keys(scripts.data ?? {})).toContain('wait-for-storage.sh');

    const alone = server(renderGadgetron(defaultSpec({ storageServer: undefined }))).spec;
    expect(alone.initContainers).toBeUndefined();
  });

  test('keeps the cluster autoscaler from moving the storage server', () => {
    const storage = named<V1Deployment>(
      renderGadgetron(defaultSpec()),
      'Deployment',
      'gadgetron-storage'
    );
    expect(storage.spec?.template.metadata?.annotations).toEqual({
      'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false'
    });
    const gadgetron = named<V1Deployment>(
      renderGadgetron(defaultSpec()),
      'Deployment',
      'gadgetron'
    );
    expect(
      gadgetron.spec?.template.metadata?.annotations?.[
        'cluster-autoscaler.kubernetes.io/safe-to-evict'
      ]
    ).toBeUndefined();
  });

  test('never replaces an entrypoint and keeps every container locked down', () => {
    for (const spec of [
      defaultSpec(),
      defaultSpec({ storageServer: undefined, remoteWorkers: false })
    ]) {
      for (const deployment of byKind(renderGadgetron(spec), 'Deployment')) {
        const podSpec = pod(deployment);
        expect(podSpec.automountServiceAccountToken).toBe(false);
        expect(podSpec.securityContext?.runAsNonRoot).toBe(true);
        expect(podSpec.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
        for (const container of podSpec.containers) expect(container.command).toBeUndefined();
        // An init container runs a mounted script, never Gadgetron.
        for (const container of podSpec.initContainers ?? []) {
          expect(container.command?.slice(0, 1)).toEqual(['/bin/bash']);
        }
        for (const container of [...podSpec.containers, ...(podSpec.initContainers ?? [])]) {
          expect(container.securityContext?.allowPrivilegeEscalation).toBe(false);
          expect(container.securityContext?.capabilities?.drop).toEqual(['ALL']);
        }
      }
    }
    const gadgetron = server(renderGadgetron(defaultSpec())).spec.securityContext;
    expect(gadgetron).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
  });

  test('renders a fresh copy each time', () => {
    const first = renderGadgetron(defaultSpec({ name: 'one' }));
    const second = renderGadgetron(defaultSpec({ name: 'two' }));
    expect(first[0]?.metadata?.name).toBe('one-actions');
    expect(second[0]?.metadata?.name).toBe('two-actions');
  });

  test.each([
    [{ name: 'Gadgetron' }, /name "Gadgetron"/],
    [{ name: '9lives' }, /name "9lives"/],
    [{ name: 'x'.repeat(53) }, /at most 52 characters/],
    [{ namespace: 'no_underscores' }, /namespace/],
    [{ image: 'has space:1' }, /image/],
    [{ replicas: { min: 0, max: 3, cpuUtilization: 60 } }, /replicas\.min/],
    [{ replicas: { min: 4, max: 3, cpuUtilization: 60 } }, /replicas\.max/],
    [{ replicas: { min: 1, max: 3, cpuUtilization: 0.5 } }, /cpuUtilization/],
    [{ resources: { cpuRequest: 'two', memoryRequest: '4Gi', gpus: 0 } }, /cpuRequest "two"/],
    [{ resources: { cpuRequest: '2', memoryRequest: '4GB', gpus: 0 } }, /memoryRequest "4GB"/],
    [{ resources: { cpuRequest: '2', memoryRequest: '4Gi', gpus: 1.5 } }, /gpus/],
    [{ tolerations: [{ key: 'a', operator: 'Exists' as const, value: 'b' }] }, /tolerations\[0\]/],
    [{ tolerations: [{ operator: 'Equal' as const, value: 'b' }] }, /tolerations\[0\]/],
    [{ dataClaim: 'Bad_Claim' }, /dataClaim/],
    [{ terminationGracePeriodSeconds: -1 }, /terminationGracePeriodSeconds/]
  ])('rejects an invalid spec %#', (overrides, message) => {
    expect(() => renderGadgetron(defaultSpec(overrides))).toThrow(message);
  });
});

describe('renderGadgetron with another manifests directory', () => {
  const copy = mkdtempSync(join(tmpdir(), 'gadgetron-base-'));
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  test('reads the base and the scripts from there', () => {
    cpSync(defaultManifestsDir(), copy, { recursive: true });
    writeFileSync(join(copy, 'scripts', 'drain.sh'), '#!/bin/bash\nexit 0\n');
    const deployment = join(copy, 'deployment.yaml');
    writeFileSync(
      deployment,
      readFileSync(deployment, 'utf8').replace('memory: 4Gi', 'memory: 5Gi')
    );

    const objects = renderGadgetron(defaultSpec(), copy);
    const configMap = named<V1ConfigMap>(objects, 'ConfigMap', 'gadgetron-actions');
    expect(configMap.data?.['drain.sh']).toBe('#!/bin/bash\nexit 0\n');
    expect(loadBase(copy).length).toBe(loadBase().length);
    // The spec still decides the resources, whatever the base says.
    expect(server(objects).container.resources?.requests?.['memory']).toBe('4Gi');
  });

  test('fails clearly when the base lacks an object it needs', () => {
    const broken = mkdtempSync(join(tmpdir(), 'gadgetron-broken-'));
    try {
      cpSync(defaultManifestsDir(), broken, { recursive: true });
      const kustomization = join(broken, 'kustomization.yaml');
      writeFileSync(
        kustomization,
        readFileSync(kustomization, 'utf8').replace('  - hpa.yaml\n', '')
      );
      expect(() => renderGadgetron(defaultSpec(), broken)).toThrow(
        /HorizontalPodAutoscaler gadgetron/
      );
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});
