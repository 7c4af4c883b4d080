import { badRequest } from './errors.ts';
import type { KubeObject } from './types.ts';

type Requirement =
  { op: 'in' | 'notin'; key: string; values: string[] } | { op: 'exists' | '!exists'; key: string };

export type Matcher = (obj: KubeObject) => boolean;

/** Splits on commas that are not inside parentheses. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current);
  return terms.map(t => t.trim()).filter(t => t.length > 0);
}

function parseTerm(term: string): Requirement {
  const setMatch = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
  if (setMatch) {
    const values = (setMatch[3] ?? '')
      .split(',')
      .map(v => v.trim())
      .filter(v => v.length > 0);
    return { op: setMatch[2] as 'in' | 'notin', key: setMatch[1] ?? '', values };
  }
  const eqMatch = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (eqMatch) {
    const value = eqMatch[3] ?? '';
    return { op: eqMatch[2] === '!=' ? 'notin' : 'in', key: eqMatch[1] ?? '', values: [value] };
  }
  if (/^![^\s=!(),]+$/.test(term)) return { op: '!exists', key: term.slice(1) };
  if (/^[^\s=!(),]+$/.test(term)) return { op: 'exists', key: term };
  throw badRequest(
    `unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, gt, lt`
  );
}

function matches(req: Requirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, req.key);
  switch (req.op) {
    case 'exists':
      return has;
    case '!exists':
      return !has;
    case 'in':
      return has && req.values.includes(labels[req.key] ?? '');
    case 'notin':
      return !has || !req.values.includes(labels[req.key] ?? '');
  }
}

/** Parses a `labelSelector` query string (=, ==, !=, in, notin, key, !key). */
export function parseLabelSelector(selector: string | undefined): Matcher {
  if (!selector) return () => true;
  const reqs = splitTerms(selector).map(parseTerm);
  return obj => {
    const labels = (obj.metadata?.labels ?? {}) as Record<string, string>;
    return reqs.every(r => matches(r, labels));
  };
}

function fieldValue(obj: KubeObject, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur === undefined || cur === null ? '' : String(cur);
}

/** Parses a `fieldSelector` (=, ==, != on dotted paths such as metadata.name or status.phase). */
export function parseFieldSelector(selector: string | undefined): Matcher {
  if (!selector) return () => true;
  const reqs = splitTerms(selector).map(term => {
    const m = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    return { path: m[1] ?? '', negate: m[2] === '!=', value: (m[3] ?? '').trim() };
  });
  return obj => reqs.every(r => (fieldValue(obj, r.path) === r.value) !== r.negate);
}

/** Matches labels against a metav1.LabelSelector object (matchLabels + matchExpressions). */
export function labelSelectorMatches(
  selector: KubeObject | undefined,
  labels: Record<string, string> | undefined
): boolean {
  if (!selector) return false;
  const have = labels ?? {};
  for (const [k, v] of Object.entries((selector.matchLabels ?? {}) as Record<string, string>)) {
    if (have[k] !== v) return false;
  }
  for (const expr of (selector.matchExpressions ?? []) as KubeObject[]) {
    const op = String(expr.operator);
    const req: Requirement =
      op === 'In' || op === 'NotIn'
        ? { op: op === 'In' ? 'in' : 'notin', key: expr.key, values: expr.values ?? [] }
        : { op: op === 'Exists' ? 'exists' : '!exists', key: expr.key };
    if (!matches(req, have)) return false;
  }
  return true;
}

/** Whether a metav1.LabelSelector selects nothing special (empty selects everything). */
export function isEmptySelector(selector: KubeObject | undefined): boolean {
  return (
    !selector ||
    (Object.keys(selector.matchLabels ?? {}).length === 0 &&
      (selector.matchExpressions ?? []).length === 0)
  );
}

/** Renders a metav1.LabelSelector as a selector string (used by the scale subresource). */
export function selectorToString(selector: KubeObject | undefined): string {
  if (!selector) return '';
  const parts = Object.entries((selector.matchLabels ?? {}) as Record<string, string>).map(
    ([k, v]) => `${k}=${v}`
  );
  for (const expr of (selector.matchExpressions ?? []) as KubeObject[]) {
    const values = ((expr.values ?? []) as string[]).join(',');
    if (expr.operator === 'In') parts.push(`${expr.key} in (${values})`);
    else if (expr.operator === 'NotIn') parts.push(`${expr.key} notin (${values})`);
    else if (expr.operator === 'Exists') parts.push(String(expr.key));
    else parts.push(`!${String(expr.key)}`);
  }
  return parts.join(',');
}
