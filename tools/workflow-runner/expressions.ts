/** Expression evaluation with GitHub's evaluator (@actions/expressions). */
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import type { Expr } from '@actions/expressions';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { truthy } from '@actions/expressions/result';
import { WorkflowError, messageOf } from './errors.ts';
import { splitTemplate } from './template-string.ts';

export interface StatusFunctions {
  success: () => boolean;
  failure: () => boolean;
  cancelled: () => boolean;
}

export interface Scope {
  /** Named contexts (`github`, `inputs`, `steps`, ...) as plain JSON-like values. */
  contexts: Record<string, unknown>;
  status?: StatusFunctions;
}

/** Every context name a workflow may use; used when only the shape of an expression matters. */
export const ALL_CONTEXTS = [
  'github',
  'inputs',
  'secrets',
  'vars',
  'env',
  'job',
  'jobs',
  'steps',
  'runner',
  'needs',
  'strategy',
  'matrix'
];

/** Functions the runner offers on top of @actions/expressions' built-ins. */
export const RUNNER_FUNCTIONS = ['success', 'failure', 'cancelled', 'always', 'hashfiles'];
export const UNSUPPORTED_FUNCTIONS = new Set(['hashfiles']);

const DEFAULT_STATUS: StatusFunctions = {
  success: () => true,
  failure: () => false,
  cancelled: () => false
};

function flag(name: string, value: () => boolean): FunctionDefinition {
  return { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(value()) };
}

function runnerFunctions(status: StatusFunctions): Map<string, FunctionDefinition> {
  const hashFiles: FunctionDefinition = {
    name: 'hashFiles',
    minArgs: 1,
    maxArgs: 255,
    call: () => {
      throw new WorkflowError('hashFiles() is unsupported by the local workflow runner');
    }
  };
  return new Map([
    ['success', flag('success', status.success)],
    ['failure', flag('failure', status.failure)],
    ['cancelled', flag('cancelled', status.cancelled)],
    ['always', flag('always', () => true)],
    ['hashfiles', hashFiles]
  ]);
}

const FUNCTION_INFO = [...runnerFunctions(DEFAULT_STATUS).values()].map(
  ({ name, minArgs, maxArgs }) => ({ name, minArgs, maxArgs })
);

/** Parses an expression (without `${{ }}`); undefined for an empty one. */
export function parseExpression(
  source: string,
  contextNames: string[] = ALL_CONTEXTS
): Expr | undefined {
  try {
    const tokens = new Lexer(source).lex().tokens;
    return new Parser(tokens, contextNames, FUNCTION_INFO).parse();
  } catch (err) {
    throw new WorkflowError(`invalid expression '${source}': ${messageOf(err)}`);
  }
}

export function toExpressionData(value: unknown): data.ExpressionData {
  return JSON.parse(JSON.stringify(value ?? null), data.reviver) as data.ExpressionData;
}

export function fromExpressionData(value: data.ExpressionData): unknown {
  return JSON.parse(JSON.stringify(value, data.replacer)) as unknown;
}

function evaluateData(source: string, scope: Scope): data.ExpressionData {
  const contexts = Object.fromEntries(
    Object.entries(scope.contexts).filter(([, v]) => v !== undefined)
  );
  const expr = parseExpression(source, Object.keys(contexts));
  if (!expr) return new data.Null();
  const root = toExpressionData(contexts) as data.Dictionary;
  try {
    return new Evaluator(expr, root, runnerFunctions(scope.status ?? DEFAULT_STATUS)).evaluate();
  } catch (err) {
    if (err instanceof WorkflowError) throw err;
    throw new WorkflowError(`error evaluating '${source}': ${messageOf(err)}`);
  }
}

/** Evaluates an expression to a plain JSON-like value. */
export function evaluate(source: string, scope: Scope): unknown {
  return fromExpressionData(evaluateData(source, scope));
}

/**
 * Evaluates text with embedded `${{ }}` expressions, each result converted to a string as
 * `format()` does.
 */
export function evaluateTemplate(text: string, scope: Scope): string {
  return splitTemplate(text)
    .map(part =>
      typeof part === 'string' ? part : evaluateData(part.expression, scope).coerceString()
    )
    .join('');
}

/** Evaluates a condition (`if:`) with the runner's truthiness rules. */
export function evaluateCondition(source: string, scope: Scope): boolean {
  return truthy(evaluateData(source, scope));
}

/** How the runner turns a value into a string (env values, action inputs, `run:` text). */
export function toRunnerString(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value, null, 2);
}
