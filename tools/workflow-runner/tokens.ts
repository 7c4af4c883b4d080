/** Evaluation of parsed template tokens (literals, `${{ }}` expressions, mappings, sequences). */
import type { MappingToken, TemplateToken } from '@actions/workflow-parser/templates/tokens/index';
import {
  isBasicExpression,
  isBoolean,
  isLiteral,
  isMapping,
  isNumber,
  isSequence,
  isString
} from '@actions/workflow-parser/templates/tokens/type-guards';
import { evaluate, evaluateTemplate, toRunnerString } from './expressions.ts';
import type { Scope } from './expressions.ts';
import { WorkflowError } from './errors.ts';
import { templateTextOf } from './multiline-scalars.ts';

export function evaluateToken(token: TemplateToken, scope: Scope): unknown {
  if (isString(token) || isNumber(token) || isBoolean(token)) return token.value;
  if (isBasicExpression(token)) {
    const template = templateTextOf(token);
    return template === undefined
      ? evaluate(token.expression, scope)
      : evaluateTemplate(template, scope);
  }
  if (isSequence(token)) return [...token].map(item => evaluateToken(item, scope));
  if (isMapping(token)) return evaluateMapping(token, scope);
  if (isLiteral(token)) return null;
  throw new WorkflowError(
    `line ${token.line ?? '?'}: ${token.typeName()} is unsupported by the local workflow runner`
  );
}

export function evaluateString(token: TemplateToken, scope: Scope): string {
  return toRunnerString(evaluateToken(token, scope));
}

export function evaluateMapping(token: MappingToken, scope: Scope): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const { key, value } of token) {
    result[evaluateString(key, scope)] = evaluateToken(value, scope);
  }
  return result;
}

export function evaluateStringMapping(
  token: MappingToken | undefined,
  scope: Scope
): Record<string, string> {
  const result: Record<string, string> = {};
  if (!token) return result;
  for (const { key, value } of token) {
    result[evaluateString(key, scope)] = evaluateString(value, scope);
  }
  return result;
}
