import { TemplateError } from './errors.ts';
import { functionNames, isExpression, parseExpression } from './expression.ts';
import { SUPPORTED_FUNCTIONS } from './functions.ts';

function* strings(value: unknown): Generator<string> {
  if (typeof value === 'string') {
    yield value;
  } else if (Array.isArray(value)) {
    for (const v of value) yield* strings(v);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      yield k;
      yield* strings(v);
    }
  }
}

/**
 * Parses every expression of a template and refuses unknown functions before anything is
 * deployed, as ARM does when a deployment is submitted.
 */
export function checkExpressions(template: Record<string, unknown>): void {
  for (const s of strings(template)) {
    if (!isExpression(s)) continue;
    for (const name of functionNames(parseExpression(s.slice(1, -1)))) {
      if (!SUPPORTED_FUNCTIONS.has(name)) {
        throw new TemplateError(
          `The template function '${name}' is not valid. Please see https://aka.ms/arm-functions for usage details.`
        );
      }
    }
  }
}
