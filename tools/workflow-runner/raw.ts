/** Small helpers for reading the raw (schema-validated) workflow token tree. */
import type {
  MappingToken,
  SequenceToken,
  TemplateToken
} from '@actions/workflow-parser/templates/tokens/index';
import {
  isBoolean,
  isMapping,
  isNumber,
  isSequence,
  isString
} from '@actions/workflow-parser/templates/tokens/type-guards';
import { WorkflowError, unsupported } from './errors.ts';

export function entries(mapping: MappingToken): [string, TemplateToken][] {
  return [...mapping].map(({ key, value }) => [key.toString(), value]);
}

export function find(mapping: MappingToken | undefined, key: string): TemplateToken | undefined {
  return mapping?.find(key);
}

export function findMapping(
  mapping: MappingToken | undefined,
  key: string
): MappingToken | undefined {
  const token = find(mapping, key);
  return token && isMapping(token) ? token : undefined;
}

export function findSequence(
  mapping: MappingToken | undefined,
  key: string
): SequenceToken | undefined {
  const token = find(mapping, key);
  return token && isSequence(token) ? token : undefined;
}

/** A plain (non-expression) string value, or an error naming where it was expected. */
export function literalString(token: TemplateToken | undefined, where: string): string | undefined {
  if (token === undefined) return undefined;
  if (isString(token)) return token.value;
  if (isNumber(token) || isBoolean(token)) return String(token.value);
  throw new WorkflowError(`${where} must be a plain string, not an expression`);
}

export function literalBoolean(token: TemplateToken | undefined): boolean | undefined {
  if (token === undefined) return undefined;
  if (isBoolean(token)) return token.value;
  if (isString(token)) return token.value === 'true';
  return undefined;
}

/** Rejects keys outside `allowed`, naming the first offending one. */
export function checkKeys(mapping: MappingToken, allowed: readonly string[], where: string): void {
  for (const [key] of entries(mapping)) {
    if (!allowed.includes(key)) throw unsupported(`'${key}'`, where);
  }
}
