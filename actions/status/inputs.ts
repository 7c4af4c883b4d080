import { DECLARED_INPUTS } from './declared-inputs.ts';
import {
  environmentInputs,
  field,
  readInputs,
  type InputSource,
  type InputValues
} from '../../src/inputs/read.ts';
import { integer, kubernetesName, resourceName } from '../../src/inputs/parsers.ts';
import { existingFile } from '../../src/inputs/files.ts';

const FIELDS = {
  namespace: field(kubernetesName('namespace'), { required: true }),
  name: field(resourceName(40), { required: true }),
  'jumpserver-namespace': field(kubernetesName('namespace')),
  'jumpserver-name': field(resourceName(40)),
  'log-lines': field(integer(1, 1000), { required: true }),
  kubeconfig: field(existingFile)
};

export type StatusInputs = InputValues<typeof FIELDS>;

export function readStatusInputs(source: InputSource = environmentInputs()): StatusInputs {
  return readInputs(FIELDS, DECLARED_INPUTS, source);
}
