/**
 * Template functions the emulator evaluates. This is deliberately a small subset of ARM's
 * template language, enough for the templates in manifests/azure:
 *
 *   parameters(name)        variables(name)          copyIndex([loopName], [offset])
 *   concat(a, b, ...)       format(fmt, args...)     string(v)      toLower(s)   toUpper(s)
 *   if(cond, a, b)          equals(a, b)             not(b)         and(...)     or(...)
 *   empty(v)                length(v)                contains(container, item)
 *   union(a, b, ...)        createObject(k, v, ...)  createArray(...)
 *   resourceId([sub], [rg], type, name...)           resourceGroup()  subscription()
 *   reference(id, [apiVersion], ['Full'])            true()  false()  null()
 *
 * Member access (`.name`) and indexing (`[0]`, `['key']`) work on any result. Any other
 * function name is refused as ARM refuses it: InvalidTemplate naming the function.
 */
import type { EvalContext } from './context.ts';
import { TemplateError } from './errors.ts';
import type { ExprNode } from './expression.ts';

export type Evaluate = (node: ExprNode) => unknown;
type Fn = (args: ExprNode[], ev: Evaluate, ctx: EvalContext) => unknown;

const all =
  (fn: (values: unknown[], ctx: EvalContext) => unknown): Fn =>
  (args, ev, ctx) =>
    fn(
      args.map(a => ev(a)),
      ctx
    );

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every(k => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

function toText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  return JSON.stringify(v);
}

function argError(fn: string, what: string): never {
  throw new TemplateError(`Unable to evaluate template language function '${fn}': ${what}.`);
}

function requireString(fn: string, v: unknown): string {
  if (typeof v !== 'string') argError(fn, `expected a string argument but got ${typeof v}`);
  return v;
}

function lengthOf(v: unknown): number {
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (isObject(v)) return Object.keys(v).length;
  return argError('length', 'the argument must be a string, an array or an object');
}

function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'string' || Array.isArray(v)) return v.length === 0;
  if (isObject(v)) return Object.keys(v).length === 0;
  return argError('empty', 'the argument must be a string, an array, an object or null');
}

function union(values: unknown[]): unknown {
  if (values.every(isObject)) {
    return Object.assign({}, ...(values as object[]));
  }
  if (values.every(Array.isArray)) {
    const out: unknown[] = [];
    for (const arr of values as unknown[][]) {
      for (const item of arr) if (!out.some(x => deepEqual(x, item))) out.push(item);
    }
    return out;
  }
  return argError('union', 'all arguments must be objects or all arrays');
}

function format(values: unknown[]): string {
  const fmt = requireString('format', values[0]);
  return fmt.replace(/\{\{|\}\}|\{(\d+)(?::[^}]*)?\}/g, (m, idx: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const i = Number(idx) + 1;
    if (i >= values.length) argError('format', `index ${idx} is out of range`);
    return toText(values[i]);
  });
}

/** resourceId([subscriptionId], [resourceGroupName], type, name1, name2, ...). */
function resourceId(values: unknown[], ctx: EvalContext): string {
  const strs = values.map(v => requireString('resourceId', v));
  const typeAt = strs.findIndex(s => s.includes('/'));
  if (typeAt < 0 || typeAt > 2)
    argError('resourceId', 'a fully qualified resource type is required');
  const scope = strs.slice(0, typeAt);
  const sub = scope.length === 2 ? (scope[0] as string) : ctx.subscriptionId;
  const rg = scope.length >= 1 ? (scope[scope.length - 1] as string) : ctx.resourceGroup.name;
  const [namespace, ...types] = (strs[typeAt] as string).split('/');
  const names = strs.slice(typeAt + 1).flatMap(n => n.split('/'));
  if (names.length !== types.length) {
    argError(
      'resourceId',
      `resource type '${strs[typeAt]}' needs ${types.length} name segment(s), got ${names.length}`
    );
  }
  const pairs = types.map((t, i) => `${t}/${names[i]}`).join('/');
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/${namespace}/${pairs}`;
}

function copyIndex(values: unknown[], ctx: EvalContext): number {
  if (values.length === 0) return ctx.copyIndex();
  if (typeof values[0] === 'number') return ctx.copyIndex() + values[0];
  const loop = requireString('copyIndex', values[0]);
  const offset = typeof values[1] === 'number' ? values[1] : 0;
  return ctx.copyIndex(loop) + offset;
}

function createObject(values: unknown[]): Record<string, unknown> {
  if (values.length % 2 !== 0) argError('createObject', 'expects key/value pairs');
  const out: Record<string, unknown> = {};
  for (let i = 0; i < values.length; i += 2) {
    out[requireString('createObject', values[i])] = values[i + 1];
  }
  return out;
}

function contains(values: unknown[]): boolean {
  const [container, item] = values;
  if (typeof container === 'string') return container.includes(toText(item));
  if (Array.isArray(container)) return container.some(x => deepEqual(x, item));
  if (isObject(container)) return typeof item === 'string' && item in container;
  return argError('contains', 'the container must be a string, an array or an object');
}

const FUNCTIONS: Record<string, Fn> = {
  parameters: all(([name], ctx) => ctx.parameter(requireString('parameters', name))),
  variables: all(([name], ctx) => ctx.variable(requireString('variables', name))),
  copyindex: all(copyIndex),
  concat: all(values =>
    values.every(Array.isArray) && values.length > 0
      ? (values as unknown[][]).flat()
      : values.map(toText).join('')
  ),
  format: all(format),
  string: all(([v]) => toText(v)),
  tolower: all(([v]) => requireString('toLower', v).toLowerCase()),
  toupper: all(([v]) => requireString('toUpper', v).toUpperCase()),
  if: (args, ev) => {
    if (args.length !== 3) argError('if', 'expects 3 arguments');
    const cond = ev(args[0] as ExprNode);
    if (typeof cond !== 'boolean') argError('if', 'the condition must be a boolean');
    return ev((cond ? args[1] : args[2]) as ExprNode);
  },
  equals: all(([a, b]) => deepEqual(a, b)),
  not: all(([v]) => {
    if (typeof v !== 'boolean') argError('not', 'the argument must be a boolean');
    return !v;
  }),
  and: all(values => values.every(v => v === true)),
  or: all(values => values.some(v => v === true)),
  empty: all(([v]) => isEmpty(v)),
  length: all(([v]) => lengthOf(v)),
  contains: all(contains),
  union: all(union),
  createobject: all(createObject),
  createarray: all(values => values),
  resourceid: all(resourceId),
  resourcegroup: all((_v, ctx) => ({
    id: ctx.resourceGroup.id,
    name: ctx.resourceGroup.name,
    type: 'Microsoft.Resources/resourceGroups',
    location: ctx.resourceGroup.location,
    tags: ctx.resourceGroup.tags ?? {},
    properties: { provisioningState: 'Succeeded' }
  })),
  subscription: all((_v, ctx) => ({
    id: `/subscriptions/${ctx.subscriptionId}`,
    subscriptionId: ctx.subscriptionId,
    tenantId: ctx.tenantId,
    displayName: 'Emulated subscription'
  })),
  reference: all(([id, , full], ctx) =>
    ctx.reference(
      requireString('reference', id),
      typeof full === 'string' && full.toLowerCase() === 'full'
    )
  ),
  true: () => true,
  false: () => false,
  null: () => null
};

export const SUPPORTED_FUNCTIONS: ReadonlySet<string> = new Set(Object.keys(FUNCTIONS));

export function callFunction(
  name: string,
  args: ExprNode[],
  ev: Evaluate,
  ctx: EvalContext
): unknown {
  const fn = FUNCTIONS[name.toLowerCase()];
  if (!fn) {
    throw new TemplateError(
      `The template function '${name}' is not valid. Please see https://aka.ms/arm-functions for usage details.`
    );
  }
  return fn(args, ev, ctx);
}
