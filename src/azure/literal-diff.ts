/** Comparing a template's fixed values with what ARM reports for the live resource. */

type Json = Record<string, unknown>;

/**
 * Differences at the template's fixed values. Expressions (`"[...]"`) depend on parameters and
 * are compared by the specific checks instead.
 */
export function literalDifferences(wanted: unknown, actual: unknown, path: string): string[] {
  if (isExpression(wanted)) return [];
  if (isObject(wanted)) {
    const live = isObject(actual) ? actual : {};
    return Object.entries(wanted).flatMap(([key, value]) =>
      literalDifferences(value, findKey(live, key), `${path}.${key}`)
    );
  }
  if (Array.isArray(wanted) && wanted.some(isExpression)) return [];
  return sameValue(wanted, actual) ? [] : [`${path}: ${show(actual)} → ${show(wanted)}`];
}

function isExpression(value: unknown): boolean {
  return (
    typeof value === 'string' &&
    value.startsWith('[') &&
    !value.startsWith('[[') &&
    value.endsWith(']')
  );
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** ARM property names are case-insensitive. */
function findKey(object: Json, key: string): unknown {
  if (key in object) return object[key];
  const found = Object.keys(object).find(k => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : object[found];
}

/** Equal up to the case of strings (ARM echoes `Standard` for `standard`) and the order of keys. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every(k => sameValue(findKey(a, k), findKey(b, k)));
  }
  return a === b;
}

export function show(value: unknown): string {
  return value === undefined ? '(unset)' : JSON.stringify(value);
}
