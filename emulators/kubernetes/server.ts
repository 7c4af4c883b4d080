import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, VERSION_INFO } from './discovery.ts';
import { ApiError, badRequest } from './errors.ts';
import type { FaultInjector, RequestInfo } from './faults.ts';
import type { DeleteOptions, Operations, WriteOptions } from './operations.ts';
import { APPLY_PATCH } from './operations.ts';
import type { ResourceType } from './resources.ts';
import { apiVersionOf } from './resources.ts';
import type { Route } from './routes.ts';
import { parseRoute } from './routes.ts';
import { requestedReplicas, toScale } from './scale.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import type { Store } from './store.ts';
import type { KubeObject, RequestRecord, Verb } from './types.ts';
import { serveWatch, writeGone } from './watch.ts';

export interface ServerContext {
  store: Store;
  operations: Operations;
  faults: FaultInjector;
  requests: RequestRecord[];
  token: string;
  serverAddress: () => string;
  /** Registers a way to end an open watch when the emulator closes. */
  trackWatch: (end: () => void) => () => void;
  bookmarkIntervalMs: number;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

type ResourceRoute = Extract<Route, { type: 'resource' }>;

function isWatch(query: Record<string, string>): boolean {
  return query.watch === 'true' || query.watch === '1';
}

function classify(
  method: string,
  route: Route,
  query: Record<string, string>,
  contentType?: string
): Verb {
  if (route.type !== 'resource') return 'discovery';
  switch (method) {
    case 'GET':
      if (route.name) return 'get';
      return isWatch(query) ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return contentType === APPLY_PATCH ? 'apply' : 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return 'get';
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseObject(raw: string, contentType: string | undefined): KubeObject {
  try {
    const value: unknown = contentType?.includes('yaml') ? parseYaml(raw) : JSON.parse(raw);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error('expected an object');
    }
    return value as KubeObject;
  } catch (e) {
    throw badRequest(`the body of the request could not be decoded: ${(e as Error).message}`);
  }
}

function dryRunOf(query: Record<string, string>): boolean {
  const value = query.dryRun;
  if (value === undefined || value === '') return false;
  if (value !== 'All') throw badRequest(`Invalid dry run value: ${value}; valid values are "All"`);
  return true;
}

/** Manager name for non-apply writes: the fieldManager parameter or the user agent's product. */
function managerOf(req: IncomingMessage, query: Record<string, string>): string {
  if (query.fieldManager) return query.fieldManager;
  const agent = req.headers['user-agent'] ?? 'unknown';
  return agent.split('/')[0] || 'unknown';
}

function listKind(resource: ResourceType): string {
  return `${resource.kind}List`;
}

/** Lists omit kind/apiVersion on items, as the real server does. */
function stripTypeMeta(obj: KubeObject): KubeObject {
  const copy: KubeObject = { ...obj };
  delete copy.kind;
  delete copy.apiVersion;
  return copy;
}

export function createHandler(ctx: ServerContext) {
  const { store, operations, faults } = ctx;

  function list(route: ResourceRoute, query: Record<string, string>): Reply {
    const labels = parseLabelSelector(query.labelSelector);
    const fields = parseFieldSelector(query.fieldSelector);
    const all = operations.list(route.resource, route.namespace, o => labels(o) && fields(o));
    const offset = query.continue ? Number(Buffer.from(query.continue, 'base64url').toString()) : 0;
    if (!Number.isInteger(offset) || offset < 0) throw badRequest('invalid continue token');
    const limit = query.limit ? Number(query.limit) : 0;
    const items = limit > 0 ? all.slice(offset, offset + limit) : all.slice(offset);
    const metadata: KubeObject = { resourceVersion: String(store.currentRv) };
    if (limit > 0 && offset + limit < all.length) {
      metadata.continue = Buffer.from(String(offset + limit)).toString('base64url');
      metadata.remainingItemCount = all.length - offset - limit;
    }
    return {
      status: 200,
      body: {
        kind: listKind(route.resource),
        apiVersion: apiVersionOf(route.resource),
        metadata,
        items: items.map(stripTypeMeta)
      }
    };
  }

  async function scale(
    route: ResourceRoute,
    req: IncomingMessage,
    query: Record<string, string>
  ): Promise<Reply> {
    const { resource, namespace } = route;
    const name = route.name ?? '';
    const current = operations.get(resource, namespace, name);
    if (req.method === 'GET') return { status: 200, body: toScale(current) };
    if (req.method !== 'PUT' && req.method !== 'PATCH')
      throw new ApiError(405, 'MethodNotAllowed', 'method not allowed');
    const replicas = requestedReplicas(current, await readBody(req), req.headers['content-type']);
    const opts: WriteOptions = { manager: managerOf(req, query), dryRun: dryRunOf(query) };
    const body = JSON.stringify({ spec: { replicas } });
    const updated = operations.patch(
      resource,
      namespace,
      name,
      body,
      'application/merge-patch+json',
      opts
    );
    return { status: 200, body: toScale(updated) };
  }

  async function resourceRequest(
    route: ResourceRoute,
    req: IncomingMessage,
    res: ServerResponse,
    query: Record<string, string>,
    info: RequestInfo
  ): Promise<Reply | undefined> {
    const { resource, namespace, name, subresource } = route;
    if (subresource && !resource.subresources.includes(subresource)) {
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    }
    if (subresource === 'scale') return scale(route, req, query);
    const contentType = req.headers['content-type']?.split(';')[0]?.trim();
    const method = req.method ?? 'GET';
    const write = (): WriteOptions => {
      // Apply has no fallback manager: fieldManager is required there.
      const manager =
        contentType === APPLY_PATCH ? (query.fieldManager ?? '') : managerOf(req, query);
      const opts: WriteOptions = { manager, dryRun: dryRunOf(query) };
      if (subresource) opts.subresource = subresource;
      if (query.force === 'true') opts.force = true;
      return opts;
    };
    if (method === 'GET' && !name) {
      if (!isWatch(query)) return list(route, query);
      if (faults.take(['gone'], info)) {
        writeGone(
          res,
          `too old resource version: ${query.resourceVersion ?? '0'} (${store.currentRv})`
        );
        return undefined;
      }
      const closeFault = faults.take(['watch-close'], info);
      const labels = parseLabelSelector(query.labelSelector);
      const fields = parseFieldSelector(query.fieldSelector);
      serveWatch(
        res,
        store,
        {
          resource,
          namespace,
          match: o => labels(o) && fields(o),
          resourceVersion: query.resourceVersion,
          allowBookmarks: query.allowWatchBookmarks === 'true',
          sendInitialEvents: query.sendInitialEvents === 'true',
          timeoutSeconds: query.timeoutSeconds ? Number(query.timeoutSeconds) : undefined,
          closeAfterEvents:
            closeFault?.type === 'watch-close' ? (closeFault.afterEvents ?? 0) : undefined,
          bookmarkIntervalMs: ctx.bookmarkIntervalMs
        },
        ctx.trackWatch
      );
      return undefined;
    }
    if (method === 'GET')
      return { status: 200, body: operations.get(resource, namespace, name ?? '') };
    if (method === 'POST' && !name) {
      const body = parseObject(await readBody(req), contentType);
      return { status: 201, body: operations.create(resource, namespace, body, write()) };
    }
    if (method === 'PUT' && name) {
      const body = parseObject(await readBody(req), contentType);
      return { status: 200, body: operations.replace(resource, namespace, name, body, write()) };
    }
    if (method === 'PATCH' && name) {
      const raw = await readBody(req);
      const existed = store.get(resource, namespace, name) !== undefined;
      const result = operations.patch(resource, namespace, name, raw, contentType ?? '', write());
      return { status: existed ? 200 : 201, body: result };
    }
    if (method === 'DELETE') return remove(route, req, query);
    throw new ApiError(
      405,
      'MethodNotAllowed',
      `the server does not allow this method on the requested resource`
    );
  }

  async function remove(
    route: ResourceRoute,
    req: IncomingMessage,
    query: Record<string, string>
  ): Promise<Reply> {
    const raw = await readBody(req);
    const body = raw.trim() ? parseObject(raw, req.headers['content-type']) : {};
    const opts: DeleteOptions = {
      dryRun: dryRunOf(query) || body.dryRun?.includes?.('All') === true
    };
    const grace = query.gracePeriodSeconds ?? body.gracePeriodSeconds;
    if (grace !== undefined) opts.gracePeriodSeconds = Number(grace);
    const propagation = query.propagationPolicy ?? body.propagationPolicy;
    if (propagation) opts.propagationPolicy = String(propagation);
    if (body.preconditions) opts.preconditions = body.preconditions;
    const { resource, namespace } = route;
    if (route.name) {
      return { status: 200, body: operations.delete(resource, namespace, route.name, opts) };
    }
    const labels = parseLabelSelector(query.labelSelector);
    const fields = parseFieldSelector(query.fieldSelector);
    const items = operations
      .list(resource, namespace, o => labels(o) && fields(o))
      .map(o => operations.delete(resource, o.metadata.namespace, o.metadata.name, opts));
    return {
      status: 200,
      body: {
        kind: listKind(resource),
        apiVersion: apiVersionOf(resource),
        metadata: { resourceVersion: String(store.currentRv) },
        items
      }
    };
  }

  function discovery(route: Route): Reply {
    switch (route.type) {
      case 'health':
        return { status: 200, body: 'ok' };
      case 'version':
        return { status: 200, body: VERSION_INFO };
      case 'api':
        return { status: 200, body: apiVersions(ctx.serverAddress()) };
      case 'apis':
        return { status: 200, body: apiGroupList() };
      case 'group': {
        const group = apiGroup(route.group);
        if (!group)
          throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
        return { status: 200, body: group };
      }
      case 'resourceList': {
        const list = apiResourceList(route.group, route.version);
        if (!list)
          throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
        return { status: 200, body: list };
      }
      default:
        throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    }
  }

  function send(res: ServerResponse, reply: Reply, record: RequestRecord): void {
    record.status = reply.status;
    const text = typeof reply.body === 'string';
    res.writeHead(reply.status, {
      'Content-Type': text ? 'text/plain; charset=utf-8' : 'application/json',
      'Cache-Control': 'no-cache, private',
      ...reply.headers
    });
    res.end(text ? (reply.body as string) : JSON.stringify(reply.body));
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const query: Record<string, string> = Object.fromEntries(url.searchParams.entries());
    const route = parseRoute(url.pathname);
    const method = req.method ?? 'GET';
    const contentType = req.headers['content-type']?.split(';')[0]?.trim();
    const verb = classify(method, route, query, contentType);
    const record: RequestRecord = {
      method,
      path: url.pathname,
      query,
      status: 0,
      at: performance.now(),
      verb
    };
    if (contentType) record.contentType = contentType;
    if (route.type === 'resource') {
      record.resource = route.resource.plural;
      if (route.namespace) record.namespace = route.namespace;
      if (route.name) record.name = route.name;
    }
    ctx.requests.push(record);
    const info: RequestInfo = { method, verb, path: url.pathname };
    if (record.resource) info.resource = record.resource;
    try {
      if (faults.take(['reset'], info)) {
        req.socket.destroy();
        return;
      }
      const statusFault = faults.take(['status'], info);
      if (statusFault?.type === 'status') {
        const headers: Record<string, string> = {};
        const retry = statusFault.retryAfterSeconds ?? (statusFault.status === 429 ? 1 : undefined);
        if (retry !== undefined) headers['Retry-After'] = String(retry);
        const reason = { 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable' }[
          statusFault.status
        ];
        const message = {
          429: 'Too many requests, please try again later.',
          500: 'Internal error occurred: injected fault',
          503: 'The server is currently unable to handle the request'
        }[statusFault.status];
        const details = retry !== undefined ? { retryAfterSeconds: retry } : undefined;
        throw new ApiError(statusFault.status, reason, message, details, headers);
      }
      const publicPath = route.type === 'health' || route.type === 'version';
      if (!publicPath && req.headers.authorization !== `Bearer ${ctx.token}`) {
        throw new ApiError(401, 'Unauthorized', 'Unauthorized');
      }
      if (route.type !== 'resource') {
        send(res, discovery(route), record);
        return;
      }
      const reply = await resourceRequest(route, req, res, query, info);
      if (reply) send(res, reply, record);
      else record.status = res.statusCode;
    } catch (e) {
      const err =
        e instanceof ApiError
          ? e
          : new ApiError(500, 'InternalError', `Internal error occurred: ${(e as Error).message}`);
      if (!(e instanceof ApiError)) console.error('kubernetes emulator: unexpected error', e);
      if (res.headersSent) {
        res.end();
        return;
      }
      send(res, { status: err.code, body: err.toStatus(), headers: err.headers }, record);
    }
  };
}
