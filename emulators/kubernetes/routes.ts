import type { ResourceType } from './resources.ts';
import { findByPath } from './resources.ts';

export type Route =
  | { type: 'health' }
  | { type: 'version' }
  | { type: 'api' }
  | { type: 'apis' }
  | { type: 'group'; group: string }
  | { type: 'resourceList'; group: string; version: string }
  | {
      type: 'resource';
      resource: ResourceType;
      namespace?: string;
      name?: string;
      subresource?: string;
    }
  | { type: 'unknown' };

const HEALTH = new Set(['/healthz', '/livez', '/readyz']);

function resourceRoute(group: string, version: string, rest: string[]): Route {
  const [first, second, third, fourth, fifth] = rest;
  if (first === undefined) return { type: 'resourceList', group, version };
  if (first === 'namespaces' && second !== undefined && third !== undefined) {
    const namespaced = findByPath(group, version, third);
    if (namespaced?.namespaced) {
      if (rest.length > 5) return { type: 'unknown' };
      const route: Route = { type: 'resource', resource: namespaced, namespace: second };
      if (fourth !== undefined) route.name = fourth;
      if (fifth !== undefined) route.subresource = fifth;
      return route;
    }
  }
  const resource = findByPath(group, version, first);
  if (!resource || rest.length > 3) return { type: 'unknown' };
  const route: Route = { type: 'resource', resource };
  if (second !== undefined) {
    if (!resource.namespaced) route.name = second;
    else return { type: 'unknown' };
  }
  if (third !== undefined) route.subresource = third;
  return route;
}

/** Maps an API path to what it addresses. */
export function parseRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (HEALTH.has(path) || path.startsWith('/healthz/') || path.startsWith('/readyz/')) {
    return { type: 'health' };
  }
  if (path === '/version') return { type: 'version' };
  if (path === '/api') return { type: 'api' };
  if (path === '/apis') return { type: 'apis' };
  const segs = path
    .split('/')
    .filter(s => s.length > 0)
    .map(decodeURIComponent);
  if (segs[0] === 'api' && segs[1] === 'v1') return resourceRoute('', 'v1', segs.slice(2));
  if (segs[0] === 'apis' && segs[1] !== undefined) {
    if (segs[2] === undefined) return { type: 'group', group: segs[1] };
    return resourceRoute(segs[1], segs[2], segs.slice(3));
  }
  return { type: 'unknown' };
}
