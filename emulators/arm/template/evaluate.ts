import type { EvalContext } from './context.ts';
import { TemplateError } from './errors.ts';
import { type ExprNode, isExpression, literalString, parseExpression } from './expression.ts';
import { callFunction } from './functions.ts';

function member(target: unknown, key: unknown, text: string): unknown {
  if (Array.isArray(target)) {
    if (typeof key !== 'number' || key < 0 || key >= target.length) {
      throw new TemplateError(
        `The language expression '${text}' is not valid: index '${String(key)}' is out of range of an array of length ${target.length}.`
      );
    }
    return target[key];
  }
  if (typeof target === 'object' && target !== null && typeof key === 'string') {
    const obj = target as Record<string, unknown>;
    if (key in obj) return obj[key];
    const found = Object.keys(obj).find(k => k.toLowerCase() === key.toLowerCase());
    if (found !== undefined) return obj[found];
    throw new TemplateError(
      `The language expression property '${key}' doesn't exist, available properties are '${Object.keys(obj).join(', ')}'.`
    );
  }
  throw new TemplateError(
    `The language expression '${text}' is not valid: cannot select '${String(key)}' from a ${target === null ? 'null' : typeof target} value.`
  );
}

/** Evaluates one parsed expression. */
export function evaluateNode(node: ExprNode, ctx: EvalContext, text = ''): unknown {
  const ev = (n: ExprNode): unknown => evaluateNode(n, ctx, text);
  switch (node.kind) {
    case 'string':
    case 'number':
      return node.value;
    case 'call':
      return callFunction(node.name, node.args, ev, ctx);
    case 'property':
      return member(ev(node.target), node.name, text);
    case 'index':
      return member(ev(node.target), ev(node.index), text);
  }
}

/** Evaluates a string: an expression `[...]` yields any JSON value; other strings stay literal. */
export function evaluateString(value: string, ctx: EvalContext): unknown {
  if (!isExpression(value)) return literalString(value);
  const text = value.slice(1, -1);
  return evaluateNode(parseExpression(text), ctx, text);
}

/** Evaluates every expression inside a JSON value (object keys included). */
export function evaluateValue(value: unknown, ctx: EvalContext): unknown {
  if (typeof value === 'string') return evaluateString(value, ctx);
  if (Array.isArray(value)) return value.map(v => evaluateValue(v, ctx));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[String(evaluateString(k, ctx))] = evaluateValue(v, ctx);
    }
    return out;
  }
  return value;
}

/** Drops properties whose value is null: ARM treats them as not specified. */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = dropNulls(v);
    return out;
  }
  return value;
}
