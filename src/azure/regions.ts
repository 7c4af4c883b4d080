/**
 * Region names are checked against the subscription's list (`GET /subscriptions/{id}/locations`)
 * before anything is written: ARM refuses an unknown one only at the first write
 * (LocationNotAvailableForResourceGroup), and a mistyped name deserves a suggestion.
 */
import { createDefaultHttpClient, createPipelineRequest } from '@azure/core-rest-pipeline';
import { ActionFailure } from '../runtime/failure.ts';
import type { ArmClients } from './clients.ts';
import { describeRequestError } from './errors.ts';
import { normaliseLocation } from './location.ts';

interface Region {
  readonly name: string;
  readonly displayName: string;
}

export async function subscriptionRegions(clients: ArmClients): Promise<Region[]> {
  const url = `${clients.endpoints.resourceManager.replace(/\/$/, '')}/subscriptions/${clients.subscriptionId}/locations?api-version=2022-12-01`;
  let response;
  try {
    // The resources client's pipeline: its sign-in and retry policies, no extra client.
    response = await clients.resources.pipeline.sendRequest(
      createDefaultHttpClient(),
      createPipelineRequest({ url, method: 'GET' })
    );
  } catch (error) {
    throw new ActionFailure(describeRequestError("Listing the subscription's regions", error));
  }
  if (response.status !== 200) {
    throw new ActionFailure(
      `Listing the subscription's regions failed (HTTP ${response.status}): ${response.bodyAsText ?? ''}`
    );
  }
  const body = JSON.parse(response.bodyAsText ?? '{}') as {
    value?: { name?: string; displayName?: string; metadata?: { regionType?: string } }[];
  };
  return (body.value ?? [])
    .filter(r => r.name && r.metadata?.regionType !== 'Logical')
    .map(r => ({ name: String(r.name), displayName: String(r.displayName ?? r.name) }));
}

/** Fails, naming the input and the closest regions, when `location` is not one of the subscription's. */
export async function checkRegion(
  clients: ArmClients,
  location: string,
  input = 'location'
): Promise<void> {
  const regions = await subscriptionRegions(clients);
  const wanted = normaliseLocation(location);
  if (regions.some(r => r.name === wanted || normaliseLocation(r.displayName) === wanted)) return;
  const near = closest(
    wanted,
    regions.map(r => r.name)
  );
  throw new ActionFailure(
    `Input '${input}': ${JSON.stringify(location)} is not a region of subscription ${clients.subscriptionId}.${near.length > 0 ? ` Did you mean ${near.join(' or ')}?` : ''} Nothing was changed. List the regions with \`az account list-locations --query "[].name" --output tsv\`.`
  );
}

/** The names at the smallest edit distance, when that distance is small enough to be a typo. */
export function closest(wanted: string, names: readonly string[]): string[] {
  const scored = names.map(name => ({ name, distance: editDistance(wanted, name) }));
  const best = Math.min(...scored.map(s => s.distance));
  if (!Number.isFinite(best) || best > Math.max(2, Math.floor(wanted.length / 3))) return [];
  return scored.filter(s => s.distance === best).map(s => s.name);
}

/** Levenshtein distance, with a swap of two neighbours counted as one edit. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0))
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}
