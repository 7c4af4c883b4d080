/**
 * A proxy in front of a real API server that records every request by verb and resource and
 * injects the failures a busy or flaky cluster shows: 429 with Retry-After, 500/503, connection
 * resets, a watch closed mid-stream, and 410 Gone on a watch's resume. Clients talk plain HTTP
 * to it on loopback; it talks HTTPS to the API server with the token it was given.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { request, type RequestOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { FaultInjector, type RequestInfo } from './faults.ts';
import type { RequestRecord, Verb } from './types.ts';

export interface Upstream {
  readonly server: string;
  readonly caPem: string;
  readonly token: string;
}

/** Whether a client's bearer token lets it in, as the API server's authenticator decides. */
export type Authorize = (token: string | undefined) => boolean;

export interface FaultProxy {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly requests: RequestRecord[];
  readonly faults: FaultInjector;
  close(): Promise<void>;
}

interface Target {
  resource?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** What an API path addresses: /api/v1/namespaces/NS/pods/NAME/status, /apis/G/V/nodes, ... */
export function targetOf(pathname: string): Target | undefined {
  const segs = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let rest: string[];
  if (segs[0] === 'api' && segs[1]) rest = segs.slice(2);
  else if (segs[0] === 'apis' && segs[2]) rest = segs.slice(3);
  else return undefined;
  if (rest[0] === 'watch') rest = rest.slice(1);
  if (rest.length === 0) return undefined;
  const target: Target = {};
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    target.namespace = rest[1];
    rest = rest.slice(2);
  }
  [target.resource, target.name, target.subresource] = rest;
  return target;
}

export function verbOf(
  method: string,
  pathname: string,
  query: URLSearchParams,
  contentType: string | undefined
): Verb {
  const target = targetOf(pathname);
  if (!target) return 'discovery';
  switch (method) {
    case 'GET':
      if (query.get('watch') === 'true' || query.get('watch') === '1') return 'watch';
      if (/^\/apis?\/(.+\/)?watch\//.test(pathname)) return 'watch';
      return target.name === undefined ? 'list' : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return contentType === 'application/apply-patch+yaml' ? 'apply' : 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return 'get';
  }
}

const REASONS = {
  429: ['TooManyRequests', 'Too many requests, please try again later.'],
  500: ['InternalError', 'Internal error occurred: injected fault'],
  503: ['ServiceUnavailable', 'The server is currently unable to handle the request']
} as const;

function status(code: number, reason: string, message: string, details?: object): object {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
    details
  };
}

export async function startFaultProxy(
  upstream: Upstream,
  authorize: Authorize
): Promise<FaultProxy> {
  const requests: RequestRecord[] = [];
  const faults = new FaultInjector();
  const target = new URL(upstream.server);
  const streams = new Set<ServerResponse>();

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const method = req.method ?? 'GET';
    const contentType = req.headers['content-type']?.split(';')[0]?.trim();
    const verb = verbOf(method, url.pathname, url.searchParams, contentType);
    const where = targetOf(url.pathname);
    const record: RequestRecord = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams.entries()),
      status: 0,
      at: performance.now(),
      verb
    };
    if (contentType) record.contentType = contentType;
    if (where?.resource) record.resource = where.resource;
    if (where?.namespace) record.namespace = where.namespace;
    if (where?.name) record.name = where.name;
    requests.push(record);
    const info: RequestInfo = { method, verb, path: url.pathname };
    if (where?.resource) info.resource = where.resource;

    const reply = (code: number, body: object, headers: Record<string, string> = {}) => {
      record.status = code;
      res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (verb !== 'discovery' && !authorize(bearer)) {
      reply(401, status(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    if (faults.take(['reset'], info)) {
      req.socket.destroy();
      return;
    }
    const injected = faults.take(['status'], info);
    if (injected?.type === 'status') {
      const retry = injected.retryAfterSeconds ?? (injected.status === 429 ? 1 : undefined);
      const [reason, message] = REASONS[injected.status];
      reply(
        injected.status,
        status(
          injected.status,
          reason,
          message,
          retry === undefined ? undefined : { retryAfterSeconds: retry }
        ),
        retry === undefined ? {} : { 'Retry-After': String(retry) }
      );
      return;
    }
    if (
      verb === 'watch' &&
      url.searchParams.get('resourceVersion') &&
      faults.take(['gone'], info)
    ) {
      // What the API server sends when the version a watch resumes from was compacted away.
      record.status = 200;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          type: 'ERROR',
          object: status(410, 'Expired', 'too old resource version: injected')
        }) + '\n'
      );
      return;
    }
    const closeAfter = verb === 'watch' ? faults.take(['watch-close'], info) : undefined;

    const headers = {
      ...req.headers,
      host: target.host,
      authorization: `Bearer ${upstream.token}`
    };
    const options: RequestOptions = {
      hostname: target.hostname,
      port: target.port,
      path: req.url,
      method,
      headers,
      ca: upstream.caPem
    };
    const forward = request(options, answer => {
      record.status = answer.statusCode ?? 0;
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      // The API server sends a watch's headers at once; so must the proxy, or the client
      // cannot tell the watch started until the first event.
      res.flushHeaders();
      if (closeAfter?.type !== 'watch-close') {
        answer.pipe(res);
        if (verb === 'watch') {
          streams.add(res);
          res.on('close', () => {
            streams.delete(res);
            forward.destroy();
          });
        }
        return;
      }
      // Pass the first events through, then end the stream as a server restart would.
      let events = 0;
      const limit = closeAfter.afterEvents ?? 0;
      const end = () => {
        res.end();
        forward.destroy();
      };
      if (limit === 0) return end();
      let pending = '';
      answer.on('data', (chunk: Buffer) => {
        pending += chunk.toString();
        let newline: number;
        while (events < limit && (newline = pending.indexOf('\n')) >= 0) {
          res.write(pending.slice(0, newline + 1));
          pending = pending.slice(newline + 1);
          events++;
        }
        if (events >= limit) end();
      });
      answer.on('end', () => res.end());
    });
    forward.on('error', error => {
      if (res.headersSent) res.destroy();
      else reply(502, status(502, 'BadGateway', `proxy: ${error.message}`));
    });
    req.pipe(forward);
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    faults,
    close: () =>
      new Promise<void>(resolve => {
        for (const res of streams) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      })
  };
}
