import { dumpYaml, type KubernetesObject } from '@kubernetes/client-node';
import { parse } from 'yaml';

/** The API's shape of a model the client returned, e.g. for applying a live object again. */
export function toWire<T extends KubernetesObject>(model: T): T {
  return parse(dumpYaml(model)) as T;
}
