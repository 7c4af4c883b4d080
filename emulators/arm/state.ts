import type { ArmResource } from './types.ts';

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
    return this.resources.get(id.toLowerCase());
  }

  put(resource: ArmResource): ArmResource {
    this.resources.set(resource.id.toLowerCase(), resource);
    return resource;
  }

  /** Removes a resource and its children; a cluster takes its node resource group along. */
  remove(id: string): void {
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
