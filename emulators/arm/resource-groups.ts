import { type RequestContext, jsonBody, matchPath, send, sendError } from './http.ts';
import type { Operations } from './operations.ts';
import type { Sleep } from './provisioning.ts';
import type { ArmState } from './state.ts';

export interface ResourceGroupDeps {
  state: ArmState;
  operations: Operations;
  sleep: Sleep;
  deleteMs: number;
  /** Notes the group's removal in the emulator's timeline. */
  timeline?: (type: 'resource-group-deleted', resourceGroup: string, name: string) => void;
}

const TYPE = 'Microsoft.Resources/resourceGroups';

function stringTags(v: unknown): Record<string, string> | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
}

/** Resource groups: PUT, GET, HEAD, PATCH (tags), DELETE (long-running, takes contents along), list. */
export function handleResourceGroups(ctx: RequestContext, deps: ResourceGroupDeps): boolean {
  const { state } = deps;
  const locations = matchPath(ctx.segments, 'subscriptions/{s}/locations');
  if (locations && ctx.method === 'GET') {
    ctx.resourceType = 'Microsoft.Resources/locations';
    ctx.operation = 'listLocations';
    send(ctx.res, 200, state.locations.list(state.subscriptionId));
    return true;
  }
  const list = matchPath(ctx.segments, 'subscriptions/{s}/resourcegroups');
  if (list && ctx.method === 'GET') {
    ctx.resourceType = TYPE;
    ctx.operation = 'list';
    send(ctx.res, 200, { value: [...state.groups.values()] });
    return true;
  }
  const inGroup = matchPath(ctx.segments, 'subscriptions/{s}/resourcegroups/{rg}/resources');
  if (inGroup && ctx.method === 'GET') {
    ctx.operation = 'listResources';
    if (!state.getGroup(inGroup.rg as string)) {
      sendError(
        ctx.res,
        404,
        'ResourceGroupNotFound',
        `Resource group '${inGroup.rg}' could not be found.`
      );
    } else {
      send(ctx.res, 200, { value: state.inGroup(inGroup.rg as string) });
    }
    return true;
  }
  const m = matchPath(ctx.segments, 'subscriptions/{s}/resourcegroups/{rg}');
  if (!m) return false;
  ctx.resourceType = TYPE;
  const name = m.rg as string;
  const group = state.getGroup(name);
  const notFound = (): void =>
    sendError(
      ctx.res,
      404,
      'ResourceGroupNotFound',
      `Resource group '${name}' could not be found.`
    );
  switch (ctx.method) {
    case 'HEAD':
      ctx.operation = 'checkExistence';
      send(ctx.res, group ? 204 : 404);
      return true;
    case 'GET':
      ctx.operation = 'get';
      if (group) send(ctx.res, 200, group);
      else notFound();
      return true;
    case 'PUT': {
      ctx.operation = 'put';
      const body = jsonBody(ctx);
      if (typeof body.location !== 'string' || body.location === '') {
        sendError(
          ctx.res,
          400,
          'LocationRequired',
          'The location property is required for this definition.'
        );
        return true;
      }
      if (group?.properties.provisioningState === 'Deleting') {
        sendError(
          ctx.res,
          409,
          'ResourceGroupBeingDeleted',
          `The resource group '${name}' is in deprovisioning state and cannot perform this operation.`
        );
        return true;
      }
      if (!state.locations.has(body.location)) {
        const refusal = state.locations.groupRefusal(body.location);
        sendError(ctx.res, 400, refusal.code, refusal.message);
        return true;
      }
      if (group && group.location !== body.location) {
        sendError(
          ctx.res,
          409,
          'InvalidResourceGroupLocation',
          `Invalid resource group location '${body.location}'. The Resource group already exists in location '${String(group.location)}' in resource group '${group.name}'. A resource group with the same name cannot be created in multiple locations. Please select a new resource group name.`
        );
        return true;
      }
      const saved = state.putGroup(
        name,
        body.location,
        stringTags(body.tags),
        typeof body.managedBy === 'string' ? body.managedBy : undefined
      );
      send(ctx.res, group ? 200 : 201, saved);
      return true;
    }
    case 'PATCH': {
      ctx.operation = 'update';
      if (!group) {
        notFound();
        return true;
      }
      const body = jsonBody(ctx);
      if (body.tags !== undefined) group.tags = stringTags(body.tags) ?? {};
      send(ctx.res, 200, group);
      return true;
    }
    case 'DELETE': {
      ctx.operation = 'delete';
      if (!group) {
        notFound();
        return true;
      }
      const apiVersion = ctx.query.get('api-version') ?? '2025-04-01';
      const op = deps.operations.create('Microsoft.Resources', String(group.location));
      if (group.properties.provisioningState !== 'Deleting') {
        group.properties.provisioningState = 'Deleting';
        void deps.sleep(deps.deleteMs).then(() => {
          if (state.getGroup(name) === group) state.removeGroup(name);
          deps.operations.succeed(op);
          deps.timeline?.('resource-group-deleted', name, name);
        });
      } else {
        void (async () => {
          while (state.getGroup(name) === group) await deps.sleep(50);
          deps.operations.succeed(op);
        })();
      }
      send(ctx.res, 202, undefined, {
        Location: deps.operations.resultUrl(op, apiVersion),
        ...deps.operations.retryAfter()
      });
      return true;
    }
    default:
      sendError(ctx.res, 405, 'MethodNotAllowed', `${ctx.method} is not supported on ${ctx.path}.`);
      return true;
  }
}
