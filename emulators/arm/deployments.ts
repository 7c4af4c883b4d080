import { createHash, randomUUID } from 'node:crypto';
import { validateResource, validateTemplate } from '../../src/azure/template-schema.ts';
import type { Faults } from './faults.ts';
import {
  type ArmErrorBody,
  type RequestContext,
  jsonBody,
  matchPath,
  send,
  sendError
} from './http.ts';
import type { Operations } from './operations.ts';
import { type Sleep, precheck, provision } from './provisioning.ts';
import type { ProviderContext, ResourceProvider } from './providers/types.ts';
import type { ArmState } from './state.ts';
import { checkExpressions } from './template/check.ts';
import { TemplateError } from './template/errors.ts';
import { type ExpandedTemplate, expandTemplate } from './template/expand.ts';
import type { ArmResource, ArmTimelineType } from './types.ts';
import { type ResourceChange, changeFor } from './whatif.ts';

type Json = Record<string, unknown>;

export interface DeploymentDeps {
  state: ArmState;
  operations: Operations;
  providers: ResourceProvider[];
  faults: Faults;
  sleep: Sleep;
  subscriptionId: string;
  tenantId: string;
  defaultKubernetesVersion: string;
  schemasDir: string | undefined;
  /** Notes a deployment's state change in the emulator's timeline. */
  timeline?: (type: ArmTimelineType, resourceGroup: string, name: string) => void;
}

interface DeploymentRecord {
  id: string;
  name: string;
  group: string;
  properties: Json;
  operations: Json[];
  started: number;
}

const DEPLOYMENT_TYPE = 'Microsoft.Resources/deployments';
const FAILED_MESSAGE =
  'At least one resource deployment operation failed. Please list deployment operations for details. Please see https://aka.ms/arm-deployment-operations for usage details.';

function isoDuration(ms: number): string {
  return `PT${(ms / 1000).toFixed(3)}S`;
}

/** A request ARM refuses before the deployment starts (400). */
class Refusal extends Error {
  body: ArmErrorBody;
  constructor(body: ArmErrorBody) {
    super(body.message);
    this.body = body;
  }
}

interface Prepared {
  template: Json;
  expanded: ExpandedTemplate;
  mode: string;
}

/** Resource groups' deployments: create, status, operations, what-if, validate, delete. */
export class Deployments {
  private readonly deps: DeploymentDeps;
  private readonly records = new Map<string, DeploymentRecord>();

  constructor(deps: DeploymentDeps) {
    this.deps = deps;
  }

  /** Forget deployments of a removed resource group. */
  forgetGroup(groupId: string): void {
    const prefix = groupId.toLowerCase() + '/';
    for (const key of [...this.records.keys()])
      if (key.startsWith(prefix)) this.records.delete(key);
  }

  private providerContext(group: ArmResource): ProviderContext {
    return {
      state: this.deps.state,
      subscriptionId: this.deps.subscriptionId,
      tenantId: this.deps.tenantId,
      resourceGroup: group,
      defaultKubernetesVersion: this.deps.defaultKubernetesVersion
    };
  }

  private prepare(group: ArmResource, name: string, body: Json): Prepared {
    const props = (body.properties ?? {}) as Json;
    const template = props.template as Json | undefined;
    if (props.templateLink !== undefined) {
      throw new Refusal({
        code: 'InvalidRequestContent',
        message: 'templateLink is not supported by this emulator: send the template inline.'
      });
    }
    if (typeof template !== 'object' || template === null) {
      throw new Refusal({
        code: 'InvalidRequestContent',
        message: "The request content is missing 'properties.template'."
      });
    }
    const problems = validateTemplate(template, this.deps.schemasDir);
    if (problems.length > 0) {
      throw new Refusal({
        code: 'InvalidTemplate',
        message: `Deployment template validation failed: '${problems.join('; ')}'.`
      });
    }
    try {
      checkExpressions(template);
      const expanded = expandTemplate(
        template,
        (props.parameters ?? {}) as Record<string, { value?: unknown }>,
        {
          subscriptionId: this.deps.subscriptionId,
          tenantId: this.deps.tenantId,
          resourceGroup: {
            id: group.id,
            name: group.name,
            location: String(group.location),
            tags: group.tags ?? {}
          },
          deploymentName: name,
          reference: (id, full) => {
            const r = this.deps.state.get(id);
            if (!r) {
              throw new TemplateError(
                `The Resource '${id}' under resource group '${group.name}' was not found.`,
                'ResourceNotFound'
              );
            }
            return JSON.parse(JSON.stringify(full ? r : r.properties)) as unknown;
          }
        }
      );
      const details: ArmErrorBody[] = [];
      for (const r of expanded.resources) {
        const found = validateResource(r.body, r.id, this.deps.schemasDir).filter(
          p => !p.includes(': no schema for ')
        );
        details.push(...found.map(message => ({ code: 'InvalidRequestContent', message })));
        // ARM's preflight asks the resource provider about each resource it can judge now:
        // those whose dependencies exist already.
        if (r.dependsOn.every(d => this.deps.state.get(d) !== undefined)) {
          const refused = precheck(
            this.deps.providers,
            { id: r.id, name: r.name, type: r.type, body: r.body },
            this.providerContext(group)
          );
          if (refused) details.push(refused);
        }
      }
      if (details.length > 0) {
        throw new Refusal({
          code: 'InvalidTemplateDeployment',
          message: `The template deployment '${name}' is not valid according to the validation procedure. See inner errors for details.`,
          details
        });
      }
      return { template, expanded, mode: String(props.mode ?? 'Incremental') };
    } catch (e) {
      if (e instanceof TemplateError) throw new Refusal({ code: e.code, message: e.message });
      throw e;
    }
  }

  private wire(rec: DeploymentRecord): Json {
    return { id: rec.id, name: rec.name, type: DEPLOYMENT_TYPE, properties: rec.properties };
  }

  private async run(
    rec: DeploymentRecord,
    group: ArmResource,
    prepared: Prepared,
    opId: string
  ): Promise<void> {
    const { deps } = this;
    const op = deps.operations.get(opId);
    const resources = prepared.expanded.resources;
    const failure = deps.faults.takeDeploymentFailure(resources.map(r => r.type));
    await deps.sleep(20);
    rec.properties.provisioningState = 'Running';
    deps.timeline?.('deployment-running', rec.group, rec.name);
    const ctx = this.providerContext(group);
    const outcome = new Map<string, Promise<boolean>>();
    const errors: ArmErrorBody[] = [];
    const start = (index: number): Promise<boolean> => {
      const r = resources[index];
      if (!r) return Promise.resolve(false);
      const key = r.id.toLowerCase();
      const known = outcome.get(key);
      if (known) return known;
      const p = (async () => {
        const depsOk = await Promise.all(
          r.dependsOn.map(d =>
            start(resources.findIndex(x => x.id.toLowerCase() === d.toLowerCase()))
          )
        );
        if (depsOk.some(ok => !ok)) return false;
        const begun = Date.now();
        const existed = deps.state.get(r.id) !== undefined;
        const opRecord: Json = {
          id: `${rec.id}/operations/${randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()}`,
          operationId: '',
          properties: {
            provisioningOperation: 'Create',
            provisioningState: 'Running',
            timestamp: new Date().toISOString(),
            duration: 'PT0S',
            serviceRequestId: randomUUID(),
            targetResource: { id: r.id, resourceType: r.type, resourceName: r.name }
          }
        };
        opRecord.operationId = String(opRecord.id).split('/').pop();
        rec.operations.push(opRecord);
        const fail =
          failure && failure.index === index
            ? { code: failure.code, message: failure.message }
            : undefined;
        const result = await provision(
          deps.providers,
          { id: r.id, name: r.name, type: r.type, body: r.body },
          ctx,
          deps.sleep,
          fail
        );
        const props = opRecord.properties as Json;
        props.duration = isoDuration(Date.now() - begun);
        props.timestamp = new Date().toISOString();
        if (result.error) {
          props.provisioningState = 'Failed';
          props.statusCode =
            result.conflict || result.error.code === 'QuotaExceeded' ? 'Conflict' : 'BadRequest';
          props.statusMessage = { status: 'Failed', error: result.error };
          errors.push(result.error);
          return false;
        }
        props.provisioningState = 'Succeeded';
        props.statusCode = existed ? 'OK' : 'Created';
        return true;
      })();
      outcome.set(key, p);
      return p;
    };
    await Promise.all(resources.map((_r, i) => start(i)));
    const props = rec.properties;
    props.duration = isoDuration(Date.now() - rec.started);
    props.timestamp = new Date().toISOString();
    props.outputResources = resources.filter(r => deps.state.get(r.id)).map(r => ({ id: r.id }));
    let error: ArmErrorBody | undefined;
    if (errors.length > 0) {
      error = {
        code: 'DeploymentFailed',
        target: rec.id,
        message: FAILED_MESSAGE,
        details: errors
      };
    } else {
      try {
        props.outputs = prepared.expanded.outputs();
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        error = {
          code: 'DeploymentOutputEvaluationFailed',
          target: rec.id,
          message: `Unable to evaluate template outputs. Please see error details and deployment operations. Please see https://aka.ms/arm-common-errors for usage details.`,
          details: [{ code: 'DeploymentOutputEvaluationFailed', message, target: 'outputs' }]
        };
      }
    }
    if (error) {
      props.provisioningState = 'Failed';
      props.error = error;
      if (op) deps.operations.fail(op, error);
      deps.timeline?.('deployment-failed', rec.group, rec.name);
    } else {
      props.provisioningState = 'Succeeded';
      if (op) deps.operations.succeed(op);
      deps.timeline?.('deployment-succeeded', rec.group, rec.name);
    }
  }

  private templateHash(template: Json): string {
    return BigInt(
      '0x' + createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 15)
    ).toString();
  }

  private create(ctx: RequestContext, group: ArmResource, name: string, apiVersion: string): void {
    const id = `${group.id}/providers/${DEPLOYMENT_TYPE}/${name}`;
    const existing = this.records.get(id.toLowerCase());
    const state = existing?.properties.provisioningState;
    if (state === 'Accepted' || state === 'Running') {
      sendError(
        ctx.res,
        409,
        'DeploymentActive',
        `Unable to edit or replace deployment '${name}': previous deployment from '${String(existing?.properties.timestamp)}' is still active (current provisioning state: ${String(state)}). Please see https://aka.ms/arm-deploy for usage details.`
      );
      return;
    }
    const body = jsonBody(ctx);
    const prepared = this.prepare(group, name, body);
    const now = Date.now();
    const parameters = Object.fromEntries(
      Object.entries(prepared.expanded.parameters).map(([k, v]) => {
        const def = ((prepared.template.parameters ?? {}) as Record<string, Json>)[k] ?? {};
        const t = String(def.type ?? 'string').toLowerCase();
        const typeName =
          {
            string: 'String',
            securestring: 'SecureString',
            int: 'Int',
            bool: 'Bool',
            object: 'Object',
            secureobject: 'SecureObject',
            array: 'Array'
          }[t] ?? t;
        return [k, t.startsWith('secure') ? { type: typeName } : { type: typeName, value: v }];
      })
    );
    const rec: DeploymentRecord = {
      id,
      name,
      group: group.name,
      started: now,
      operations: [],
      properties: {
        templateHash: this.templateHash(prepared.template),
        parameters,
        mode: prepared.mode,
        provisioningState: 'Accepted',
        timestamp: new Date(now).toISOString(),
        duration: 'PT0S',
        correlationId: randomUUID(),
        providers: [...new Set(prepared.expanded.resources.map(r => r.type))].map(t => {
          const [namespace, ...rest] = t.split('/');
          return {
            namespace,
            resourceTypes: [{ resourceType: rest.join('/'), locations: [group.location] }]
          };
        }),
        dependencies: prepared.expanded.resources
          .filter(r => r.dependsOn.length > 0)
          .map(r => ({
            id: r.id,
            resourceType: r.type,
            resourceName: r.name,
            dependsOn: r.dependsOn.map(d => ({ id: d }))
          }))
      }
    };
    this.records.set(id.toLowerCase(), rec);
    const op = this.deps.operations.create(
      'Microsoft.Resources',
      String(group.location),
      'Running'
    );
    void this.run(rec, group, prepared, op.id);
    send(
      ctx.res,
      existing ? 200 : 201,
      this.wire(rec),
      this.deps.operations.startHeaders(op, apiVersion, false)
    );
  }

  private whatIf(ctx: RequestContext, group: ArmResource, name: string, apiVersion: string): void {
    const prepared = this.prepare(group, name, jsonBody(ctx));
    const changes: ResourceChange[] = prepared.expanded.resources.map(r => {
      const { name: _n, type: _t, apiVersion: _a, ...requested } = r.body;
      return changeFor(r.id, requested, this.deps.state.get(r.id));
    });
    if (prepared.mode.toLowerCase() === 'complete') {
      const declared = new Set(prepared.expanded.resources.map(r => r.id.toLowerCase()));
      for (const r of this.deps.state.inGroup(group.name)) {
        const nested = [...declared].some(d => r.id.toLowerCase().startsWith(d + '/'));
        if (!declared.has(r.id.toLowerCase()) && !nested) {
          changes.push({ resourceId: r.id, changeType: 'Delete', before: r });
        }
      }
    }
    const op = this.deps.operations.create('Microsoft.Resources', String(group.location));
    this.deps.operations.succeed(op, { status: 'Succeeded', properties: { changes } });
    send(ctx.res, 202, undefined, {
      Location: this.deps.operations.resultUrl(op, apiVersion),
      ...this.deps.operations.retryAfter()
    });
  }

  private validate(ctx: RequestContext, group: ArmResource, name: string): void {
    const prepared = this.prepare(group, name, jsonBody(ctx));
    send(ctx.res, 200, {
      id: `${group.id}/providers/${DEPLOYMENT_TYPE}/${name}`,
      name,
      type: DEPLOYMENT_TYPE,
      properties: {
        provisioningState: 'Succeeded',
        mode: prepared.mode,
        templateHash: this.templateHash(prepared.template),
        validatedResources: prepared.expanded.resources.map(r => ({ id: r.id }))
      }
    });
  }

  /** Routes `/subscriptions/{s}/resourcegroups/{rg}/providers/Microsoft.Resources/deployments/...`. */
  handle(ctx: RequestContext): boolean {
    const base = 'subscriptions/{s}/resourcegroups/{rg}/providers/Microsoft.Resources/deployments';
    const seg = ctx.segments;
    const list = matchPath(seg, base);
    const one = matchPath(seg, `${base}/{name}`);
    const sub = matchPath(seg, `${base}/{name}/{action}`);
    // deploymentOperations use a path without the provider segment
    const opsPath = 'subscriptions/{s}/resourcegroups/{rg}/deployments/{name}/operations';
    const opsList = matchPath(seg, opsPath);
    const opsOne = matchPath(seg, `${opsPath}/{operationId}`);
    const m = list ?? one ?? sub ?? opsList ?? opsOne;
    if (!m) return false;
    ctx.resourceType = DEPLOYMENT_TYPE;
    const apiVersion = ctx.query.get('api-version') ?? '2025-04-01';
    const group = this.deps.state.getGroup(m.rg as string);
    if (!group) {
      sendError(
        ctx.res,
        404,
        'ResourceGroupNotFound',
        `Resource group '${m.rg}' could not be found.`
      );
      return true;
    }
    const id = m.name !== undefined ? `${group.id}/providers/${DEPLOYMENT_TYPE}/${m.name}` : '';
    const rec = this.records.get(id.toLowerCase());
    try {
      if (list && ctx.method === 'GET') {
        ctx.operation = 'list';
        const prefix = group.id.toLowerCase() + '/';
        send(ctx.res, 200, {
          value: [...this.records.entries()]
            .filter(([k]) => k.startsWith(prefix))
            .map(([, r]) => this.wire(r))
        });
      } else if (one && ctx.method === 'PUT') {
        ctx.operation = 'put';
        this.create(ctx, group, m.name as string, apiVersion);
      } else if (one && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
        ctx.operation = 'get';
        if (!rec)
          sendError(
            ctx.res,
            404,
            'DeploymentNotFound',
            `Deployment '${m.name}' could not be found.`
          );
        else if (ctx.method === 'HEAD') send(ctx.res, 204);
        else send(ctx.res, 200, this.wire(rec));
      } else if (one && ctx.method === 'DELETE') {
        ctx.operation = 'delete';
        const state = rec?.properties.provisioningState;
        if (state === 'Accepted' || state === 'Running') {
          sendError(ctx.res, 409, 'DeploymentActive', `Deployment '${m.name}' is still active.`);
        } else {
          this.records.delete(id.toLowerCase());
          send(ctx.res, rec ? 200 : 204);
        }
      } else if (
        (opsList || (sub && (m.action as string).toLowerCase() === 'operations')) &&
        ctx.method === 'GET'
      ) {
        ctx.operation = 'listOperations';
        if (!rec)
          sendError(
            ctx.res,
            404,
            'DeploymentNotFound',
            `Deployment '${m.name}' could not be found.`
          );
        else send(ctx.res, 200, { value: rec.operations });
      } else if (opsOne && ctx.method === 'GET') {
        ctx.operation = 'getOperation';
        const found = rec?.operations.find(o => String(o.operationId) === m.operationId);
        if (!found)
          sendError(
            ctx.res,
            404,
            'DeploymentOperationNotFound',
            `Operation '${m.operationId}' could not be found.`
          );
        else send(ctx.res, 200, found);
      } else if (sub && ctx.method === 'POST' && (m.action as string).toLowerCase() === 'whatif') {
        ctx.operation = 'whatIf';
        this.whatIf(ctx, group, m.name as string, apiVersion);
      } else if (
        sub &&
        ctx.method === 'POST' &&
        (m.action as string).toLowerCase() === 'validate'
      ) {
        ctx.operation = 'validate';
        this.validate(ctx, group, m.name as string);
      } else {
        sendError(
          ctx.res,
          405,
          'MethodNotAllowed',
          `${ctx.method} is not supported on ${ctx.path}.`
        );
      }
    } catch (e) {
      if (e instanceof Refusal) {
        sendError(
          ctx.res,
          400,
          e.body.code,
          e.body.message,
          e.body.details ? { details: e.body.details } : {}
        );
      } else if (e instanceof SyntaxError) {
        sendError(
          ctx.res,
          400,
          'InvalidRequestContent',
          `The request content was invalid and could not be deserialized: '${e.message}'.`
        );
      } else {
        throw e;
      }
    }
    return true;
  }
}
