export type Verb =
  'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'apply' | 'delete' | 'discovery';

/** One request the fault proxy passed on (or answered itself). */
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
