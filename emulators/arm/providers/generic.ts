import type { ResourceProvider } from './types.ts';
import { clone, tagsOf } from './types.ts';

/** Any other type: stored as given, succeeded at once. */
export const genericProvider: ResourceProvider = {
  matches: () => true,
  hasProvisioningState: true,
  durationMs: () => 0,
  build: (desired, existing, ctx) => {
    const { name: _n, type: _t, apiVersion: _a, properties, ...rest } = clone(desired.body);
    return {
      ...rest,
      id: desired.id,
      name: desired.name.split('/').pop() as string,
      type: desired.type,
      location: String(desired.body.location ?? existing?.location ?? ctx.resourceGroup.location),
      tags: tagsOf(desired.body, existing),
      properties: { ...((properties ?? {}) as Record<string, unknown>) }
    };
  }
};
