import type { StatusCause } from './errors.ts';
import { deepEqual } from './fieldpaths.ts';
import { parseQuantity } from './quantity.ts';
import type { ResourceType } from './resources.ts';
import { isEmptySelector, labelSelectorMatches } from './selectors.ts';
import type { KubeObject } from './types.ts';
import { dnsLabelMessage, isDnsLabel, labelCauses } from './names.ts';

const required = (field: string, detail?: string): StatusCause => ({
  reason: 'FieldValueRequired',
  field,
  message: detail ? `Required value: ${detail}` : 'Required value'
});

const invalidValue = (field: string, value: unknown, detail: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  field,
  message: `Invalid value: ${JSON.stringify(value)}: ${detail}`
});

const forbidden = (field: string, detail: string): StatusCause => ({
  reason: 'FieldValueForbidden',
  field,
  message: `Forbidden: ${detail}`
});

function goMap(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {}).map(([k, v]) => `"${k}":"${v}"`);
  return `map[string]string{${entries.join(', ')}}`;
}

function portCauses(port: unknown, field: string): StatusCause[] {
  if (typeof port === 'number' && (port < 1 || port > 65535 || !Number.isInteger(port))) {
    return [invalidValue(field, port, 'must be between 1 and 65535, inclusive')];
  }
  return [];
}

function containerCauses(c: KubeObject, field: string, volumeNames: Set<string>): StatusCause[] {
  const causes: StatusCause[] = [];
  const name = String(c.name ?? '');
  if (!isDnsLabel(name))
    causes.push({
      reason: 'FieldValueInvalid',
      field: `${field}.name`,
      message: dnsLabelMessage(name)
    });
  if (!c.image || String(c.image).trim() === '') causes.push(required(`${field}.image`));
  (c.ports ?? []).forEach((p: KubeObject, i: number) =>
    causes.push(...portCauses(p.containerPort, `${field}.ports[${i}].containerPort`))
  );
  (c.env ?? []).forEach((e: KubeObject, i: number) => {
    if (!e.name) causes.push(required(`${field}.env[${i}].name`));
  });
  (c.volumeMounts ?? []).forEach((m: KubeObject, i: number) => {
    if (!volumeNames.has(String(m.name))) {
      causes.push({
        reason: 'FieldValueNotFound',
        field: `${field}.volumeMounts[${i}].name`,
        message: `Not found: "${String(m.name)}"`
      });
    }
    if (!m.mountPath) causes.push(required(`${field}.volumeMounts[${i}].mountPath`));
  });
  for (const kind of ['cpu', 'memory']) {
    const req = parseQuantity(c.resources?.requests?.[kind]);
    const lim = parseQuantity(c.resources?.limits?.[kind]);
    if (req !== undefined && lim !== undefined && req > lim) {
      causes.push(
        invalidValue(
          `${field}.resources.requests`,
          String(c.resources.requests[kind]),
          `must be less than or equal to ${kind} limit of ${String(c.resources.limits[kind])}`
        )
      );
    }
  }
  return causes;
}

function podSpecCauses(
  spec: KubeObject | undefined,
  field: string,
  forController: boolean
): StatusCause[] {
  if (!spec) return [required(field)];
  const causes: StatusCause[] = [];
  const volumeNames = new Set<string>();
  (spec.volumes ?? []).forEach((v: KubeObject, i: number) => {
    const name = String(v.name ?? '');
    if (volumeNames.has(name))
      causes.push({
        reason: 'FieldValueDuplicate',
        field: `${field}.volumes[${i}].name`,
        message: `Duplicate value: "${name}"`
      });
    volumeNames.add(name);
  });
  const containers = (spec.containers ?? []) as KubeObject[];
  if (containers.length === 0) causes.push(required(`${field}.containers`));
  const seen = new Set<string>();
  const all = [
    ...((spec.initContainers ?? []) as KubeObject[]).map((c, i) => ({
      c,
      f: `${field}.initContainers[${i}]`
    })),
    ...containers.map((c, i) => ({ c, f: `${field}.containers[${i}]` }))
  ];
  for (const { c, f } of all) {
    if (seen.has(String(c.name)))
      causes.push({
        reason: 'FieldValueDuplicate',
        field: `${f}.name`,
        message: `Duplicate value: "${String(c.name)}"`
      });
    seen.add(String(c.name));
    causes.push(...containerCauses(c, f, volumeNames));
  }
  if (forController && spec.restartPolicy && spec.restartPolicy !== 'Always') {
    causes.push({
      reason: 'FieldValueNotSupported',
      field: `${field}.restartPolicy`,
      message: `Unsupported value: "${String(spec.restartPolicy)}": supported values: "Always"`
    });
  }
  if (
    typeof spec.terminationGracePeriodSeconds === 'number' &&
    spec.terminationGracePeriodSeconds < 0
  ) {
    causes.push(
      invalidValue(
        `${field}.terminationGracePeriodSeconds`,
        spec.terminationGracePeriodSeconds,
        'must be greater than or equal to 0'
      )
    );
  }
  return causes;
}

function intOrPercent(value: unknown): { n: number; percent: boolean } | undefined {
  if (typeof value === 'number') return { n: value, percent: false };
  if (typeof value === 'string' && /^\d+%$/.test(value))
    return { n: Number(value.slice(0, -1)), percent: true };
  return undefined;
}

function workloadCauses(obj: KubeObject): StatusCause[] {
  const spec = obj.spec ?? {};
  const causes: StatusCause[] = [];
  if (typeof spec.replicas === 'number' && spec.replicas < 0) {
    causes.push(invalidValue('spec.replicas', spec.replicas, 'must be greater than or equal to 0'));
  }
  if (!spec.selector) causes.push(required('spec.selector'));
  else if (isEmptySelector(spec.selector)) {
    causes.push(
      invalidValue('spec.selector', spec.selector, `empty selector is invalid for deployment`)
    );
  }
  const labels = spec.template?.metadata?.labels as Record<string, string> | undefined;
  causes.push(...labelCauses(labels, 'spec.template.metadata.labels'));
  if (
    spec.selector &&
    !isEmptySelector(spec.selector) &&
    !labelSelectorMatches(spec.selector, labels)
  ) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'spec.template.metadata.labels',
      message: `Invalid value: ${goMap(labels)}: \`selector\` does not match template \`labels\``
    });
  }
  causes.push(...podSpecCauses(spec.template?.spec, 'spec.template.spec', true));
  return causes;
}

function deploymentCauses(obj: KubeObject): StatusCause[] {
  const causes = workloadCauses(obj);
  const spec = obj.spec ?? {};
  const strategy = spec.strategy ?? {};
  if (strategy.type === 'Recreate' && strategy.rollingUpdate) {
    causes.push(
      forbidden(
        'spec.strategy.rollingUpdate',
        "may not be specified when strategy `type` is 'Recreate'"
      )
    );
  }
  const ru = strategy.rollingUpdate;
  if (ru) {
    const surge = intOrPercent(ru.maxSurge ?? '25%');
    const unavailable = intOrPercent(ru.maxUnavailable ?? '25%');
    if (!surge)
      causes.push(
        invalidValue(
          'spec.strategy.rollingUpdate.maxSurge',
          ru.maxSurge,
          "a valid percent string must be a numeric string followed by an ending '%'"
        )
      );
    if (!unavailable)
      causes.push(
        invalidValue(
          'spec.strategy.rollingUpdate.maxUnavailable',
          ru.maxUnavailable,
          "a valid percent string must be a numeric string followed by an ending '%'"
        )
      );
    if (unavailable?.percent && unavailable.n > 100) {
      causes.push(
        invalidValue(
          'spec.strategy.rollingUpdate.maxUnavailable',
          ru.maxUnavailable,
          'must not be greater than 100%'
        )
      );
    }
    if (surge && unavailable && surge.n === 0 && unavailable.n === 0) {
      causes.push(
        invalidValue(
          'spec.strategy.rollingUpdate.maxUnavailable',
          ru.maxUnavailable,
          'may not be 0 when `maxSurge` is 0'
        )
      );
    }
  }
  if (
    typeof spec.progressDeadlineSeconds === 'number' &&
    spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)
  ) {
    causes.push(
      invalidValue(
        'spec.progressDeadlineSeconds',
        spec.progressDeadlineSeconds,
        'must be greater than minReadySeconds'
      )
    );
  }
  return causes;
}

function serviceCauses(obj: KubeObject): StatusCause[] {
  const spec = obj.spec ?? {};
  const causes: StatusCause[] = [];
  const ports = (spec.ports ?? []) as KubeObject[];
  if (ports.length === 0 && spec.type !== 'ExternalName' && spec.clusterIP !== 'None')
    causes.push(required('spec.ports'));
  const names = new Set<string>();
  ports.forEach((p, i) => {
    if (ports.length > 1 && !p.name) causes.push(required(`spec.ports[${i}].name`));
    if (p.name && names.has(String(p.name)))
      causes.push({
        reason: 'FieldValueDuplicate',
        field: `spec.ports[${i}].name`,
        message: `Duplicate value: "${String(p.name)}"`
      });
    if (p.name) names.add(String(p.name));
    causes.push(...portCauses(p.port, `spec.ports[${i}].port`));
    causes.push(...portCauses(p.targetPort, `spec.ports[${i}].targetPort`));
  });
  if (spec.type === 'ExternalName' && !spec.externalName)
    causes.push(required('spec.externalName'));
  return causes;
}

function pvcCauses(obj: KubeObject): StatusCause[] {
  const spec = obj.spec ?? {};
  const causes: StatusCause[] = [];
  if (!spec.accessModes || spec.accessModes.length === 0)
    causes.push(required('spec.accessModes', 'at least 1 access mode is required'));
  if (!spec.resources?.requests?.storage) causes.push(required('spec.resources[storage]'));
  else if (parseQuantity(spec.resources.requests.storage) === undefined) {
    causes.push(
      invalidValue(
        'spec.resources[storage]',
        spec.resources.requests.storage,
        'quantities must match the regular expression'
      )
    );
  }
  return causes;
}

const PV_SOURCES = [
  'csi',
  'hostPath',
  'nfs',
  'local',
  'azureDisk',
  'azureFile',
  'awsElasticBlockStore',
  'gcePersistentDisk',
  'iscsi',
  'fc',
  'cephfs',
  'rbd'
];

function pvCauses(obj: KubeObject): StatusCause[] {
  const spec = obj.spec ?? {};
  const causes: StatusCause[] = [];
  if (!spec.capacity?.storage) causes.push(required('spec.capacity'));
  if (!spec.accessModes || spec.accessModes.length === 0) causes.push(required('spec.accessModes'));
  const sources = PV_SOURCES.filter(s => spec[s] !== undefined);
  if (sources.length === 0) causes.push(required('spec', 'must specify a volume type'));
  if (sources.length > 1)
    causes.push(forbidden(`spec.${sources[1]}`, 'may not specify more than 1 volume type'));
  if (spec.csi && !spec.csi.volumeHandle) causes.push(required('spec.csi.volumeHandle'));
  if (spec.csi && !spec.csi.driver) causes.push(required('spec.csi.driver'));
  return causes;
}

function hpaCauses(obj: KubeObject): StatusCause[] {
  const spec = obj.spec ?? {};
  const causes: StatusCause[] = [];
  if (typeof spec.minReplicas === 'number' && spec.minReplicas < 1)
    causes.push(
      invalidValue('spec.minReplicas', spec.minReplicas, 'must be greater than or equal to 1')
    );
  if (typeof spec.maxReplicas === 'number' && spec.maxReplicas < (spec.minReplicas ?? 1)) {
    causes.push(
      invalidValue(
        'spec.maxReplicas',
        spec.maxReplicas,
        'must be greater than or equal to `minReplicas`'
      )
    );
  }
  return causes;
}

function pdbCauses(obj: KubeObject): StatusCause[] {
  const spec = obj.spec ?? {};
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    return [invalidValue('spec', spec, 'minAvailable and maxUnavailable cannot be both set')];
  }
  return [];
}

function dataKeyCauses(obj: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const field of ['data', 'stringData', 'binaryData']) {
    for (const key of Object.keys(obj[field] ?? {})) {
      if (!/^[-._a-zA-Z0-9]+$/.test(key)) {
        causes.push(
          invalidValue(
            `${field}[${key}]`,
            key,
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"
          )
        );
      }
    }
  }
  return causes;
}

/** Rules beyond the JSON schemas that apply to every write. */
export function createRules(resource: ResourceType, obj: KubeObject): StatusCause[] {
  switch (resource.kind) {
    case 'Deployment':
      return deploymentCauses(obj);
    case 'ReplicaSet':
      return workloadCauses(obj);
    case 'Pod':
      return podSpecCauses(obj.spec, 'spec', false);
    case 'Service':
      return serviceCauses(obj);
    case 'PersistentVolumeClaim':
      return pvcCauses(obj);
    case 'PersistentVolume':
      return pvCauses(obj);
    case 'HorizontalPodAutoscaler':
      return hpaCauses(obj);
    case 'PodDisruptionBudget':
      return pdbCauses(obj);
    case 'ConfigMap':
    case 'Secret':
      return dataKeyCauses(obj);
    default:
      return [];
  }
}

const immutable = (field: string, value: unknown): StatusCause =>
  invalidValue(field, value, 'field is immutable');

/** Rules that compare an update with the stored object. */
export function updateRules(
  resource: ResourceType,
  obj: KubeObject,
  previous: KubeObject
): StatusCause[] {
  const causes: StatusCause[] = [];
  if (resource.kind === 'Deployment' || resource.kind === 'ReplicaSet') {
    if (!deepEqual(obj.spec?.selector, previous.spec?.selector))
      causes.push(immutable('spec.selector', obj.spec?.selector));
  }
  if (
    resource.kind === 'Service' &&
    previous.spec?.clusterIP &&
    obj.spec?.clusterIP !== previous.spec.clusterIP
  ) {
    causes.push(
      invalidValue('spec.clusterIPs[0]', [obj.spec?.clusterIP], 'may not change once set')
    );
  }
  if (resource.kind === 'PersistentVolumeClaim') {
    const strip = (spec: KubeObject | undefined) => {
      const copy = structuredClone(spec ?? {});
      delete copy.resources;
      if (!previous.spec?.volumeName) delete copy.volumeName;
      return copy;
    };
    if (!deepEqual(strip(obj.spec), strip(previous.spec))) {
      causes.push(
        forbidden(
          'spec',
          'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'
        )
      );
    }
  }
  if (resource.kind === 'StorageClass') {
    for (const field of ['provisioner', 'parameters', 'reclaimPolicy', 'volumeBindingMode']) {
      if (!deepEqual(obj[field], previous[field]))
        causes.push(forbidden(field, `updates to ${field} are forbidden.`));
    }
  }
  if (
    (resource.kind === 'ConfigMap' || resource.kind === 'Secret') &&
    previous.immutable === true
  ) {
    if (!deepEqual(obj.data, previous.data) || !deepEqual(obj.binaryData, previous.binaryData)) {
      causes.push(forbidden('data', 'field is immutable when `immutable` is set'));
    }
    if (obj.immutable !== true)
      causes.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
  }
  if (resource.kind === 'Pod') {
    const strip = (spec: KubeObject | undefined) => {
      const copy = structuredClone(spec ?? {});
      for (const c of (copy.containers ?? []) as KubeObject[]) delete c.image;
      delete copy.activeDeadlineSeconds;
      delete copy.tolerations;
      delete copy.nodeName;
      return copy;
    };
    if (!deepEqual(strip(obj.spec), strip(previous.spec))) {
      causes.push(
        forbidden(
          'spec',
          'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)'
        )
      );
    }
  }
  return causes;
}
