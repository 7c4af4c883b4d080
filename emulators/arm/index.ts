/**
 * Azure Resource Manager emulator: an HTTPS server on 127.0.0.1 that the real Azure SDK for JS
 * clients (and @azure/identity) talk to unchanged. See README.md in this directory.
 */
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Deployments } from './deployments.ts';
import { Faults } from './faults.ts';
import { type RequestContext, readBody, send, sendError } from './http.ts';
import { handleIdentity } from './identity.ts';
import { Operations } from './operations.ts';
import { genericProvider } from './providers/generic.ts';
import { agentPoolProvider, managedClusterProvider } from './providers/managed-cluster.ts';
import { startClusterOperation } from './providers/cluster-busy.ts';
import { Locations } from './locations.ts';
import { fileShareProvider, storageAccountProvider } from './providers/storage.ts';
import type { ResourceProvider } from './providers/types.ts';
import { handleResourceGroups } from './resource-groups.ts';
import { handleResources } from './resources.ts';
import { ArmState } from './state.ts';
import { createEmulatorTls } from './tls.ts';
import { TokenStore } from './tokens.ts';
import type {
  ArmEmulator,
  ArmEmulatorOptions,
  ArmRequestRecord,
  ArmResource,
  ArmStateHelpers,
  ArmTimelineEvent,
  ArmTimelineType,
  TokenRequestRecord
} from './types.ts';

export type * from './types.ts';
export { AKS_SERVER_APP_ID } from './kubeconfig.ts';

export const DEFAULT_SUBSCRIPTION_ID = '00000000-0000-4000-8000-000000000001';
export const DEFAULT_TENANT_ID = '00000000-0000-4000-8000-0000000000aa';
const ARM_AUDIENCES = ['https://management.azure.com', 'https://management.core.windows.net'];

function authenticate(
  ctx: RequestContext,
  tokens: TokenStore,
  url: string,
  tenantId: string
): boolean {
  const header = ctx.req.headers.authorization ?? '';
  const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
  const challenge = (description: string): Record<string, string> => ({
    'WWW-Authenticate': `Bearer authorization_uri="${url}/${tenantId}", error="invalid_token", error_description="${description}"`
  });
  if (!token) {
    const msg = "The request doesn't contain a bearer token in the Authorization header.";
    sendError(
      ctx.res,
      401,
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is missing.",
      { headers: challenge(msg) }
    );
    return false;
  }
  const issued = tokens.lookup(token);
  if (issued) ctx.caller = issued.serial;
  if (!issued) {
    sendError(ctx.res, 401, 'InvalidAuthenticationToken', 'The access token is invalid.', {
      headers: challenge('The access token is invalid.')
    });
    return false;
  }
  if (!ARM_AUDIENCES.some(a => issued.audience.replace(/\/$/, '') === a)) {
    sendError(
      ctx.res,
      401,
      'InvalidAuthenticationTokenAudience',
      `The access token has been obtained for wrong audience or resource '${issued.audience}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.azure.com/'.`,
      { headers: challenge('The access token audience is invalid.') }
    );
    return false;
  }
  if (issued.expiresAt <= Date.now()) {
    sendError(
      ctx.res,
      401,
      'ExpiredAuthenticationToken',
      'The access token expiry UTC time is earlier than current UTC time.',
      { headers: challenge('The access token has expired.') }
    );
    return false;
  }
  return true;
}

export async function startArmEmulator(o: ArmEmulatorOptions = {}): Promise<ArmEmulator> {
  const tls = createEmulatorTls();
  const subscriptionId = o.subscriptionId ?? DEFAULT_SUBSCRIPTION_ID;
  const tenantId = o.tenantId ?? DEFAULT_TENANT_ID;
  const d = o.durations ?? {};
  const durations = {
    resourceGroupDeleteMs: d.resourceGroupDeleteMs ?? 300,
    clusterCreateMs: d.clusterCreateMs ?? 300,
    clusterUpdateMs: d.clusterUpdateMs ?? 300,
    clusterDeleteMs: d.clusterDeleteMs ?? 300,
    poolUpdateMs: d.poolUpdateMs ?? d.clusterUpdateMs ?? 300,
    poolDeleteMs: d.poolDeleteMs ?? d.clusterUpdateMs ?? 300,
    storageCreateMs: d.storageCreateMs ?? 300,
    shareCreateMs: d.shareCreateMs ?? 300
  };
  const defaultKubernetesVersion = o.defaultKubernetesVersion ?? '1.33.5';
  const requests: ArmRequestRecord[] = [];
  const tokenRequests: TokenRequestRecord[] = [];
  const faults = new Faults();
  const state = new ArmState(subscriptionId);
  state.locations = new Locations(o.locations);
  const timers = new Set<NodeJS.Timeout>();
  const sleep = (ms: number): Promise<void> =>
    new Promise(resolve => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });
  const providers: ResourceProvider[] = [
    managedClusterProvider({
      create: durations.clusterCreateMs,
      update: durations.clusterUpdateMs
    }),
    agentPoolProvider(durations.poolUpdateMs),
    storageAccountProvider(durations.storageCreateMs),
    fileShareProvider(durations.shareCreateMs),
    genericProvider
  ];

  const server = createServer({ key: tls.key, cert: tls.cert });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tokens = new TokenStore(
    tenantId,
    `https://sts.windows.net/${tenantId}/`,
    o.tokenLifetimeSeconds ?? 3600
  );
  const operations =
    o.pollRetryAfterMs !== undefined
      ? new Operations(url, subscriptionId, o.pollRetryAfterMs, true)
      : new Operations(url, subscriptionId, (o.pollRetryAfterSeconds ?? 1) * 1000);
  const timeline: ArmTimelineEvent[] = [];
  const mark = (type: ArmTimelineType, resourceGroup: string, name: string): void => {
    timeline.push({ at: performance.now(), type, resourceGroup, name });
  };
  const deployments = new Deployments({
    state,
    operations,
    providers,
    faults,
    sleep,
    subscriptionId,
    tenantId,
    defaultKubernetesVersion,
    schemasDir: o.schemasDir,
    timeline: mark
  });
  state.onRemove = id => deployments.forgetGroup(id);
  const resourceDeps = {
    state,
    operations,
    providers,
    sleep,
    subscriptionId,
    tenantId,
    defaultKubernetesVersion,
    clusterDeleteMs: durations.clusterDeleteMs,
    poolDeleteMs: durations.poolDeleteMs,
    kubeconfig: {
      aad: o.aadCluster ?? false,
      ...(o.kubeconfig !== undefined ? { verbatim: o.kubeconfig } : {}),
      ...(o.kubeconfigServer !== undefined ? { server: o.kubeconfigServer } : {}),
      ...(o.kubeconfigCertificateAuthorityData !== undefined
        ? { certificateAuthorityData: o.kubeconfigCertificateAuthorityData }
        : {}),
      ...(o.kubeconfigToken !== undefined ? { token: o.kubeconfigToken } : {})
    }
  };

  server.on('request', (req, res) => {
    void (async () => {
      const parsed = new URL(req.url ?? '/', url);
      const method = (req.method ?? 'GET').toUpperCase();
      const rawBody = await readBody(req);
      const ctx: RequestContext = {
        req,
        res,
        method,
        path: parsed.pathname,
        segments: parsed.pathname
          .split('/')
          .filter(Boolean)
          .map(s => decodeURIComponent(s)),
        query: parsed.searchParams,
        rawBody
      };
      const record = (status: number): void => {
        const r: ArmRequestRecord = {
          method,
          path: parsed.pathname,
          apiVersion: parsed.searchParams.get('api-version') ?? undefined,
          status,
          at: Date.now()
        };
        if (ctx.resourceType) r.resourceType = ctx.resourceType;
        if (ctx.operation) r.operation = ctx.operation;
        if (ctx.caller !== undefined) r.caller = ctx.caller;
        requests.push(r);
      };
      const fault = faults.takeRequestFault(method, parsed.pathname);
      if (fault?.type === 'reset') {
        record(0);
        req.socket.destroy();
        return;
      }
      if (fault?.type === 'busy') {
        for (const cluster of state.resources.values()) {
          if (cluster.type !== 'Microsoft.ContainerService/managedClusters') continue;
          if (cluster.name.toLowerCase() !== fault.cluster.toLowerCase()) continue;
          const op = { operation: fault.operation, durationMs: fault.durationMs };
          startClusterOperation(
            state,
            cluster.id,
            fault.pool ? { ...op, pool: fault.pool } : op,
            sleep
          );
        }
      }
      res.on('finish', () => record(res.statusCode));
      if (fault?.type === 'status') {
        const headers: Record<string, string> =
          fault.retryAfterSeconds !== undefined
            ? { 'Retry-After': String(fault.retryAfterSeconds) }
            : {};
        const code =
          fault.status === 429
            ? 'TooManyRequests'
            : fault.status === 503
              ? 'ServiceUnavailable'
              : 'InternalServerError';
        const message =
          fault.status === 429
            ? 'The request is being throttled as the limit has been reached for operation type - Write_Subscription.'
            : 'The server encountered an internal error. Please retry the request.';
        sendError(res, fault.status, code, message, { headers });
        return;
      }
      try {
        if (handleIdentity(ctx, { url, tokens, tokenRequests })) return;
        if (!ctx.segments[0] || ctx.segments[0].toLowerCase() !== 'subscriptions') {
          sendError(res, 404, 'NotFound', `No route for ${method} ${parsed.pathname}.`);
          return;
        }
        if (!authenticate(ctx, tokens, url, tenantId)) return;
        if (ctx.segments[1] && ctx.segments[1].toLowerCase() !== subscriptionId.toLowerCase()) {
          sendError(
            res,
            404,
            'SubscriptionNotFound',
            `The subscription '${ctx.segments[1]}' could not be found.`
          );
          return;
        }
        if (operations.handle(ctx)) return;
        if (deployments.handle(ctx)) return;
        if (handleResources(ctx, resourceDeps)) return;
        if (
          handleResourceGroups(ctx, {
            state,
            operations,
            sleep,
            deleteMs: durations.resourceGroupDeleteMs,
            timeline: mark
          })
        )
          return;
        const stored = method === 'GET' ? state.get(parsed.pathname) : undefined;
        if (stored) send(res, 200, stored);
        else
          sendError(
            res,
            404,
            'ResourceNotFound',
            `The resource '${parsed.pathname}' was not found.`
          );
      } catch (e) {
        if (e instanceof SyntaxError) {
          sendError(
            res,
            400,
            'InvalidRequestContent',
            `The request content was invalid and could not be deserialized: '${e.message}'.`
          );
        } else {
          sendError(res, 500, 'InternalServerError', e instanceof Error ? e.message : String(e));
        }
      }
    })();
  });

  const helpers: ArmStateHelpers = {
    resourceGroups: () => [...state.groups.values()],
    resources: () => [...state.resources.values()],
    getResourceGroup: name => state.getGroup(name),
    getResource: id => {
      const m = /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)$/i.exec(id);
      return m ? state.getGroup(m[1] as string) : state.get(id);
    },
    seedResourceGroup: (name, location, tags) => state.putGroup(name, location, tags),
    seedResource: (resource: ArmResource) => state.put(resource),
    setTag: (id, key, value) => {
      const m = /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)$/i.exec(id);
      const target = m ? state.getGroup(m[1] as string) : state.get(id);
      if (!target) throw new Error(`no resource ${id}`);
      const tags = { ...(target.tags ?? {}) };
      if (value === undefined) delete tags[key];
      else tags[key] = value;
      target.tags = tags;
    },
    setShareUsageBytes: (shareId, bytes) => {
      state.shareUsage.set(shareId.toLowerCase(), bytes);
    },
    setPoolCount: (clusterId, pool, count) => {
      const entry = state.pools(clusterId).find(p => p.name === pool);
      if (!entry) throw new Error(`no pool ${pool} in ${clusterId}`);
      entry.count = count;
    },
    startClusterOperation: (clusterId, op) => {
      if (!startClusterOperation(state, clusterId, op, sleep))
        throw new Error(`no cluster (or pool) ${clusterId} ${op.pool ?? ''}`);
    },
    clusterUserToken: clusterId =>
      o.kubeconfigToken ?? state.clusterTokens.get(clusterId.toLowerCase()),
    tokenInfo: token => {
      const t = tokens.lookup(token);
      if (!t) return { valid: false, expired: false };
      const expired = t.expiresAt <= Date.now();
      return { valid: !expired, expired, scope: t.scope, clientId: t.clientId };
    }
  };

  return {
    url,
    caCertPath: tls.caCertPath,
    caPem: tls.caPem,
    subscriptionId,
    tenantId,
    requests,
    tokenRequests,
    timeline,
    faults: { inject: f => faults.inject(f), clear: () => faults.clear() },
    state: helpers,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>(resolve => server.close(() => resolve()));
      tls.remove();
    }
  };
}
