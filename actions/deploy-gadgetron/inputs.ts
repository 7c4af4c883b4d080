import { DECLARED_INPUTS } from './declared-inputs.ts';
import {
  environmentInputs,
  field,
  readInputs,
  type InputSource,
  type InputValues
} from '../../src/inputs/read.ts';
import {
  boolean,
  cpuQuantity,
  duration,
  imageReference,
  integer,
  kubernetesName,
  labelMap,
  memoryQuantity,
  oneOf,
  resourceName,
  tolerations
} from '../../src/inputs/parsers.ts';
import { existingFile } from '../../src/inputs/files.ts';
import { ValueProblem, InvalidInputs, InputProblem } from '../../src/inputs/problem.ts';

// Defaults live in action.yml (applied from declared-inputs.ts when an input is absent);
// `required` marks inputs that always have a value there, so an explicitly emptied one is an
// error rather than a silent default.
const FIELDS = {
  image: field(imageReference, { required: true }),
  namespace: field(kubernetesName('namespace'), { required: true }),
  // Leaves room for the longest derived name, NAME-storage-db.
  name: field(resourceName(40), { required: true }),
  'min-replicas': field(integer(1, 1000), { required: true }),
  'max-replicas': field(integer(1, 1000), { required: true }),
  'cpu-utilization': field(integer(1, 100), { required: true }),
  'cpu-request': field(cpuQuantity, { required: true }),
  'memory-request': field(memoryQuantity, { required: true }),
  'cpu-limit': field(cpuQuantity),
  'memory-limit': field(memoryQuantity),
  gpus: field(integer(0, 16), { required: true }),
  'node-selector': field(labelMap),
  tolerations: field(tolerations),
  'data-claim': field(kubernetesName('PersistentVolumeClaim')),
  'dependencies-claim': field(kubernetesName('PersistentVolumeClaim')),
  'storage-server': field(boolean, { required: true }),
  'storage-server-image': field(imageReference, { required: true }),
  'termination-grace-period': field(integer(30, 7 * 24 * 3600), { required: true }),
  'drain-settle-time': field(integer(0, 3600), { required: true }),
  'remote-workers': field(boolean, { required: true }),
  timeout: field(duration(), { required: true }),
  'rollback-on-failure': field(boolean, { required: true }),
  'dry-run': field(oneOf('none', 'client', 'server'), { required: true }),
  'reuse-settings': field(boolean, { required: true }),
  kubeconfig: field(existingFile)
};

export type DeployInputs = InputValues<typeof FIELDS>;

/**
 * The inputs that shape what is deployed, as opposed to how a run goes (and to namespace and
 * name, which say which release it is): a release records them, reuse-settings keeps them.
 */
export const SETTING_INPUTS = Object.keys(FIELDS).filter(
  name =>
    ![
      'namespace',
      'name',
      'timeout',
      'rollback-on-failure',
      'dry-run',
      'reuse-settings',
      'kubeconfig'
    ].includes(name)
);

/** The settings' text as given, for the release record. */
export function releaseSettings(source: InputSource = environmentInputs()): Record<string, string> {
  return Object.fromEntries(SETTING_INPUTS.map(name => [name, (source(name) ?? '').trim()]));
}

/** Checks the named settings' own values (not the rules between them), throwing InvalidInputs. */
export function checkSettingInputs(names: readonly string[], source: InputSource): void {
  const fields = Object.fromEntries(
    Object.entries(FIELDS).filter(([name]) => names.includes(name))
  );
  readInputs(fields, {}, source);
}

/** Reads every input, then checks the rules that span several of them. */
export function readDeployInputs(source?: InputSource): DeployInputs {
  const inputs = readInputs(FIELDS, DECLARED_INPUTS, source);
  const problems: InputProblem[] = [];
  if (inputs['max-replicas'] < inputs['min-replicas']) {
    problems.push(
      new InputProblem(
        'max-replicas',
        `${inputs['max-replicas']} is below min-replicas (${inputs['min-replicas']})`,
        'a number at least as large as min-replicas'
      )
    );
  }
  if (inputs['cpu-limit'] && millicores(inputs['cpu-limit']) < millicores(inputs['cpu-request'])) {
    problems.push(
      new InputProblem(
        'cpu-limit',
        `${inputs['cpu-limit']} is below cpu-request (${inputs['cpu-request']})`,
        'a limit at least as large as cpu-request'
      )
    );
  }
  if (inputs['memory-limit'] && bytes(inputs['memory-limit']) < bytes(inputs['memory-request'])) {
    problems.push(
      new InputProblem(
        'memory-limit',
        `${inputs['memory-limit']} is below memory-request (${inputs['memory-request']})`,
        'a limit at least as large as memory-request'
      )
    );
  }
  if (inputs['drain-settle-time'] >= inputs['termination-grace-period']) {
    problems.push(
      new InputProblem(
        'drain-settle-time',
        `${inputs['drain-settle-time']} is not below termination-grace-period (${inputs['termination-grace-period']})`,
        'seconds below termination-grace-period'
      )
    );
  }
  if (problems.length > 0) throw new InvalidInputs(problems);
  return inputs;
}

/** The memory limit: the one given, or twice the request (same unit). */
export function memoryLimit(inputs: DeployInputs): string {
  const given = inputs['memory-limit'];
  if (given) return given;
  const [, amount, unit] = /^(\d+)(\D+)$/.exec(inputs['memory-request']) ?? [];
  return `${Number(amount) * 2}${unit}`;
}

function millicores(quantity: string): number {
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) : Number(quantity) * 1000;
}

const UNITS: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12
};

function bytes(quantity: string): number {
  const match = /^(\d+)(\D+)$/.exec(quantity);
  if (!match) throw new ValueProblem(`${quantity} is not a memory quantity`, 'memory such as 4Gi');
  return Number(match[1]) * (UNITS[match[2] as string] ?? NaN);
}

/** Whether reuse-settings asks for the running release's settings (checked on its own first). */
export function reuseRequested(source: InputSource): boolean {
  return readInputs({ 'reuse-settings': FIELDS['reuse-settings'] }, DECLARED_INPUTS, source)[
    'reuse-settings'
  ];
}
