/** Applies a workflow's input declarations (types, defaults, required) to the given inputs. */
import type { InputDeclaration } from './model.ts';
import { evaluateToken } from './tokens.ts';
import type { Scope } from './expressions.ts';
import { WorkflowError } from './errors.ts';

export type InputValue = string | boolean | number;

function coerce(name: string, decl: InputDeclaration, value: unknown): InputValue {
  const fail = (): never => {
    throw new WorkflowError(`input '${name}' must be a ${decl.type}, got ${JSON.stringify(value)}`);
  };
  switch (decl.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      return fail();
    case 'number': {
      if (typeof value === 'number') return value;
      const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      return Number.isNaN(parsed) ? fail() : parsed;
    }
    default: {
      if (typeof value !== 'string') return fail();
      if (decl.type === 'choice' && !(decl.options ?? []).includes(value)) {
        throw new WorkflowError(
          `input '${name}' must be one of ${(decl.options ?? []).join(', ')}, got '${value}'`
        );
      }
      return value;
    }
  }
}

function emptyValue(decl: InputDeclaration): InputValue {
  if (decl.type === 'boolean') return false;
  if (decl.type === 'number') return 0;
  return '';
}

/**
 * @param scope evaluates `${{ }}` in defaults (only `github` and friends are meaningful there)
 */
export function resolveInputs(
  declarations: Record<string, InputDeclaration>,
  given: Record<string, unknown>,
  scope: Scope
): Record<string, InputValue> {
  const names = Object.keys(declarations);
  for (const name of Object.keys(given)) {
    if (!names.includes(name)) {
      throw new WorkflowError(
        `unknown input '${name}' (declared: ${names.length ? names.join(', ') : 'none'})`
      );
    }
  }
  const resolved: Record<string, InputValue> = {};
  for (const [name, decl] of Object.entries(declarations)) {
    if (given[name] !== undefined) resolved[name] = coerce(name, decl, given[name]);
    else if (decl.default !== undefined) {
      const value = evaluateToken(decl.default, scope);
      // YAML reads `default: 3` as a number even for a string input
      const textual = !['boolean', 'number'].includes(decl.type) && typeof value !== 'object';
      resolved[name] = coerce(name, decl, textual ? String(value) : value);
    } else if (decl.required) throw new WorkflowError(`required input '${name}' was not provided`);
    else resolved[name] = emptyValue(decl);
  }
  return resolved;
}
