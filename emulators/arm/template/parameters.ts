import type { EvalContext } from './context.ts';
import { TemplateError } from './errors.ts';
import { evaluateValue } from './evaluate.ts';

interface ParameterDefinition {
  type?: string;
  defaultValue?: unknown;
  allowedValues?: unknown[];
  minValue?: number;
  maxValue?: number;
  minLength?: number;
  maxLength?: number;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'String',
  securestring: 'SecureString',
  int: 'Integer',
  bool: 'Boolean',
  object: 'Object',
  secureobject: 'SecureObject',
  array: 'Array'
};

function hasType(type: string, v: unknown): boolean {
  switch (type) {
    case 'string':
    case 'securestring':
      return typeof v === 'string';
    case 'int':
      return Number.isInteger(v);
    case 'bool':
      return typeof v === 'boolean';
    case 'object':
    case 'secureobject':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    default:
      return true;
  }
}

/**
 * Resolves deployment parameter values (`{ name: { value } }`) against the template's
 * parameter definitions: defaults, types, allowed values and bounds, as ARM checks them.
 */
export function resolveParameters(
  definitions: Record<string, ParameterDefinition>,
  supplied: Record<string, { value?: unknown }>,
  ctx: EvalContext
): Record<string, unknown> {
  const unknown = Object.keys(supplied).filter(k => !(k in definitions));
  if (unknown.length > 0) {
    throw new TemplateError(
      `The template parameters '${unknown.join(', ')}' in the parameters file are not valid; they are not present in the original template and can therefore not be provided at deployment time. The only supported parameters for this template are '${Object.keys(definitions).join(', ')}'.`,
      'InvalidTemplate'
    );
  }
  const out: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(definitions)) {
    const type = (def.type ?? 'string').toLowerCase();
    let value: unknown;
    if (name in supplied && supplied[name] && 'value' in (supplied[name] as object)) {
      value = (supplied[name] as { value?: unknown }).value;
    } else if ('defaultValue' in def) {
      value = evaluateValue(def.defaultValue, { ...ctx, parameter: p => out[p] });
    } else {
      throw new TemplateError(
        `Deployment template validation failed: 'The value for the template parameter '${name}' is not provided. Please see https://aka.ms/arm-create-parameter-file for usage details.'.`
      );
    }
    if (!hasType(type, value)) {
      throw new TemplateError(
        `Template parameter '${name}' was provided an invalid value. Expected a value of type '${TYPE_NAMES[type] ?? type}', but received a value of type '${Array.isArray(value) ? 'Array' : typeof value}'.`
      );
    }
    if (
      def.allowedValues &&
      !def.allowedValues.some(a => JSON.stringify(a) === JSON.stringify(value))
    ) {
      throw new TemplateError(
        `The provided value '${String(value)}' for the template parameter '${name}' is not valid. The parameter value is not part of the allowed value(s): '${def.allowedValues.join(',')}'.`
      );
    }
    if (typeof value === 'number') {
      if (def.minValue !== undefined && value < def.minValue) {
        throw new TemplateError(
          `The provided value '${value}' for the template parameter '${name}' is not valid: it is less than the minimum value '${def.minValue}'.`
        );
      }
      if (def.maxValue !== undefined && value > def.maxValue) {
        throw new TemplateError(
          `The provided value '${value}' for the template parameter '${name}' is not valid: it is greater than the maximum value '${def.maxValue}'.`
        );
      }
    }
    if (typeof value === 'string' || Array.isArray(value)) {
      if (def.minLength !== undefined && value.length < def.minLength) {
        throw new TemplateError(
          `The provided value for the template parameter '${name}' is not valid: its length is less than the minimum length '${def.minLength}'.`
        );
      }
      if (def.maxLength !== undefined && value.length > def.maxLength) {
        throw new TemplateError(
          `The provided value for the template parameter '${name}' is not valid: its length is greater than the maximum length '${def.maxLength}'.`
        );
      }
    }
    out[name] = value;
  }
  return out;
}
