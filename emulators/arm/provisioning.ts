import type { ArmErrorBody } from './http.ts';
import type { DesiredResource, ProviderContext, ResourceProvider } from './providers/types.ts';

export type Sleep = (ms: number) => Promise<void>;

export interface ProvisionResult {
  error?: ArmErrorBody;
  /** The request was valid and a change has started (false when refused up front). */
  started: boolean;
  /** Refused because another operation runs (ARM answers 409 Conflict). */
  conflict?: boolean;
}

export function providerFor(providers: ResourceProvider[], type: string): ResourceProvider {
  return providers.find(p => p.matches(type)) as ResourceProvider;
}

/** Refusal the resource provider would answer right away, if any. */
export function precheck(
  providers: ResourceProvider[],
  desired: DesiredResource,
  ctx: ProviderContext
): ArmErrorBody | undefined {
  const location = desired.body.location;
  if (typeof location === 'string' && !ctx.state.locations.has(location)) {
    return ctx.state.locations.resourceRefusal(location, desired.type);
  }
  return providerFor(providers, desired.type).check?.(desired, ctx);
}

/** Refusal because another operation is running on the resource (409). */
export function busyCheck(
  providers: ResourceProvider[],
  desired: DesiredResource,
  ctx: ProviderContext
): ArmErrorBody | undefined {
  return providerFor(providers, desired.type).busy?.(desired, ctx);
}

/**
 * Creates or updates one resource over its simulated provisioning time. With `failure`, the
 * operation fails half-way: a new resource disappears again, an existing one is restored.
 */
export async function provision(
  providers: ResourceProvider[],
  desired: DesiredResource,
  ctx: ProviderContext,
  sleep: Sleep,
  failure?: ArmErrorBody
): Promise<ProvisionResult> {
  const provider = providerFor(providers, desired.type);
  const refused = precheck(providers, desired, ctx);
  if (refused) return { error: refused, started: false };
  const busy = provider.busy?.(desired, ctx);
  if (busy) return { error: busy, started: false, conflict: true };
  const existing = ctx.state.get(desired.id);
  const duration = provider.durationMs(existing);
  const resource = provider.build(desired, existing, ctx);
  if (provider.hasProvisioningState) {
    resource.properties.provisioningState = existing ? 'Updating' : 'Creating';
  }
  ctx.state.put(resource);
  if (failure) {
    await sleep(duration / 2);
    if (existing) ctx.state.put(existing);
    else ctx.state.remove(desired.id);
    return { error: failure, started: true };
  }
  await sleep(duration);
  if (ctx.state.get(desired.id) !== resource) {
    return {
      error: {
        code: 'Conflict',
        message: `The resource '${desired.id}' changed while it was being provisioned.`
      },
      started: true
    };
  }
  if (provider.hasProvisioningState) resource.properties.provisioningState = 'Succeeded';
  provider.onSucceeded?.(resource, ctx);
  return { started: true };
}
