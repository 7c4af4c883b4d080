/**
 * Static analysis of expressions: which context paths (`steps.x.outputs.y`, `needs.j.result`)
 * and which functions an expression uses.
 */
import type { Expr } from '@actions/expressions';
import {
  Binary,
  ContextAccess,
  FunctionCall,
  Grouping,
  IndexAccess,
  Literal,
  Logical,
  Unary
} from '@actions/expressions/ast';
import { data } from '@actions/expressions';
import { parseExpression } from './expressions.ts';

export interface ExpressionFacts {
  /** Every dotted/indexed access with literal keys, e.g. ['steps', 'build', 'outputs', 'tag']. */
  paths: string[][];
  /** Function names, lower-cased. */
  functions: string[];
}

function pathOf(expr: Expr): string[] | undefined {
  if (expr instanceof ContextAccess) return [expr.name.lexeme];
  if (expr instanceof IndexAccess && expr.index instanceof Literal) {
    const key = expr.index.literal;
    if (key.kind !== data.Kind.String) return undefined;
    const base = pathOf(expr.expr);
    return base && [...base, key.coerceString()];
  }
  return undefined;
}

function children(expr: Expr): Expr[] {
  if (expr instanceof IndexAccess) return [expr.expr, expr.index];
  if (expr instanceof FunctionCall || expr instanceof Logical) return expr.args;
  if (expr instanceof Binary) return [expr.left, expr.right];
  if (expr instanceof Unary) return [expr.expr];
  if (expr instanceof Grouping) return [expr.group];
  return [];
}

export function analyzeExpression(source: string): ExpressionFacts {
  const facts: ExpressionFacts = { paths: [], functions: [] };
  const visit = (expr: Expr): void => {
    const path = pathOf(expr);
    if (path) {
      facts.paths.push(path);
      return;
    }
    if (expr instanceof FunctionCall) facts.functions.push(expr.functionName.lexeme.toLowerCase());
    children(expr).forEach(visit);
  };
  const root = parseExpression(source);
  if (root) visit(root);
  return facts;
}
