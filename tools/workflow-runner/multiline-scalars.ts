/**
 * The text of string values that mix literal text and `${{ }}` expressions.
 *
 * @actions/workflow-parser turns such a value into `format('<text>', <expr0>, ...)`. Two
 * problems make that expression unfit for execution:
 * - for a multi-line scalar the text is the raw YAML source (kept for editor positions), so a
 *   `run: |` block keeps its indentation and quoted scalars keep their quotes;
 * - @actions/expressions 0.3.x unescapes only the first `''` of a string literal, so any text
 *   with two or more single quotes (common in shell scripts) comes out wrong.
 * The runner therefore evaluates the decoded text segment by segment instead (see
 * evaluateTemplate); this module provides that text.
 */
import { LineCounter, isScalar, parseDocument, visit } from 'yaml';
import type {
  BasicExpressionToken,
  TemplateToken
} from '@actions/workflow-parser/templates/tokens/index';
import { TemplateToken as Token } from '@actions/workflow-parser/templates/tokens/index';
import { isBasicExpression } from '@actions/workflow-parser/templates/tokens/type-guards';

const multilineText = new WeakMap<BasicExpressionToken, string>();

function isMultiline(token: BasicExpressionToken): boolean {
  return token.range !== undefined && token.range.start.line !== token.range.end.line;
}

/**
 * The decoded text (with `${{ }}`) of a value built from text and expressions; undefined when
 * the whole value is a single expression, which keeps its type.
 */
export function templateTextOf(token: BasicExpressionToken): string | undefined {
  if (!token.originalExpressions) return undefined;
  return isMultiline(token) ? multilineText.get(token) : token.source;
}

/** The value as written in the file, `${{ }}` included. */
export function writtenTextOf(token: BasicExpressionToken): string {
  return templateTextOf(token) ?? token.source ?? `\${{ ${token.expression} }}`;
}

/** Decoded string values of multi-line scalars, keyed by `line:column` of their start. */
function multilineStrings(content: string): Map<string, string> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(content, { lineCounter });
  const values = new Map<string, string>();
  visit(doc, {
    Scalar(_key, node) {
      if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return;
      const start = lineCounter.linePos(node.range[0]);
      const end = lineCounter.linePos(node.range[1]);
      if (start.line !== end.line) values.set(`${start.line}:${start.col}`, node.value);
    }
  });
  return values;
}

/** Records the decoded text of the multi-line template values of a parsed file. */
export function recordMultilineText(root: TemplateToken, content: string): void {
  let values: Map<string, string> | undefined;
  for (const [, token] of Token.traverse(root)) {
    if (!isBasicExpression(token) || !token.originalExpressions || !isMultiline(token)) continue;
    values ??= multilineStrings(content);
    const range = token.range;
    const value = range && values.get(`${range.start.line}:${range.start.column}`);
    if (value !== undefined) multilineText.set(token, value);
  }
}
