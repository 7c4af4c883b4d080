import { Locations } from './locations.ts';
import type { ArmResource } from './types.ts';

type Json = Record<string, unknown>;

/**
 * An agent pool's id: AKS serves every pool both inside the cluster (`agentPoolProfiles`) and as
 * the child resource `managedClusters/{name}/agentPools/{pool}` (REST API "Agent Pools").
 */
const POOL_ID =
  /^(\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.containerservice\/managedclusters\/[^/]+)\/agentpools\/([^/]+)$/i;
const POOL_TYPE = 'Microsoft.ContainerService/managedClusters/agentPools';

export interface StorageKey {
  keyName: string;
  value: string;
  permissions: 'FULL';
  creationTime: string;
}

/** Everything the emulated subscription holds. Ids and names compare case-insensitively. */
export class ArmState {
  readonly subscriptionId: string;
  readonly groups = new Map<string, ArmResource>();
  readonly resources = new Map<string, ArmResource>();
  readonly storageKeys = new Map<string, StorageKey[]>();
  readonly shareUsage = new Map<string, number>();
  readonly clusterTokens = new Map<string, string>();
  locations = new Locations();
  /** The child-resource view of each pool entry, so that reading it twice gives one object. */
  private readonly poolViews = new WeakMap<Json, ArmResource>();
  /** Called with the ids of resources removed (deployments clean up after themselves). */
  onRemove: (id: string) => void = () => {};

  constructor(subscriptionId: string) {
    this.subscriptionId = subscriptionId;
  }

  groupId(name: string): string {
    return `/subscriptions/${this.subscriptionId}/resourceGroups/${name}`;
  }

  getGroup(name: string): ArmResource | undefined {
    return this.groups.get(name.toLowerCase());
  }

  putGroup(
    name: string,
    location: string,
    tags: Record<string, string> | undefined,
    managedBy?: string
  ): ArmResource {
    const existing = this.getGroup(name);
    const canonical = existing?.name ?? name;
    const group: ArmResource = {
      id: this.groupId(canonical),
      name: canonical,
      type: 'Microsoft.Resources/resourceGroups',
      location,
      tags: tags ?? {},
      properties: { provisioningState: 'Succeeded' }
    };
    if (managedBy ?? existing?.managedBy)
      group.managedBy = (managedBy ?? existing?.managedBy) as string;
    this.groups.set(canonical.toLowerCase(), group);
    return group;
  }

  /** Removes a group, everything in it, and the node resource groups of its clusters. */
  removeGroup(name: string): void {
    const group = this.getGroup(name);
    if (!group) return;
    this.groups.delete(name.toLowerCase());
    const prefix = group.id.toLowerCase() + '/';
    for (const [key, r] of [...this.resources]) {
      if (!key.startsWith(prefix)) continue;
      this.remove(r.id);
    }
    this.onRemove(group.id);
  }

  get(id: string): ArmResource | undefined {
    const pool = POOL_ID.exec(id);
    if (pool) return this.poolView(pool[1] as string, pool[2] as string);
    return this.resources.get(id.toLowerCase());
  }

  put(resource: ArmResource): ArmResource {
    const pool = POOL_ID.exec(resource.id);
    if (pool) return this.putPool(pool[1] as string, resource);
    this.resources.set(resource.id.toLowerCase(), resource);
    return resource;
  }

  /** The pools of a cluster as the cluster stores them (`properties.agentPoolProfiles`). */
  pools(clusterId: string): Json[] {
    const cluster = this.resources.get(clusterId.toLowerCase());
    const list = cluster?.properties.agentPoolProfiles;
    return Array.isArray(list) ? (list as Json[]) : [];
  }

  private poolView(clusterId: string, name: string): ArmResource | undefined {
    const cluster = this.resources.get(clusterId.toLowerCase());
    const entry = this.pools(clusterId).find(
      p => String(p.name).toLowerCase() === name.toLowerCase()
    );
    if (!cluster || !entry) return undefined;
    let view = this.poolViews.get(entry);
    if (!view) {
      view = {
        id: `${cluster.id}/agentPools/${String(entry.name)}`,
        name: String(entry.name),
        type: POOL_TYPE,
        properties: entry
      };
      this.poolViews.set(entry, view);
    }
    return view;
  }

  private putPool(clusterId: string, resource: ArmResource): ArmResource {
    const cluster = this.resources.get(clusterId.toLowerCase());
    if (!cluster) throw new Error(`agent pool ${resource.id} has no cluster`);
    const entry = resource.properties;
    entry.name = resource.name;
    const list = this.pools(clusterId).filter(
      p => String(p.name).toLowerCase() !== resource.name.toLowerCase()
    );
    cluster.properties.agentPoolProfiles = [...list, entry];
    this.poolViews.set(entry, resource);
    return resource;
  }

  /** Removes a resource and its children; a cluster takes its node resource group along. */
  remove(id: string): void {
    const pool = POOL_ID.exec(id);
    if (pool) {
      const cluster = this.resources.get((pool[1] as string).toLowerCase());
      if (cluster) {
        cluster.properties.agentPoolProfiles = this.pools(cluster.id).filter(
          p => String(p.name).toLowerCase() !== (pool[2] as string).toLowerCase()
        );
      }
      return;
    }
    const key = id.toLowerCase();
    const r = this.resources.get(key);
    for (const k of [...this.resources.keys()]) {
      if (k === key || k.startsWith(key + '/')) {
        this.resources.delete(k);
        this.storageKeys.delete(k);
        this.shareUsage.delete(k);
        this.clusterTokens.delete(k);
      }
    }
    const nodeGroup = r?.properties.nodeResourceGroup;
    if (typeof nodeGroup === 'string') {
      const g = this.getGroup(nodeGroup);
      if (g && g.managedBy?.toLowerCase() === key) this.removeGroup(nodeGroup);
    }
    this.onRemove(id);
  }

  inGroup(name: string): ArmResource[] {
    const prefix = this.groupId(name).toLowerCase() + '/providers/';
    return [...this.resources.entries()].filter(([k]) => k.startsWith(prefix)).map(([, r]) => r);
  }
}
