/** Splitting of a string value into literal text and its `${{ }}` expressions. */

export type TemplatePart = string | { expression: string };

const OPEN = '${{';

/** Mirrors the workflow parser: `}}` inside a single-quoted expression string does not close. */
export function splitTemplate(value: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let i = 0;
  while (i < value.length) {
    const start = value.indexOf(OPEN, i);
    if (start < 0) {
      parts.push(value.slice(i));
      break;
    }
    if (start > i) parts.push(value.slice(i, start));
    let inString = false;
    let end = -1;
    for (let j = start + OPEN.length; j < value.length; j++) {
      if (value[j] === "'") inString = !inString;
      else if (!inString && value[j] === '}' && value[j - 1] === '}') {
        end = j;
        break;
      }
    }
    if (end < 0) return [value];
    parts.push({ expression: value.slice(start + OPEN.length, end - 1).trim() });
    i = end + 1;
  }
  return parts;
}
