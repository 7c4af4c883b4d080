// Stored objects are free-form JSON documents shaped by the Kubernetes schemas.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KubeObject = Record<string, any>;

export type Verb =
  'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'apply' | 'delete' | 'discovery';

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  status: number;
  at: number;
  verb: Verb;
  resource?: string;
  namespace?: string;
  name?: string;
}

export type TimelineType =
  | 'pod-ready'
  | 'pod-not-ready'
  | 'pod-terminating'
  | 'pod-deleted'
  | 'pod-created'
  | 'lb-assigned'
  | 'rollout-complete'
  | 'node-added';

export interface TimelineEvent {
  at: number;
  type: TimelineType;
  namespace: string;
  name: string;
  detail?: string;
}

export interface RequestMatch {
  method?: string;
  verb?: string;
  resource?: string;
  pathIncludes?: string;
}

export type Fault =
  | {
      type: 'status';
      status: 429 | 500 | 503;
      retryAfterSeconds?: number;
      times: number;
      match?: RequestMatch;
    }
  | { type: 'reset'; times: number; match?: RequestMatch }
  | { type: 'watch-close'; afterEvents?: number; times: number; match?: RequestMatch }
  | { type: 'gone'; times: number; match?: RequestMatch };

export interface KubernetesEmulatorOptions {
  port?: number;
  tls?: boolean;
  podReadyDelayMs?: number;
  loadBalancerDelayMs?: number;
  timeScale?: number;
  missingImages?: string[];
  crashingImages?: string[];
  nodeCapacityPods?: number;
  nodeScaleUpDelayMs?: number;
  defaultStorageClass?: string;
  /** How many store events are kept for watch resumption; older resourceVersions get 410 Gone. */
  watchHistorySize?: number;
}

/** Options after defaults are applied. */
export interface Settings {
  podReadyDelayMs: number;
  loadBalancerDelayMs: number;
  timeScale: number;
  nodeCapacityPods: number;
  nodeScaleUpDelayMs: number;
  defaultStorageClass: string;
  watchHistorySize: number;
}

/** Milliseconds of emulated time for a duration given in seconds in a spec. */
export function scaledMs(settings: Settings, seconds: number): number {
  return seconds * 1000 * settings.timeScale;
}
