import type { ArmErrorBody } from '../http.ts';
import type { ArmState } from '../state.ts';
import type { ArmResource } from '../types.ts';

/** A resource as a deployment or a direct PUT asks for it. */
export interface DesiredResource {
  id: string;
  name: string;
  type: string;
  /** location, tags, sku, kind, identity, properties as given (expressions already evaluated). */
  body: Record<string, unknown>;
}

export interface ProviderContext {
  state: ArmState;
  subscriptionId: string;
  tenantId: string;
  resourceGroup: ArmResource;
  defaultKubernetesVersion: string;
}

/** How one resource type is created, updated and what the service adds to it. */
export interface ResourceProvider {
  matches(type: string): boolean;
  /** Refusal by the resource provider before anything changes. */
  check?(desired: DesiredResource, ctx: ProviderContext): ArmErrorBody | undefined;
  /** Refusal because the resource is busy with another operation (answered 409 Conflict). */
  busy?(desired: DesiredResource, ctx: ProviderContext): ArmErrorBody | undefined;
  /** Simulated provisioning time. */
  durationMs(existing: ArmResource | undefined): number;
  /** Whether properties carry a provisioningState (Creating/Updating → Succeeded). */
  hasProvisioningState: boolean;
  /** The stored resource: the request plus what the service computes. */
  build(
    desired: DesiredResource,
    existing: ArmResource | undefined,
    ctx: ProviderContext
  ): ArmResource;
  /** Side effects once provisioning succeeded (e.g. the node resource group). */
  onSucceeded?(resource: ArmResource, ctx: ProviderContext): void;
}

export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

export function tagsOf(
  body: Record<string, unknown>,
  existing?: ArmResource
): Record<string, string> {
  const tags = body.tags ?? existing?.tags ?? {};
  return Object.fromEntries(
    Object.entries(tags as Record<string, unknown>).map(([k, v]) => [k, String(v)])
  );
}
