import { dumpYaml, loadYaml, type KubernetesObject } from '@kubernetes/client-node';
import { parse } from 'yaml';

/**
 * @kubernetes/client-node sends objects through its typed models, whose property names are not
 * always the API's: a NetworkPolicy rule's `from` is the model's `_from`, and a rule written in
 * the API's shape would lose its sources on the way (allowing every source). Objects rendered
 * from YAML are in the API's shape, so they are turned into models before the client sees them.
 */
export function toModel<T extends KubernetesObject>(object: T): T {
  return loadYaml<T>(JSON.stringify(object));
}

/** The API's shape of a model the client returned, e.g. for applying a live object again. */
export function toWire<T extends KubernetesObject>(model: T): T {
  return parse(dumpYaml(model)) as T;
}
