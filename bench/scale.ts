/**
 * The simulated cloud's latencies, on a shortened time scale so that a bench run takes minutes.
 * Each is a typical Azure figure divided by the scale: at the default scale 1 s here stands for
 * 1 min on Azure, so a 6-minute AKS cluster creation takes 6 s.
 */
import type { ArmDurations } from '../emulators/arm/index.ts';

/** Typical Azure latencies, in seconds (westeurope, a D-series system pool, Standard_LRS). */
export const AZURE_SECONDS = {
  clusterCreate: 360,
  clusterUpdate: 180,
  /** One agent pool created, changed or deleted on its own. */
  poolUpdate: 120,
  storageCreate: 30,
  shareCreate: 6,
  resourceGroupDelete: 300,
  /** A Gadgetron (or storage server) pod from creation to Ready: image pull and start. */
  podReady: 60,
  /** A LoadBalancer Service's public address. */
  loadBalancer: 45,
  /** Retry-After on ARM's long-running operations. */
  pollRetryAfter: 10
} as const;

export interface Scale {
  /** Azure seconds per second here. */
  readonly factor: number;
  readonly label: string;
  readonly arm: Required<Omit<ArmDurations, 'clusterDeleteMs'>> & { clusterDeleteMs: number };
  readonly pollRetryAfterMs: number;
  readonly podReadyDelayMs: number;
  readonly loadBalancerDelayMs: number;
}

export function scale(factor: number): Scale {
  const ms = (azureSeconds: number): number => Math.round((azureSeconds * 1000) / factor);
  return {
    factor,
    label: `1 s here = ${factor >= 60 ? `${factor / 60} min` : `${factor} s`} on Azure`,
    arm: {
      clusterCreateMs: ms(AZURE_SECONDS.clusterCreate),
      clusterUpdateMs: ms(AZURE_SECONDS.clusterUpdate),
      poolUpdateMs: ms(AZURE_SECONDS.poolUpdate),
      poolDeleteMs: ms(AZURE_SECONDS.poolUpdate),
      clusterDeleteMs: ms(AZURE_SECONDS.resourceGroupDelete),
      storageCreateMs: ms(AZURE_SECONDS.storageCreate),
      shareCreateMs: ms(AZURE_SECONDS.shareCreate),
      resourceGroupDeleteMs: ms(AZURE_SECONDS.resourceGroupDelete)
    },
    pollRetryAfterMs: ms(AZURE_SECONDS.pollRetryAfter),
    podReadyDelayMs: ms(AZURE_SECONDS.podReady),
    loadBalancerDelayMs: ms(AZURE_SECONDS.loadBalancer)
  };
}

/**
 * The ARM emulator keeps a deployment Accepted this long before it starts its resources; it is
 * part of the cloud's time, not ours.
 */
export const DEPLOYMENT_ACCEPT_MS = 20;
