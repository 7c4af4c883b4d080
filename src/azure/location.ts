import type { GenericResource, ResourceGroup } from '@azure/arm-resources';
import { ActionFailure } from '../runtime/failure.ts';

/** Azure writes regions both ways ("West Europe", "westeurope"); compare them in this form. */
export function normaliseLocation(location: string | undefined): string {
  return (location ?? '').replace(/\s+/g, '').toLowerCase();
}

/**
 * Where a resource lives: an existing one stays where it is (asking for another region is an
 * error, since resources cannot move); a new one goes where the input says, else where its
 * resource group is.
 */
export function chooseLocation(
  what: {
    readonly description: string;
    readonly resourceGroup: string;
    readonly moveHint?: string;
  },
  wanted: string | undefined,
  group: ResourceGroup | undefined,
  live: GenericResource | undefined
): string {
  if (live) {
    if (wanted && normaliseLocation(live.location) !== wanted) {
      throw new ActionFailure(
        `${what.description} exists in ${live.location}, not ${wanted}: it cannot move.${what.moveHint ? ` ${what.moveHint}` : ''}`
      );
    }
    return normaliseLocation(live.location);
  }
  const location = wanted ?? normaliseLocation(group?.location);
  if (!location) {
    throw new ActionFailure(
      `Input 'location' is required to create resource group ${what.resourceGroup} and ${what.description}.`
    );
  }
  return location;
}
