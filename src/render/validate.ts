/**
 * Schema validation of rendered objects with kubernetes-models (the Kubernetes OpenAPI
 * schemas). It catches wrong types, missing required fields and invalid enum values;
 * like the schemas themselves it does not reject unknown fields.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolume } from 'kubernetes-models/v1/PersistentVolume';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';

interface Validatable {
  validate(): void;
}

// The constructors' parameter types differ per kind; they all take the plain object.
type ModelClass = new (data: never) => Validatable;

const models: Record<string, ModelClass> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/PersistentVolume': PersistentVolume,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/DaemonSet': DaemonSet,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget
};

interface SchemaError {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** "/spec/template/spec/containers/0/ports" -> "spec.template.spec.containers[0].ports" */
function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .filter(part => part !== '')
    .map(part => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => {
      if (/^\d+$/.test(part)) return `${path}[${part}]`;
      return path === '' ? part : `${path}.${part}`;
    }, '');
}

function describe(error: SchemaError): string {
  const field = fieldPath(error.instancePath ?? '') || '(object)';
  let message = error.message ?? 'is invalid';
  const allowed = error.params?.['allowedValues'];
  if (Array.isArray(allowed)) message += ` (${allowed.map(v => JSON.stringify(v)).join(', ')})`;
  return `${field} ${message}`;
}

function schemaErrors(model: Validatable): string[] {
  try {
    model.validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: SchemaError[] }).errors;
    if (Array.isArray(errors) && errors.length > 0) return errors.map(describe);
    return [error instanceof Error ? error.message : String(error)];
  }
}

/** Problems found in the objects, each prefixed with "Kind/name: "; empty when all are valid. */
export function validateObjects(objects: readonly KubernetesObject[]): string[] {
  return objects.flatMap((object, index) => {
    const name = object.metadata?.name;
    const label = `${object.kind ?? '(no kind)'}/${name ?? `#${index}`}`;
    const problems: string[] = [];
    if (typeof name !== 'string' || name === '') problems.push('metadata.name is missing');
    const Model = models[`${object.apiVersion}/${object.kind}`];
    if (Model === undefined) {
      problems.push(`no schema for apiVersion ${object.apiVersion} kind ${object.kind}`);
    } else {
      problems.push(...schemaErrors(new Model(object as never)));
    }
    return problems.map(problem => `${label}: ${problem}`);
  });
}
