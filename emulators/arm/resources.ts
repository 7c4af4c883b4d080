import { buildKubeconfig } from './kubeconfig.ts';
import { type RequestContext, jsonBody, matchPath, send, sendError } from './http.ts';
import type { Operations } from './operations.ts';
import { type Sleep, busyCheck, precheck, provision } from './provisioning.ts';
import { busyError } from './providers/cluster-busy.ts';
import type { ProviderContext, ResourceProvider } from './providers/types.ts';
import type { ArmState } from './state.ts';
import type { ArmResource } from './types.ts';

export interface ResourceDeps {
  state: ArmState;
  operations: Operations;
  providers: ResourceProvider[];
  sleep: Sleep;
  subscriptionId: string;
  tenantId: string;
  defaultKubernetesVersion: string;
  clusterDeleteMs: number;
  poolDeleteMs: number;
  kubeconfig: {
    server?: string;
    certificateAuthorityData?: string;
    token?: string;
    aad: boolean;
    verbatim?: string;
  };
}

const RG = 'subscriptions/{s}/resourcegroups/{rg}/providers';
const CLUSTER = `${RG}/Microsoft.ContainerService/managedClusters`;
const ACCOUNT = `${RG}/Microsoft.Storage/storageAccounts`;
const SHARES = `${ACCOUNT}/{account}/fileServices/default/shares`;

function notFound(ctx: RequestContext, type: string, name: string, group: string): void {
  sendError(
    ctx.res,
    404,
    'ResourceNotFound',
    `The Resource '${type}/${name}' under resource group '${group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`
  );
}

function providerContext(deps: ResourceDeps, group: ArmResource): ProviderContext {
  return {
    state: deps.state,
    subscriptionId: deps.subscriptionId,
    tenantId: deps.tenantId,
    resourceGroup: group,
    defaultKubernetesVersion: deps.defaultKubernetesVersion
  };
}

function clusterHandler(ctx: RequestContext, deps: ResourceDeps, group: ArmResource): boolean {
  const type = 'Microsoft.ContainerService/managedClusters';
  if (agentPoolHandler(ctx, deps, group)) return true;
  const list = matchPath(ctx.segments, CLUSTER);
  const one = matchPath(ctx.segments, `${CLUSTER}/{name}`);
  const action = matchPath(ctx.segments, `${CLUSTER}/{name}/{action}`);
  if (!list && !one && !action) return false;
  ctx.resourceType = type;
  if (list) {
    ctx.operation = 'list';
    send(ctx.res, 200, { value: deps.state.inGroup(group.name).filter(r => r.type === type) });
    return true;
  }
  const name = ((one ?? action) as Record<string, string>).name as string;
  const id = `${group.id}/providers/${type}/${name}`;
  const cluster = deps.state.get(id);
  const apiVersion = ctx.query.get('api-version') ?? '2026-05-01';
  if (action) {
    const verb = (action.action as string).toLowerCase();
    if (ctx.method === 'POST' && verb === 'listclusterusercredential') {
      ctx.operation = 'listClusterUserCredential';
      if (!cluster) {
        notFound(ctx, type, name, group.name);
        return true;
      }
      const fqdn = String(cluster.properties.fqdn);
      const yaml =
        deps.kubeconfig.verbatim ??
        buildKubeconfig({
          clusterName: name,
          resourceGroup: group.name,
          server: deps.kubeconfig.server ?? `https://${fqdn}:443`,
          tenantId: deps.tenantId,
          aad: deps.kubeconfig.aad,
          token: deps.kubeconfig.token ?? deps.state.clusterTokens.get(id.toLowerCase()) ?? '',
          ...(deps.kubeconfig.certificateAuthorityData
            ? { certificateAuthorityData: deps.kubeconfig.certificateAuthorityData }
            : {})
        });
      send(ctx.res, 200, {
        kubeconfigs: [{ name: 'clusterUser', value: Buffer.from(yaml).toString('base64') }]
      });
      return true;
    }
    sendError(ctx.res, 404, 'NotFound', `The action '${action.action}' is not supported here.`);
    return true;
  }
  switch (ctx.method) {
    case 'GET':
      ctx.operation = 'get';
      if (cluster) send(ctx.res, 200, cluster);
      else notFound(ctx, type, name, group.name);
      return true;
    case 'PUT': {
      ctx.operation = 'put';
      const body = jsonBody(ctx);
      const desired = { id, name, type, body };
      const pctx = providerContext(deps, group);
      const refused = precheck(deps.providers, desired, pctx);
      if (refused) {
        sendError(ctx.res, 400, refused.code, refused.message);
        return true;
      }
      const busy = busyCheck(deps.providers, desired, pctx);
      if (busy) {
        sendError(ctx.res, 409, busy.code, busy.message);
        return true;
      }
      const op = deps.operations.create(
        'Microsoft.ContainerService',
        String(body.location ?? group.location)
      );
      void provision(deps.providers, desired, pctx, deps.sleep).then(r => {
        if (r.error) deps.operations.fail(op, r.error);
        else deps.operations.succeed(op);
      });
      send(
        ctx.res,
        cluster ? 200 : 201,
        deps.state.get(id),
        deps.operations.startHeaders(op, apiVersion, false)
      );
      return true;
    }
    case 'DELETE': {
      ctx.operation = 'delete';
      if (!cluster) {
        send(ctx.res, 204);
        return true;
      }
      cluster.properties.provisioningState = 'Deleting';
      const op = deps.operations.create('Microsoft.ContainerService', String(cluster.location));
      void deps.sleep(deps.clusterDeleteMs).then(() => {
        deps.state.remove(id);
        deps.operations.succeed(op);
      });
      send(ctx.res, 202, undefined, deps.operations.startHeaders(op, apiVersion, true));
      return true;
    }
    default:
      sendError(ctx.res, 405, 'MethodNotAllowed', `${ctx.method} is not supported on ${ctx.path}.`);
      return true;
  }
}

/**
 * `managedClusters/{name}/agentPools[/{pool}]`: list, GET, PUT and DELETE of single pools
 * (REST API "Agent Pools"). Writes are refused with 409 while the cluster is busy; a DELETE is
 * a long-running operation and the last System pool cannot be deleted.
 */
function agentPoolHandler(ctx: RequestContext, deps: ResourceDeps, group: ArmResource): boolean {
  const list = matchPath(ctx.segments, `${CLUSTER}/{name}/agentPools`);
  const one = matchPath(ctx.segments, `${CLUSTER}/{name}/agentPools/{pool}`);
  if (!list && !one) return false;
  const type = 'Microsoft.ContainerService/managedClusters/agentPools';
  ctx.resourceType = type;
  const m = (list ?? one) as Record<string, string>;
  const clusterId = `${group.id}/providers/Microsoft.ContainerService/managedClusters/${m.name}`;
  const cluster = deps.state.get(clusterId);
  const apiVersion = ctx.query.get('api-version') ?? '2026-05-01';
  if (!cluster) {
    notFound(ctx, 'Microsoft.ContainerService/managedClusters', m.name as string, group.name);
    return true;
  }
  if (list) {
    ctx.operation = 'list';
    const value = deps.state
      .pools(clusterId)
      .map(p => deps.state.get(`${cluster.id}/agentPools/${String(p.name)}`));
    send(ctx.res, 200, { value });
    return true;
  }
  const id = `${cluster.id}/agentPools/${m.pool}`;
  const pool = deps.state.get(id);
  switch (ctx.method) {
    case 'GET':
      ctx.operation = 'get';
      if (pool) send(ctx.res, 200, pool);
      else notFound(ctx, type, `${m.name}/${m.pool}`, group.name);
      return true;
    case 'PUT': {
      ctx.operation = 'put';
      const desired = { id, name: m.pool as string, type, body: jsonBody(ctx) };
      const pctx = providerContext(deps, group);
      const refused = precheck(deps.providers, desired, pctx);
      if (refused) {
        sendError(ctx.res, 400, refused.code, refused.message);
        return true;
      }
      const busy = busyCheck(deps.providers, desired, pctx);
      if (busy) {
        sendError(ctx.res, 409, busy.code, busy.message);
        return true;
      }
      const op = deps.operations.create('Microsoft.ContainerService', String(cluster.location));
      void provision(deps.providers, desired, pctx, deps.sleep).then(r => {
        if (r.error) deps.operations.fail(op, r.error);
        else deps.operations.succeed(op);
      });
      send(
        ctx.res,
        pool ? 200 : 201,
        deps.state.get(id),
        deps.operations.startHeaders(op, apiVersion, false)
      );
      return true;
    }
    case 'DELETE': {
      ctx.operation = 'delete';
      if (!pool) {
        send(ctx.res, 204);
        return true;
      }
      const busy = busyError(deps.state, clusterId);
      if (busy) {
        sendError(ctx.res, 409, busy.code, busy.message);
        return true;
      }
      const systemPools = deps.state.pools(clusterId).filter(p => p.mode === 'System');
      if (pool.properties.mode === 'System' && systemPools.length <= 1) {
        sendError(
          ctx.res,
          400,
          'OperationNotAllowed',
          `Cannot delete agent pool '${m.pool}': it is the last System pool of the cluster.`
        );
        return true;
      }
      pool.properties.provisioningState = 'Deleting';
      const op = deps.operations.create('Microsoft.ContainerService', String(cluster.location));
      void deps.sleep(deps.poolDeleteMs).then(() => {
        deps.state.remove(id);
        deps.operations.succeed(op);
      });
      send(ctx.res, 202, undefined, deps.operations.startHeaders(op, apiVersion, true));
      return true;
    }
    default:
      sendError(ctx.res, 405, 'MethodNotAllowed', `${ctx.method} is not supported on ${ctx.path}.`);
      return true;
  }
}

function shareView(share: ArmResource, deps: ResourceDeps, expand: string): ArmResource {
  if (!expand.toLowerCase().split(',').includes('stats')) return share;
  const usage = deps.state.shareUsage.get(share.id.toLowerCase()) ?? 0;
  return { ...share, properties: { ...share.properties, shareUsageBytes: usage } };
}

function storageHandler(ctx: RequestContext, deps: ResourceDeps, group: ArmResource): boolean {
  const type = 'Microsoft.Storage/storageAccounts';
  const seg = ctx.segments;
  const list = matchPath(seg, ACCOUNT);
  const one = matchPath(seg, `${ACCOUNT}/{account}`);
  const action = matchPath(seg, `${ACCOUNT}/{account}/{action}`);
  const fileService = matchPath(seg, `${ACCOUNT}/{account}/fileServices/default`);
  const shares = matchPath(seg, SHARES);
  const share = matchPath(seg, `${SHARES}/{share}`);
  if (!list && !one && !action && !fileService && !shares && !share) return false;
  ctx.resourceType = type;
  if (list) {
    ctx.operation = 'list';
    send(ctx.res, 200, { value: deps.state.inGroup(group.name).filter(r => r.type === type) });
    return true;
  }
  const m = (one ?? action ?? fileService ?? shares ?? share) as Record<string, string>;
  const accountId = `${group.id}/providers/${type}/${m.account}`;
  const account = deps.state.get(accountId);
  if (one) {
    if (ctx.method === 'GET') {
      ctx.operation = 'get';
      if (account) send(ctx.res, 200, account);
      else notFound(ctx, type, m.account as string, group.name);
      return true;
    }
    if (ctx.method === 'DELETE') {
      ctx.operation = 'delete';
      if (account) deps.state.remove(accountId);
      send(ctx.res, account ? 200 : 204);
      return true;
    }
    if (ctx.method === 'PUT') {
      ctx.operation = 'put';
      const desired = { id: accountId, name: m.account as string, type, body: jsonBody(ctx) };
      const pctx = providerContext(deps, group);
      const refused = precheck(deps.providers, desired, pctx);
      if (refused) {
        sendError(ctx.res, 400, refused.code, refused.message);
        return true;
      }
      const op = deps.operations.create(
        'Microsoft.Storage',
        String(desired.body.location ?? group.location)
      );
      void provision(deps.providers, desired, pctx, deps.sleep).then(r => {
        if (r.error) deps.operations.fail(op, r.error);
        else deps.operations.succeed(op, deps.state.get(accountId));
      });
      send(ctx.res, 202, undefined, {
        Location: deps.operations.resultUrl(op, ctx.query.get('api-version') ?? '2026-04-01'),
        ...deps.operations.retryAfter()
      });
      return true;
    }
  }
  if (!account) {
    notFound(ctx, type, m.account as string, group.name);
    return true;
  }
  if (action && ctx.method === 'POST' && (action.action as string).toLowerCase() === 'listkeys') {
    ctx.operation = 'listKeys';
    send(ctx.res, 200, { keys: deps.state.storageKeys.get(accountId.toLowerCase()) ?? [] });
    return true;
  }
  if (fileService && ctx.method === 'GET') {
    ctx.operation = 'getFileService';
    send(ctx.res, 200, {
      id: `${accountId}/fileServices/default`,
      name: 'default',
      type: 'Microsoft.Storage/storageAccounts/fileServices',
      properties: {
        cors: { corsRules: [] },
        shareDeleteRetentionPolicy: { enabled: true, days: 7 }
      }
    });
    return true;
  }
  const shareType = 'Microsoft.Storage/storageAccounts/fileServices/shares';
  if (shares && ctx.method === 'GET') {
    ctx.resourceType = shareType;
    ctx.operation = 'list';
    const expand = ctx.query.get('$expand') ?? '';
    const prefix = `${accountId}/fileServices/default/shares/`.toLowerCase();
    send(ctx.res, 200, {
      value: [...deps.state.resources.entries()]
        .filter(([k]) => k.startsWith(prefix))
        .map(([, r]) => shareView(r, deps, expand))
    });
    return true;
  }
  if (share) {
    ctx.resourceType = shareType;
    const shareId = `${accountId}/fileServices/default/shares/${share.share}`;
    const existing = deps.state.get(shareId);
    switch (ctx.method) {
      case 'GET':
        ctx.operation = 'get';
        if (existing) send(ctx.res, 200, shareView(existing, deps, ctx.query.get('$expand') ?? ''));
        else notFound(ctx, shareType, `${m.account}/default/${share.share}`, group.name);
        return true;
      case 'PUT':
      case 'PATCH': {
        ctx.operation = ctx.method === 'PUT' ? 'put' : 'update';
        if (ctx.method === 'PATCH' && !existing) {
          notFound(ctx, shareType, `${m.account}/default/${share.share}`, group.name);
          return true;
        }
        const body = jsonBody(ctx);
        const desired = { id: shareId, name: share.share as string, type: shareType, body };
        const pctx = providerContext(deps, group);
        const refused = precheck(deps.providers, desired, pctx);
        if (refused) {
          sendError(ctx.res, 400, refused.code, refused.message);
          return true;
        }
        const provider = deps.providers.find(p => p.matches(shareType)) as ResourceProvider;
        const saved = deps.state.put(provider.build(desired, existing, pctx));
        send(ctx.res, existing ? 200 : 201, saved);
        return true;
      }
      case 'DELETE':
        ctx.operation = 'delete';
        if (existing) deps.state.remove(shareId);
        send(ctx.res, existing ? 200 : 204);
        return true;
      default:
        break;
    }
  }
  sendError(ctx.res, 405, 'MethodNotAllowed', `${ctx.method} is not supported on ${ctx.path}.`);
  return true;
}

/** Tags of any resource or group: `{scope}/providers/Microsoft.Resources/tags/default`. */
function tagsHandler(ctx: RequestContext, deps: ResourceDeps): boolean {
  const n = ctx.segments.length;
  const tail = ctx.segments
    .slice(n - 4)
    .map(s => s.toLowerCase())
    .join('/');
  if (n < 6 || tail !== 'providers/microsoft.resources/tags/default') return false;
  ctx.resourceType = 'Microsoft.Resources/tags';
  const scope = '/' + ctx.segments.slice(0, n - 4).join('/');
  const groupMatch = matchPath(
    ctx.segments.slice(0, n - 4),
    'subscriptions/{s}/resourcegroups/{rg}'
  );
  const target = groupMatch ? deps.state.getGroup(groupMatch.rg as string) : deps.state.get(scope);
  if (!target) {
    sendError(ctx.res, 404, 'ResourceNotFound', `The resource '${scope}' was not found.`);
    return true;
  }
  const wire = (): unknown => ({
    id: `${target.id}/providers/Microsoft.Resources/tags/default`,
    name: 'default',
    type: 'Microsoft.Resources/tags',
    properties: { tags: target.tags ?? {} }
  });
  if (ctx.method === 'GET') {
    ctx.operation = 'getTags';
    send(ctx.res, 200, wire());
    return true;
  }
  const body = jsonBody(ctx);
  const given = Object.fromEntries(
    Object.entries(((body.properties ?? {}) as { tags?: Record<string, unknown> }).tags ?? {}).map(
      ([k, v]) => [k, String(v)]
    )
  );
  if (ctx.method === 'PUT') {
    ctx.operation = 'putTags';
    target.tags = given;
  } else if (ctx.method === 'PATCH') {
    ctx.operation = 'patchTags';
    const op = String(body.operation ?? 'Merge').toLowerCase();
    const tags = { ...(target.tags ?? {}) };
    if (op === 'replace') target.tags = given;
    else if (op === 'delete') {
      for (const k of Object.keys(given)) delete tags[k];
      target.tags = tags;
    } else target.tags = { ...tags, ...given };
  } else if (ctx.method === 'DELETE') {
    ctx.operation = 'deleteTags';
    target.tags = {};
    send(ctx.res, 200);
    return true;
  } else {
    sendError(ctx.res, 405, 'MethodNotAllowed', `${ctx.method} is not supported on ${ctx.path}.`);
    return true;
  }
  send(ctx.res, 200, wire());
  return true;
}

/** Provider resources inside resource groups: clusters, storage accounts and shares, tags. */
export function handleResources(ctx: RequestContext, deps: ResourceDeps): boolean {
  if (tagsHandler(ctx, deps)) return true;
  const m = matchPath(ctx.segments.slice(0, 5), RG);
  if (!m) return false;
  const group = deps.state.getGroup(m.rg as string);
  const provider = (ctx.segments[5] ?? '').toLowerCase();
  if (provider !== 'microsoft.containerservice' && provider !== 'microsoft.storage') return false;
  if (!group) {
    sendError(
      ctx.res,
      404,
      'ResourceGroupNotFound',
      `Resource group '${m.rg}' could not be found.`
    );
    return true;
  }
  return clusterHandler(ctx, deps, group) || storageHandler(ctx, deps, group);
}
