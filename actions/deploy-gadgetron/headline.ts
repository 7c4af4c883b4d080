/**
 * The changes a reviewer approving a rollout looks for, picked out of the field diff: images,
 * autoscaling bounds, resources and the grace period, named as the inputs that set them.
 */
import type { FieldChange, ObjectDiff } from '../../src/kubernetes/diff.ts';
import { formatValue } from '../../src/kubernetes/diff.ts';
import { gadgetronNames } from '../../src/render/gadgetron.ts';

export interface Highlight {
  readonly setting: string;
  readonly before: unknown;
  readonly after: unknown;
}

type Namer = (path: string) => string | undefined;

const RESOURCE_INPUTS: Record<string, string> = {
  'requests.cpu': 'cpu-request',
  'requests.memory': 'memory-request',
  'limits.cpu': 'cpu-limit',
  'limits.memory': 'memory-limit',
  'limits["nvidia.com/gpu"]': 'gpus'
};

function serverSetting(container: string): Namer {
  const prefix = `spec.template.spec.containers[${container}].`;
  return path => {
    if (path === 'spec.template.spec.terminationGracePeriodSeconds')
      return 'termination-grace-period';
    if (!path.startsWith(prefix)) return undefined;
    const rest = path.slice(prefix.length);
    if (rest === 'image') return 'image';
    if (rest.startsWith('resources.')) {
      const resource = rest.slice('resources.'.length);
      return RESOURCE_INPUTS[resource] ?? `resources.${resource}`;
    }
    return undefined;
  };
}

const autoscalerSetting: Namer = path => {
  if (path === 'spec.minReplicas') return 'min-replicas';
  if (path === 'spec.maxReplicas') return 'max-replicas';
  if (/^spec\.metrics\[\d+\]\.resource\.target\.averageUtilization$/.test(path))
    return 'cpu-utilization';
  return undefined;
};

const storageSetting: Namer = path =>
  /^spec\.template\.spec\.containers\[[^\]]+\]\.image$/.test(path)
    ? 'storage-server-image'
    : undefined;

/** The highlights of one instance's diffs, in the order of the objects. */
export function highlights(instance: string, diffs: readonly ObjectDiff[]): Highlight[] {
  const found: Highlight[] = [];
  for (const diff of diffs) {
    if (diff.change !== 'configured') continue;
    const { kind, metadata } = diff.object;
    const namer: Namer | undefined =
      kind === 'Deployment' && metadata?.name === instance
        ? serverSetting('gadgetron')
        : kind === 'Deployment' && metadata?.name === gadgetronNames(instance).storage
          ? storageSetting
          : kind === 'HorizontalPodAutoscaler'
            ? autoscalerSetting
            : undefined;
    if (!namer) continue;
    for (const change of diff.fields) {
      const setting = namer(change.path);
      if (setting && !found.some(h => h.setting === setting))
        found.push(highlight(setting, change));
    }
  }
  return found;
}

function highlight(setting: string, change: FieldChange): Highlight {
  return { setting, before: change.before, after: change.after };
}

/** `image 4.7.2 -> 4.7.3, min-replicas 1 -> 4`, or undefined when nothing of note changes. */
export function headline(found: readonly Highlight[]): string | undefined {
  if (found.length === 0) return undefined;
  return found
    .map(h => `${h.setting} ${formatValue(h.before, 80)} -> ${formatValue(h.after, 80)}`)
    .join(', ');
}
