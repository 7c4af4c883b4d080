import type { EvalContext, ResourceGroupInfo } from './context.ts';
import { TemplateError } from './errors.ts';
import { dropNulls, evaluateString, evaluateValue } from './evaluate.ts';
import { resolveParameters } from './parameters.ts';

/** One resource of a template after expressions, conditions and copy loops are resolved. */
export interface ExpandedResource {
  id: string;
  name: string;
  type: string;
  apiVersion: string;
  /** Ids of the resources this one waits for. */
  dependsOn: string[];
  /** The evaluated resource declaration (name, type, apiVersion, location, tags, properties, ...). */
  body: Record<string, unknown>;
}

export interface DeploymentScope {
  subscriptionId: string;
  tenantId: string;
  resourceGroup: ResourceGroupInfo;
  deploymentName: string;
  reference(resourceId: string, full: boolean): unknown;
}

export interface ExpandedTemplate {
  parameters: Record<string, unknown>;
  resources: ExpandedResource[];
  /** Evaluates the outputs; call once the resources exist (reference() reads their state). */
  outputs(): Record<string, { type: string; value: unknown }>;
}

type Json = Record<string, unknown>;

const OUTPUT_TYPES: Record<string, string> = {
  string: 'String',
  securestring: 'SecureString',
  int: 'Int',
  bool: 'Bool',
  object: 'Object',
  secureobject: 'SecureObject',
  array: 'Array'
};

/** `/subscriptions/s/resourceGroups/rg/providers/NS/t1/n1/t2/n2` from a type and a name. */
export function resourceIdFor(
  subscriptionId: string,
  resourceGroup: string,
  type: string,
  name: string
): string {
  const [namespace, ...types] = type.split('/');
  const names = name.split('/');
  if (!namespace || types.length === 0 || names.length !== types.length) {
    throw new TemplateError(
      `The template resource '${name}' for type '${type}' has incorrect segment lengths. A nested resource type must have identical number of segments as its resource name.`
    );
  }
  const pairs = types.map((t, i) => `${t}/${names[i]}`).join('/');
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${namespace}/${pairs}`;
}

function baseContext(scope: DeploymentScope, template: Json): EvalContext {
  const variableDefs = (template.variables ?? {}) as Json;
  const cache = new Map<string, unknown>();
  const evaluating = new Set<string>();
  const ctx: EvalContext = {
    subscriptionId: scope.subscriptionId,
    tenantId: scope.tenantId,
    resourceGroup: scope.resourceGroup,
    deploymentName: scope.deploymentName,
    parameter: () => undefined,
    variable: name => {
      const key = Object.keys(variableDefs).find(k => k.toLowerCase() === name.toLowerCase());
      if (key === undefined) {
        throw new TemplateError(`The template variable '${name}' is not found.`);
      }
      if (cache.has(key)) return cache.get(key);
      if (evaluating.has(key)) {
        throw new TemplateError(`The template variable '${key}' refers to itself.`);
      }
      evaluating.add(key);
      const value = evaluateValue(variableDefs[key], ctx);
      evaluating.delete(key);
      cache.set(key, value);
      return value;
    },
    copyIndex: () => {
      throw new TemplateError(
        "The template function 'copyIndex' is not expected at this location. The function can only be used in a resource with copy specified."
      );
    },
    reference: (id, full) => scope.reference(id, full)
  };
  return ctx;
}

/** Evaluates a template for a deployment: parameters, resources (copy, condition) and outputs. */
export function expandTemplate(
  template: Json,
  supplied: Record<string, { value?: unknown }>,
  scope: DeploymentScope
): ExpandedTemplate {
  const ctx = baseContext(scope, template);
  const parameters = resolveParameters(
    (template.parameters ?? {}) as Record<string, Json>,
    supplied,
    ctx
  );
  ctx.parameter = name => {
    const key = Object.keys(parameters).find(k => k.toLowerCase() === name.toLowerCase());
    if (key === undefined)
      throw new TemplateError(`The template parameter '${name}' is not found.`);
    return parameters[key];
  };

  const declared = Array.isArray(template.resources)
    ? (template.resources as Json[])
    : Object.values((template.resources ?? {}) as Record<string, Json>);
  const expanded: (ExpandedResource & { rawDependsOn: string[]; loop?: string })[] = [];

  for (const decl of declared) {
    if (decl.resources !== undefined) {
      throw new TemplateError(
        `The template resource '${String(decl.name)}' declares nested child resources, which this emulator does not support: declare them at the top level.`
      );
    }
    const copy = decl.copy as Json | undefined;
    const loopName = copy ? String(copy.name) : undefined;
    const count = copy ? evaluateValue(copy.count, ctx) : 1;
    if (!Number.isInteger(count) || (count as number) < 0) {
      throw new TemplateError(
        `The copy count of resource '${String(decl.name)}' must be a non-negative integer.`
      );
    }
    for (let i = 0; i < (count as number); i++) {
      const itemCtx: EvalContext = copy
        ? {
            ...ctx,
            copyIndex: loop => {
              if (loop !== undefined && loop.toLowerCase() !== loopName?.toLowerCase()) {
                throw new TemplateError(`The copy loop '${loop}' is not found.`);
              }
              return i;
            }
          }
        : ctx;
      if ('condition' in decl) {
        const cond =
          typeof decl.condition === 'string'
            ? evaluateString(decl.condition, itemCtx)
            : decl.condition;
        if (cond === false) continue;
      }
      const { copy: _copy, condition: _condition, dependsOn, comments: _comments, ...rest } = decl;
      const body = dropNulls(evaluateValue(rest, itemCtx)) as Json;
      const name = body.name;
      const type = body.type;
      if (typeof name !== 'string' || typeof type !== 'string') {
        throw new TemplateError('Every template resource needs a string name and type.');
      }
      expanded.push({
        id: resourceIdFor(scope.subscriptionId, scope.resourceGroup.name, type, name),
        name,
        type,
        apiVersion: String(body.apiVersion ?? ''),
        dependsOn: [],
        rawDependsOn: ((dependsOn ?? []) as unknown[]).map(d => String(evaluateValue(d, itemCtx))),
        body,
        ...(loopName !== undefined ? { loop: loopName } : {})
      });
    }
  }

  for (const r of expanded) {
    const ids = new Set<string>();
    for (const dep of r.rawDependsOn) {
      const d = dep.toLowerCase();
      const hits = expanded.filter(
        o =>
          o.id.toLowerCase() === d ||
          o.name.toLowerCase() === d ||
          `${o.type}/${o.name}`.toLowerCase() === d ||
          o.loop?.toLowerCase() === d
      );
      if (hits.length === 0) {
        // declared-but-skipped (condition false) resources are fine to depend on
        const declaredName = declared.some(
          x => typeof x.copy === 'object' && String((x.copy as Json).name).toLowerCase() === d
        );
        if (!declaredName && !d.startsWith('/subscriptions/')) {
          throw new TemplateError(`The resource '${dep}' is not defined in the template.`);
        }
      }
      for (const h of hits) if (h !== r) ids.add(h.id);
    }
    r.dependsOn = [...ids];
  }

  const resources: ExpandedResource[] = expanded.map(
    ({ rawDependsOn: _r, loop: _l, ...rest }) => rest
  );
  return {
    parameters,
    resources,
    outputs: () => {
      const out: Record<string, { type: string; value: unknown }> = {};
      for (const [name, def] of Object.entries((template.outputs ?? {}) as Record<string, Json>)) {
        if ('condition' in def) {
          const cond =
            typeof def.condition === 'string' ? evaluateString(def.condition, ctx) : def.condition;
          if (cond === false) continue;
        }
        const type = String(def.type ?? 'string').toLowerCase();
        out[name] = {
          type: OUTPUT_TYPES[type] ?? String(def.type),
          value: evaluateValue(def.value, ctx)
        };
      }
      return out;
    }
  };
}
