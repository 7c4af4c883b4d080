import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { StorageClass } from 'kubernetes-models/storage.k8s.io/v1/StorageClass';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Endpoints } from 'kubernetes-models/v1/Endpoints';
import { Event } from 'kubernetes-models/v1/Event';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Node } from 'kubernetes-models/v1/Node';
import { PersistentVolume } from 'kubernetes-models/v1/PersistentVolume';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ModelClass = new (data: any) => { validate(): void };

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  subresources: string[];
  model: ModelClass;
  /** Services and namespaces need DNS-1123 labels; most others DNS-1123 subdomains. */
  nameRule: 'label' | 'subdomain' | 'any';
  /** Whether a spec change bumps metadata.generation (status-bearing kinds). */
  tracksGeneration: boolean;
}

function def(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  model: ModelClass,
  extra: Partial<ResourceType> = {}
): ResourceType {
  return {
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames: [],
    subresources: [],
    model,
    nameRule: 'subdomain',
    tracksGeneration: false,
    ...extra
  };
}

export const RESOURCES: ResourceType[] = [
  def('', 'v1', 'Namespace', 'namespaces', false, Namespace, {
    shortNames: ['ns'],
    subresources: ['status'],
    nameRule: 'label'
  }),
  def('', 'v1', 'Node', 'nodes', false, Node, { shortNames: ['no'], subresources: ['status'] }),
  def('', 'v1', 'Pod', 'pods', true, Pod, {
    shortNames: ['po'],
    subresources: ['status'],
    tracksGeneration: true
  }),
  def('', 'v1', 'Service', 'services', true, Service, {
    shortNames: ['svc'],
    subresources: ['status'],
    nameRule: 'label'
  }),
  def('', 'v1', 'Endpoints', 'endpoints', true, Endpoints, { shortNames: ['ep'] }),
  def('', 'v1', 'ConfigMap', 'configmaps', true, ConfigMap, { shortNames: ['cm'] }),
  def('', 'v1', 'Secret', 'secrets', true, Secret),
  def('', 'v1', 'ServiceAccount', 'serviceaccounts', true, ServiceAccount, { shortNames: ['sa'] }),
  def('', 'v1', 'PersistentVolume', 'persistentvolumes', false, PersistentVolume, {
    shortNames: ['pv'],
    subresources: ['status']
  }),
  def('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, PersistentVolumeClaim, {
    shortNames: ['pvc'],
    subresources: ['status']
  }),
  def('', 'v1', 'Event', 'events', true, Event, { shortNames: ['ev'], nameRule: 'any' }),
  def('apps', 'v1', 'Deployment', 'deployments', true, Deployment, {
    shortNames: ['deploy'],
    subresources: ['status', 'scale'],
    tracksGeneration: true
  }),
  def('apps', 'v1', 'ReplicaSet', 'replicasets', true, ReplicaSet, {
    shortNames: ['rs'],
    subresources: ['status', 'scale'],
    tracksGeneration: true
  }),
  def(
    'autoscaling',
    'v2',
    'HorizontalPodAutoscaler',
    'horizontalpodautoscalers',
    true,
    HorizontalPodAutoscaler,
    { shortNames: ['hpa'], subresources: ['status'], tracksGeneration: true }
  ),
  def('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, PodDisruptionBudget, {
    shortNames: ['pdb'],
    subresources: ['status'],
    tracksGeneration: true
  }),
  def('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true, NetworkPolicy, {
    shortNames: ['netpol'],
    tracksGeneration: true
  }),
  def('storage.k8s.io', 'v1', 'StorageClass', 'storageclasses', false, StorageClass, {
    shortNames: ['sc']
  }),
  def('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true, Role, { nameRule: 'any' }),
  def('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true, RoleBinding, {
    nameRule: 'any'
  }),
  def('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false, ClusterRole, {
    nameRule: 'any'
  }),
  def(
    'rbac.authorization.k8s.io',
    'v1',
    'ClusterRoleBinding',
    'clusterrolebindings',
    false,
    ClusterRoleBinding,
    { nameRule: 'any' }
  )
];

export function apiVersionOf(r: ResourceType): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** Store key for a resource type, e.g. "apps/deployments". */
export function resourceKey(r: ResourceType): string {
  return `${r.group}/${r.plural}`;
}

export function findByPath(
  group: string,
  version: string,
  plural: string
): ResourceType | undefined {
  return RESOURCES.find(r => r.group === group && r.version === version && r.plural === plural);
}

export function findByKind(apiVersion: string, kind: string): ResourceType | undefined {
  return RESOURCES.find(r => apiVersionOf(r) === apiVersion && r.kind === kind);
}

/** Well-known resource types used by the controllers. */
export function mustFind(apiVersion: string, kind: string): ResourceType {
  const r = findByKind(apiVersion, kind);
  if (!r) throw new Error(`unknown kind ${apiVersion} ${kind}`);
  return r;
}

export const groupVersions = (): { group: string; version: string }[] => {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of RESOURCES)
    seen.set(`${r.group}/${r.version}`, { group: r.group, version: r.version });
  return [...seen.values()];
};
